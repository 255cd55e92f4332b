//! The labels or annotations of an alert, compact: every key and value in one string, with
//! one table of where each pair starts and ends, sorted by key. A `BTreeMap<String,
//! String>` of five labels takes an 11-slot node and ten heap strings (about 0.9 KiB); this
//! takes three small allocations (about 0.2 KiB). With 10,000 alerts in a storm that is
//! most of the screen's memory. Read-only once built and shared: a clone is a reference
//! count (the poller's cache, the model's data and the alert views hold the same set).
//! Equal sets compare equal, and it serialises as the JSON object it came from.
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Labels;

#[derive(Clone, Default)]
pub struct LabelSet(Arc<Inner>);

#[derive(PartialEq, Eq, Default)]
struct Inner {
    /// Key then value of each pair, concatenated, pairs in key order.
    text: Box<str>,
    /// Per pair: where its key starts, where its value starts (= where the key ends),
    /// where its value ends; byte offsets into `text`.
    pairs: Box<[(u32, u32, u32)]>,
}

impl PartialEq for LabelSet {
    fn eq(&self, o: &Self) -> bool {
        Arc::ptr_eq(&self.0, &o.0) || self.0 == o.0
    }
}

impl Eq for LabelSet {}

impl LabelSet {
    /// Whether both are the same shared set (not only equal).
    pub fn ptr_eq(a: &LabelSet, b: &LabelSet) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    pub fn len(&self) -> usize {
        self.0.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.pairs.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .pairs
            .binary_search_by(|p| self.key_at(p).cmp(key))
            .ok()
            .map(|i| self.value_at(&self.0.pairs[i]))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.0.pairs.iter().map(|p| (self.key_at(p), self.value_at(p)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// The pairs as an ordinary map.
    pub fn to_map(&self) -> Labels {
        self.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// Sets `key` to `value` (rebuilds the set: for building and tests, not hot paths).
    pub fn insert(&mut self, key: String, value: String) {
        let mut m = self.to_map();
        m.insert(key, value);
        *self = LabelSet::from(&m);
    }

    fn key_at(&self, &(k, v, _): &(u32, u32, u32)) -> &str {
        &self.0.text[k as usize..v as usize]
    }

    fn value_at(&self, &(_, v, e): &(u32, u32, u32)) -> &str {
        &self.0.text[v as usize..e as usize]
    }
}

impl From<&Labels> for LabelSet {
    fn from(m: &Labels) -> Self {
        let mut text = String::with_capacity(m.iter().map(|(k, v)| k.len() + v.len()).sum());
        let mut pairs = Vec::with_capacity(m.len());
        for (k, v) in m {
            let start = text.len();
            text.push_str(k);
            let mid = text.len();
            text.push_str(v);
            pairs.push((offset(start), offset(mid), offset(text.len())));
        }
        LabelSet(Arc::new(Inner { text: text.into_boxed_str(), pairs: pairs.into_boxed_slice() }))
    }
}

/// Label text beyond 4 GiB cannot come through the 16 MiB body limit.
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("label text under 4 GiB")
}

impl From<Labels> for LabelSet {
    fn from(m: Labels) -> Self {
        LabelSet::from(&m)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for LabelSet {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let m: Labels = iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        LabelSet::from(&m)
    }
}

impl std::ops::Index<&str> for LabelSet {
    type Output = str;
    fn index(&self, key: &str) -> &str {
        self.get(key).unwrap_or_else(|| panic!("no label {key:?}"))
    }
}

impl fmt::Debug for LabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for LabelSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for LabelSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(LabelSet::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn holds_what_the_map_holds_in_key_order() {
        let m =
            map(&[("severity", "critical"), ("alertname", "DiskFull"), ("instance", "db-1:9100"), ("e", "")]);
        let s = LabelSet::from(&m);
        assert_eq!(s.len(), 4);
        assert_eq!(s.get("alertname"), Some("DiskFull"));
        assert_eq!(s.get("e"), Some(""));
        assert_eq!(s.get("job"), None);
        assert_eq!(&s["instance"], "db-1:9100");
        assert_eq!(s.keys().collect::<Vec<_>>(), ["alertname", "e", "instance", "severity"]);
        assert_eq!(s.to_map(), m);
        assert!(LabelSet::default().is_empty());
    }

    #[test]
    fn keys_that_are_prefixes_of_others_stay_apart() {
        let s = LabelSet::from(&map(&[("a", "bc"), ("ab", "c"), ("abc", "")]));
        assert_eq!((s.get("a"), s.get("ab"), s.get("abc")), (Some("bc"), Some("c"), Some("")));
        assert_ne!(s, LabelSet::from(&map(&[("ab", "c"), ("a", "bc")])));
    }

    #[test]
    fn json_round_trip_as_an_object_and_insert() {
        let json = r#"{"alertname":"X","zone":"ünïcödé ✓","a":"1"}"#;
        let mut s: LabelSet = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"a":"1","alertname":"X","zone":"ünïcödé ✓"}"#);
        s.insert("b".into(), "2".into());
        assert_eq!(s.get("b"), Some("2"));
        assert_eq!(format!("{s:?}"), r#"{"a": "1", "alertname": "X", "b": "2", "zone": "ünïcödé ✓"}"#);
    }
}
