//! Parsing `GET /api/v2/alerts` as the body arrives, with what the previous answer was
//! made of (the resend cache). Memory grows with the alerts kept, not with the body: the
//! body is split into its alert objects (`alert_stream`) and each is parsed on its own.
//!
//! Parsing through the cache gives the same alerts as a full parse, except that:
//! - an answer whose alerts are all as before, in the same order, but for their update and
//!   end times (Alertmanager moves those on every re-send from Prometheus) is the previous
//!   list itself (the same `Arc`): nothing shown or derived from it changes, so a steady
//!   storm costs a scan of the body, not a parse, and the model neither derives nor redraws;
//! - otherwise an alert unchanged but for those times is the previous alert (its times
//!   included), and one whose label and annotation maps are written as before shares them
//!   with the previous answer instead of parsing them again.
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::alert_stream::{ArraySplitter, Pos};
use super::alertmanager::{WireAlert, WireReceiver, WireStatus, state};
use crate::domain::{Alert, AlertList, LabelSet, Labels, SourceError};

/// One alert of a body, its parts left unparsed (borrowed from the body).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert<'a> {
    #[serde(borrow)]
    fingerprint: Cow<'a, str>,
    #[serde(borrow, default)]
    labels: Option<&'a RawValue>,
    #[serde(borrow, default)]
    annotations: Option<&'a RawValue>,
    #[serde(borrow)]
    starts_at: Cow<'a, str>,
    #[serde(borrow, default)]
    ends_at: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    updated_at: Option<Cow<'a, str>>,
    #[serde(rename = "generatorURL", borrow, default)]
    generator_url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    receivers: Option<&'a RawValue>,
}

impl RawAlert<'_> {
    /// A hash of the alert's label and annotation maps as written (the expensive parts).
    fn maps_key(&self, state: &KeyHasher) -> u64 {
        let mut h = state.build_hasher();
        self.labels.map(RawValue::get).hash(&mut h);
        self.annotations.map(RawValue::get).hash(&mut h);
        h.finish()
    }

    /// A hash of everything the alert is made of but its update and end times (which
    /// Alertmanager moves on every re-send of an unchanged alert), given its `maps_key`.
    fn content_key(&self, maps_key: u64, state: &KeyHasher) -> u64 {
        let mut h = state.build_hasher();
        maps_key.hash(&mut h);
        self.fingerprint.hash(&mut h);
        self.status.map(RawValue::get).hash(&mut h);
        self.receivers.map(RawValue::get).hash(&mut h);
        self.starts_at.hash(&mut h);
        self.generator_url.hash(&mut h);
        h.finish()
    }

    /// The alert, with `maps` as its label and annotation maps when given (else parsed).
    /// `None` when a part does not parse (the caller then parses the element in full to
    /// report where).
    fn parse(&self, source: &str, maps: Option<(LabelSet, LabelSet)>) -> Option<Alert> {
        fn part<T: serde::de::DeserializeOwned + Default>(raw: Option<&RawValue>) -> Option<T> {
            match raw {
                None => Some(T::default()),
                Some(r) if r.get() == "null" => Some(T::default()),
                Some(r) => serde_json::from_str(r.get()).ok(),
            }
        }
        let (labels, annotations) = match maps {
            Some(m) => m,
            None => (part::<Labels>(self.labels)?.into(), part::<Labels>(self.annotations)?.into()),
        };
        let status: WireStatus = part(self.status)?;
        let receivers: Vec<WireReceiver> = part(self.receivers)?;
        Some(Alert {
            fingerprint: self.fingerprint.to_string(),
            labels,
            annotations,
            starts_at: self.starts_at.parse().ok()?,
            ends_at: time(&self.ends_at)?,
            updated_at: time(&self.updated_at)?,
            generator_url: self.generator_url.as_deref().filter(|u| !u.is_empty()).map(str::to_string),
            state: state(status.state.as_deref()),
            silenced_by: status.silenced_by,
            inhibited_by: status.inhibited_by,
            receivers: receivers.into_iter().map(|r| r.name).collect(),
            sources: vec![source.to_string()],
        })
    }
}

/// An optional time: `Some(None)` when absent, `None` when present and not a time.
fn time(s: &Option<Cow<'_, str>>) -> Option<Option<DateTime<Utc>>> {
    match s {
        None => Some(None),
        Some(s) => s.parse().ok().map(Some),
    }
}

