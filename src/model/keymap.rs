//! The keymap is data: actions, their default bindings, and an optional keymap file that
//! rebinds them. The help overlay and the footer are generated from the live table.
use std::collections::BTreeMap;

use super::keys::{Key, KeyCode};
use super::pane::Pane;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Jump(u8),
    Detail,
    Back,
    Filter,
    Group,
    Zoom,
    NextTheme,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Pick a runbook to run.
    Runbook,
    /// Open the runbook the selected alert's annotation names.
    AlertRunbook,
    Declare,
    Acknowledge,
    Resolve,
    Note,
    Silence,
    /// The `:` command palette.
    Palette,
}

impl Action {
    /// Every action, in help order.
    pub fn all() -> Vec<Action> {
        let mut v = vec![Action::Quit, Action::Help, Action::FocusNext, Action::FocusPrev];
        v.extend((1..=7).map(Action::Jump));
        v.extend([
            Action::Detail,
            Action::Back,
            Action::Filter,
            Action::Group,
            Action::Zoom,
            Action::NextTheme,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Runbook,
            Action::AlertRunbook,
        ]);
        v.extend([Action::Declare, Action::Acknowledge, Action::Resolve, Action::Note, Action::Silence]);
        v.push(Action::Palette);
        v
    }

    /// The name used in the keymap file.
    pub fn name(self) -> String {
        match self {
            Action::Quit => "quit".into(),
            Action::Help => "help".into(),
            Action::FocusNext => "focus-next".into(),
            Action::FocusPrev => "focus-prev".into(),
            Action::Jump(n) => format!("jump-{n}"),
            Action::Detail => "detail".into(),
            Action::Back => "back".into(),
            Action::Filter => "filter".into(),
            Action::Group => "group".into(),
            Action::Zoom => "zoom".into(),
            Action::NextTheme => "next-theme".into(),
            Action::Up => "up".into(),
            Action::Down => "down".into(),
            Action::PageUp => "page-up".into(),
            Action::PageDown => "page-down".into(),
            Action::Top => "top".into(),
            Action::Bottom => "bottom".into(),
            Action::Runbook => "runbook".into(),
            Action::AlertRunbook => "alert-runbook".into(),
            Action::Declare => "declare-incident".into(),
            Action::Acknowledge => "acknowledge".into(),
            Action::Resolve => "resolve-incident".into(),
            Action::Note => "incident-note".into(),
            Action::Silence => "silence".into(),
            Action::Palette => "palette".into(),
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::all().into_iter().find(|a| a.name() == name)
    }

    /// What the help overlay and footer say.
    pub fn label(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::FocusNext => "next pane",
            Action::FocusPrev => "prev pane",
            Action::Jump(_) => "jump to pane",
            Action::Detail => "detail/chart",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::Group => "group by name",
            Action::Zoom => "zoom",
            Action::NextTheme => "theme",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Runbook => "runbook",
            Action::AlertRunbook => "alert's runbook",
            Action::Declare => "declare incident",
            Action::Acknowledge => "ack",
            Action::Resolve => "resolve",
            Action::Note => "note",
            Action::Silence => "silence",
            Action::Palette => "commands",
        }
    }

    /// Whether the action does something in `pane` (the footer lists only those).
    pub fn applies_to(self, pane: Pane) -> bool {
        match self {
            Action::Detail => {
                matches!(pane, Pane::Alerts | Pane::Health | Pane::Community | Pane::Moderation)
            }
            Action::Filter | Action::Group | Action::AlertRunbook | Action::Silence => pane == Pane::Alerts,
            Action::Acknowledge | Action::Resolve | Action::Note => pane == Pane::Clock,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                matches!(pane, Pane::Alerts | Pane::Health | Pane::Community | Pane::Status)
            }
            _ => true,
        }
    }
}

