//! The exposition parser (Prometheus text 0.0.4 and OpenMetrics 1.0) and the scrape
//! selector: any input gives families or an error with a line and column, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use opsdeck::sources::exposition::{Format, Selector, flatten, parse_as, parse_samples, sum_matching};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for format in [Format::Text, Format::OpenMetrics] {
        if let Ok(families) = parse_as(text, format) {
            let samples = flatten(families);
            if let Ok(sel) = Selector::parse("up") {
                let _ = sum_matching(&samples, &sel);
            }
        }
    }
    if let Ok(sel) = Selector::parse(text)
        && let Ok(samples) = parse_samples("up 1\nx:y{a=\"b,c\"} 2\n")
    {
        let _ = sum_matching(&samples, &sel);
    }
});
