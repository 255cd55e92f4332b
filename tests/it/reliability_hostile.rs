//! Hostile input, in `cargo test`: the same entry points as the `fuzz/` targets, driven by
//! proptest with (a) arbitrary text and (b) real fixtures with random byte edits (the inputs
//! that get past the first few bytes of a parser). Every input gives a value or an error
//! with a position, never a panic. Long runs are `cargo fuzz` (docs/guarantees.md); this is
//! the smoke run that keeps every push honest.
use std::path::Path;

use opsdeck::domain::dedup;
use opsdeck::sources::alertmanager::{
    error_detail, parse_alert_groups, parse_alerts, parse_receivers, parse_silences, parse_status,
};
use opsdeck::sources::exposition::{Format, Selector, parse_as, parse_samples, sum_matching};
use opsdeck::sources::http::Body;
use opsdeck::sources::prometheus::parse_response;
use opsdeck::sources::statuspage::{parse_components, parse_incidents, parse_summary};
use opsdeck::util::text::{sanitize, truncate_width};
use proptest::prelude::*;
use unicode_width::UnicodeWidthStr;

fn fixtures(dir: &str, ext: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext) || ext.is_empty())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v.into_iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// One random edit: replace, insert or delete a byte run at a position.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, Vec<u8>),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..8),
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"NaN".to_vec()),
        Just(b"-Inf".to_vec()),
        Just(b"1e999".to_vec()),
        Just(b"null".to_vec()),
        Just(b"# EOF\n".to_vec()),
        Just(b"```".to_vec()),
        Just(b"---\n".to_vec()),
        Just("\u{1b}]52;c;AAAA\u{7}".as_bytes().to_vec()),
        Just("\u{202e}".as_bytes().to_vec()),
        Just("日本".as_bytes().to_vec()),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(
        prop_oneof![
            (any::<usize>(), interesting_bytes()).prop_map(|(i, b)| Edit::Replace(i, b)),
            (any::<usize>(), interesting_bytes()).prop_map(|(i, b)| Edit::Insert(i, b)),
            (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        ],
        1..6,
    )
}

fn apply(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = data.len().max(1);
        match e {
            Edit::Replace(i, b) => {
                let i = i % len;
                let end = (i + b.len()).min(data.len());
                data.splice(i.min(data.len())..end, b.iter().copied());
            }
            Edit::Insert(i, b) => {
                let i = i % (data.len() + 1);
                data.splice(i..i, b.iter().copied());
            }
            Edit::Delete(i, n) => {
                let i = i % len;
                let end = (i + n).min(data.len());
                if i < end {
                    data.drain(i..end);
                }
            }
        }
    }
    data
}

fn pick(v: &[Vec<u8>], i: usize) -> Vec<u8> {
    v[i % v.len()].clone()
}

// ---- the checks, shared by both kinds of input -----------------------------------------

fn check_exposition(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for format in [Format::Text, Format::OpenMetrics] {
        match parse_as(&text, format) {
            Ok(_) => {}
            Err(e) => assert!(e.line >= 1 && e.column >= 1, "{e:?}"),
        }
    }
    if let Ok(sel) = Selector::parse(&text)
        && let Ok(samples) = parse_samples("up 1\nx:y{a=\"b,c\"} 2\n")
    {
        let _ = sum_matching(&samples, &sel);
    }
}

fn check_json_decoders(data: &[u8]) {
    for status in [200, 422, 503] {
        let body = Body { status, content_type: Some("application/json".into()), bytes: data.to_vec() };
        if let Err(e) = parse_response(&body) {
            assert!(!e.to_string().is_empty());
        }
    }
    if let Ok(a) = parse_alerts(data, "am-a") {
        let merged = dedup(&[("am-a".into(), a.clone()), ("am-b".into(), a.clone())]);
        assert!(merged.len() <= a.len());
    }
    let _ = parse_alert_groups(data, "am-a");
    let _ = parse_silences(data);
    let _ = parse_status(data);
    let _ = parse_receivers(data);
    let _ = error_detail(data);
    let _ = parse_summary(data);
    let _ = parse_components(data);
    let _ = parse_incidents(data);
}

