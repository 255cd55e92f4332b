//! The HTTP edge shared by every client: one reqwest client per source, built from its
//! `SourceSpec` (timeouts, auth, extra headers, CA file), bodies read streaming under a size
//! cap, and every failure turned into a `SourceError` a person can read.
//!
//! Contract: secrets (bearer token, basic-auth password) live only in `Secret`, whose
//! `Debug` prints `***`; no error built here contains a secret or the request URL's
//! userinfo.
use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::config::types::{Defaults, SourceSpec};
use crate::domain::SourceError;

/// Response bodies larger than this fail with `SourceError::TooLarge` unless a client is
/// built with another limit.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// A secret string: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Credentials resolved from the spec at build time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer(Secret),
    Basic { username: String, password: Secret },
}

/// A response body read in full (under the cap).
#[derive(Debug, Clone)]
pub struct Body {
    pub status: u16,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Body {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, or `BadJson` with serde's line and column.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        parse_json(&self.bytes)
    }

    /// A short plain-text excerpt of the body for error details (first line, at most 120
    /// characters); empty for HTML and empty bodies.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        let t = text.trim_start();
        if t.starts_with('<') {
            return String::new();
        }
        let line = t.lines().next().unwrap_or("").trim();
        line.chars().take(120).collect()
    }
}

/// Parses JSON, mapping failures to `SourceError::BadJson { line, column }`.
pub fn parse_json<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, SourceError> {
    serde_json::from_slice(bytes).map_err(|e| SourceError::BadJson {
        line: e.line(),
        column: e.column(),
        message: json_message(&e),
    })
}

/// serde's message without its trailing " at line L column C" (we print those ourselves).
fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// One HTTP client per source.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    base: reqwest::Url,
    auth: Auth,
    timeout: Duration,
    connect_timeout: Duration,
    body_limit: usize,
    ca_file: Option<String>,
    header_values: Vec<Secret>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("base", &redact_url(&self.base))
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("body_limit", &self.body_limit)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// The connect timeout for a total timeout: half of it, at least 1s, never above the total.
pub fn connect_timeout_for(total: Duration) -> Duration {
    (total / 2).max(Duration::from_secs(1)).min(total)
}

impl HttpClient {
    /// Builds the client: reads the token or password (file or environment variable), the CA
    /// file, and the extra headers. Errors name the config option at fault.
    pub fn new(spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        let base = reqwest::Url::parse(spec.url.trim())
            .map_err(|e| SourceError::Other(format!("bad url `{}`: {e}", redact_str(&spec.url))))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(SourceError::Other(format!(
                "bad url `{}`: scheme must be http or https",
                redact_url(&base)
            )));
        }
        let timeout = spec.timeout_or(defaults);
        let connect_timeout = connect_timeout_for(timeout);
        let auth = resolve_auth(spec)?;

