//! The runbook parser (front matter, CommonMark, attributes) and the linter on top of it:
//! any input gives a runbook or an error with file:line:col, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("fuzz.md");
    if let Err(e) = opsdeck::runbook::parse_str(text, path) {
        let _ = e.to_string();
    }
    let _ = opsdeck::runbook::lint::lint_text(text, path);
});
