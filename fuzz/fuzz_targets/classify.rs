//! The command classifier: any script gets a verdict, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(script) = std::str::from_utf8(data) else { return };
    let _ = opsdeck::runbook::classify::classify(script);
});
