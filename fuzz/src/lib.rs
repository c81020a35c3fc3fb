//! The checks behind sysrt's fuzz targets: see [`checks`]. The targets themselves are
//! `fuzz_targets/<name>.rs`, one line each.
#![no_std]

pub mod checks;

/// The committed corpora, for the replay below (the test programs compile the same file in).
#[cfg(test)]
#[path = "../corpus/index.rs"]
mod corpus;

#[cfg(test)]
mod tests {
    use super::{checks, corpus};

    /// Every committed corpus file through its target's checks on the host: under
    /// `cargo +nightly miri test --manifest-path fuzz/Cargo.toml` (`cargo xtask miri`) this is
    /// where Miri looks for undefined behaviour in the parsers on the inputs the fuzzer found.
    /// Miri interprets every step (a vDSO image's lookups take seconds there), so under
    /// Miri it takes the named seeds and regressions and every `MIRI_STRIDE`th other file of
    /// each target; natively every file.
    #[test]
    fn every_corpus_file_passes_its_checks() {
        const MIRI_STRIDE: usize = 64;
        let stride = if cfg!(miri) { MIRI_STRIDE } else { 1 };
        let mut ran = 0;
        for t in checks::TARGETS {
            let (_, files) = corpus::CORPUS
                .iter()
                .find(|(name, _)| *name == t.name)
                .expect("every target has a corpus");
            for (i, (name, data)) in files.iter().enumerate() {
                let named = name.starts_with("seed-") || name.starts_with("regression-");
                if named || i % stride == 0 {
                    assert_eq!((t.check)(data), Ok(()), "{}/{name}", t.name);
                    ran += 1;
                }
            }
        }
        assert!(ran >= checks::TARGETS.len());
    }

    /// Every 16-bit flag word (all 2^16, a sample under Miri): exhaustive where the space is
    /// small, instead of fuzzing.
    #[test]
    fn every_16_bit_flag_word() {
        let stride = if cfg!(miri) { 251 } else { 1 };
        for raw in (0..=u16::MAX).step_by(stride) {
            assert_eq!(checks::flag_word_16(raw), Ok(()), "{raw:#x}");
        }
    }
}
