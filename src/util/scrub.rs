//! The one scrubber: every configured secret, in every form it could be echoed back in,
//! replaced by `***` in any text that leaves the process.
//!
//! Contract:
//! - [`register`] records a secret and its derived forms; the HTTP clients register what
//!   they send (bearer token, basic-auth password and the base64 of `user:password`, URL
//!   userinfo and its base64, secret header values), and loading a config registers every
//!   source's secrets (so a runbook run that never polls still scrubs them).
//! - [`scrub`] replaces every registered form, longest first, whatever the text is (a 2xx
//!   body, an error, a label, a journal line). `util::text::sanitize` calls it, so every
//!   text the screen or a subcommand prints is scrubbed.
//! - Values shorter than 4 characters are not registered (they would blank ordinary text).
use std::borrow::Cow;
use std::sync::RwLock;

/// What replaces a secret.
pub const MASK: &str = "***";

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

fn add(list: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if s.chars().count() >= 4 && !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

fn commit(new: Vec<String>) {
    if new.is_empty() {
        return;
    }
    let mut g = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    for s in new {
        add(&mut g, &s);
    }
    g.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Registers a secret value (a token, a password, a secret header value): the value and
/// its base64 form.
pub fn register(secret: &str) {
    let mut v = Vec::new();
    add(&mut v, secret);
    add(&mut v, &base64(secret.trim().as_bytes()));
    commit(v);
}

/// Registers basic-auth credentials: the password, and `user:password` raw and in base64
/// (what an `Authorization: Basic` header carries).
pub fn register_basic(username: &str, password: &str) {
    let mut v = Vec::new();
    add(&mut v, password);
    if !password.is_empty() {
        let pair = format!("{username}:{password}");
        add(&mut v, &base64(pair.as_bytes()));
        add(&mut v, &pair);
    }
    commit(v);
}

/// Registers the userinfo of a URL (`http://user:pass@host/`): the password, the
/// `user:pass` pair and its base64.
pub fn register_url(url: &str) {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else { return };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else { return };
    let decoded = percent_decode(userinfo);
    match decoded.split_once(':') {
        Some((user, pass)) => {
            register_basic(user, pass);
            if userinfo != decoded {
                let mut v = Vec::new();
                add(&mut v, userinfo);
                if let Some((_, p)) = userinfo.split_once(':') {
                    add(&mut v, p);
                }
                commit(v);
            }
        }
        None => register(&decoded),
    }
}

/// Whether a header's value is a secret by its name alone: `authorization`, `cookie`, or a
/// name containing `token`, `key` or `secret` (case-insensitive).
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "proxy-authorization"
        || n.contains("cookie")
        || n.contains("token")
        || n.contains("key")
        || n.contains("secret")
}

/// `text` with every registered secret replaced by `***`; borrowed when nothing matched.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let g = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    if g.is_empty() || !g.iter().any(|s| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for s in g.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    Cow::Owned(out)
}

/// `scrub` for bytes (a response body); bytes that are not UTF-8 are scrubbed as lossy text
/// only when a secret is found in them.
pub fn scrub_bytes(bytes: Vec<u8>) -> Vec<u8> {
    {
        let g = SECRETS.read().unwrap_or_else(|e| e.into_inner());
        if g.is_empty() || !g.iter().any(|s| contains(&bytes, s.as_bytes())) {
            return bytes;
        }
    }
    match String::from_utf8(bytes) {
        Ok(s) => scrub(&s).into_owned().into_bytes(),
        Err(e) => scrub(&String::from_utf8_lossy(e.as_bytes())).into_owned().into_bytes(),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = ((b[i + 1] as char).to_digit(16), (b[i + 2] as char).to_digit(16))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 (RFC 4648, padded).
pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for c in input.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if c.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_scrubbed() {
        register("tok-unit-31a9f0");
        register_basic("ops", "pw-unit-77c2");
        register_url("http://u:pa%40ss-unit-9@h:1/x");
        let text = format!(
            "Bearer tok-unit-31a9f0 | Basic {} | {} | pw-unit-77c2 | {} | pa@ss-unit-9 | {}",
            base64(b"ops:pw-unit-77c2"),
            base64(b"tok-unit-31a9f0"),
            base64(b"u:pa@ss-unit-9"),
            "pa%40ss-unit-9",
        );
        let out = scrub(&text);
        for s in ["tok-unit", "pw-unit", "ss-unit", &base64(b"ops:pw-unit-77c2")] {
            assert!(!out.contains(s), "{s} in {out}");
        }
        assert!(matches!(scrub("nothing here"), Cow::Borrowed(_)));
        assert_eq!(scrub_bytes(b"x tok-unit-31a9f0 y".to_vec()), b"x *** y");
    }

    #[test]
    fn secret_header_names() {
        for n in ["Authorization", "X-Api-Key", "X-Secret", "X-Auth-Token", "Cookie"] {
            assert!(is_secret_header(n), "{n}");
        }
        assert!(!is_secret_header("X-Scope-OrgID"));
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
