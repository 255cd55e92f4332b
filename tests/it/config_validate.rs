//! Config validation: every problem reported with its place; valid configs load.
use opsdeck::config::{ConfigError, parse_str};

/// The example of DESIGN.md section 5, verbatim: it must load.
const DESIGN_EXAMPLE: &str = r#"
environment = "prod-us-east"          # shown in the header
theme = "dark"

[defaults]
poll = "5s"                           # every source, unless it says otherwise
timeout = "4s"

[[prometheus]]                        # any number; the first is the default source
name = "prod"
url = "http://127.0.0.1:9090"
# bearer_token_file = "/etc/opsdeck/prom.token"   or  bearer_token_env = "PROM_TOKEN"
# basic_auth = { username = "ops", password_env = "PROM_PASSWORD" }
# headers = { "X-Scope-OrgID" = "platform" }
# ca_file = "/etc/ssl/internal-ca.pem"

[[scrape]]                            # a raw /metrics endpoint, no Prometheus in between
name = "gateway"
url = "http://10.0.0.5:9100/metrics"

[[alertmanager]]                      # several: de-duplicated by fingerprint
name = "am-a"
url = "http://127.0.0.1:9093"

[[statuspage]]
name = "GitHub"
url = "https://www.githubstatus.com/api/v2/summary.json"
poll = "60s"

[[health]]                            # one row per service
service = "api"
source = "prod"                       # a [[prometheus]] or [[scrape]] name; default: the first prometheus
availability = 'avg_over_time(up{job="api"}[5m]) * 100'
slo = 99.95
latency_p99 = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))'
latency_target = "200ms"
error_rate = '100 * sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))'
error_warn = 1.0
error_crit = 5.0
saturation = '100 * avg(rate(process_cpu_seconds_total{job="api"}[5m]))'
saturation_warn = 80.0

[[community]]
name = "Active users"
query = 'sum(active_users)'
unit = "users"
week_over_week = true                 # adds `offset 1w` for the delta

[moderation]
depth = 'sum by (priority) (modqueue_depth)'
inflow = '60 * sum(rate(modqueue_items_total[5m]))'
throughput = '60 * sum(rate(modqueue_reviewed_total[15m]))'
oldest_age = 'max(time() - modqueue_oldest_item_timestamp_seconds)'
sla = "2h"

[priority]                            # alert label -> P0..P3
label = "priority"
severity_label = "severity"
map = { critical = "P1", warning = "P2" }
default = "P3"

[escalation]
preset = "matrix"                     # or "tiers", or a list: tiers = [{ after = "5m", name = "Primary on-call" }, ...]

[runbooks]
dirs = ["runbooks"]
# webhook = "https://hooks.example.com/ops-events"
"#;

fn errors(text: &str) -> Vec<ConfigError> {
    parse_str(text, "t.toml").expect_err("expected errors")
}

/// `(line, column, message)` of every error.
fn places(text: &str) -> Vec<(usize, usize, String)> {
    errors(text).into_iter().map(|e| (e.line, e.column, e.message)).collect()
}

fn has(text: &str, line: usize, column: usize, needle: &str) {
    let all = places(text);
    assert!(
        all.iter().any(|(l, c, m)| *l == line && *c == column && m.contains(needle)),
        "no error {line}:{column} containing {needle:?} in {all:#?}"
    );
}

const PROM: &str = "[[prometheus]]\nname = \"prod\"\nurl = \"http://127.0.0.1:9090\"\n";

#[test]
fn the_design_example_loads() {
    let c = parse_str(DESIGN_EXAMPLE, "design.toml").unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(c.environment, "prod-us-east");
    assert_eq!(c.statuspage[0].poll.map(|d| d.as_secs()), Some(60));
    assert_eq!(c.health[0].latency_target.as_millis(), 200);
    assert!(c.community[0].week_over_week);
    assert_eq!(c.moderation.as_ref().unwrap().sla.as_secs(), 7200);
    assert_eq!(c.escalation.preset.as_deref(), Some("matrix"));
}

#[test]
fn the_empty_config_loads() {
    assert!(parse_str("", "t.toml").is_ok());
}

#[test]
fn wrong_types_are_named() {
    let text = format!(
        "{PROM}[[health]]\nservice = \"api\"\navailability = 'up'\nslo = \"high\"\nerror_warn = true\n"
    );
    has(&text, 7, 7, "`slo` must be a finite number, found a string");
    has(&text, 8, 14, "`error_warn` must be a finite number, found a boolean");
    has("environment = 3\n", 1, 15, "`environment` must be a string, found an integer");
    has("prometheus = \"prod\"\n", 1, 14, "`prometheus` must be an array of tables");
    has("defaults = 5\n", 1, 12, "`defaults` must be a table");
}

