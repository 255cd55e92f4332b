//! The Alertmanager API v2 decoders: alerts, alert groups, silences, status, error bodies.
#![no_main]
use libfuzzer_sys::fuzz_target;
use opsdeck::sources::alertmanager::{
    dedup, error_detail, parse_alert_groups, parse_alerts, parse_receivers, parse_silences, parse_status,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(alerts) = parse_alerts(data, "am-a") {
        let _ = dedup(&[("am-a".into(), alerts.clone()), ("am-b".into(), alerts)]);
    }
    let _ = parse_alert_groups(data, "am-a");
    let _ = parse_silences(data);
    let _ = parse_status(data);
    let _ = parse_receivers(data);
    let _ = error_detail(data);
});