fn check_runbook(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("hostile.md");
    match opsdeck::runbook::parse_str(&text, path) {
        Ok(rb) => {
            // Every block the parser found gets a verdict from the classifier too.
            for step in &rb.steps {
                for block in &step.blocks {
                    let _ = opsdeck::runbook::classify::classify(&block.script);
                }
            }
        }
        Err(e) => assert!(e.line >= 1, "a parse error has a line: {e}"),
    }
    let _ = opsdeck::runbook::lint::lint_text(&text, path);
    let _ = opsdeck::runbook::classify::classify(&text);
}

fn check_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(errors) = opsdeck::config::parse_str(&text, "hostile.toml") {
        assert!(!errors.is_empty());
        for e in errors {
            assert!(e.line >= 1 && e.column >= 1, "{e:?}");
        }
    }
}

fn check_text(s: &str, max: usize) {
    let clean = sanitize(s);
    for c in clean.chars() {
        assert!(!c.is_control(), "{c:?} survived in {clean:?}");
        assert!(!matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'), "{c:?}");
    }
    let cut = truncate_width(&clean, max);
    assert!(cut.width() <= max, "{cut:?} is wider than {max}");
    if clean.width() > max && max > 0 {
        assert!(cut.ends_with('…'));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_exposition(&data);
        check_json_decoders(&data);
        check_runbook(&data);
        check_config(&data);
        check_text(&String::from_utf8_lossy(&data), data.len() % 40);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC*") {
        check_exposition(s.as_bytes());
        check_json_decoders(s.as_bytes());
        check_runbook(s.as_bytes());
        check_config(s.as_bytes());
        check_text(&s, s.len() % 40);
    }

    #[test]
    fn mutated_exposition_fixtures(i in any::<usize>(), e in edits()) {
        let all = fixtures("tests/fixtures/prometheus/exposition", "");
        check_exposition(&apply(pick(&all, i), &e));
    }

    #[test]
    fn mutated_json_fixtures(i in any::<usize>(), e in edits()) {
        let mut all = fixtures("tests/fixtures/prometheus/api", "json");
        all.extend(fixtures("tests/fixtures/alertmanager", "json"));
        all.extend(fixtures("tests/fixtures/statuspage", "json"));
        check_json_decoders(&apply(pick(&all, i), &e));
    }

    #[test]
    fn mutated_runbooks(i in any::<usize>(), e in edits()) {
        let mut all = fixtures("runbooks", "md");
        all.extend(fixtures("tests/fixtures/runbooks", "md"));
        check_runbook(&apply(pick(&all, i), &e));
    }

    #[test]
    fn hostile_terminal_text(parts in proptest::collection::vec(prop_oneof![
        Just("\u{1b}".to_string()), Just("\u{1b}[".to_string()), Just("\u{1b}]".to_string()),
        Just("\u{9b}".to_string()), Just("\u{9d}".to_string()), Just("\u{9c}".to_string()),
        Just("\u{7}".to_string()), Just("\u{1b}\\".to_string()), Just("2J".to_string()),
        Just("\u{202e}".to_string()), Just("\u{2066}".to_string()), Just("日本".to_string()),
        Just("e\u{301}".to_string()), Just("🚀".to_string()), Just("❤️".to_string()),
        "[ -~]{0,4}",
    ], 0..24), max in 0usize..30) {
        check_text(&parts.concat(), max);
    }
}

#[test]
fn every_fixture_unmutated_is_handled() {
    for f in fixtures("tests/fixtures/prometheus/exposition", "") {
        check_exposition(&f);
    }
    for dir in ["tests/fixtures/prometheus/api", "tests/fixtures/alertmanager", "tests/fixtures/statuspage"] {
        for f in fixtures(dir, "json") {
            check_json_decoders(&f);
        }
    }
    let runbooks = fixtures("runbooks", "md");
    assert!(!runbooks.is_empty(), "the shipped runbooks are found");
    for f in runbooks {
        check_runbook(&f);
    }
}
