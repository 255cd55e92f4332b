//! `promql {verify for=1m timeout=5m}` post-conditions.
//!
//! Contract: the verify passes when the query returns at least one series at every poll
//! for the whole `for` window (a poll with no series restarts the window); it fails when
//! `timeout` passes first; a query error is `Unknown`, never a pass. A query Prometheus
//! rejects (HTTP 4xx, `bad_data`) is `Unknown` at once; a transient error (connection,
//! 5xx) keeps polling, and if the last poll before the timeout was an error the verdict is
//! `Unknown`, not `Failed`. The window and the timeout run `[runbooks] time_scale` times
//! faster than real time (1 for real systems; `opsdeck demo` writes its `--speed`, so a
//! drill at `--speed 30` follows the simulator's clock and waits a thirtieth as long).
use std::time::Duration;

use super::machine::VerifyVerdict;
use crate::config::types::SourceSpec;

/// One poll's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// The number of series returned (vector or matrix).
    Series(usize),
    /// The query itself is wrong: no point in asking again.
    Rejected(String),
    /// Could not ask (network, 5xx, bad body).
    Error(String),
}

/// The pure verify logic; time (`elapsed` since the verify started) is an argument.
#[derive(Debug, Clone)]
pub struct Tracker {
    hold_for: Duration,
    timeout: Duration,
    /// When the current unbroken run of non-empty results began.
    since: Option<Duration>,
    last_error: Option<String>,
}

impl Tracker {
    pub fn new(hold_for: Duration, timeout: Duration) -> Tracker {
        Tracker { hold_for, timeout, since: None, last_error: None }
    }

    /// Feeds one poll taken at `elapsed`; returns the verdict once there is one.
    pub fn observe(&mut self, elapsed: Duration, poll: Poll) -> Option<VerifyVerdict> {
        match poll {
            Poll::Series(n) if n > 0 => {
                self.last_error = None;
                let since = *self.since.get_or_insert(elapsed);
                if elapsed.saturating_sub(since) >= self.hold_for {
                    return Some(VerifyVerdict::Passed);
                }
            }
            Poll::Series(_) => {
                self.last_error = None;
                self.since = None;
            }
            Poll::Rejected(e) => return Some(VerifyVerdict::Unknown(e)),
            Poll::Error(e) => {
                self.since = None;
                self.last_error = Some(e);
            }
        }
        if elapsed >= self.timeout {
            return Some(match self.last_error.take() {
                Some(e) => VerifyVerdict::Unknown(format!("timed out; last error: {e}")),
                None => VerifyVerdict::Failed(format!(
                    "no series held for {} within {}",
                    crate::util::duration::format_compact(self.hold_for),
                    crate::util::duration::format_compact(self.timeout)
                )),
            });
        }
        None
    }
}

/// How often to poll: a quarter of the window, between 250 ms and 5 s.
pub fn poll_interval(hold_for: Duration) -> Duration {
    (hold_for / 4).clamp(Duration::from_millis(250), Duration::from_secs(5))
}

/// A minimal Prometheus instant-query client for verify blocks.
#[derive(Debug, Clone)]
pub struct PromQuery {
    client: reqwest::Client,
    base: String,
    headers: reqwest::header::HeaderMap,
    /// Clock seconds of the verify window per real second (see the module contract).
    time_scale: f64,
}

