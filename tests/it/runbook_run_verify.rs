//! promql verify blocks against the real Prometheus (OPSDECK_TEST_PROM_URL; the sample
//! metric obs_test_requests_total exists there): a matching query passes, one matching
//! nothing times out as failed, a syntax error is unknown, never a pass.
use crate::rbrun_support::*;

use opsdeck::runbook::machine::VerifyVerdict;
use opsdeck::runbook::verify::{self, Poll, PromQuery};
use std::time::Duration;

fn prom_url() -> Option<String> {
    Some(crate::backends::url("OPSDECK_TEST_PROM_URL"))
}

/// Waits until the sample metric has been scraped.
async fn wait_for_metric(p: &PromQuery) {
    for _ in 0..60 {
        if matches!(p.poll("obs_test_requests_total").await, Poll::Series(n) if n > 0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("obs_test_requests_total never appeared in Prometheus");
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn verify_verdicts_against_real_prometheus() {
    let Some(url) = prom_url() else { return };
    let p = PromQuery::new(&url);
    wait_for_metric(&p).await;

    let v = verify::run(Some(&p), "obs_test_requests_total", Duration::from_secs(1), Duration::from_secs(20))
        .await;
    assert_eq!(v, VerifyVerdict::Passed);

    let v = verify::run(
        Some(&p),
        "obs_test_requests_total{service=\"no-such-service\"}",
        Duration::from_secs(1),
        Duration::from_secs(2),
    )
    .await;
    assert!(matches!(v, VerifyVerdict::Failed(_)), "{v:?}");

    let v =
        verify::run(Some(&p), "sum(obs_test_requests_total", Duration::from_secs(1), Duration::from_secs(10))
            .await;
    match v {
        VerifyVerdict::Unknown(reason) => assert!(reason.contains("bad_data"), "{reason}"),
        other => panic!("a syntax error must be unknown, got {other:?}"),
    }

    // A scalar is not a series: unknown, not a pass.
    let v = verify::run(Some(&p), "1", Duration::ZERO, Duration::from_secs(5)).await;
    assert!(matches!(v, VerifyVerdict::Unknown(_)), "{v:?}");

    // Nothing listening: unknown at the timeout, never a pass.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let v = verify::run(Some(&PromQuery::new(&dead)), "up", Duration::ZERO, Duration::from_secs(1)).await;
    assert!(matches!(v, VerifyVerdict::Unknown(_)), "{v:?}");
}

#[ignore = "needs scripts/test"]
#[test]
fn verify_blocks_in_a_real_run() {
    let Some(url) = prom_url() else { return };
    let ws = Ws::new(&format!("[[prometheus]]\nname = \"main\"\nurl = {url:?}\n"));
    ws.write_runbook(
        "check",
        r#"# Check

## Look at the requests

```sh {readonly}
echo looking
```

```promql {verify for=1s timeout=20s}
obs_test_requests_total
```

## Expect the impossible

```sh {readonly}
echo hoping
```

```promql {verify for=1s timeout=2s}
obs_test_requests_total{service="no-such-service"}
```
"#,
    );
    let out = ws.run(&["runbook", "run", "check"], "\n\na\n");
    assert!(out.stdout.contains("verify: passed"), "{out:?}");
    assert!(out.stdout.contains("verify: failed: no series held for 1s within 2s"), "{out:?}");
    assert!(out.stdout.contains("FAILED: verify 1 failed"), "{out:?}");
    assert_eq!(out.code, Some(1), "{out:?}");
}
