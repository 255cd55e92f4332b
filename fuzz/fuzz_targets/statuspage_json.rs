//! The Statuspage v2 decoders: summary, components, incidents.
#![no_main]
use libfuzzer_sys::fuzz_target;
use opsdeck::sources::statuspage::{parse_components, parse_incidents, parse_summary};

fuzz_target!(|data: &[u8]| {
    let _ = parse_summary(data);
    let _ = parse_components(data);
    let _ = parse_incidents(data);
});