/// The previous answer, to parse the next one with less work (see the module doc).
#[derive(Debug, Default)]
pub struct AlertCache {
    hasher: KeyHasher,
    last: Option<Last>,
}

#[derive(Debug)]
struct Last {
    source: String,
    list: AlertList,
    /// Per alert of `list`: its content key and maps key.
    content: Vec<u64>,
    maps: Vec<u64>,
    /// Hash of a fingerprint -> its index in `list` (checked against the fingerprint).
    by_fp: HashMap<u64, u32>,
}

/// What a finished pass found.
pub struct Parsed {
    list: AlertList,
    /// The new state; `None` when the answer was the previous list.
    next: Option<Last>,
}

/// One body read through the cache, chunk by chunk. Until `commit`, the cache is as it was:
/// a broken body leaves it untouched.
pub struct Pass<'c> {
    splitter: ArraySplitter,
    acc: Acc<'c>,
}

struct Acc<'c> {
    hasher: &'c KeyHasher,
    last: Option<&'c Last>,
    source: &'c str,
    content: Vec<u64>,
    maps: Vec<u64>,
    /// `None` while every alert so far is the previous list's at the same index.
    out: Option<Vec<Alert>>,
}

impl AlertCache {
    /// Starts reading a body from `source`.
    pub fn pass<'c>(&'c self, source: &'c str) -> Pass<'c> {
        Pass {
            splitter: ArraySplitter::default(),
            acc: Acc {
                hasher: &self.hasher,
                last: self.last.as_ref().filter(|l| l.source == source),
                source,
                content: Vec::new(),
                maps: Vec::new(),
                out: None,
            },
        }
    }

    /// Keeps what a finished pass found for the next answer; returns its alerts.
    pub fn commit(&mut self, p: Parsed) -> AlertList {
        if let Some(next) = p.next {
            self.last = Some(next);
        }
        p.list
    }

    /// Parses a whole `GET /api/v2/alerts` body held in memory (see [`Pass`]).
    pub fn parse(&mut self, bytes: &[u8], source: &str) -> Result<AlertList, SourceError> {
        let mut pass = self.pass(source);
        pass.feed(bytes)?;
        let parsed = pass.finish()?;
        Ok(self.commit(parsed))
    }
}

impl Pass<'_> {
    /// Reads the next chunk of the body.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), SourceError> {
        let Pass { splitter, acc } = self;
        splitter.feed(chunk, |elem, pos| acc.element(elem, pos))
    }

    /// The end of the body.
    pub fn finish(self) -> Result<Parsed, SourceError> {
        let n = self.splitter.finish()?;
        let Acc { hasher, last, source, content, maps, out } = self.acc;
        let list = match (out, last) {
            (None, Some(l)) if l.content.len() == n => {
                return Ok(Parsed { list: l.list.clone(), next: None });
            }
            (None, Some(l)) => l.list[..n].to_vec(),
            (None, None) => Vec::new(),
            (Some(v), _) => v,
        };
        let by_fp =
            list.iter().enumerate().map(|(i, a)| (fp_hash(hasher, &a.fingerprint), i as u32)).collect();
        let list = Arc::new(list);
        let next = Last { source: source.to_string(), list: list.clone(), content, maps, by_fp };
        Ok(Parsed { list, next: Some(next) })
    }
}

fn fp_hash(h: &KeyHasher, fp: &str) -> u64 {
    h.hash_one(fp)
}

