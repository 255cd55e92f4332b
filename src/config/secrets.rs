//! Every secret a config names, registered with the one scrubber (`util::scrub`) as soon as
//! the config is loaded, so that whatever the process prints or stores afterwards (screen,
//! snapshot, errors, journals, exports) has them masked, whichever command runs.
use super::types::{Config, SourceSpec};
use crate::util::scrub;

/// Registers the secrets of every source. Unreadable files and unset variables are
/// skipped here (building the source's client reports them).
pub fn register(config: &Config) {
    let sources = config.prometheus.iter().chain(&config.scrape).chain(&config.alertmanager);
    for s in sources.chain(&config.statuspage) {
        register_source(s);
    }
}

/// The secrets of one source: bearer token (file or environment), basic-auth password and
/// its `user:password` forms, URL userinfo, and the values of secret headers.
pub fn register_source(s: &SourceSpec) {
    if let Some(t) = s.bearer_token_file.as_ref().and_then(|p| std::fs::read_to_string(p).ok()) {
        scrub::register(t.trim());
    }
    if let Some(t) = s.bearer_token_env.as_ref().and_then(|v| std::env::var(v).ok()) {
        scrub::register(t.trim());
    }
    if let Some(b) = &s.basic_auth {
        let pw = b
            .password_env
            .as_ref()
            .and_then(|v| std::env::var(v).ok())
            .or_else(|| b.password_file.as_ref().and_then(|p| std::fs::read_to_string(p).ok()));
        if let Some(pw) = pw {
            scrub::register_basic(&b.username, pw.trim());
        }
    }
    scrub::register_url(&s.url);
    for (k, v) in &s.headers {
        if is_secret_header(s, k) {
            scrub::register(v);
        }
    }
}

/// Whether the value of header `name` of source `s` is a secret: named like one, or listed
/// in the source's `secret_headers`.
pub fn is_secret_header(s: &SourceSpec, name: &str) -> bool {
    scrub::is_secret_header(name) || s.secret_headers.iter().any(|h| h.eq_ignore_ascii_case(name))
}