/// Bindings from key to action. Several keys may trigger one action.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeymapError {
    #[error("keymap: {0}")]
    Toml(String),
    #[error("keymap: unknown action `{0}`")]
    UnknownAction(String),
    #[error("keymap: {0}")]
    BadKey(String),
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let mut b = vec![
            (Key::ch('q'), Action::Quit),
            (Key::ctrl('c'), Action::Quit),
            (Key::ch('?'), Action::Help),
            (Key::new(Tab), Action::FocusNext),
            (Key::new(BackTab), Action::FocusPrev),
        ];
        b.extend((1..=7u8).map(|n| (Key::ch((b'0' + n) as char), Action::Jump(n))));
        b.extend([
            (Key::new(Enter), Action::Detail),
            (Key::new(Esc), Action::Back),
            (Key::ch('/'), Action::Filter),
            (Key::ch('g'), Action::Group),
            (Key::ch('z'), Action::Zoom),
            (Key::ch('t'), Action::NextTheme),
            (Key::new(Up), Action::Up),
            (Key::ch('k'), Action::Up),
            (Key::new(Down), Action::Down),
            (Key::ch('j'), Action::Down),
            (Key::new(PageUp), Action::PageUp),
            (Key::new(PageDown), Action::PageDown),
            (Key::new(Home), Action::Top),
            (Key::new(End), Action::Bottom),
            (Key::ch('r'), Action::Runbook),
            (Key::ch('R'), Action::AlertRunbook),
            (Key::ch('i'), Action::Declare),
            (Key::ch('a'), Action::Acknowledge),
            (Key::ch('x'), Action::Resolve),
            (Key::ch('n'), Action::Note),
            (Key::ch('s'), Action::Silence),
            (Key::ch(':'), Action::Palette),
        ]);
        Keymap { bindings: b }
    }
}

impl Keymap {
    pub fn action(&self, key: Key) -> Option<Action> {
        self.bindings.iter().find(|(k, _)| *k == key).map(|(_, a)| *a)
    }

    /// Keys bound to `action`, in binding order.
    pub fn keys(&self, action: Action) -> impl Iterator<Item = Key> + '_ {
        self.bindings.iter().filter(move |(_, a)| *a == action).map(|(k, _)| *k)
    }

    pub fn bindings(&self) -> &[(Key, Action)] {
        &self.bindings
    }

    /// Defaults overridden by a keymap file:
    /// ```toml
    /// [keys]
    /// quit = ["q", "ctrl-c"]
    /// zoom = ["z", "f11"]
    /// ```
    /// An action named in the file loses its default keys; a key bound by the file is
    /// removed from every other action.
    pub fn from_toml(text: &str) -> Result<Keymap, KeymapError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            keys: BTreeMap<String, Vec<String>>,
        }
        let file: File = toml::from_str(text).map_err(|e| KeymapError::Toml(e.to_string()))?;
        let mut map = Keymap::default();
        for (name, keys) in &file.keys {
            let action = Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction(name.clone()))?;
            let keys: Vec<Key> =
                keys.iter().map(|k| Key::parse(k)).collect::<Result<_, _>>().map_err(KeymapError::BadKey)?;
            map.bindings.retain(|(k, a)| *a != action && !keys.contains(k));
            map.bindings.extend(keys.into_iter().map(|k| (k, action)));
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_design_keys() {
        let m = Keymap::default();
        assert_eq!(m.action(Key::ch('q')), Some(Action::Quit));
        assert_eq!(m.action(Key::ch('7')), Some(Action::Jump(7)));
        assert_eq!(m.action(Key::ch('8')), None);
    }

    #[test]
    fn file_rebinds_and_steals_keys() {
        let m = Keymap::from_toml("[keys]\nquit = [\"x\"]\nzoom = [\"q\"]\n").unwrap();
        assert_eq!(m.action(Key::ch('x')), Some(Action::Quit));
        assert_eq!(m.action(Key::ch('q')), Some(Action::Zoom));
        assert_eq!(m.action(Key::ctrl('c')), None);
        assert!(matches!(Keymap::from_toml("[keys]\nfly = [\"x\"]"), Err(KeymapError::UnknownAction(_))));
        assert!(matches!(Keymap::from_toml("[keys]\nquit = [\"hyper-x\"]"), Err(KeymapError::BadKey(_))));
    }
}
