//! Converts crossterm events at the edge into the model's own key type and messages.
use crossterm::event::{Event, KeyCode as CKey, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};

use crate::model::{Key, KeyCode, Msg};

/// What the input task sends: a message, or a mouse event the loop hit-tests against the
/// current layout.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Msg(Msg),
    /// A key and when it arrived: the loop discards keys typed before a runbook dialog
    /// was on screen (`RunbookUi::discards_key`).
    Key(crate::model::Key, std::time::Instant),
    Click {
        x: u16,
        y: u16,
    },
    Wheel {
        x: u16,
        y: u16,
        delta: i32,
    },
}

pub fn convert(ev: Event) -> Option<Input> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let code = match k.code {
                CKey::Char(c) => KeyCode::Char(c),
                CKey::Enter => KeyCode::Enter,
                CKey::Esc => KeyCode::Esc,
                CKey::Tab if k.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
                CKey::Tab => KeyCode::Tab,
                CKey::BackTab => KeyCode::BackTab,
                CKey::Backspace => KeyCode::Backspace,
                CKey::Up => KeyCode::Up,
                CKey::Down => KeyCode::Down,
                CKey::Left => KeyCode::Left,
                CKey::Right => KeyCode::Right,
                CKey::PageUp => KeyCode::PageUp,
                CKey::PageDown => KeyCode::PageDown,
                CKey::Home => KeyCode::Home,
                CKey::End => KeyCode::End,
                CKey::F(n) => KeyCode::F(n),
                _ => return None,
            };
            let key = Key {
                code,
                ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
                alt: k.modifiers.contains(KeyModifiers::ALT),
            };
            Some(Input::Key(key, std::time::Instant::now()))
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Input::Click { x: m.column, y: m.row }),
            MouseEventKind::ScrollUp => Some(Input::Wheel { x: m.column, y: m.row, delta: -1 }),
            MouseEventKind::ScrollDown => Some(Input::Wheel { x: m.column, y: m.row, delta: 1 }),
            _ => None,
        },
        Event::Resize(w, h) => Some(Input::Msg(Msg::Resize(w, h))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, MouseEvent};

    #[test]
    fn keys_and_mouse_convert() {
        let ev = Event::Key(KeyEvent::new(CKey::Char('c'), KeyModifiers::CONTROL));
        let key = |ev| match convert(ev) {
            Some(Input::Key(k, _)) => Some(k),
            _ => None,
        };
        assert_eq!(key(ev), Some(Key::ctrl('c')));
        let ev = Event::Key(KeyEvent::new(CKey::Tab, KeyModifiers::SHIFT));
        assert_eq!(key(ev), Some(Key::new(KeyCode::BackTab)));
        let ev = Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 3,
            row: 4,
            modifiers: KeyModifiers::NONE,
        });
        assert_eq!(convert(ev), Some(Input::Wheel { x: 3, y: 4, delta: 1 }));
        let ev = Event::Mouse(MouseEvent {
            kind: MouseEventKind::Moved,
            column: 3,
            row: 4,
            modifiers: KeyModifiers::NONE,
        });
        assert_eq!(convert(ev), None);
    }
}
