//! The config loader and validator: any TOML gives a config or errors with line and column.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(errors) = opsdeck::config::parse_str(text, "fuzz.toml") {
        for e in errors {
            assert!(e.line >= 1 && e.column >= 1, "{e:?}");
        }
    }
});
