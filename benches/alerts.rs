//! Parsing and deriving 10,000 Alertmanager alerts (`GET /api/v2/alerts` body, about 5 MB):
//! what the screen does on every Alertmanager poll during an alert storm.
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

use opsdeck::config::types::PrioritySpec;
use opsdeck::derive::alerts::views;
use opsdeck::domain::dedup;
use opsdeck::sources::alertmanager::{AlertCache, parse_alerts};

/// A realistic API v2 body of `n` alerts: varied names, severities, teams, a few silenced
/// and inhibited, annotations with summary, description and runbook.
fn body(n: usize, updated_at: &str) -> Vec<u8> {
    let names = ["HighErrorRate", "HighLatency", "DiskFull", "PodCrashLooping", "WebsocketFailures"];
    let severities = ["critical", "warning", "info", "page"];
    let alerts: Vec<_> = (0..n)
        .map(|i| {
            let name = names[i % names.len()];
            let state = match i % 50 {
                0 => "suppressed",
                _ => "active",
            };
            json!({
                "annotations": {
                    "summary": format!("{name} on instance {i}"),
                    "description": format!("{name} has been firing on node-{i}.prod for 5 minutes; value {}.", i % 97),
                    "runbook": "gateway-overload.md"
                },
                "endsAt": "2026-11-23T15:21:50.507Z",
                "fingerprint": format!("{:016x}", 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1)),
                "receivers": [{"name": "oncall-pager"}],
                "startsAt": format!("2026-11-23T14:{:02}:{:02}.000Z", (i / 60) % 60, i % 60),
                "status": {
                    "inhibitedBy": if i % 50 == 0 { vec!["0123456789abcdef"] } else { vec![] },
                    "silencedBy": [],
                    "state": state
                },
                "updatedAt": updated_at,
                "generatorURL": format!("http://prometheus.example.com/graph?g0.expr=up%7Binstance%3D%22node-{i}%22%7D"),
                "labels": {
                    "alertname": name,
                    "instance": format!("node-{i}.prod:9100"),
                    "job": "node",
                    "severity": severities[i % severities.len()],
                    "team": format!("team-{}", i % 12),
                    "cluster": "prod-eu-1"
                }
            })
        })
        .collect();
    serde_json::to_vec(&alerts).unwrap()
}

fn alerts(c: &mut Criterion) {
    let bytes = body(10_000, "2026-11-23T14:59:50.507Z");
    // The same alerts re-sent by Prometheus: only `updatedAt` moved (a steady storm).
    let resent = body(10_000, "2026-11-23T15:00:50.507Z");
    let spec = PrioritySpec::default();
    let mut g = c.benchmark_group("alerts_10k");
    g.sample_size(20);
    g.throughput(criterion::Throughput::Bytes(bytes.len() as u64));
    g.bench_function("parse", |b| b.iter(|| parse_alerts(&bytes, "am").unwrap()));
    g.bench_function("parse_resent_with_cache", |b| {
        let mut cache = AlertCache::default();
        cache.parse(&bytes, "am").unwrap();
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            cache.parse(if flip { &resent } else { &bytes }, "am").unwrap()
        })
    });
    let parsed = parse_alerts(&bytes, "am").unwrap();
    assert_eq!(parsed.len(), 10_000);
    g.bench_function("dedup_and_derive", |b| {
        b.iter(|| views(&spec, &dedup(&[("am".to_string(), parsed.clone())])))
    });
    g.bench_function("parse_dedup_derive", |b| {
        b.iter(|| {
            let a = parse_alerts(&bytes, "am").unwrap();
            views(&spec, &dedup(&[("am".to_string(), a)]))
        })
    });
    g.finish();
}

criterion_group!(benches, alerts);
criterion_main!(benches);