#[test]
fn durations_must_have_units_and_be_positive() {
    has("[defaults]\npoll = \"5\"\ntimeout = \"0s\"\n", 2, 8, "bad duration `5`");
    has("[defaults]\npoll = \"5\"\ntimeout = \"0s\"\n", 3, 11, "`timeout` must be longer than zero");
    has(
        &format!("{PROM}[[health]]\nservice = \"a\"\nerror_rate = 'e'\nlatency_target = 200\n"),
        7,
        18,
        "duration string",
    );
}

#[test]
fn urls_need_http_and_a_host() {
    has(
        "[[prometheus]]\nname = \"p\"\nurl = \"127.0.0.1:9090\"\n",
        3,
        7,
        "must start with http:// or https://",
    );
    has("[[prometheus]]\nname = \"p\"\nurl = \"http://[::1\"\n", 3, 7, "not a valid URL");
    has(
        "[[prometheus]]\nname = \"p\"\nurl = \"file:///etc/passwd\"\n",
        3,
        7,
        "must use http or https, not `file`",
    );
    has("[runbooks]\nwebhook = \"https://\"\n", 2, 11, "`webhook`");
}

#[test]
fn sources_need_name_and_url_and_unique_names() {
    has("[[scrape]]\nurl = \"http://h/metrics\"\n", 1, 1, "[[scrape]] is missing `name`");
    has("[[scrape]]\nname = \"\"\nurl = \"http://h/metrics\"\n", 2, 8, "`name` must not be empty");
    let dup = format!("{PROM}[[alertmanager]]\nname = \"prod\"\nurl = \"http://h:9093\"\n");
    has(&dup, 5, 8, "duplicate source name `prod` (already used by a [[prometheus]] at line 2 column 8)");
}

#[test]
fn auth_settings_are_checked() {
    let both = "[[prometheus]]\nname = \"p\"\nurl = \"http://h\"\nbearer_token_file = \"/t\"\nbearer_token_env = \"T\"\n";
    has(both, 5, 20, "either `bearer_token_file` or `bearer_token_env`");
    let no_pw = "[[prometheus]]\nname = \"p\"\nurl = \"http://h\"\nbasic_auth = { username = \"ops\" }\n";
    has(no_pw, 4, 14, "needs `password_env` or `password_file`");
    let pw = "[[prometheus]]\nname = \"p\"\nurl = \"http://h\"\nbasic_auth = { username = \"ops\", password = \"hunter2\" }\n";
    has(pw, 4, 34, "unknown key `password` in `basic_auth`");
    let hdr = "[[prometheus]]\nname = \"p\"\nurl = \"http://h\"\nheaders = { \"bad header\" = \"x\", ok = \"a\\nb\" }\n";
    has(hdr, 4, 13, "`bad header` is not a valid HTTP header name");
    has(hdr, 4, 38, "the value of header `ok` is not a valid HTTP header value");
}

#[test]
fn panes_need_queries_and_real_sources() {
    has(&format!("{PROM}[[health]]\nservice = \"api\"\n"), 4, 1, "needs at least one query");
    has(
        &format!("{PROM}[[health]]\nservice = \"api\"\nerror_rate = \"\"\n"),
        6,
        14,
        "`error_rate` must not be empty",
    );
    has(&format!("{PROM}[[community]]\nname = \"x\"\n"), 4, 1, "[[community]] is missing `query`");
    has(
        &format!("{PROM}[moderation]\ndepth = \"d\"\ninflow = \"i\"\n"),
        4,
        1,
        "[moderation] is missing `throughput`",
    );
    has(
        "[[health]]\nservice = \"api\"\nerror_rate = 'e'\n",
        1,
        1,
        "has no source: configure a [[prometheus]]",
    );
    has(
        &format!("{PROM}[[community]]\nname = \"x\"\nquery = \"q\"\nsource = \"prdo\"\n"),
        7,
        10,
        "names no configured source; metrics sources: prod",
    );
}

#[test]
fn scrape_sources_take_selectors_and_no_history() {
    let text = "[[scrape]]\nname = \"gw\"\nurl = \"http://h/metrics\"\n\
                [[community]]\nname = \"ok\"\nquery = 'job:http_requests:rate5m{path=\"/a,b\"}'\n\
                [[community]]\nname = \"bad\"\nquery = 'sum(rate(x[5m]))'\nweek_over_week = true\n";
    let all = places(text);
    assert_eq!(all.len(), 2, "{all:#?}");
    has(text, 9, 9, "a [[scrape]] source answers only metric selectors");
    has(text, 10, 18, "`week_over_week` needs a [[prometheus]] source");
}

#[test]
fn thresholds_are_sane() {
    let base = format!("{PROM}[[health]]\nservice = \"api\"\nerror_rate = 'e'\n");
    has(&format!("{base}slo = 100\n"), 7, 7, "`slo` must be a percentage between 0 and 100");
    has(
        &format!("{base}error_warn = 6.0\nerror_crit = 5.0\n"),
        8,
        14,
        "`error_warn` must not be above `error_crit`",
    );
    has(&format!("{base}saturation_warn = 180\n"), 7, 19, "percentage: expected 0 to 100");
}

