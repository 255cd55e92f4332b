//! The simulator's servers over HTTP, on a fixed clock: the real Prometheus, Alertmanager
//! and Statuspage shapes, errors as the real servers send them, and the admin endpoint
//! closing the loop.
use chrono::{DateTime, Duration, TimeZone, Utc};
use opsdeck::demo::server::{self, Clock, SimServer};
use opsdeck::demo::sim::{Scenario, SimOptions};
use serde_json::Value;
use std::sync::Mutex;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap()
}

async fn start(scenario: Scenario, speed: f64) -> SimServer {
    let opts = SimOptions { scenario, seed: 42, speed, start: t0(), synthetic_alerts: 0 };
    server::start(opts, Clock::Fixed(Mutex::new(t0()))).await.unwrap()
}

async fn get(url: &str) -> (u16, Value) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(url: &str) -> (u16, Value) {
    let r = reqwest::Client::new().post(url).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn enc(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const GW_ERR: &str = "100 * sum(rate(gateway_ws_connect_failures_total[5m])) / sum(rate(gateway_ws_connect_attempts_total[5m]))";

#[tokio::test]
async fn prometheus_instant_range_post_time_and_errors() {
    let s = start(Scenario::Calm, 1.0).await;
    s.shared.set_now(t0() + Duration::minutes(30));
    let p = &s.prometheus_url;

    let (code, v) = get(&format!("{p}/api/v1/query?query={}", enc("sum(active_users)"))).await;
    assert_eq!(code, 200);
    assert_eq!(v["status"], "success");
    assert_eq!(v["data"]["resultType"], "vector");
    let sample = &v["data"]["result"][0]["value"];
    assert_eq!(sample[0].as_f64().unwrap(), (t0() + Duration::minutes(30)).timestamp() as f64);
    let now_users: f64 = sample[1].as_str().unwrap().parse().unwrap();
    assert!(now_users > 10_000.0);

    // the `time` parameter: a week ago, as RFC 3339 and as unix seconds
    let week_ago = t0() + Duration::minutes(30) - Duration::days(7);
    for t in [week_ago.to_rfc3339(), week_ago.timestamp().to_string()] {
        let (code, v) =
            get(&format!("{p}/api/v1/query?query={}&time={}", enc("sum(active_users)"), enc(&t))).await;
        assert_eq!(code, 200);
        let then: f64 = v["data"]["result"][0]["value"][1].as_str().unwrap().parse().unwrap();
        assert_ne!(then, now_users);
        assert!((then / now_users - 1.0).abs() < 0.1);
    }

    // POST form, with the long query in the body
    let r = reqwest::Client::new()
        .post(format!("{p}/api/v1/query"))
        .form(&[("query", GW_ERR)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["data"]["result"][0]["metric"], serde_json::json!({}));

    // range: aligned steps, history from before the start is the calm baseline
    let end = (t0() + Duration::minutes(30)).timestamp();
    let start = end - 3600;
    let (code, v) = get(&format!(
        "{p}/api/v1/query_range?query={}&start={start}&end={end}&step=60",
        enc("sum by (priority) (modqueue_depth)")
    ))
    .await;
    assert_eq!(code, 200);
    assert_eq!(v["data"]["resultType"], "matrix");
    let result = v["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 2, "one series per priority");
    let values = result[0]["values"].as_array().unwrap();
    assert_eq!(values.len(), 61);
    assert_eq!(values[0][0].as_f64().unwrap(), start as f64);

    // errors: unknown query, parse error, missing step, end before start, too many points
    for (url, needle) in [
        (format!("{p}/api/v1/query?query=no_such_metric"), "does not know"),
        (format!("{p}/api/v1/query?query={}", enc("sum(")), "unclosed left parenthesis"),
        (format!("{p}/api/v1/query"), "no expression"),
        (format!("{p}/api/v1/query_range?query=active_users&start={start}&end={end}"), "step"),
        (
            format!("{p}/api/v1/query_range?query=active_users&start={end}&end={start}&step=60"),
            "before start",
        ),
        (format!("{p}/api/v1/query_range?query=active_users&start=0&end={end}&step=1"), "11,000"),
        (format!("{p}/api/v1/query?query=active_users&time=yesterday"), "time"),
    ] {
        let (code, v) = get(&url).await;
        assert_eq!(code, 400, "{url}");
        assert_eq!(v["status"], "error");
        assert_eq!(v["errorType"], "bad_data");
        assert!(v["error"].as_str().unwrap().contains(needle), "{url}: {v}");
    }
}

#[tokio::test]
async fn alertmanager_alerts_and_silences() {
    let s = start(Scenario::GatewayOverload, 1.0).await;
    s.shared.set_now(t0() + Duration::minutes(6));
    let am = &s.alertmanager_url;
    let (code, v) = get(&format!("{am}/api/v2/alerts")).await;
    assert_eq!(code, 200);
    let alerts = v.as_array().unwrap();
    let gw = alerts.iter().find(|a| a["labels"]["alertname"] == "GatewayWebSocketFailures").expect("firing");
    assert_eq!(gw["status"]["state"], "active");
    assert_eq!(gw["fingerprint"].as_str().unwrap().len(), 16);
    assert_eq!(gw["annotations"]["runbook"], "runbooks/gateway-overload.md");
    assert!(gw["startsAt"].as_str().unwrap().ends_with('Z'));
    assert!(gw["receivers"][0]["name"].is_string());

    // create a silence; the alert becomes suppressed with silencedBy
    let body = serde_json::json!({
        "matchers": [{"name": "alertname", "value": "GatewayWebSocketFailures", "isRegex": false, "isEqual": true}],
        "startsAt": (t0() + Duration::minutes(6)).to_rfc3339(),
        "endsAt": (t0() + Duration::hours(1)).to_rfc3339(),
        "createdBy": "drill", "comment": "game day",
    });
    let client = reqwest::Client::new();
    let r = client.post(format!("{am}/api/v2/silences")).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let id = r.json::<Value>().await.unwrap()["silenceID"].as_str().unwrap().to_string();
    let (_, v) = get(&format!("{am}/api/v2/alerts")).await;
    let gw = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["labels"]["alertname"] == "GatewayWebSocketFailures")
        .unwrap()
        .clone();
    assert_eq!(gw["status"]["state"], "suppressed");
    assert_eq!(gw["status"]["silencedBy"][0], id.as_str());
    let (_, v) = get(&format!("{am}/api/v2/alerts?silenced=false")).await;
    assert!(v.as_array().unwrap().iter().all(|a| a["labels"]["alertname"] != "GatewayWebSocketFailures"));
    let (_, v) = get(&format!("{am}/api/v2/alerts?filter={}", enc("team=\"realtime\""))).await;
    assert!(v.as_array().unwrap().iter().all(|a| a["labels"]["team"] == "realtime"));
    let (_, v) = get(&format!("{am}/api/v2/silences")).await;
    assert_eq!(v[0]["id"], id.as_str());
    assert_eq!(v[0]["status"]["state"], "active");

    // the two error shapes
    let mut bad = body.clone();
    bad["matchers"] = serde_json::json!([]);
    let r = client.post(format!("{am}/api/v2/silences")).json(&bad).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], 612);
    let mut bad = body.clone();
    bad["endsAt"] = serde_json::json!(t0().to_rfc3339());
    let r = client.post(format!("{am}/api/v2/silences")).json(&bad).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.json::<Value>().await.unwrap().as_str().unwrap().contains("start time must be before end time")
    );

    // expire it
    let r = client.delete(format!("{am}/api/v2/silence/{id}")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, v) = get(&format!("{am}/api/v2/silence/{id}")).await;
    assert_eq!(v["status"]["state"], "expired");
    let (code, v) = get(&format!("{am}/api/v2/status")).await;
    assert_eq!(code, 200);
    assert_eq!(v["cluster"]["status"], "disabled");
}

