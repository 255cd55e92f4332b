//! Property tests: the shell reader, the classifier and the runbook parser never panic,
//! whatever the text; and gluing a destructive command onto any script keeps it flagged.
use opsdeck::runbook::classify::classify;
use opsdeck::runbook::lint::lint_text;
use opsdeck::runbook::{Safety, parse_str};
use proptest::prelude::*;
use std::path::Path;

/// Text made of the characters that matter to a shell and to Markdown.
fn shellish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("kubectl ".to_string()),
            Just("get ".to_string()),
            Just("delete ".to_string()),
            Just("psql -c ".to_string()),
            Just("redis-cli ".to_string()),
            Just("curl -X ".to_string()),
            Just("<<EOF\n".to_string()),
            Just("EOF\n".to_string()),
            Just("$(".to_string()),
            Just("${".to_string()),
            Just("$((".to_string()),
            Just("<(".to_string()),
            "[ -~\n\t]{0,3}",
            "[\"'`\\\\$(){}|&;<>#=\n]",
            "\\PC{0,2}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("---\n".to_string()),
            Just("## Step\n".to_string()),
            Just("# Title\n".to_string()),
            Just("```sh {".to_string()),
            Just("```console\n$ ".to_string()),
            Just("```promql {verify for=".to_string()),
            Just("```\n".to_string()),
            Just("> [!CAUTION]\n> ".to_string()),
            Just("params:\n  - name: ".to_string()),
            Just("confirm=typed:".to_string()),
            Just("\"a\"=b ".to_string()),
            Just("timeout=".to_string()),
            "[ -~\n]{0,6}",
            "\\PC{0,3}",
        ],
        0..30,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn classifier_never_panics(s in shellish()) {
        let _ = classify(&s);
    }

    #[test]
    fn a_destructive_line_keeps_any_script_flagged(s in shellish()) {
        // Whatever precedes it, a complete `rm` on its own line is seen. (Unless the text
        // before it leaves a quote, heredoc or substitution open: then the verdict must
        // still not be read-only.)
        let script = format!("{s}\nrm -rf /tmp/x\n");
        prop_assert_ne!(classify(&script).0, Safety::ReadOnly, "{:?}", script);
    }

    #[test]
    fn parser_and_linter_never_panic(s in markdownish()) {
        let _ = parse_str(&s, Path::new("p.md"));
        let _ = lint_text(&s, Path::new("p.md"));
    }
}
