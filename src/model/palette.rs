//! The `:` command palette: a fuzzy list of every action and pane with its key, the themes,
//! the charts; typed arguments (`:theme light`, `:runbook gateway-overload`, `:chart api
//! p99 6h`). Generated from the keymap (the one source of truth), like the help overlay.
use super::chart::ChartRange;
use super::keymap::Action;
use super::pane::Pane;
use super::state::Model;

/// What running an entry does.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Action(Action),
    Theme(String),
    /// `:runbook NAME`: load that runbook (the picker without a name).
    Runbook(String),
    /// `:chart TARGET [RANGE]`: the words naming a health figure, a community metric or
    /// the moderation queue.
    Chart(Vec<String>, Option<ChartRange>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What is typed: `incident declare`, `theme light`, `chart api p99`.
    pub command: String,
    /// The key bound to it in the live keymap, if any.
    pub key: Option<String>,
    pub label: String,
    pub run: Command,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    pub input: String,
    pub sel: usize,
}

/// The palette's word for an action (None: not worth listing: cursor movement).
pub fn command_of(a: Action) -> Option<String> {
    Some(
        match a {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::FocusNext => "pane next",
            Action::FocusPrev => "pane prev",
            Action::Jump(n) => {
                return Pane::from_number(n).map(|p| format!("pane {}", p.short().to_lowercase()));
            }
            Action::Detail => "detail",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::Group => "group",
            Action::Zoom => "zoom",
            Action::NextTheme => "theme next",
            Action::Runbook => "runbook",
            Action::AlertRunbook => "runbook alert",
            Action::Declare => "incident declare",
            Action::Acknowledge => "incident ack",
            Action::Resolve => "incident resolve",
            Action::Note => "incident note",
            Action::Silence => "silence",
            Action::Palette => "palette",
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                return None;
            }
        }
        .to_string(),
    )
}

/// Every entry, in help order: actions (with their keys), themes, charts.
pub fn entries(m: &Model) -> Vec<Entry> {
    let mut out = Vec::new();
    for a in Action::all() {
        let Some(command) = command_of(a) else { continue };
        if a == Action::Palette {
            continue;
        }
        let label = match a {
            Action::Jump(n) => Pane::from_number(n).map(|p| p.title()).unwrap_or("").to_string(),
            _ => a.label().to_string(),
        };
        out.push(Entry {
            command,
            key: m.keymap.keys(a).next().map(|k| k.to_string()),
            label,
            run: Command::Action(a),
        });
    }
    for name in &m.theme_names {
        let current = if name == m.theme_name() { " (current)" } else { "" };
        out.push(Entry {
            command: format!("theme {name}"),
            key: None,
            label: format!("theme {name}{current}"),
            run: Command::Theme(name.clone()),
        });
    }
    for target in super::chart::targets(m) {
        out.push(Entry {
            command: format!("chart {}", target.words.join(" ")),
            key: None,
            label: format!("chart of {}", target.title),
            run: Command::Chart(target.words.clone(), None),
        });
    }
    out
}

/// A subsequence match of `query` (spaces ignored) in `text`, scored: consecutive
/// characters and word starts count more, gaps count against. None: no match.
pub fn score(query: &str, text: &str) -> Option<i32> {
    let q: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if q.is_empty() {
        return Some(0);
    }
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut qi, mut score, mut last): (usize, i32, Option<usize>) = (0, 0, None);
    for (i, c) in t.iter().enumerate() {
        if qi < q.len() && *c == q[qi] {
            let word_start = i == 0 || matches!(t[i - 1], ' ' | '-' | '_');
            score += match last {
                Some(l) if l + 1 == i => 8,
                _ if word_start => 6,
                Some(l) => 1 - (i - l).min(10) as i32 / 3,
                None => 1 - i.min(10) as i32 / 3,
            };
            last = Some(i);
            qi += 1;
        }
    }
    (qi == q.len()).then_some(score)
}

/// The entries matching the typed text, best first. Arguments the entries do not list
/// (`runbook NAME`, a chart's range) are kept by `parse`.
pub fn matches(m: &Model, input: &str) -> Vec<Entry> {
    let words: Vec<&str> = input.split_whitespace().collect();
    // A trailing range (`6h`) is an argument, not part of the match.
    let head = match words.split_last() {
        Some((last, rest)) if ChartRange::parse(last).is_some() && !rest.is_empty() => rest.join(" "),
        _ => words.join(" "),
    };
    let mut scored: Vec<(i32, usize, Entry)> = entries(m)
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| score(&head, &e.command).map(|s| (s, i, e)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, e)| e).collect()
}

/// What Enter runs: an exact command with arguments first (`theme light`, `runbook X`,
/// `chart api p99 6h`), else the selected match.
pub fn parse(m: &Model, input: &str, sel: usize) -> Option<Command> {
    let words: Vec<&str> = input.split_whitespace().collect();
    match words.as_slice() {
        ["theme", name] if m.theme_names.iter().any(|n| n == name) => {
            return Some(Command::Theme(name.to_string()));
        }
        ["runbook", name] if *name != "alert" => return Some(Command::Runbook(name.to_string())),
        ["chart", rest @ ..] if !rest.is_empty() => {
            let (range, words) = match rest.split_last() {
                Some((last, front)) if ChartRange::parse(last).is_some() => (ChartRange::parse(last), front),
                _ => (None, rest),
            };
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            if super::chart::find(m, &words).is_some() {
                return Some(Command::Chart(words, range));
            }
        }
        _ => {}
    }
    let found = matches(m, input);
    let e = found.get(sel.min(found.len().saturating_sub(1)))?;
    Some(match &e.run {
        Command::Chart(w, _) => {
            let range = words.last().and_then(|l| ChartRange::parse(l));
            Command::Chart(w.clone(), range)
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_scores_prefer_word_starts_and_runs() {
        assert!(score("sil", "silence").is_some());
        assert!(score("incdec", "incident declare").is_some());
        assert_eq!(score("xyz", "silence"), None);
        assert!(score("id", "incident declare").unwrap() > score("id", "hide it").unwrap_or(-99) - 100);
        assert!(score("theme l", "theme light").unwrap() > score("theme l", "theme colorblind").unwrap());
    }

    #[test]
    fn every_listed_action_keeps_its_key() {
        let m = Model::new(crate::config::Config::default(), Default::default());
        let all = entries(&m);
        let silence = all.iter().find(|e| e.command == "silence").unwrap();
        assert_eq!(silence.key.as_deref(), Some("s"));
        let declare = all.iter().find(|e| e.command == "incident declare").unwrap();
        assert_eq!(declare.key.as_deref(), Some("i"));
        assert!(all.iter().any(|e| e.command == "pane health" && e.key.as_deref() == Some("1")));
        assert_eq!(matches(&m, "incdecl")[0].command, "incident declare");
        assert_eq!(
            parse(&m, "runbook gateway-overload", 0),
            Some(Command::Runbook("gateway-overload".into()))
        );
        assert_eq!(parse(&m, "theme dark", 0), Some(Command::Theme("dark".into())));
    }
}
