//! The command line's handling of arbitrary bytes: the input, split at NUL bytes, is an
//! argument vector (non-UTF-8 bytes included) given to `ntop`, `nix-instantiate` or
//! `nix-build` (chosen by the first byte), parsed and turned into the driver's requests
//! without running anything. Any input must end in a parsed command or a usage error, never
//! a panic.
#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let program = ["ntop", "nix-instantiate", "nix-build"][usize::from(which % 3)];
    let mut argv = vec![OsString::from(program)];
    argv.extend(rest.split(|&b| b == 0).map(|a| OsString::from_vec(a.to_vec())));
    let _ = ntop_cli::check_command_line(argv);
});
