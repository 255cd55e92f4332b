//! The alert feed as shown: filtered, sorted (active before silenced/inhibited, then
//! priority, then newest first), and grouped by alert name when long.
use std::collections::BTreeMap;

use crate::derive::{AlertView, Priority};

/// Above this many alerts the feed groups by alert name (unless the user toggled it).
pub const GROUP_THRESHOLD: usize = 40;

/// A parsed `/` filter: every term must match. Terms are Alertmanager matchers
/// (`{severity="critical", job=~"api.*"}`, or bare `label=value`, `label!=value`,
/// `label=~regex`, `label!~regex`; `alertname` and `priority` match the shown values) and
/// free text matched case-insensitively against the name, labels and annotations. An
/// invalid matcher makes the filter match nothing and is reported by `error`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    terms: Vec<Term>,
    error: Option<String>,
}

impl PartialEq for Filter {
    fn eq(&self, o: &Self) -> bool {
        self.error == o.error && self.terms.len() == o.terms.len()
    }
}

#[derive(Debug, Clone)]
enum Term {
    Matcher(crate::domain::CompiledMatcher),
    Text(String),
}

/// Splits the filter text into words, keeping `{...}` and quoted values whole.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut braces, mut escaped) = (false, 0usize, false);
    for c in text.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                escaped = true;
                cur.push(c);
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            '{' if !quoted => {
                braces += 1;
                cur.push(c);
            }
            '}' if !quoted => {
                braces = braces.saturating_sub(1);
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted && braces == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl Filter {
    pub fn parse(text: &str) -> Filter {
        let mut f = Filter::default();
        for w in words(text) {
            if !crate::domain::looks_like_matcher(&w) {
                f.terms.push(Term::Text(w.to_lowercase()));
                continue;
            }
            match crate::domain::parse_matchers(&w).and_then(|ms| crate::domain::compile(&ms)) {
                Ok(ms) => f.terms.extend(ms.into_iter().map(Term::Matcher)),
                Err(e) => {
                    f.error.get_or_insert(e);
                }
            }
        }
        f
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.error.is_none()
    }

    /// Why the filter is invalid (it then matches nothing).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn matches(&self, a: &AlertView) -> bool {
        self.error.is_none()
            && self.terms.iter().all(|t| match t {
                Term::Matcher(m) => m.matches_value(label(a, &m.matcher.name)),
                Term::Text(t) => {
                    contains_ci(&a.alertname, t)
                        || a.labels.values().any(|v| contains_ci(v, t))
                        || a.annotations.values().any(|v| contains_ci(v, t))
                }
            })
    }
}

fn label<'a>(a: &'a AlertView, l: &str) -> Option<&'a str> {
    if l == "alertname" {
        return Some(&a.alertname);
    }
    if l == "priority" {
        return Some(a.priority.as_str());
    }
    a.labels.get(l)
}

fn contains_ci(hay: &str, lower_needle: &str) -> bool {
    hay.to_lowercase().contains(lower_needle)
}

/// One line of the feed.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedRow {
    /// Index into the model's alert views.
    Alert(usize),
    Group(Group),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub alertname: String,
    pub count: usize,
    pub suppressed: usize,
    pub priority: Priority,
    /// Index of the newest alert of the group (its age is shown).
    pub newest: usize,
}

/// Counts shown in the feed's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedCounts {
    pub shown: usize,
    pub active: usize,
    pub silenced: usize,
    pub inhibited: usize,
}

pub fn is_suppressed(a: &AlertView) -> bool {
    a.silenced || a.inhibited
}

/// Builds the feed rows. `alerts` need not be sorted; rows refer to it by index.
pub fn build(alerts: &[AlertView], filter: &Filter, group: Option<bool>) -> (Vec<FeedRow>, FeedCounts) {
    let mut idx: Vec<usize> = (0..alerts.len()).filter(|&i| filter.matches(&alerts[i])).collect();
    idx.sort_by(|&x, &y| {
        let (a, b) = (&alerts[x], &alerts[y]);
        (is_suppressed(a), a.priority, std::cmp::Reverse(a.starts_at), &a.alertname, &a.fingerprint).cmp(&(
            is_suppressed(b),
            b.priority,
            std::cmp::Reverse(b.starts_at),
            &b.alertname,
            &b.fingerprint,
        ))
    });
    let mut counts = FeedCounts { shown: idx.len(), ..FeedCounts::default() };
    for &i in &idx {
        let a = &alerts[i];
        counts.silenced += a.silenced as usize;
        counts.inhibited += (a.inhibited && !a.silenced) as usize;
        counts.active += !is_suppressed(a) as usize;
    }
    let grouped = group.unwrap_or(idx.len() > GROUP_THRESHOLD);
    if !grouped {
        return (idx.into_iter().map(FeedRow::Alert).collect(), counts);
    }
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for &i in &idx {
        let a = &alerts[i];
        let g = groups.entry(&a.alertname).or_insert_with(|| {
            order.push(&a.alertname);
            Group { alertname: a.alertname.clone(), count: 0, suppressed: 0, priority: a.priority, newest: i }
        });
        g.count += 1;
        g.suppressed += is_suppressed(a) as usize;
        g.priority = g.priority.min(a.priority);
        if a.starts_at > alerts[g.newest].starts_at {
            g.newest = i;
        }
    }
    // `idx` is sorted, so first appearance order is already priority-then-newest.
    let rows = order.into_iter().filter_map(|n| groups.remove(n)).map(FeedRow::Group).collect();
    (rows, counts)
}
