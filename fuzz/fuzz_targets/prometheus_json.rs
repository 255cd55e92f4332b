//! The Prometheus HTTP API decoder, for success and error statuses.
#![no_main]
use libfuzzer_sys::fuzz_target;
use opsdeck::sources::http::Body;
use opsdeck::sources::prometheus::{parse_buildinfo, parse_response};

fuzz_target!(|data: &[u8]| {
    for status in [200, 400, 503] {
        let body = Body { status, content_type: Some("application/json".into()), bytes: data.to_vec() };
        if let Err(e) = parse_response(&body) {
            let _ = e.to_string();
        }
        let _ = parse_buildinfo(&body);
        let _ = body.excerpt();
    }
});
