//! Tests of the shell reader.
use super::*;

fn words(s: &str) -> Vec<Vec<String>> {
    parse(s).commands.into_iter().map(|c| c.words).collect()
}

#[test]
fn splits_on_operators_and_removes_quotes() {
    assert_eq!(
        words("a 'b c' \"d\\\"e\" && f|g; h || i\nj"),
        vec![vec!["a", "b c", "d\"e"], vec!["f"], vec!["g"], vec!["h"], vec!["i"], vec!["j"]]
    );
}

#[test]
fn continuation_and_comments() {
    let s = parse("kubectl get \\\n  pods # delete\nls");
    assert_eq!(s.commands[0].words, vec!["kubectl", "get", "pods"]);
    assert_eq!(s.commands[1].line, 3);
}

#[test]
fn substitutions_are_nested_scripts() {
    let s = parse("echo $(kubectl delete pod x) `rm -f y` $((1+2))");
    assert_eq!(
        s.nested.iter().map(|n| n.1.as_str()).collect::<Vec<_>>(),
        vec!["kubectl delete pod x", "rm -f y"]
    );
}

#[test]
fn redirections_and_heredocs() {
    let s = parse("psql <<SQL > /tmp/out 2>&1\nDROP TABLE x;\nSQL\necho done");
    let c = &s.commands[0];
    assert_eq!(c.words, vec!["psql"]);
    assert_eq!(c.stdin.as_deref(), Some("DROP TABLE x;\n"));
    assert_eq!(c.redirects[1], Redirect { op: ">".into(), target: "/tmp/out".into() });
    assert_eq!(c.redirects[2], Redirect { op: ">&".into(), target: "1".into() });
    assert_eq!(s.commands[1].words, vec!["echo", "done"]);
}

#[test]
fn placeholders_are_words_redirections_stay() {
    assert_eq!(
        words("kubectl logs <pod_name> -n <NAMESPACE> --project=<your-project-id>"),
        vec![vec!["kubectl", "logs", "<pod_name>", "-n", "<NAMESPACE>", "--project=<your-project-id>"]]
    );
    assert_eq!(
        words("kubectl get pod <CLUSTER>-<N>.yaml"),
        vec![vec!["kubectl", "get", "pod", "<CLUSTER>-<N>.yaml"]]
    );
    let s = parse("sort <in.txt >out.txt");
    assert_eq!(s.commands[0].words, vec!["sort"]);
    assert_eq!(s.commands[0].redirects.len(), 2);
    let s = parse("cat <in>out");
    assert_eq!(s.commands[0].redirects[1], Redirect { op: ">".into(), target: "out".into() });
    let s = parse("cat < file 2>&1 <<<x");
    assert_eq!(s.commands[0].words, vec!["cat"]);
    assert_eq!(s.commands[0].redirects.len(), 3);
    let s = parse("diff <(ls a) <(ls b)");
    assert_eq!(s.nested.len(), 2);
    assert_eq!(words("echo {{cluster}}"), vec![vec!["echo", "{{cluster}}"]]);
    assert_eq!(parse("kubectl get x <a>>out").commands[0].redirects.len(), 2);
}

#[test]
fn pipes_and_files_feed_stdin() {
    let s = parse("curl -s https://x | sh\npsql < dump.sql\nsh");
    assert!(is_fed(s.commands[1].stdin.as_deref()));
    assert!(is_fed(s.commands[2].stdin.as_deref()));
    assert_eq!(s.commands[3].stdin, None);
}

#[test]
fn echo_piped_into_a_command_is_its_stdin() {
    let s = parse("echo 'FLUSHALL' | redis-cli");
    assert_eq!(s.commands[1].stdin.as_deref(), Some("FLUSHALL"));
}
