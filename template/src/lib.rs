//! The program's logic, apart from its entry (src/main.rs) so that `cargo test` can run its
//! unit tests on the host, with std. Outside tests it is `no_std`, like the program.
#![cfg_attr(not(test), no_std)]

/// What the program says, for `args` arguments (argv[0] included).
pub fn greeting(args: usize) -> &'static str {
    match args {
        0 | 1 => "hello from a libc-free program",
        _ => "hello from a libc-free program, with arguments",
    }
}

/// The exit status: the number of arguments after the program's name.
pub fn exit_code(args: usize) -> i32 {
    args.saturating_sub(1).min(255) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_with_and_without_arguments() {
        assert_eq!(greeting(1), "hello from a libc-free program");
        assert_eq!(greeting(3), "hello from a libc-free program, with arguments");
    }

    #[test]
    fn exit_code_counts_arguments() {
        assert_eq!(exit_code(0), 0);
        assert_eq!(exit_code(3), 2);
        assert_eq!(exit_code(1000), 255);
    }
}
