//! The Prometheus API, Alertmanager and Statuspage decoders on every captured fixture.
use chrono::{TimeZone, Utc};
use opsdeck::domain::{AlertState, Indicator, NewSilence, QueryData, SourceError};
use opsdeck::sources::alertmanager::{self, PostableAlert};
use opsdeck::sources::http::Body;
use opsdeck::sources::prometheus::{parse_buildinfo, parse_response};
use opsdeck::sources::statuspage::{parse_components, parse_incidents, parse_summary};

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn files(dir: &str) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    v.sort();
    v
}

/// A fixture body as the server answered it: errors with their real HTTP status.
fn prom(name: &str) -> Body {
    let status = match name {
        n if n.starts_with("error-bad_data") => 400,
        n if n.starts_with("error-execution") => 422,
        _ => 200,
    };
    Body {
        status,
        content_type: Some("application/json".into()),
        bytes: read(&format!("prometheus/api/{name}")),
    }
}

/// (sorted labels, timestamp, value) per sample.
type Row = (Vec<(String, String)>, f64, f64);

fn vector(name: &str) -> Vec<Row> {
    match parse_response(&prom(name)).unwrap().data {
        QueryData::Vector(v) => {
            v.into_iter().map(|s| (s.labels.into_iter().collect(), s.ts, s.value)).collect()
        }
        other => panic!("{name}: {other:?}"),
    }
}

fn l(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    v.sort();
    v
}