impl Acc<'_> {
    fn element(&mut self, elem: &[u8], pos: Pos) -> Result<(), SourceError> {
        let raw: RawAlert<'_> = serde_json::from_slice(elem).map_err(|e| pos.error(&e))?;
        let maps_key = raw.maps_key(self.hasher);
        let content_key = raw.content_key(maps_key, self.hasher);
        let i = self.content.len();
        self.maps.push(maps_key);
        self.content.push(content_key);
        let out = match &mut self.out {
            Some(out) => out,
            None => {
                if self.last.is_some_and(|l| l.content.get(i) == Some(&content_key)) {
                    return Ok(()); // still the previous list
                }
                let prefix = self.last.map(|l| &l.list[..i]).unwrap_or_default();
                self.out.insert(prefix.to_vec())
            }
        };
        let prev = self.last.and_then(|l| {
            let j = *l.by_fp.get(&fp_hash(self.hasher, &raw.fingerprint))? as usize;
            (l.list[j].fingerprint == raw.fingerprint).then_some((l, j))
        });
        let alert = match prev {
            Some((l, j)) if l.content[j] == content_key => Some(l.list[j].clone()),
            Some((l, j)) if l.maps[j] == maps_key => {
                raw.parse(self.source, Some((l.list[j].labels.clone(), l.list[j].annotations.clone())))
            }
            _ => raw.parse(self.source, None),
        };
        match alert {
            Some(a) => {
                out.push(a);
                Ok(())
            }
            // The full parse of the element says what is wrong where.
            None => Err(match serde_json::from_slice::<WireAlert>(elem) {
                Err(e) => pos.error(&e),
                Ok(_) => SourceError::BadJson {
                    line: pos.line,
                    column: pos.column,
                    message: "an alert that does not parse".into(),
                },
            }),
        }
    }
}

/// Hashes for recognising unchanged parts of an answer: a multiply-rotate hash over 8-byte
/// words (rustc's FxHash), seeded per cache. About ten times faster than SipHash over a 5 MB
/// answer; not collision-resistant, which it need not be: whoever can craft a collision
/// controls the Alertmanager's answers anyway.
#[derive(Debug, Clone)]
struct KeyHasher {
    seed: u64,
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher { seed: std::collections::hash_map::RandomState::new().hash_one(0u64) }
    }
}

impl BuildHasher for KeyHasher {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher(self.seed)
    }
}

struct WordHasher(u64);