        // A source that sends nothing of its own (no credentials, no headers, no userinfo)
        // may follow a redirect anywhere (public status pages move); any other only within
        // its origin.
        let carries_secrets = !matches!(auth, Auth::None)
            || !spec.headers.is_empty()
            || !base.username().is_empty()
            || base.password().is_some();
        let mut headers = reqwest::header::HeaderMap::new();
        let header_values = spec.headers.values().map(|v| Secret(v.clone())).collect();
        crate::config::secrets::register_source(spec);
        register_auth(&auth);
        for (k, v) in &spec.headers {
            let name = reqwest::header::HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| SourceError::Other(format!("headers: `{k}` is not a valid header name")))?;
            let mut value = reqwest::header::HeaderValue::from_str(v).map_err(|_| {
                SourceError::Other(format!("headers: the value of `{k}` is not a valid header value"))
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }

        let mut builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .default_headers(headers)
            .redirect(redirect_policy(carries_secrets))
            .user_agent(concat!("opsdeck/", env!("CARGO_PKG_VERSION")));
        let mut ca_file = None;
        if let Some(path) = &spec.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| SourceError::Other(format!("ca_file {}: {}", path.display(), io_reason(&e))))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
                SourceError::Other(format!("ca_file {}: not a PEM certificate", path.display()))
            })?;
            if certs.is_empty() {
                return Err(SourceError::Other(format!("ca_file {}: no certificate in it", path.display())));
            }
            for c in certs {
                builder = builder.add_root_certificate(c);
            }
            ca_file = Some(path.display().to_string());
        }
        let client = builder
            .build()
            .map_err(|e| SourceError::Other(format!("cannot build the HTTP client: {}", e.without_url())))?;
        let body_limit =
            spec.max_body.map_or(DEFAULT_BODY_LIMIT, |n| usize::try_from(n).unwrap_or(usize::MAX));
        Ok(HttpClient { client, base, auth, timeout, connect_timeout, body_limit, ca_file, header_values })
    }

    /// The same client with another body size cap.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn base(&self) -> &reqwest::Url {
        &self.base
    }

    /// `path` (e.g. `/api/v1/query`) appended to the base URL's path; an empty `path` is the
    /// base URL itself (scrape and Statuspage sources give the full URL).
    pub fn url(&self, path: &str) -> reqwest::Url {
        let mut url = self.base.clone();
        if !path.is_empty() {
            let joined = format!("{}/{}", url.path().trim_end_matches('/'), path.trim_start_matches('/'));
            url.set_path(&joined);
        }
        url
    }

    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Body, SourceError> {
        self.get_with_accept(path, query, None).await
    }

    pub async fn get_with_accept(
        &self,
        path: &str,
        query: &[(&str, String)],
        accept: Option<&str>,
    ) -> Result<Body, SourceError> {
        let mut req = self.client.get(self.url(path)).query(query);
        if let Some(a) = accept {
            req = req.header(reqwest::header::ACCEPT, a);
        }
        self.send(req).await
    }

    /// POST with `application/x-www-form-urlencoded` parameters (Prometheus, long PromQL).
    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> Result<Body, SourceError> {
        self.send(self.client.post(self.url(path)).form(form)).await
    }

    pub async fn post_json<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
    ) -> Result<Body, SourceError> {
        self.send(self.client.post(self.url(path)).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Body, SourceError> {
        self.send(self.client.delete(self.url(path))).await
    }

    fn authorize(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Auth::None => req,
            Auth::Bearer(t) => req.bearer_auth(t.expose()),
            Auth::Basic { username, password } => req.basic_auth(username, Some(password.expose())),
        }
    }

    /// GET `path`, handing a 2xx body to `sink` chunk by chunk as it arrives (never held
    /// whole), under the size cap and the total timeout. `Ok(None)`: a 2xx answer, all of it
    /// given to `sink`; `Ok(Some(body))`: another status, its body read whole (and scrubbed)
    /// for the message. An error of `sink` ends the read.
    pub async fn get_streaming(
        &self,
        path: &str,
        sink: &mut (dyn FnMut(&[u8]) -> Result<(), SourceError> + Send),
    ) -> Result<Option<Body>, SourceError> {
        let req = self.authorize(self.client.get(self.url(path)));
        let read = async {
            let mut resp = req.send().await.map_err(|e| self.map_error(e))?;
            if !resp.status().is_success() {
                return self.finish_body(resp).await.map(Some);
            }
            if resp.content_length().is_some_and(|len| len > self.body_limit as u64) {
                return Err(SourceError::TooLarge { limit: self.body_limit });
            }
            let mut total = 0usize;
            while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_error(e))? {
                total += chunk.len();
                if total > self.body_limit {
                    return Err(SourceError::TooLarge { limit: self.body_limit });
                }
                sink(&chunk)?;
            }
            Ok(None)
        };
        match tokio::time::timeout(self.timeout, read).await {
            Ok(r) => r,
            Err(_) => Err(SourceError::Timeout(self.timeout)),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Body, SourceError> {
        let req = self.authorize(req);
        // reqwest's own timeout covers connect + headers + body; the outer one is a guard so
        // that nothing here can outlive the total timeout whatever the server does.
        match tokio::time::timeout(self.timeout, self.send_inner(req)).await {
            Ok(r) => r,
            Err(_) => Err(SourceError::Timeout(self.timeout)),
        }
    }

    async fn send_inner(&self, req: reqwest::RequestBuilder) -> Result<Body, SourceError> {
        let resp = req.send().await.map_err(|e| self.map_error(e))?;
        self.finish_body(resp).await
    }

    /// Reads an answer's body whole, under the cap (error bodies scrubbed of secrets).
    async fn finish_body(&self, mut resp: reqwest::Response) -> Result<Body, SourceError> {
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(len) = resp.content_length()
            && len > self.body_limit as u64
        {
            return Err(SourceError::TooLarge { limit: self.body_limit });
        }
        // Sized from Content-Length (within the limit) so that a 5 MB answer is not
        // copied through doubling buffers.
        let hint = resp.content_length().map_or(0, |n| n as usize).min(self.body_limit);
        let mut bytes = Vec::with_capacity(hint);
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_error(e))? {
            if bytes.len() + chunk.len() > self.body_limit {
                return Err(SourceError::TooLarge { limit: self.body_limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        // Any body may end up on screen (a 200 whose JSON error or labels echo our
        // credentials): scrub every one, whatever the status.
        if !(200..300).contains(&status) {
            bytes = self.scrub(bytes);
        }
        bytes = crate::util::scrub::scrub_bytes(bytes);
        Ok(Body { status, content_type, bytes })
    }

    /// Every secret this client sends (token, password, its base64 basic-auth form, extra
    /// header values), longest first.
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.auth {
            Auth::None => {}
            Auth::Bearer(t) => out.push(t.expose().to_string()),
            Auth::Basic { username, password } => {
                out.push(crate::util::scrub::base64(format!("{username}:{}", password.expose()).as_bytes()));
                out.push(password.expose().to_string());
            }
        }
        out.extend(self.header_values.iter().map(|s| s.expose().to_string()));
        if let Some(p) = self.base.password() {
            out.push(p.to_string());
        }
        out.retain(|s| s.len() >= 4);
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out
    }

    fn scrub(&self, bytes: Vec<u8>) -> Vec<u8> {
        let secrets = self.secrets();
        if secrets.is_empty() {
            return bytes;
        }
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        for s in secrets {
            text = text.replace(&s, "***");
        }
        text.into_bytes()
    }

    /// A reqwest failure as a reason a person understands.
    fn map_error(&self, e: reqwest::Error) -> SourceError {
        let e = e.without_url();
        let chain = error_chain(&e);
        if let Some(i) = chain.find(OTHER_ORIGIN) {
            let rest = &chain[i..];
            let end = rest.find(')').map_or(rest.len(), |j| j + 1);
            return SourceError::Other(rest[..end].to_string());
        }
        if e.is_timeout() || chain.contains("timed out") || chain.contains("deadline has elapsed") {
            let d = if e.is_connect() { self.connect_timeout } else { self.timeout };
            return SourceError::Timeout(d);
        }
        if has_io_kind(&e, std::io::ErrorKind::ConnectionRefused) || chain.contains("Connection refused") {
            return SourceError::Refused;
        }
        if chain.contains("dns error")
            || chain.contains("lookup address")
            || chain.contains("Name or service not known")
        {
            return SourceError::Dns(self.base.host_str().unwrap_or("").to_string());
        }
        if let Some(why) = tls_cause(&chain) {
            return SourceError::Tls(why.to_string());
        }
        if chain.contains("UnknownIssuer")
            || chain.contains("unknown issuer")
            || chain.contains("invalid peer certificate")
        {
            let what = if chain.contains("UnknownIssuer") || chain.contains("unknown issuer") {
                "server certificate signed by an unknown authority"
            } else {
                "invalid server certificate"
            };
            return SourceError::Tls(match &self.ca_file {
                Some(f) => format!("{what} (not the CA in ca_file {f})"),
                None => format!("{what}; set ca_file to the PEM file of the CA that signed it"),
            });
        }
        if chain.contains("certificate")
            || chain.contains("tls")
            || chain.contains("TLS")
            || chain.contains("handshake")
        {
            return SourceError::Tls(last_cause(&e));
        }
        if has_io_kind(&e, std::io::ErrorKind::ConnectionReset) {
            return SourceError::Other("connection reset by the server".into());
        }
        if e.is_body()
            || e.is_decode()
            || chain.contains("connection closed")
            || chain.contains("IncompleteMessage")
        {
            return SourceError::Other(format!(
                "connection closed before the answer was complete ({})",
                last_cause(&e)
            ));
        }
        SourceError::Other(last_cause(&e))
    }
}

/// A certificate failure other than an unknown issuer, named by its cause (the CA file,
/// if any, is not at fault for these).
fn tls_cause(chain: &str) -> Option<&'static str> {
    if chain.contains("NotValidForName") || chain.contains("not valid for name") {
        Some("server certificate is not valid for this host name (hostname mismatch)")
    } else if chain.contains("Expired") || chain.contains("expired") {
        Some("server certificate has expired")
    } else if chain.contains("NotValidYet") {
        Some("server certificate is not valid yet")
    } else if chain.contains("InvalidPurpose") || chain.contains("purpose") {
        Some("server certificate is not valid for server use (extended key usage)")
    } else if chain.contains("Revoked") {
        Some("server certificate was revoked")
    } else {
        None
    }
}

const OTHER_ORIGIN: &str = "redirected to another origin";

/// Redirects are followed (up to 10); for a source with credentials or configured headers
/// only within the origin (scheme, host, port) of the request: they never reach another
/// server, the request fails with `redirected to another origin (URL)` instead.
fn redirect_policy(same_origin_only: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let origin = |u: &reqwest::Url| {
            (u.scheme().to_string(), u.host_str().map(str::to_string), u.port_or_known_default())
        };
        let first = attempt.previous().first().map(origin);
        if same_origin_only && first.is_some_and(|f| f != origin(attempt.url())) {
            let to = redact_url(attempt.url());
            return attempt.error(format!("{OTHER_ORIGIN} ({to})"));
        }
        if attempt.previous().len() > 10 {
            return attempt.error("too many redirects");
        }
        attempt.follow()
    })
}

