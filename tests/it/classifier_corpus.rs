//! The labelled classifier corpus (`tests/fixtures/classifier/corpus.tsv`): no destructive
//! or unknown command may come out read-only, and precision on read-only commands is
//! printed and held above a floor.
use opsdeck::runbook::Safety;
use opsdeck::runbook::classify::classify;

/// `\n` in the corpus is a newline, `\\` a backslash; anything else stays as written.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some('n') => {
                    it.next();
                    out.push('\n');
                }
                Some('\\') => {
                    it.next();
                    out.push('\\');
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn corpus_has_no_destructive_misses_and_good_precision() {
    let text = std::fs::read_to_string("tests/fixtures/classifier/corpus.tsv").unwrap();
    let (mut misses, mut false_alarms) = (Vec::new(), Vec::new());
    let (mut readonly, mut flagged, mut total) = (0usize, 0usize, 0usize);
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (expected, cmd) = line.split_once('\t').unwrap_or_else(|| panic!("line {}: no tab", n + 1));
        let cmd = decode(cmd);
        let (safety, reason) = classify(&cmd);
        total += 1;
        match expected {
            "readonly" => {
                readonly += 1;
                if safety != Safety::ReadOnly {
                    false_alarms.push(format!("line {}: {cmd:?} -> {safety:?}: {reason}", n + 1));
                }
            }
            "destructive" | "unknown" => {
                flagged += 1;
                if safety == Safety::ReadOnly {
                    misses.push(format!("line {}: {cmd:?} -> {reason}", n + 1));
                }
                if expected == "destructive" && safety != Safety::Destructive {
                    false_alarms.push(format!(
                        "line {}: {cmd:?} expected destructive, got {safety:?}: {reason}",
                        n + 1
                    ));
                }
            }
            other => panic!("line {}: unknown label {other}", n + 1),
        }
    }
    let correct_ro = readonly - false_alarms.iter().filter(|l| !l.contains("expected destructive")).count();
    let precision = correct_ro as f64 / readonly as f64;
    println!(
        "classifier corpus: {total} commands ({readonly} read-only, {flagged} destructive/unknown); \
         destructive misses: {}; read-only precision (kept read-only): {:.1}%",
        misses.len(),
        precision * 100.0
    );
    for f in &false_alarms {
        println!("  imprecise: {f}");
    }
    assert!(total >= 200, "corpus has only {total} commands");
    assert!(misses.is_empty(), "destructive commands classified read-only:\n{}", misses.join("\n"));
    assert!(false_alarms.is_empty(), "imprecise verdicts:\n{}", false_alarms.join("\n"));
}
