//! Parsing a 5 MB exposition file (Prometheus text 0.0.4): counters, gauges, histograms
//! with many label sets, escaped label values, HELP and TYPE lines.
use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;

use opsdeck::sources::exposition::parse;

/// About `target` bytes of a realistic `/metrics` page.
fn page(target: usize) -> String {
    let mut s = String::with_capacity(target + 4096);
    let mut family = 0usize;
    while s.len() < target {
        let f = family;
        family += 1;
        let _ = writeln!(s, "# HELP http_requests_{f}_total Requests served, by \"handler\" and code.");
        let _ = writeln!(s, "# TYPE http_requests_{f}_total counter");
        for i in 0..40 {
            let _ = writeln!(
                s,
                "http_requests_{f}_total{{handler=\"/api/v1/q{i}\",code=\"{}\",path=\"a,b=c}}\\\"d\\\\\"}} {} 1700000000000",
                200 + (i % 4) * 100,
                i * 1000 + f
            );
        }
        let _ = writeln!(s, "# HELP rpc_duration_{f}_seconds RPC latency.");
        let _ = writeln!(s, "# TYPE rpc_duration_{f}_seconds histogram");
        for svc in ["api", "gateway", "db"] {
            let mut cum = 0;
            for le in ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"] {
                cum += 7;
                let _ = writeln!(s, "rpc_duration_{f}_seconds_bucket{{service=\"{svc}\",le=\"{le}\"}} {cum}");
            }
            let _ = writeln!(s, "rpc_duration_{f}_seconds_sum{{service=\"{svc}\"}} 12.5e-1");
            let _ = writeln!(s, "rpc_duration_{f}_seconds_count{{service=\"{svc}\"}} {cum}");
        }
        let _ = writeln!(s, "# TYPE process_{f}_gauge gauge");
        let _ = writeln!(s, "process_{f}_gauge NaN");
        let _ = writeln!(s, "process_{f}_gauge{{kind=\"inf\"}} +Inf");
    }
    s
}

fn exposition(c: &mut Criterion) {
    let text = page(5 * 1024 * 1024);
    let families = parse(&text).expect("the generated page parses");
    assert!(families.len() > 1000);
    let mut g = c.benchmark_group("exposition");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Bytes(text.len() as u64));
    g.bench_function("parse_5MB", |b| b.iter(|| parse(&text).unwrap()));
    g.finish();
}

criterion_group!(benches, exposition);
criterion_main!(benches);