/// Registers the credentials of `auth` with the process-wide scrubber.
fn register_auth(auth: &Auth) {
    match auth {
        Auth::None => {}
        Auth::Bearer(t) => crate::util::scrub::register(t.expose()),
        Auth::Basic { username, password } => crate::util::scrub::register_basic(username, password.expose()),
    }
}

fn resolve_auth(spec: &SourceSpec) -> Result<Auth, SourceError> {
    if let Some(basic) = &spec.basic_auth {
        let password = if let Some(var) = &basic.password_env {
            read_env("basic_auth.password_env", var)?
        } else if let Some(path) = &basic.password_file {
            read_file("basic_auth.password_file", path)?
        } else {
            String::new()
        };
        return Ok(Auth::Basic { username: basic.username.clone(), password: Secret(password) });
    }
    if let Some(path) = &spec.bearer_token_file {
        return Ok(Auth::Bearer(Secret(read_file("bearer_token_file", path)?)));
    }
    if let Some(var) = &spec.bearer_token_env {
        return Ok(Auth::Bearer(Secret(read_env("bearer_token_env", var)?)));
    }
    Ok(Auth::None)
}

fn read_env(option: &str, var: &str) -> Result<String, SourceError> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        Ok(_) => Err(SourceError::Other(format!("{option}: environment variable {var} is empty"))),
        Err(_) => Err(SourceError::Other(format!("{option}: environment variable {var} is not set"))),
    }
}