#[tokio::test]
async fn statuspages_change_with_the_scenario() {
    let s = start(Scenario::GatewayOverload, 1.0).await;
    let cdn = &s.statuspage_urls[0].1;
    let (code, v) = get(cdn).await;
    assert_eq!(code, 200);
    assert_eq!(v["status"]["indicator"], "none");
    assert_eq!(v["page"]["name"], "EdgeFast CDN");
    s.shared.set_now(t0() + Duration::minutes(8));
    let (_, v) = get(cdn).await;
    assert_eq!(v["status"]["indicator"], "minor");
    assert_eq!(v["incidents"][0]["impact"], "minor");
    assert_eq!(v["incidents"][0]["status"], "identified");
    assert!(v["components"].as_array().unwrap().iter().any(|c| c["status"] == "partial_outage"));
    let (_, v) = get(&s.statuspage_urls[2].1).await;
    assert_eq!(v["scheduled_maintenances"][0]["status"], "scheduled");
    let (code, _) = get(&cdn.replace("/cdn/", "/nope/")).await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn admin_endpoint_closes_the_loop() {
    let s = start(Scenario::GatewayOverload, 10.0).await;
    // 6 simulated minutes at speed 10 = 36 s of clock
    s.shared.set_now(t0() + Duration::seconds(36));
    let firing = |v: &Value| v["firing"].as_array().unwrap().iter().any(|n| n == "GatewayWebSocketFailures");
    let (_, state) = get(&format!("{}/admin/state", s.sim_url)).await;
    assert_eq!(state["scenario"], "gateway-overload");
    assert!(firing(&state));

    let (code, v) = post(&format!("{}/admin/scale?service=gateway&replicas=abc", s.sim_url)).await;
    assert_eq!((code, v["ok"].clone()), (400, Value::Bool(false)));
    let (code, v) = post(&format!("{}/admin/scale?service=gateway&replicas=24", s.sim_url)).await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["ok"], true);

    s.shared.set_now(t0() + Duration::seconds(36 + 12)); // two simulated minutes later
    let (_, v) =
        get(&format!("{}/api/v1/query?query={}", s.prometheus_url, enc(&format!("{GW_ERR} < 1")))).await;
    assert_eq!(v["data"]["result"].as_array().unwrap().len(), 1, "verify query passes: {v}");
    let (_, state) = get(&format!("{}/admin/state", s.sim_url)).await;
    assert!(!firing(&state), "{}", state["firing"]);
    assert_eq!(state["actions"][0]["action"], "scale gateway to 24 replicas");
    let (_, alerts) = get(&format!("{}/api/v2/alerts", s.alertmanager_url)).await;
    assert!(
        alerts.as_array().unwrap().iter().all(|a| a["labels"]["alertname"] != "GatewayWebSocketFailures")
    );

    for (path, needle) in [
        ("/admin/throttle?target=compaction&rate=32", "throttled"),
        ("/admin/failover?to=replica-1", "promoting"),
        ("/admin/ban?pattern=tourney_fan_.*", "banned"),
        ("/admin/reviewers?add=5", "reviewers"),
    ] {
        let (code, v) = post(&format!("{}{path}", s.sim_url)).await;
        assert_eq!(code, 200, "{path}: {v}");
        assert!(v["message"].as_str().unwrap().contains(needle), "{v}");
    }
    let (code, v) = post(&format!("{}/admin/failover", s.sim_url)).await;
    assert_eq!(code, 400);
    assert!(v["error"].as_str().unwrap().contains("missing parameter"));
}

#[tokio::test]
async fn number_literals_are_scalars() {
    let s = start(Scenario::Calm, 1.0).await;
    let (code, v) = get(&format!("{}/api/v1/query?query=1", s.prometheus_url)).await;
    assert_eq!(code, 200);
    assert_eq!(v["data"]["resultType"], "scalar");
    assert_eq!(v["data"]["result"][1], "1");
    let (_, v) = get(&format!("{}/api/v1/query?query={}", s.prometheus_url, enc("vector(1)"))).await;
    assert_eq!(v["data"]["resultType"], "vector");
    assert_eq!(v["data"]["result"][0]["value"][1], "1");
}
