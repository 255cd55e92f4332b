//! Thirty real public runbooks (`tests/fixtures/real-runbooks/`, byte for byte, labels by
//! reading each block): every labelled shell block must be a runnable block, in document
//! order; no destructive block may come out read-only; and at least 90% of the read-only
//! blocks must run without a confirmation. The figures are printed (BENCHMARKS.md records
//! them).
use opsdeck::runbook::{Safety, parse_file};
use std::collections::BTreeMap;
use std::path::Path;

const DIR: &str = "tests/fixtures/real-runbooks";
/// The floor held by this test (issue #12).
const PASS_THROUGH_FLOOR: f64 = 90.0;

struct Label {
    line: usize,
    destructive: bool,
    first_line: String,
}

/// file -> block_index -> (start line, kind), from blocks.tsv.
fn blocks() -> BTreeMap<String, BTreeMap<usize, (usize, String)>> {
    let text = std::fs::read_to_string(Path::new(DIR).join("blocks.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeMap<usize, (usize, String)>> = BTreeMap::new();
    for row in text.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        out.entry(f[0].to_string())
            .or_default()
            .insert(f[1].parse().unwrap(), (f[2].parse().unwrap(), f[4].to_string()));
    }
    out
}

fn labels() -> BTreeMap<String, Vec<Label>> {
    let blocks = blocks();
    let text = std::fs::read_to_string(Path::new(DIR).join("labels.tsv")).unwrap();
    let mut out: BTreeMap<String, Vec<Label>> = BTreeMap::new();
    for row in text.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let index: usize = f[1].parse().unwrap();
        let (line, kind) = &blocks[f[0]][&index];
        assert_eq!(kind, "shell", "{} block {index}", f[0]);
        out.entry(f[0].to_string()).or_default().push(Label {
            line: *line,
            destructive: f[2] == "destructive",
            first_line: f[3].to_string(),
        });
    }
    out
}

#[test]
fn real_runbooks_every_shell_block_runs_no_destructive_miss_and_confirmations_mean_something() {
    let (mut missing, mut misses, mut false_alarms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut n_ro, mut n_de, mut ro_kept) = (0usize, 0usize, 0usize);
    for (file, labels) in labels() {
        let rb = parse_file(&Path::new(DIR).join(&file)).unwrap_or_else(|e| panic!("{e}"));
        let runnable: Vec<_> = rb.steps.iter().flat_map(|s| s.blocks.iter()).collect();
        let lines: Vec<usize> = runnable.iter().map(|b| b.line).collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{file}: blocks out of order: {lines:?}");
        for l in &labels {
            let Some(b) = runnable.iter().find(|b| b.line == l.line) else {
                missing.push(format!("{file}:{}: {}", l.line, l.first_line));
                continue;
            };
            if l.destructive {
                n_de += 1;
                if b.safety == Safety::ReadOnly {
                    misses.push(format!("{file}:{}: {} -> {}", l.line, l.first_line, b.reason));
                }
            } else {
                n_ro += 1;
                if b.safety == Safety::ReadOnly {
                    ro_kept += 1;
                } else {
                    false_alarms.push(format!("{file}:{}: {} -> {}", l.line, l.first_line, b.reason));
                }
            }
        }
    }
    let pass = ro_kept as f64 * 100.0 / n_ro.max(1) as f64;
    let recall = (n_de - misses.len()) as f64 * 100.0 / n_de.max(1) as f64;
    println!(
        "real runbooks: {} labelled shell blocks, {} not runnable; destructive recall {recall:.1}% \
         ({n_de} destructive, {} missed); read-only pass-through {pass:.1}% ({ro_kept} of {n_ro})",
        n_ro + n_de + missing.len(),
        missing.len(),
        misses.len()
    );
    for f in &false_alarms {
        println!("  confirmation asked for a read-only block: {f}");
    }
    for m in &misses {
        println!("  DESTRUCTIVE MISSED: {m}");
    }
    for m in &missing {
        println!("  NOT RUNNABLE: {m}");
    }
    assert!(missing.is_empty(), "shell blocks that are not runnable:\n{}", missing.join("\n"));
    assert!(misses.is_empty(), "destructive blocks that came out read-only:\n{}", misses.join("\n"));
    assert!(pass >= PASS_THROUGH_FLOOR, "read-only pass-through {pass:.1}% is under {PASS_THROUGH_FLOOR}%");
}