fn read_file(option: &str, path: &std::path::Path) -> Result<String, SourceError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SourceError::Other(format!("{option} {}: {}", path.display(), io_reason(&e))))?;
    let t = text.trim();
    if t.is_empty() {
        return Err(SourceError::Other(format!("{option} {}: the file is empty", path.display())));
    }
    Ok(t.to_string())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&format!("{s} {s:?}"));
        cur = s.source();
    }
    out
}

fn last_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    cur.to_string()
}

fn has_io_kind(e: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = cur {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == kind
        {
            return true;
        }
        cur = s.source();
    }
    false
}

/// The URL without userinfo, query or fragment (for messages).
pub fn redact_url(u: &reqwest::Url) -> String {
    let mut u = u.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

fn redact_str(s: &str) -> String {
    // An unparsable URL: drop anything up to an `@` after the scheme.
    match (s.find("://"), s.rfind('@')) {
        (Some(i), Some(j)) if j > i => format!("{}://{}", &s[..i], &s[j + 1..]),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_carry_line_and_column() {
        let e = parse_json::<serde_json::Value>(b"{\"a\": 1,\n \"b\": }").unwrap_err();
        match &e {
            SourceError::BadJson { line, column, .. } => assert_eq!((*line, *column), (2, 7)),
            other => panic!("unexpected {other:?}"),
        }
        assert!(e.to_string().starts_with("invalid JSON at line 2 column 7: expected value"), "{e}");
    }

    #[test]
    fn connect_timeout_is_half_the_total_within_bounds() {
        assert_eq!(connect_timeout_for(Duration::from_secs(4)), Duration::from_secs(2));
        assert_eq!(connect_timeout_for(Duration::from_secs(1)), Duration::from_secs(1));
        assert_eq!(connect_timeout_for(Duration::from_millis(300)), Duration::from_millis(300));
    }

    #[test]
    fn url_joins_paths() {
        let spec = SourceSpec { name: "p".into(), url: "http://h:9090/prom/".into(), ..Default::default() };
        let c = HttpClient::new(&spec, &Defaults::default()).unwrap();
        assert_eq!(c.url("/api/v1/query").as_str(), "http://h:9090/prom/api/v1/query");
        assert_eq!(c.url("").as_str(), "http://h:9090/prom/");
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(crate::util::scrub::base64(b""), "");
        assert_eq!(crate::util::scrub::base64(b"f"), "Zg==");
        assert_eq!(crate::util::scrub::base64(b"fo"), "Zm8=");
        assert_eq!(crate::util::scrub::base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(crate::util::scrub::base64(b"ops:pw-8d2b44-hunter2"), "b3BzOnB3LThkMmI0NC1odW50ZXIy");
    }

    #[test]
    fn redacts_userinfo() {
        let u = reqwest::Url::parse("http://ops:hunter2@h:9090/x?token=abc").unwrap();
        assert_eq!(redact_url(&u), "http://h:9090/x");
        assert_eq!(redact_str("http://ops:hunter2@h:bad port"), "http://h:bad port");
    }
}
