//! The runbook classifier over the whole labelled corpus
//! (`tests/fixtures/classifier/corpus.tsv`) and over every shell block of the shipped
//! runbooks (`runbooks/*.md`, parsed once outside the measurement).
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;

use opsdeck::runbook::classify::classify;
use opsdeck::runbook::parse::parse_file;

/// The corpus's commands (`\n` is a newline, `\\` a backslash, as its test reads them).
fn corpus() -> Vec<String> {
    let text = std::fs::read_to_string("tests/fixtures/classifier/corpus.tsv").expect("corpus");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(_, cmd)| cmd.replace("\\\\", "\u{0}").replace("\\n", "\n").replace('\u{0}', "\\"))
        .collect()
}

fn shipped_blocks() -> Vec<String> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir("runbooks")
        .expect("runbooks/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| !matches!(p.file_name().and_then(|n| n.to_str()), Some("README.md" | "QUERIES.md")))
        .collect();
    files.sort();
    for f in &files {
        let rb = parse_file(Path::new(f)).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        out.extend(rb.steps.iter().flat_map(|s| s.blocks.iter().map(|b| b.script.clone())));
    }
    out
}

fn classifier(c: &mut Criterion) {
    let corpus = corpus();
    assert!(corpus.len() >= 200, "{} commands", corpus.len());
    let blocks = shipped_blocks();
    assert!(!blocks.is_empty());
    c.bench_function(&format!("classify_corpus_{}", corpus.len()), |b| {
        b.iter(|| corpus.iter().map(|cmd| classify(cmd)).collect::<Vec<_>>())
    });
    c.bench_function(&format!("classify_shipped_runbooks_{}_blocks", blocks.len()), |b| {
        b.iter(|| blocks.iter().map(|s| classify(s)).collect::<Vec<_>>())
    });
}

criterion_group!(benches, classifier);
criterion_main!(benches);
