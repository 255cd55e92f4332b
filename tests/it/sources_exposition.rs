//! The exposition parser and selectors on every fixture in tests/fixtures/prometheus/exposition/,
//! plus a property test that no input makes the parser panic.
use opsdeck::sources::exposition::{self, Format, MetricType, Selector, parse, parse_samples, sum_matching};
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/prometheus/exposition/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn sum(text: &str, selector: &str) -> Option<f64> {
    sum_matching(&parse_samples(text).unwrap(), &Selector::parse(selector).unwrap())
}

#[test]
fn every_fixture_parses() {
    let dir = format!("{}/tests/fixtures/prometheus/exposition", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let fams = parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!fams.is_empty(), "{}", path.display());
        n += 1;
    }
    assert_eq!(n, 6, "a new fixture needs its own test below");
}

#[test]
fn start_backends_sample() {
    let text = fixture("start-backends-sample-metrics.txt");
    let fams = parse(&text).unwrap();
    let names: Vec<_> = fams.iter().map(|f| (f.name.as_str(), f.kind)).collect();
    assert_eq!(
        names,
        vec![
            ("obs_test_requests_total", MetricType::Counter),
            ("obs_test_temperature_celsius", MetricType::Gauge),
            ("obs_test_queue_limit", MetricType::Gauge),
            ("obs_test_latency_seconds", MetricType::Histogram),
        ]
    );
    assert_eq!(fams[0].help.as_deref(), Some("Requests handled, by service and code."));
    assert_eq!(fams[3].samples.len(), 5, "buckets, sum and count belong to the histogram");
    assert_eq!(sum(&text, "obs_test_requests_total"), Some(1030.0));
    assert_eq!(sum(&text, r#"obs_test_requests_total{code="500"}"#), Some(3.0));
    assert_eq!(sum(&text, r#"obs_test_requests_total{code=~"2.."}"#), Some(1027.0));
    assert_eq!(sum(&text, r#"obs_test_temperature_celsius{room="lab"}"#), Some(21.5));
    assert!(sum(&text, r#"obs_test_temperature_celsius{room="broken-sensor"}"#).unwrap().is_nan());
    assert_eq!(sum(&text, "obs_test_queue_limit"), Some(f64::INFINITY));
    assert_eq!(sum(&text, r#"obs_test_latency_seconds_bucket{le="0.5"}"#), Some(98.0));
    assert_eq!(sum(&text, r#"obs_test_latency_seconds_bucket{le="+Inf"}"#), Some(100.0));
    assert_eq!(sum(&text, "obs_test_latency_seconds_sum"), Some(7.5));
    assert_eq!(sum(&text, "obs_test_latency_seconds_count"), Some(100.0));
    assert_eq!(sum(&text, "obs_test_missing"), None);
}

#[test]
fn prometheus_self_metrics() {
    let text = fixture("prometheus-2.42-self-metrics.txt");
    let fams = parse(&text).unwrap();
    assert_eq!(fams.len(), 181);
    assert!(fams.iter().all(|f| f.help.is_some()), "every family has its HELP");
    let samples: usize = fams.iter().map(|f| f.samples.len()).sum();
    assert_eq!(samples, 513);
    assert_eq!(sum(&text, "go_goroutines"), Some(38.0));
    assert_eq!(
        sum(&text, r#"prometheus_http_requests_total{code="200",handler="/api/v1/query"}"#),
        Some(58.0)
    );
    assert_eq!(
        sum(&text, r#"net_conntrack_dialer_conn_failed_total{dialer_name="alertmanager",reason="refused"}"#),
        Some(0.0)
    );
    let build =
        parse_samples(&text).unwrap().into_iter().find(|s| s.name == "prometheus_build_info").unwrap();
    assert_eq!(build.labels["version"], "2.42.0+ds");
    assert_eq!(build.labels["revision"], "2.42.0+ds-5+deb12u1");
    let hist = fams.iter().find(|f| f.name == "prometheus_http_request_duration_seconds").unwrap();
    assert_eq!(hist.kind, MetricType::Histogram);
    assert!(hist.samples.iter().any(|s| s.name.ends_with("_bucket") && s.labels["le"] == "+Inf"));
    assert!(hist.samples.iter().any(|s| s.name.ends_with("_count")));
    let summary = fams.iter().find(|f| f.name == "go_gc_duration_seconds").unwrap();
    assert_eq!(summary.kind, MetricType::Summary);
    assert_eq!(
        summary
            .samples
            .iter()
            .find(|s| s.labels.get("quantile").map(String::as_str) == Some("0.5"))
            .unwrap()
            .value,
        0.00010817
    );
    // Label values with `:` and `/` survive.
    assert_eq!(
        sum(
            &text,
            r#"prometheus_notifications_errors_total{alertmanager="http://127.0.0.1:19093/api/v2/alerts"}"#
        ),
        Some(0.0)
    );
}

#[test]
fn openmetrics_escaping() {
    let text = fixture("openmetrics-escaping.txt");
    let fams = parse(&text).unwrap();
    assert_eq!(fams.len(), 1);
    let f = &fams[0];
    assert_eq!((f.name.as_str(), f.kind), ("a", MetricType::Counter));
    assert_eq!(f.help.as_deref(), Some("he\n\\l\\tp"));
    let v: Vec<(&str, f64)> = f.samples.iter().map(|s| (s.labels["foo"].as_str(), s.value)).collect();
    assert_eq!(v, vec![("b\"a\nr", 1.0), ("b\\a\\z", 2.0), ("b\"a\nr # ", 3.0), ("b\\a\\z # ", 4.0)]);
    assert!(
        f.samples.iter().all(|s| s.name == "a_total" && s.exemplar.is_none()),
        "a `#` inside quotes is no exemplar"
    );
}

#[test]
fn openmetrics_histogram_exemplars() {
    let text = fixture("openmetrics-histogram-exemplars.txt");
    let fams = parse(&text).unwrap();
    assert_eq!(fams.len(), 1);
    let s = &fams[0].samples;
    assert_eq!(fams[0].kind, MetricType::Histogram);
    assert_eq!(s.len(), 3);
    assert_eq!((s[0].labels["le"].as_str(), s[0].value), ("1.0", 0.0));
    let ex = s[0].exemplar.as_ref().unwrap();
    assert_eq!((ex.labels["a"].as_str(), ex.value, ex.timestamp), ("b", 0.5, None));
    let ex = s[2].exemplar.as_ref().unwrap();
    assert_eq!(ex.labels["a"].len(), 127);
    assert_eq!((ex.value, ex.timestamp), (4.0, Some(123.0)));
    assert_eq!(s[2].value, 3.0);
}

#[test]
fn openmetrics_roundtrip() {
    let text = fixture("openmetrics-roundtrip.txt");
    let fams = parse(&text).unwrap();
    let by = |n: &str| fams.iter().find(|f| f.name == n).unwrap();
    assert_eq!(by("go_gc_duration_seconds").kind, MetricType::Summary);
    assert_eq!(by("go_gc_duration_seconds").samples.len(), 7);
    assert_eq!(by("go_goroutines").samples[0].value, 166.0);
    let nan_q = by("prometheus_local_storage_indexing_batch_duration_milliseconds");
    assert!(nan_q.samples[0].value.is_nan());
    assert_eq!(nan_q.samples[3].value, 871.5665949999999);
    let cpu = by("process_cpu_seconds");
    assert_eq!(
        (cpu.kind, cpu.samples[0].name.as_str(), cpu.samples[0].value),
        (MetricType::Counter, "process_cpu_seconds_total", 29323.4)
    );
    assert_eq!(by("process_virtual_memory_bytes").samples[0].value, 2.478268416e9);
    let ops = by("prometheus_local_storage_chunk_ops");
    assert_eq!(ops.samples.len(), 8);
    assert_eq!(ops.samples.iter().find(|s| s.labels["type"] == "drop").unwrap().value, 1.345758e6);
    let foo = by("foo");
    assert_eq!(foo.samples.len(), 14, "11 buckets, count, sum, created");
    assert_eq!(foo.samples.last().unwrap().name, "foo_created");
    assert_eq!(foo.samples.last().unwrap().value, 1.520430000123e9);
    assert_eq!(
        foo.samples
            .iter()
            .find(|s| s.labels.get("le").map(String::as_str) == Some("1.55555555555552e+06"))
            .unwrap()
            .value,
        17.0
    );
    assert_eq!(by("bar").samples.len(), 2);
    assert_eq!(sum(&text, r#"bar_bucket{a="c"}"#), Some(0.0));
}

#[test]
fn backfill_openmetrics_has_timestamps_in_seconds() {
    let text = fixture("backfill-sample.om");
    let fams = parse(&text).unwrap();
    let cpu = fams.iter().find(|f| f.name == "obs_hist_cpu_ratio").unwrap();
    assert_eq!(cpu.kind, MetricType::Gauge);
    let first = &cpu.samples[0];
    assert_eq!(
        (first.labels["host"].as_str(), first.value, first.timestamp),
        ("web-1", 0.5, Some(1_795_385_782.0))
    );
    let last = cpu.samples.last().unwrap();
    assert_eq!(
        (last.labels["host"].as_str(), last.value, last.timestamp),
        ("web-2", 0.7578, Some(1_795_395_922.0))
    );
    let total: usize = fams.iter().map(|f| f.samples.len()).sum();
    let lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
    assert_eq!(total, lines, "every sample line is kept");
}

#[test]
fn text_timestamps_are_milliseconds() {
    let s = parse_samples("x{a=\"1\"} 5 1700000000123\n").unwrap();
    assert_eq!(s[0].timestamp, Some(1_700_000_000.123));
    let om = exposition::parse_as("x 5 1700000000.5\n# EOF\n", Format::OpenMetrics).unwrap();
    assert_eq!(om[0].samples[0].timestamp, Some(1_700_000_000.5));
}

#[test]
fn content_after_eof_is_an_error_with_position() {
    let e = parse("a 1\n# EOF\nb 2\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 1));
    assert_eq!(e.to_string(), "line 3 column 1: content after `# EOF`");
}

#[test]
fn unknown_type_is_named() {
    let e = parse("# TYPE x countr\nx 1\n").unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.message.contains("unknown metric type `countr`"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(text in "\\PC*") {
        let _ = parse(&text);
    }

    #[test]
    fn parse_never_panics_on_exposition_like_text(
        lines in proptest::collection::vec(
            "(# (HELP|TYPE|UNIT|EOF) ?)?[a-z_:{}=\",# \\\\0-9.+\\-eEIinfNa\\t]{0,40}", 0..12)
    ) {
        let text = lines.join("\n");
        let _ = parse(&text);
        let _ = Selector::parse(&text);
    }

    #[test]
    fn label_values_round_trip(v in "[^\\\\\"\n]{0,20}") {
        let line = format!("m{{l=\"{}\"}} 1\n", v);
        let s = parse_samples(&line).unwrap();
        prop_assert_eq!(&s[0].labels["l"], &v);
    }
}