impl WordHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
        self.add(bytes.len() as u64);
    }
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{dedup, fingerprints_unique};
    use crate::sources::alertmanager::{parse_alerts, parse_alerts_full};

    const FIXTURES: [&str; 3] = [
        include_str!("../../tests/fixtures/alertmanager/alerts.json"),
        include_str!("../../tests/fixtures/alertmanager/alerts-active-only.json"),
        include_str!("../../tests/fixtures/alertmanager/alerts-silenced-and-inhibited.pretty.json"),
    ];

    #[test]
    fn the_cache_parses_like_a_full_parse_first_and_again() {
        for body in FIXTURES {
            let full = parse_alerts_full(body.as_bytes(), "am").unwrap();
            let mut cache = AlertCache::default();
            assert_eq!(*cache.parse(body.as_bytes(), "am").unwrap(), full);
            assert_eq!(*cache.parse(body.as_bytes(), "am").unwrap(), full, "second parse, from the cache");
        }
        // One cache across different bodies (alerts come and go).
        let mut cache = AlertCache::default();
        for body in FIXTURES.iter().chain(FIXTURES.iter().rev()) {
            assert_eq!(
                *cache.parse(body.as_bytes(), "am").unwrap(),
                parse_alerts_full(body.as_bytes(), "am").unwrap()
            );
        }
    }

    #[test]
    fn a_body_read_in_chunks_of_any_size_parses_the_same() {
        for body in FIXTURES {
            let whole = parse_alerts_full(body.as_bytes(), "am").unwrap();
            for n in [1, 7, 64, 1000] {
                let cache = AlertCache::default();
                let mut pass = cache.pass("am");
                for c in body.as_bytes().chunks(n) {
                    pass.feed(c).unwrap();
                }
                let parsed = pass.finish().unwrap();
                assert_eq!(*parsed.list, whole, "chunks of {n}");
            }
        }
    }

    fn resend(body: &str, minute: u32) -> String {
        body.replace(
            "2026-11-23T01:16:50.507Z\",\"generatorURL",
            &format!("2026-11-23T01:{minute}:50.507Z\",\"generatorURL"),
        )
        .replace(
            "\"endsAt\":\"2026-11-23T01:21:50.507Z\"",
            &format!("\"endsAt\":\"2026-11-23T01:{}:50.507Z\"", minute + 5),
        )
    }

    #[test]
    fn a_resend_that_only_moves_times_is_the_previous_list() {
        let body = FIXTURES[0];
        let mut cache = AlertCache::default();
        let first = cache.parse(body.as_bytes(), "am").unwrap();
        let resent = resend(body, 17);
        assert_ne!(resent, body);
        let second = cache.parse(resent.as_bytes(), "am").unwrap();
        assert!(Arc::ptr_eq(&first, &second), "the same list, not a new parse");
        let full = parse_alerts_full(resent.as_bytes(), "am").unwrap();
        let without_times = |a: &Alert| Alert { updated_at: None, ends_at: None, ..a.clone() };
        assert!(second.iter().zip(&full).all(|(a, b)| without_times(a) == without_times(b)));
        assert!(full.iter().zip(first.iter()).any(|(a, b)| a.updated_at != b.updated_at), "times did move");
    }

    #[test]
    fn a_changed_alert_gives_a_new_list_sharing_the_unchanged_maps() {
        let body = FIXTURES[0];
        let mut cache = AlertCache::default();
        let first = cache.parse(body.as_bytes(), "am").unwrap();
        let changed = resend(body, 18).replacen("\"silencedBy\":[]", "\"silencedBy\":[\"s-1\"]", 1);
        let second = cache.parse(changed.as_bytes(), "am").unwrap();
        let full = parse_alerts_full(changed.as_bytes(), "am").unwrap();
        assert_eq!(second[0], full[0], "the changed alert is read again, times too");
        // The others are unchanged but for their times: they are the previous alerts.
        let without_times = |a: &Alert| Alert { updated_at: None, ends_at: None, ..a.clone() };
        assert!(second.iter().zip(&full).all(|(a, b)| without_times(a) == without_times(b)));
        assert_eq!(second[1..], first[1..]);
        assert_eq!(second[0].silenced_by, ["s-1"]);
        for (a, b) in first.iter().zip(second.iter()) {
            assert!(LabelSet::ptr_eq(&a.labels, &b.labels), "labels of {} parsed again", a.fingerprint);
            assert!(LabelSet::ptr_eq(&a.annotations, &b.annotations));
        }
        let reworded = changed.replace("Disk /var on db-1 is 97% full", "Disk /var on db-1 is 99% full");
        let third = cache.parse(reworded.as_bytes(), "am").unwrap();
        assert_eq!(third[0], parse_alerts_full(reworded.as_bytes(), "am").unwrap()[0]);
        assert_eq!(&third[0].annotations["summary"], "Disk /var on db-1 is 99% full");
        assert!(!LabelSet::ptr_eq(&second[0].annotations, &third[0].annotations));
    }

    #[test]
    fn one_alertmanager_derives_the_same_views_without_dedup() {
        let spec = crate::config::types::PrioritySpec::default();
        for body in FIXTURES {
            let list = parse_alerts(body.as_bytes(), "am").unwrap();
            assert!(fingerprints_unique(&list));
            let merged = dedup(&[("am".to_string(), &list[..])]);
            assert_eq!(
                crate::derive::alerts::views(&spec, &list),
                crate::derive::alerts::views(&spec, &merged)
            );
        }
        let mut twice = parse_alerts(FIXTURES[0].as_bytes(), "am").unwrap();
        twice.push(twice[0].clone());
        assert!(!fingerprints_unique(&twice));
    }

    #[test]
    fn a_bad_body_reports_where_in_the_body_and_keeps_the_cache() {
        let mut cache = AlertCache::default();
        let good = cache.parse(FIXTURES[0].as_bytes(), "am").unwrap();
        for bad in [
            &FIXTURES[0][..FIXTURES[0].len() / 2],
            r#"[{"fingerprint":"a","startsAt":"yesterday"}]"#,
            r#"[{"fingerprint":"a","startsAt":"2026-11-23T01:16:50Z","labels":{"x":1}}]"#,
            r#"{"not":"a list"}"#,
        ] {
            // The same place as a full parse says, within the token (the stream reads the
            // top level itself: its words for a broken list differ from serde's).
            let e = cache.parse(bad.as_bytes(), "am").unwrap_err();
            let full = parse_alerts_full(bad.as_bytes(), "am").unwrap_err();
            match (&e, &full) {
                (
                    SourceError::BadJson { line, column, .. },
                    SourceError::BadJson { line: l2, column: c2, .. },
                ) => assert!(line == l2 && column.abs_diff(*c2) <= 1, "{bad}: {e} / {full}"),
                _ => panic!("{e:?} / {full:?}"),
            }
        }
        let again = cache.parse(FIXTURES[0].as_bytes(), "am").unwrap();
        assert!(LabelSet::ptr_eq(&good[0].labels, &again[0].labels), "the cache survived the errors");
    }
}