#[test]
fn prometheus_every_api_fixture_is_covered() {
    let covered = [
        "api-v1-alerts.json",
        "error-bad_data-end-before-start.json",
        "error-bad_data-missing-step.json",
        "error-bad_data-parse.json",
        "error-bad_data-range-vector-in-range-query.json",
        "error-bad_data-string-range.json",
        "error-bad_data-too-many-points.json",
        "error-execution-many-to-many.json",
        "query-histogram-quantile.json",
        "query-matrix-range-selector.json",
        "query-scalar-nan.json",
        "query-scalar.json",
        "query-string.json",
        "query-vector-aggregated.json",
        "query-vector-empty.json",
        "query-vector-inf.json",
        "query-vector-nan.json",
        "query-vector-neg-inf.json",
        "query-vector.json",
        "query-warnings-remote-read-failed.json",
        "query_range-matrix-backfilled.json",
        "query_range-matrix-live.json",
        "query_range-of-scalar.json",
        "stale-query-after-series-disappeared.json",
        "stale-query-range-selector-no-stale-marker.json",
        "stale-query_range-series-disappears.json",
        "status-buildinfo.json",
    ];
    assert_eq!(files("prometheus/api"), covered);
    // Whatever the file, decoding never panics and either succeeds or says why.
    for f in covered {
        if let Err(e) = parse_response(&prom(f)) {
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn prometheus_vectors() {
    let base = [("instance", "127.0.0.1:19100"), ("job", "metrics-file")];
    let v = vector("query-vector.json");
    assert_eq!(v.len(), 2);
    let mut want = base.to_vec();
    want.extend([("__name__", "obs_test_requests_total"), ("code", "200"), ("service", "api")]);
    assert_eq!(v[0], (l(&want), 1795396625.497, 1027.0));
    assert_eq!(v[1].2, 3.0);

    assert_eq!(
        vector("query-vector-aggregated.json").iter().map(|s| (s.0.clone(), s.2)).collect::<Vec<_>>(),
        vec![(l(&[("code", "200")]), 0.0), (l(&[("code", "500")]), 0.0)]
    );
    assert!(vector("query-vector-empty.json").is_empty());
    assert_eq!(vector("query-histogram-quantile.json")[0].2, 0.35);
    assert_eq!(vector("query-histogram-quantile.json")[0].0, l(&base));

    let nan = vector("query-vector-nan.json");
    assert!(nan[0].2.is_nan());
    assert!(nan[0].0.contains(&("room".into(), "broken-sensor".into())));
    assert_eq!(nan[1].2, 21.5);
    assert_eq!(vector("query-vector-inf.json")[0].2, f64::INFINITY);
    assert_eq!(vector("query-vector-neg-inf.json")[0].2, f64::NEG_INFINITY);

    let after = vector("stale-query-after-series-disappeared.json");
    assert_eq!(after.len(), 1, "the removed series is gone at once");
    assert_eq!((after[0].1, after[0].2), (1795396636.460, 21.5));
}

#[test]
fn prometheus_scalar_and_string() {
    let r = parse_response(&prom("query-scalar.json")).unwrap();
    assert_eq!(r.data, QueryData::Scalar { ts: 1795396625.566, value: 1030.0 });
    match parse_response(&prom("query-scalar-nan.json")).unwrap().data {
        QueryData::Scalar { ts, value } => assert!(ts == 1795396625.576 && value.is_nan()),
        other => panic!("{other:?}"),
    }
    let r = parse_response(&prom("query-string.json")).unwrap();
    assert_eq!(r.data, QueryData::String { ts: 1795396625.587, value: "hello".into() });
    assert!(r.warnings.is_empty());
}

#[test]
fn prometheus_matrices() {
    let m = |name: &str| match parse_response(&prom(name)).unwrap().data {
        QueryData::Matrix(m) => m,
        other => panic!("{name}: {other:?}"),
    };
    let sel = m("query-matrix-range-selector.json");
    assert_eq!(sel.len(), 1);
    assert_eq!(sel[0].labels["code"], "500");
    assert_eq!(sel[0].points.len(), 5);
    assert_eq!(sel[0].points[0], (1795396620.995, 3.0));
    assert_eq!(sel[0].points[4], (1795396624.995, 3.0));

    let back = m("query_range-matrix-backfilled.json");
    assert_eq!(back[0].labels["host"], "web-1");
    assert_eq!(back[0].points.len(), 12);
    assert_eq!(back[0].points[0], (1795385825.0, 0.5));
    assert_eq!(back[0].points[1], (1795386725.0, 0.8366));
    assert_eq!(back[0].points[11], (1795395725.0, 0.1));
    assert!(back[0].points.windows(2).all(|w| w[1].0 - w[0].0 == 900.0), "step 900s, oldest first");

    let live = m("query_range-matrix-live.json");
    assert_eq!(live[0].labels["room"], "broken-sensor");
    assert_eq!(
        live[0].points.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![1795396619.0, 1795396621.0, 1795396623.0, 1795396625.0]
    );
    assert!(live[0].points.iter().all(|p| p.1.is_nan()));
    assert_eq!(live[1].labels["room"], "lab");
    assert!(live[1].points.iter().all(|p| p.1 == 21.5));

    let scalar = m("query_range-of-scalar.json");
    assert!(scalar[0].labels.is_empty());
    assert_eq!(
        scalar[0].points,
        vec![(1795396621.0, 1030.0), (1795396623.0, 1030.0), (1795396625.0, 1030.0)]
    );

    let nan_kept = m("stale-query-range-selector-no-stale-marker.json");
    assert_eq!(nan_kept[0].points.len(), 6);
    assert!(nan_kept[0].points.iter().all(|p| p.1.is_nan()), "a real NaN sample is returned");

    let gone = m("stale-query_range-series-disappears.json");
    let broken = gone.iter().find(|s| s.labels["room"] == "broken-sensor").unwrap();
    let lab = gone.iter().find(|s| s.labels["room"] == "lab").unwrap();
    assert_eq!(broken.points.last().unwrap().0, 1795396632.0);
    assert!(lab.points.last().unwrap().0 > broken.points.last().unwrap().0, "the removed series just stops");
}

#[test]
fn prometheus_warnings_are_kept() {
    let r = parse_response(&prom("query-warnings-remote-read-failed.json")).unwrap();
    assert_eq!(r.data, QueryData::Vector(vec![]));
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].starts_with("remote_read: error sending request"));
}

#[test]
fn prometheus_errors_keep_status_and_error_type() {
    let cases = [
        (
            "error-bad_data-end-before-start.json",
            400,
            "bad_data: invalid parameter \"end\": end timestamp must not be before start time",
        ),
        (
            "error-bad_data-missing-step.json",
            400,
            "bad_data: invalid parameter \"step\": cannot parse \"\" to a valid duration",
        ),
        (
            "error-bad_data-parse.json",
            400,
            "bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis",
        ),
        (
            "error-bad_data-range-vector-in-range-query.json",
            400,
            "bad_data: invalid expression type \"range vector\" for range query, must be Scalar or instant Vector",
        ),
        (
            "error-bad_data-string-range.json",
            400,
            "bad_data: invalid expression type \"string\" for range query, must be Scalar or instant Vector",
        ),
        (
            "error-bad_data-too-many-points.json",
            400,
            "bad_data: exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        ),
    ];
    for (f, status, detail) in cases {
        assert_eq!(
            parse_response(&prom(f)).unwrap_err(),
            SourceError::Http { status, detail: detail.into() },
            "{f}"
        );
    }
    let e = parse_response(&prom("error-execution-many-to-many.json")).unwrap_err();
    match &e {
        SourceError::Http { status: 422, detail } => {
            assert!(detail.starts_with("execution: found duplicate series"), "{detail}");
            assert!(
                detail.ends_with(
                    "many-to-many matching not allowed: matching labels must be unique on one side"
                )
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().starts_with("HTTP 422: execution: found duplicate series"));
    // The same envelope under 503 (errorType timeout).
    let body = Body {
        status: 503,
        content_type: None,
        bytes:
            br#"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#
                .to_vec(),
    };
    assert_eq!(
        parse_response(&body).unwrap_err().to_string(),
        "HTTP 503: timeout: query timed out in expression evaluation"
    );
}

#[test]
fn prometheus_non_query_answers_are_refused_clearly() {
    // /api/v1/alerts is not a query answer: a clear error, no panic.
    let e = parse_response(&prom("api-v1-alerts.json")).unwrap_err();
    assert!(matches!(e, SourceError::BadJson { line: 1, .. }), "{e:?}");
    let b = parse_buildinfo(&prom("status-buildinfo.json")).unwrap();
    assert_eq!(
        (b.version.as_str(), b.revision.as_str(), b.go_version.as_str()),
        ("2.42.0+ds", "2.42.0+ds-5+deb12u1", "go1.19.8")
    );
    // Non-JSON answers: a proxy's HTML under 502 keeps the status; under 200 it is bad JSON.
    let html = Body {
        status: 502,
        content_type: Some("text/html".into()),
        bytes: b"<html>Bad gateway</html>".to_vec(),
    };
    assert_eq!(parse_response(&html).unwrap_err().to_string(), "HTTP 502");
    let html =
        Body { status: 200, content_type: Some("text/html".into()), bytes: b"<html>login</html>".to_vec() };
    assert_eq!(
        parse_response(&html).unwrap_err().to_string(),
        "invalid JSON at line 1 column 1: expected value"
    );
}

// ---- Alertmanager ----------------------------------------------------------------------

fn alerts(name: &str) -> Vec<opsdeck::domain::Alert> {
    alertmanager::parse_alerts(&read(&format!("alertmanager/{name}")), "am-a").unwrap()
}

#[test]
fn alertmanager_every_fixture_is_covered() {
    assert_eq!(
        files("alertmanager"),
        [
            "alert-groups.json",
            "alertmanager-config-used.yml",
            "alerts-active-only.json",
            "alerts-filtered.json",
            "alerts-silenced-and-inhibited.pretty.json",
            "alerts.json",
            "error-400-bad-filter.json",
            "error-400-silence-end-before-start.json",
            "error-422-post-alert-without-labels.json",
            "error-422-silence-no-matchers.json",
            "post-silence-response.json",
            "receivers.json",
            "request-post-alerts.json",
            "request-post-silence.json",
            "silence-expired.json",
            "silences.json",
            "status.json",
        ]
    );
}

#[test]
fn alertmanager_alerts() {
    let a = alerts("alerts.json");
    assert_eq!(a.len(), 4);
    let disk = &a[0];
    assert_eq!(disk.fingerprint, "58b5a90f31e111e0");
    assert_eq!(disk.name(), "DiskFull");
    assert_eq!(disk.state, AlertState::Active);
    assert_eq!(
        disk.starts_at,
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 16, 50).unwrap() + chrono::Duration::milliseconds(507)
    );
    assert_eq!(
        disk.ends_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 23, 1, 21, 50).unwrap() + chrono::Duration::milliseconds(507))
    );
    assert_eq!(&disk.annotations["runbook_url"], "https://runbooks.example.com/disk-full");
    assert_eq!(
        disk.generator_url.as_deref(),
        Some("http://prometheus.example.com/graph?g0.expr=node_filesystem_avail_bytes+%3C+0.03")
    );
    assert_eq!(disk.receivers, vec!["storage-pager"]);
    assert_eq!(disk.sources, vec!["am-a"]);
    let silenced = &a[1];
    assert_eq!((silenced.name(), silenced.state), ("HighLatency", AlertState::Suppressed));
    assert_eq!(silenced.silenced_by, vec!["bb6e95c2-15f3-4656-b4db-d341a120c3d3"]);
    assert_eq!(silenced.generator_url, None, "the key is omitted when empty");
    let inhibited = &a[2];
    assert_eq!(inhibited.inhibited_by, vec!["58b5a90f31e111e0"]);
    assert!(inhibited.silenced_by.is_empty());
    assert_eq!(a[3].name(), "ObsTestServerErrors");
    assert_eq!(&a[3].labels["severity"], "warning");
}

#[test]
fn alertmanager_alert_variants() {
    let p = alerts("alerts-silenced-and-inhibited.pretty.json");
    let states: Vec<_> =
        p.iter().map(|a| (a.name(), a.state, a.silenced_by.len(), a.inhibited_by.len())).collect();
    assert_eq!(
        states,
        vec![
            ("HighLatency", AlertState::Suppressed, 1, 1),
            ("DiskFull", AlertState::Active, 0, 0),
            ("DemoErrorsPresent", AlertState::Active, 0, 0),
            ("DemoAlwaysFiring", AlertState::Suppressed, 0, 1),
        ]
    );
    let active = alerts("alerts-active-only.json");
    assert_eq!(
        active.iter().map(|a| a.fingerprint.as_str()).collect::<Vec<_>>(),
        vec!["58b5a90f31e111e0", "d4a6db4830a6998e"]
    );
    assert!(active.iter().all(|a| a.state == AlertState::Active));
    let filtered = alerts("alerts-filtered.json");
    assert_eq!(filtered.len(), 1);
    assert_eq!(&filtered[0].labels["team"], "storage");

    let grouped = alertmanager::parse_alert_groups(&read("alertmanager/alert-groups.json"), "am-a").unwrap();
    let mut fps: Vec<_> = grouped.iter().map(|a| a.fingerprint.clone()).collect();
    fps.sort();
    let mut want: Vec<_> = alerts("alerts.json").into_iter().map(|a| a.fingerprint).collect();
    want.sort();
    assert_eq!(fps, want, "groups hold the same alerts");
}

#[test]
fn alertmanager_silences() {
    let s = alertmanager::parse_silences(&read("alertmanager/silences.json")).unwrap();
    assert_eq!(s.iter().map(|s| s.state.as_str()).collect::<Vec<_>>(), vec!["active", "pending", "expired"]);
    assert_eq!(s[0].id, "bb6e95c2-15f3-4656-b4db-d341a120c3d3");
    assert_eq!(s[0].created_by, "oncall@example.com");
    assert_eq!(s[0].comment, "Known issue, deploy rollback in progress");
    assert_eq!(s[0].matchers.len(), 2);
    assert!(s[0].matchers[1].is_regex && s[0].matchers[1].is_equal);
    assert_eq!(s[0].matchers[1].value, "api-.*");
    assert_eq!(s[0].ends_at, Utc.with_ymd_and_hms(2026, 11, 23, 3, 16, 50).unwrap());
    assert!(!s[2].matchers[0].is_equal, "isEqual false is `!=`");

    let one: Vec<u8> = [b"[".as_slice(), &read("alertmanager/silence-expired.json"), b"]"].concat();
    let e = alertmanager::parse_silences(&one).unwrap();
    assert_eq!(
        (e[0].id.as_str(), e[0].state.as_str(), e[0].created_by.as_str()),
        ("c31ed516-5abd-4e4f-8d6a-7baf0f2b99ab", "expired", "bob")
    );

    let req: NewSilence = serde_json::from_slice(&read("alertmanager/request-post-silence.json")).unwrap();
    assert_eq!(req.matchers.len(), 2);
    assert_eq!(req.created_by, "oncall@example.com");
    let back: serde_json::Value = serde_json::to_value(&req).unwrap();
    let orig: serde_json::Value =
        serde_json::from_slice(&read("alertmanager/request-post-silence.json")).unwrap();
    assert_eq!(back, orig, "NewSilence serializes to exactly the request Alertmanager takes");

    #[derive(serde::Deserialize)]
    struct Created {
        #[serde(rename = "silenceID")]
        id: String,
    }
    let c: Created = serde_json::from_slice(&read("alertmanager/post-silence-response.json")).unwrap();
    assert_eq!(c.id, s[0].id);
}

#[test]
fn alertmanager_error_bodies_are_readable() {
    let d = |f: &str| alertmanager::error_detail(&read(&format!("alertmanager/{f}")));
    assert_eq!(d("error-400-bad-filter.json"), "matcher value contains unescaped double quote: \"(");
    assert_eq!(
        d("error-400-silence-end-before-start.json"),
        "Failed to create silence: start time must be before end time"
    );
    assert_eq!(d("error-422-silence-no-matchers.json"), "matchers in body should have at least 1 items");
    assert_eq!(d("error-422-post-alert-without-labels.json"), "0.labels in body is required");
    assert_eq!(alertmanager::error_detail(b""), "");
    assert_eq!(alertmanager::error_detail(b"<html><body>502</body></html>"), "");
}

#[test]
fn alertmanager_status_receivers_and_config() {
    let st = alertmanager::parse_status(&read("alertmanager/status.json")).unwrap();
    assert_eq!(st.version, "0.25.0");
    assert_eq!(st.cluster, "disabled");
    let r = alertmanager::parse_receivers(&read("alertmanager/receivers.json")).unwrap();
    assert_eq!(r, vec!["ops", "storage-pager"]);
    let cfg = String::from_utf8(read("alertmanager/alertmanager-config-used.yml")).unwrap();
    for name in &r {
        assert!(
            cfg.contains(&format!("name: {name}")),
            "receiver {name} is in the config the fixtures came from"
        );
    }
    let posted: Vec<PostableAlert> =
        serde_json::from_slice(&read("alertmanager/request-post-alerts.json")).unwrap();
    assert_eq!(posted.len(), 3);
    assert_eq!(posted[0].labels["alertname"], "DiskFull");
    assert!(posted[0].generator_url.is_some() && posted[1].generator_url.is_none());
}

#[test]
fn alertmanager_dedup_merges_replicas() {
    let a = alerts("alerts.json");
    let mut b = alerts("alerts-active-only.json");
    // Replica b saw the DiskFull alert later, with another annotation.
    b[0].updated_at = b[0].updated_at.map(|t| t + chrono::Duration::seconds(5));
    b[0].annotations.insert("summary".into(), "newer".into());
    let merged = opsdeck::domain::dedup(&[("am-a".into(), a.clone()), ("am-b".into(), b)]);
    assert_eq!(merged.len(), 4);
    let disk = merged.iter().find(|x| x.fingerprint == "58b5a90f31e111e0").unwrap();
    assert_eq!(disk.sources, vec!["am-a", "am-b"]);
    assert_eq!(&disk.annotations["summary"], "newer", "the latest update wins");
    let silenced = merged.iter().find(|x| x.fingerprint == "cdd96d98a3e0451b").unwrap();
    assert_eq!(silenced.sources, vec!["am-a"]);
    let obs = merged.iter().find(|x| x.fingerprint == "d4a6db4830a6998e").unwrap();
    assert_eq!(obs.sources, vec!["am-a", "am-b"]);
    // Reporting the same alert twice from one source lists it once.
    let twice = opsdeck::domain::dedup(&[("am-a".into(), a.clone()), ("am-a".into(), a)]);
    assert!(twice.iter().all(|x| x.sources == vec!["am-a"]));
}

// ---- Statuspage ------------------------------------------------------------------------

fn status(name: &str) -> Vec<u8> {
    read(&format!("statuspage/{name}"))
}

#[test]
fn statuspage_every_fixture_is_covered() {
    assert_eq!(
        files("statuspage"),
        [
            "cloudflare-incidents-2019-01-10.json",
            "github-summary-2022-11-25-incident.json",
            "hashicorp-components-2021-08-10.json",
            "synthetic-incidents-unresolved-empty.json",
            "synthetic-incidents-unresolved.json",
            "synthetic-status-critical.json",
            "synthetic-status-maintenance.json",
            "synthetic-status-major.json",
            "synthetic-status-minor.json",
            "synthetic-status-none.json",
            "synthetic-summary-all-operational.json",
            "synthetic-summary-all-states.json",
        ]
    );
}

#[test]
fn statuspage_github_summary() {
    let s = parse_summary(&status("github-summary-2022-11-25-incident.json")).unwrap();
    assert_eq!(
        (s.page_name.as_str(), s.indicator, s.description.as_str()),
        ("GitHub", Indicator::Minor, "Minor Service Outage")
    );
    assert_eq!(s.page_url, "https://www.githubstatus.com");
    assert_eq!(s.components.len(), 11);
    let not_ok: Vec<_> = s
        .components
        .iter()
        .filter(|c| c.status != "operational")
        .map(|c| (c.name.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(not_ok, vec![("Packages", "partial_outage")]);
    assert_eq!(s.incidents.len(), 1);
    let i = &s.incidents[0];
    assert_eq!(
        (i.name.as_str(), i.impact.as_str(), i.status.as_str()),
        ("Incident with Packages and Pages", "major", "investigating")
    );
    assert!(
        i.latest_update.as_deref().unwrap().starts_with("Packages is now experiencing degraded performance.")
    );
    assert_eq!(
        i.updated_at,
        Some(Utc.with_ymd_and_hms(2022, 11, 25, 15, 50, 4).unwrap() + chrono::Duration::milliseconds(970))
    );
    assert!(s.scheduled_maintenances.is_empty());
}

#[test]
fn statuspage_all_states_summary() {
    let s = parse_summary(&status("synthetic-summary-all-states.json")).unwrap();
    assert_eq!((s.indicator, s.description.as_str()), (Indicator::Major, "Partial System Outage"));
    let c: Vec<_> = s
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.status.as_str(), c.group, c.group_id.as_deref()))
        .collect();
    assert_eq!(
        c,
        vec![
            ("API", "degraded_performance", false, None),
            ("Compute", "major_outage", true, None),
            ("us-east", "major_outage", false, Some("r8v2n5kd0pfz")),
            ("eu-west", "operational", false, Some("r8v2n5kd0pfz")),
            ("ap-south", "degraded_performance", false, Some("r8v2n5kd0pfz")),
            ("Database", "under_maintenance", false, None),
            ("Dashboard", "operational", false, None),
        ]
    );
    assert_eq!(s.incidents.len(), 1);
    assert_eq!((s.incidents[0].impact.as_str(), s.incidents[0].status.as_str()), ("major", "identified"));
    assert!(
        s.incidents[0]
            .latest_update
            .as_deref()
            .unwrap()
            .starts_with("We have identified a faulty network switch in us-east")
    );
    let m: Vec<_> = s
        .scheduled_maintenances
        .iter()
        .map(|m| (m.name.as_str(), m.status.as_str(), m.impact.as_str()))
        .collect();
    assert_eq!(
        m,
        vec![
            ("Database engine upgrade", "in_progress", "maintenance"),
            ("Dashboard login provider migration", "scheduled", "maintenance"),
        ]
    );
    assert_eq!(
        s.scheduled_maintenances[0].scheduled_for,
        Some(Utc.with_ymd_and_hms(2026, 11, 20, 14, 0, 0).unwrap())
    );
    assert_eq!(
        s.scheduled_maintenances[0].scheduled_until,
        Some(Utc.with_ymd_and_hms(2026, 11, 20, 16, 0, 0).unwrap())
    );
    assert!(
        s.scheduled_maintenances[0]
            .latest_update
            .as_deref()
            .unwrap()
            .starts_with("Scheduled maintenance is currently in progress.")
    );
}

#[test]
fn statuspage_all_operational_summary() {
    let s = parse_summary(&status("synthetic-summary-all-operational.json")).unwrap();
    assert_eq!((s.indicator, s.description.as_str()), (Indicator::None, "All Systems Operational"));
    assert_eq!(s.components.len(), 7);
    assert!(s.components.iter().all(|c| c.status == "operational"));
    assert!(s.incidents.is_empty());
    assert_eq!(s.updated_at, Some(Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap()));
}

#[test]
fn statuspage_indicators_including_maintenance() {
    for (f, ind, desc) in [
        ("synthetic-status-none.json", Indicator::None, "All Systems Operational"),
        ("synthetic-status-minor.json", Indicator::Minor, "Minor Service Outage"),
        ("synthetic-status-major.json", Indicator::Major, "Partial System Outage"),
        ("synthetic-status-critical.json", Indicator::Critical, "Major System Outage"),
        ("synthetic-status-maintenance.json", Indicator::Maintenance, "Service Under Maintenance"),
    ] {
        let s = parse_summary(&status(f)).unwrap();
        assert_eq!(
            (s.indicator, s.description.as_str(), s.page_name.as_str()),
            (ind, desc, "Example Cloud"),
            "{f}"
        );
        assert!(s.components.is_empty() && s.incidents.is_empty());
    }
}

#[test]
fn statuspage_unknown_values_never_fail() {
    let body =
        br#"{"page":{"name":"X","url":"https://x"},"status":{"indicator":"apocalyptic","description":"?"},
      "components":[{"id":"a","name":"A","status":"partially_on_fire","position":1},
                    {"id":"h","name":"Hidden","status":"operational","only_show_if_degraded":true}],
      "incidents":[{"name":"I","status":"brewing","impact":"cosmic","incident_updates":[]}]}"#;
    let s = parse_summary(body).unwrap();
    assert_eq!(s.indicator, Indicator::Unknown);
    assert_eq!(s.components.len(), 1, "only_show_if_degraded hides an operational component");
    assert_eq!(s.components[0].status, "partially_on_fire");
    assert_eq!((s.incidents[0].status.as_str(), s.incidents[0].impact.as_str()), ("brewing", "cosmic"));
    assert_eq!(s.incidents[0].latest_update, None);
    // Not a Statuspage page: a clear refusal.
    let e = parse_summary(br#"{"page":{"name":"Instatus"},"activeIncidents":[]}"#).unwrap_err();
    assert!(e.to_string().contains("not a Statuspage v2 summary"), "{e}");
}

#[test]
fn statuspage_incidents_and_components_files() {
    let cf = parse_incidents(&status("cloudflare-incidents-2019-01-10.json")).unwrap();
    assert_eq!(cf.len(), 2);
    assert_eq!(
        (cf[0].name.as_str(), cf[0].status.as_str(), cf[0].impact.as_str()),
        ("Cloudflare API service issues", "resolved", "minor")
    );
    assert!(cf[0].latest_update.as_deref().unwrap().starts_with("Cloudflare has resolved the issue"));
    let un = parse_incidents(&status("synthetic-incidents-unresolved.json")).unwrap();
    assert_eq!(un.len(), 1);
    assert_eq!(un[0].name, "Elevated error rates in us-east compute");
    assert!(parse_incidents(&status("synthetic-incidents-unresolved-empty.json")).unwrap().is_empty());

    let hc = parse_components(&status("hashicorp-components-2021-08-10.json")).unwrap();
    let groups: Vec<_> = hc.iter().filter(|c| c.group).map(|c| c.name.as_str()).collect();
    assert_eq!(groups[0], "HashiCorp Cloud Platform (HCP)");
    // Each group is followed by its children, by position.
    let hcp = hc.iter().position(|c| c.name == "HashiCorp Cloud Platform (HCP)").unwrap();
    assert_eq!(hc[hcp + 1].name, "HCP Portal");
    assert_eq!(hc[hcp + 1].group_id.as_deref(), Some("ym75hzpmfq4q"));
    assert_eq!(hc[hcp + 2].name, "Consul");
    let tfc = hc.iter().position(|c| c.name == "Terraform Cloud").unwrap();
    assert_eq!(hc[tfc].status, "under_maintenance");
    assert_eq!(hc[tfc + 1].name, "Terraform Cloud UI and API");
    let raw: serde_json::Value =
        serde_json::from_slice(&status("hashicorp-components-2021-08-10.json")).unwrap();
    assert_eq!(hc.len(), raw["components"].as_array().unwrap().len(), "no component lost");
}