impl PromQuery {
    /// From a `[[prometheus]]` source: URL, bearer token (env or file), basic auth,
    /// extra headers, CA file.
    pub fn from_source(src: &SourceSpec) -> anyhow::Result<PromQuery> {
        use anyhow::Context;
        use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
        let mut headers = HeaderMap::new();
        let token = match (&src.bearer_token_env, &src.bearer_token_file) {
            (Some(env), _) => Some(std::env::var(env).with_context(|| format!("env {env}"))?),
            (None, Some(f)) => Some(std::fs::read_to_string(f).with_context(|| f.display().to_string())?),
            _ => None,
        };
        if let Some(t) = token {
            headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {}", t.trim()))?);
        }
        if let Some(b) = &src.basic_auth {
            let pw = match (&b.password_env, &b.password_file) {
                (Some(e), _) => std::env::var(e).with_context(|| format!("env {e}"))?,
                (None, Some(f)) => std::fs::read_to_string(f)?.trim().to_string(),
                _ => String::new(),
            };
            let enc = crate::util::scrub::base64(format!("{}:{pw}", b.username).as_bytes());
            headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Basic {enc}"))?);
        }
        for (k, v) in &src.headers {
            headers.insert(HeaderName::from_bytes(k.as_bytes())?, HeaderValue::from_str(v)?);
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(src.timeout.unwrap_or(Duration::from_secs(10)));
        if let Some(ca) = &src.ca_file {
            let pem = std::fs::read(ca).with_context(|| ca.display().to_string())?;
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
        }
        Ok(PromQuery {
            client: builder.build()?,
            base: src.url.trim_end_matches('/').to_string(),
            headers,
            time_scale: 1.0,
        })
    }

    /// Verify windows on a clock `scale` times faster than real time (clamped to 0.01..=1000).
    pub fn with_time_scale(mut self, scale: f64) -> PromQuery {
        self.time_scale = if scale.is_finite() { scale.clamp(0.01, 1000.0) } else { 1.0 };
        self
    }

    pub fn new(url: &str) -> PromQuery {
        PromQuery::from_source(&SourceSpec { name: "verify".into(), url: url.into(), ..Default::default() })
            .expect("a plain URL always builds")
    }

    /// One instant query.
    pub async fn poll(&self, query: &str) -> Poll {
        let url = format!("{}/api/v1/query", self.base);
        let resp =
            match self.client.get(&url).headers(self.headers.clone()).query(&[("query", query)]).send().await
            {
                Ok(r) => r,
                Err(e) => return Poll::Error(format!("{url}: {e}")),
            };
        let status = resp.status();
        let body: serde_json::Value = match resp.json().await {
            Ok(v) => v,
            Err(e) => return Poll::Error(format!("HTTP {status}: invalid JSON: {e}")),
        };
        if body["status"] != "success" {
            let msg = format!(
                "HTTP {}: {}: {}",
                status.as_u16(),
                body["errorType"].as_str().unwrap_or("error"),
                body["error"].as_str().unwrap_or("no message")
            );
            return if status.is_client_error() { Poll::Rejected(msg) } else { Poll::Error(msg) };
        }
        match body["data"]["resultType"].as_str() {
            Some("vector" | "matrix") => Poll::Series(body["data"]["result"].as_array().map_or(0, Vec::len)),
            Some(other) => Poll::Rejected(format!("a verify query must return series, got a {other}")),
            None => Poll::Error("response without data.resultType".into()),
        }
    }
}

/// Polls until the tracker has a verdict.
pub async fn run(
    client: Option<&PromQuery>,
    query: &str,
    hold_for: Duration,
    timeout: Duration,
) -> VerifyVerdict {
    let Some(client) = client else {
        return VerifyVerdict::Unknown("no [[prometheus]] source is configured".into());
    };
    let started = tokio::time::Instant::now();
    let mut tracker = Tracker::new(hold_for, timeout);
    let scale = client.time_scale;
    let every = poll_interval(hold_for).div_f64(scale).max(Duration::from_millis(100));
    loop {
        let poll = client.poll(query).await;
        if let Some(v) = tracker.observe(started.elapsed().mul_f64(scale), poll) {
            return v;
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn passes_after_the_whole_window() {
        let mut t = Tracker::new(s(60), s(300));
        assert_eq!(t.observe(s(0), Poll::Series(1)), None);
        assert_eq!(t.observe(s(30), Poll::Series(2)), None);
        assert_eq!(t.observe(s(59), Poll::Series(1)), None);
        assert_eq!(t.observe(s(60), Poll::Series(1)), Some(VerifyVerdict::Passed));
    }

    #[test]
    fn an_empty_poll_restarts_the_window() {
        let mut t = Tracker::new(s(60), s(300));
        t.observe(s(0), Poll::Series(1));
        t.observe(s(50), Poll::Series(0));
        assert_eq!(t.observe(s(70), Poll::Series(1)), None);
        assert_eq!(t.observe(s(129), Poll::Series(1)), None);
        assert_eq!(t.observe(s(130), Poll::Series(1)), Some(VerifyVerdict::Passed));
    }

    #[test]
    fn nothing_until_timeout_fails_errors_are_unknown() {
        let mut t = Tracker::new(s(10), s(30));
        assert_eq!(t.observe(s(29), Poll::Series(0)), None);
        assert!(matches!(t.observe(s(30), Poll::Series(0)), Some(VerifyVerdict::Failed(_))));
        let mut t = Tracker::new(s(10), s(30));
        t.observe(s(0), Poll::Series(1));
        assert!(matches!(t.observe(s(30), Poll::Error("refused".into())), Some(VerifyVerdict::Unknown(_))));
        let mut t = Tracker::new(s(0), s(30));
        assert!(matches!(
            t.observe(s(0), Poll::Rejected("bad_data".into())),
            Some(VerifyVerdict::Unknown(_))
        ));
    }

    #[test]
    fn zero_window_passes_on_first_series() {
        let mut t = Tracker::new(s(0), s(30));
        assert_eq!(t.observe(s(0), Poll::Series(3)), Some(VerifyVerdict::Passed));
    }

    #[test]
    fn base64() {
        assert_eq!(crate::util::scrub::base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(crate::util::scrub::base64(b"ab"), "YWI=");
    }
}
