//! The dev-set check (`bench/classifier_devset.py` writes the TSV): prints each labelled
//! block's verdict and the figures. Ignored: it needs the generated file.
use super::classify;
use crate::runbook::types::Safety;

fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[test]
#[ignore]
fn dev_set() {
    let path = std::env::var("OPSDECK_DEVSET").unwrap_or_else(|_| "/tmp/devset.tsv".into());
    let text = std::fs::read_to_string(path).expect("run bench/classifier_devset.py first");
    let (mut n_ro, mut n_de, mut kept, mut misses, mut unknown_de) = (0, 0, 0, 0, 0);
    for row in text.lines() {
        let f: Vec<&str> = row.splitn(4, '\t').collect();
        let script = decode(f[3]);
        let (s, r) = classify(&script);
        let mark = match (f[2], s) {
            ("readonly", Safety::ReadOnly) => {
                kept += 1;
                "ok"
            }
            ("readonly", _) => "FALSE-ALARM",
            (_, Safety::ReadOnly) => {
                misses += 1;
                "MISS"
            }
            (_, Safety::Unknown) => {
                unknown_de += 1;
                "ok?"
            }
            _ => "ok",
        };
        if f[2] == "readonly" {
            n_ro += 1;
        } else {
            n_de += 1;
        }
        if std::env::var("OPSDECK_DEVSET_ALL").is_ok() || !mark.starts_with("ok") {
            println!("{mark:12} {}#{} [{}] {r}\n    {:?}", f[0], f[1], f[2], script);
        }
    }
    println!(
        "dev set: read-only pass-through {kept}/{n_ro} = {:.1}%; destructive misses {misses} of {n_de} \
         ({unknown_de} flagged only as unknown)",
        kept as f64 * 100.0 / n_ro as f64
    );
}

#[test]
#[ignore]
fn one() {
    for s in std::env::var("OPSDECK_ONE").unwrap_or_default().split("\n---\n") {
        println!("{s:?} -> {:?}", classify(s));
        for f in super::findings(s) {
            println!("   {f:?}");
        }
    }
}
