//! The checks behind sysrt's fuzz targets: see [`checks`]. The targets themselves are
//! `fuzz_targets/<name>.rs`, one line each.
#![no_std]

pub mod checks;