#[test]
fn priorities_and_escalation_are_checked() {
    has(
        "[priority]\nmap = { critical = \"P1\", page = \"high\" }\n",
        2,
        33,
        "`map.page` must be one of P0, P1, P2, P3, not `high`",
    );
    has("[priority]\ndefault = \"P4\"\n", 2, 11, "`default` must be one of P0, P1, P2, P3");
    has("[escalation]\npreset = \"ladder\"\n", 2, 10, "expected `matrix` or `tiers`");
    has("[escalation]\ntiers = []\n", 2, 9, "`tiers` is empty");
    let order =
        "[escalation]\ntiers = [{ after = \"10m\", name = \"A\" }, { after = \"5m\", name = \"B\" }]\n";
    has(order, 2, 51, "increasing order of `after`");
    let missing = "[[escalation.tiers]]\nname = \"L1\"\n";
    has(missing, 1, 1, "missing `after`");
    let ok =
        "[escalation]\ntiers = [{ after = \"0s\", name = \"L1\" }, { after = \"20m\", name = \"L2\" }]\n";
    let c = parse_str(ok, "t.toml").unwrap();
    assert_eq!(c.escalation.tiers.unwrap().len(), 2);
}

#[test]
fn inline_arrays_of_tables_work_like_headers() {
    let text = "prometheus = [{ name = \"p\", url = \"http://h\" }, { name = \"q\", urll = \"x\" }]\n";
    let all = places(text);
    assert!(
        all.iter().any(|(l, c, m)| (*l, *c) == (1, 49) && m.contains("[[prometheus]] is missing `url`")),
        "{all:#?}"
    );
    assert!(all.iter().any(|(_, _, m)| m.contains("unknown key `urll`")), "{all:#?}");
}

#[test]
fn errors_come_in_file_order_and_display_as_file_line_col() {
    let text = "b = 1\n[defaults]\npoll = \"x\"\n";
    let errs = errors(text);
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].to_string().split(": ").next(), Some("t.toml:1:1"));
    assert!(errs[1].to_string().starts_with("t.toml:3:8: `poll`"));
}

#[test]
fn integers_are_accepted_where_numbers_are_expected() {
    let text = format!(
        "{PROM}[[health]]\nservice = \"api\"\nerror_rate = 'e'\nslo = 99\nerror_warn = 2\nerror_crit = 10\nsaturation_warn = 90\n"
    );
    let c = parse_str(&text, "t.toml").unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!((c.health[0].slo, c.health[0].error_warn, c.health[0].error_crit), (99.0, 2.0, 10.0));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn on_arbitrary_text(text in "\\PC{0,200}") {
            let _ = parse_str(&text, "t.toml");
        }

        /// Dropping any line of a valid config gives a config or errors placed inside it.
        #[test]
        fn on_the_design_example_without_one_line(drop in 0usize..120) {
            let lines: Vec<&str> = DESIGN_EXAMPLE.lines().collect();
            let text: String = lines.iter().enumerate().filter(|(i, _)| *i != drop % lines.len()).map(|(_, l)| format!("{l}\n")).collect();
            if let Err(errs) = parse_str(&text, "t.toml") {
                prop_assert!(!errs.is_empty());
                for e in errs {
                    prop_assert!(e.line >= 1 && e.line <= lines.len() && e.column >= 1, "{e}");
                }
            }
        }
    }
}

#[test]
fn escalation_phases_and_targets_are_known_keys_and_checked() {
    let ok = "[escalation]\nphases = [{ after = \"0s\", name = \"Triage\" }]\ntargets = { P1 = \"2h\" }\n";
    assert!(opsdeck::config::parse_str(ok, "e.toml").is_ok());
    let bad = "[escalation]\ntargets = { P1 = \"soon\", P9 = \"1h\" }\n";
    let errs = opsdeck::config::parse_str(bad, "e.toml").unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs.iter().all(|e| e.line == 2), "{errs:?}");
}

#[test]
fn body_caps_and_requests_in_flight_are_checked() {
    let ok = "[[alertmanager]]\nname = \"am\"\nurl = \"http://h:9093\"\nmax_body = \"256MiB\"\n\
              [[prometheus]]\nname = \"p\"\nurl = \"http://h:9090\"\nmax_in_flight = 16\nmax_body = 1048576\n";
    let c = parse_str(ok, "t.toml").unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(c.alertmanager[0].max_body, Some(256 << 20));
    assert_eq!((c.prometheus[0].max_in_flight, c.prometheus[0].max_body), (Some(16), Some(1 << 20)));
    let bad = "[[prometheus]]\nname = \"p\"\nurl = \"http://h:9090\"\nmax_in_flight = 0\nmax_body = \"lots\"\n\
               [[alertmanager]]\nname = \"am\"\nurl = \"http://h:9093\"\nmax_body = 100\n";
    has(bad, 4, 17, "`max_in_flight` must be an integer from 1 to 256");
    has(bad, 5, 12, "`max_body`: bad size `lots`");
    has(bad, 9, 12, "`max_body` must be at least 1KiB");
}
