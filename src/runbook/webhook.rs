//! The optional events webhook (`[runbooks] webhook = URL`): Slack-compatible JSON
//! `{"text": "..."}` posted off the main path.
//!
//! Contract: [`Webhook::announce`] returns at once; the POST runs on its own task with a
//! short timeout; a failure is reported on the `warnings` channel and never blocks or
//! fails the run.
use std::time::Duration;
use tokio::sync::mpsc;

pub const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct Webhook {
    url: String,
    client: reqwest::Client,
    warnings: mpsc::UnboundedSender<String>,
}

impl Webhook {
    pub fn new(url: &str, warnings: mpsc::UnboundedSender<String>) -> Webhook {
        let client = reqwest::Client::builder()
            .connect_timeout(TIMEOUT)
            .timeout(TIMEOUT)
            .build()
            .expect("a default client builds");
        Webhook { url: url.to_string(), client, warnings }
    }

    /// Posts `text` in the background; returns the task (tests await it, runs do not).
    pub fn announce(&self, text: &str) -> tokio::task::JoinHandle<()> {
        let hook = self.clone();
        let body = serde_json::json!({ "text": text });
        tokio::spawn(async move {
            let res = hook.client.post(&hook.url).json(&body).send().await;
            let problem = match res {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("HTTP {}", r.status())),
                Err(e) if e.is_timeout() => Some(format!("timed out after {}s", TIMEOUT.as_secs())),
                Err(e) => Some(e.to_string()),
            };
            if let Some(p) = problem {
                let _ = hook.warnings.send(format!("warning: webhook {}: {p}", hook.url));
            }
        })
    }
}
