//! Themes name roles (`ok`, `warn`, `crit`, `stale`, `muted`, `accent`, ...), not panes.
//! The files in `themes/` are embedded so the binary stands alone. With `NO_COLOR` every
//! style is colourless and state is carried by symbols, words and text attributes.
use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

/// The built-in themes, in the order `t` cycles through them.
pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// False under NO_COLOR: no colour at all.
    pub color: bool,
    pub background: Color,
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    pub ok: Color,
    pub warn: Color,
    pub crit: Color,
    pub stale: Color,
    pub border: Color,
    pub focus: Color,
    pub selection: Color,
    pub header: Color,
    pub new: Color,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ThemeError {
    #[error("theme {name}: {message}")]
    Bad { name: String, message: String },
    #[error("unknown theme `{0}` (known: dark, light, high-contrast, colorblind)")]
    Unknown(String),
}

impl Theme {
    /// Parses a theme file. Every role must be present.
    pub fn parse(text: &str) -> Result<Theme, ThemeError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            name: String,
            background: String,
            text: String,
            muted: String,
            accent: String,
            ok: String,
            warn: String,
            crit: String,
            stale: String,
            border: String,
            focus: String,
            selection: String,
            header: String,
            new: String,
        }
        let f: File =
            toml::from_str(text).map_err(|e| ThemeError::Bad { name: "?".into(), message: e.to_string() })?;
        let c = |v: &str| {
            Color::from_str(v)
                .map_err(|_| ThemeError::Bad { name: f.name.clone(), message: format!("bad colour `{v}`") })
        };
        Ok(Theme {
            name: f.name.clone(),
            color: true,
            background: c(&f.background)?,
            text: c(&f.text)?,
            muted: c(&f.muted)?,
            accent: c(&f.accent)?,
            ok: c(&f.ok)?,
            warn: c(&f.warn)?,
            crit: c(&f.crit)?,
            stale: c(&f.stale)?,
            border: c(&f.border)?,
            focus: c(&f.focus)?,
            selection: c(&f.selection)?,
            header: c(&f.header)?,
            new: c(&f.new)?,
        })
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        let (_, text) =
            BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| ThemeError::Unknown(name.into()))?;
        Theme::parse(text)
    }

    /// Every built-in theme, in cycle order.
    pub fn all() -> Vec<Theme> {
        BUILTIN.iter().map(|(_, t)| Theme::parse(t).expect("built-in themes parse")).collect()
    }

    /// The same theme without any colour (NO_COLOR).
    pub fn without_color(mut self) -> Theme {
        self.color = false;
        for c in [
            &mut self.background,
            &mut self.text,
            &mut self.muted,
            &mut self.accent,
            &mut self.ok,
            &mut self.warn,
            &mut self.crit,
            &mut self.stale,
            &mut self.border,
            &mut self.focus,
            &mut self.selection,
            &mut self.header,
            &mut self.new,
        ] {
            *c = Color::Reset;
        }
        self
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    /// The base style of the screen.
    pub fn base(&self) -> Style {
        if self.color { Style::new().fg(self.text).bg(self.background) } else { Style::new() }
    }
    pub fn text(&self) -> Style {
        self.fg(self.text)
    }
    pub fn muted(&self) -> Style {
        if self.color { self.fg(self.muted) } else { Style::new().add_modifier(Modifier::DIM) }
    }
    pub fn accent(&self) -> Style {
        self.fg(self.accent).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(self.ok)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.warn).add_modifier(Modifier::BOLD)
    }
    pub fn crit(&self) -> Style {
        self.fg(self.crit).add_modifier(Modifier::BOLD)
    }
    /// The STALE marker itself.
    pub fn stale(&self) -> Style {
        let s = self.fg(self.stale).add_modifier(Modifier::BOLD);
        if self.color { s } else { s.add_modifier(Modifier::REVERSED) }
    }
    /// Applied over the last values of a stale pane.
    pub fn dimmed(&self) -> Style {
        self.fg(self.muted).add_modifier(Modifier::DIM)
    }
    pub fn border(&self, focused: bool) -> Style {
        if focused { self.fg(self.focus).add_modifier(Modifier::BOLD) } else { self.fg(self.border) }
    }
    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.focus).add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.text).add_modifier(Modifier::BOLD)
        }
    }
    pub fn selection(&self) -> Style {
        if self.color {
            Style::new().bg(self.selection)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn header(&self) -> Style {
        if self.color { Style::new().fg(self.text).bg(self.header) } else { Style::new() }
    }
    pub fn new_mark(&self) -> Style {
        self.fg(self.new).add_modifier(Modifier::BOLD)
    }
    /// A badge (mode): reversed accent.
    pub fn badge(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(self.background_or_black()).bg(c).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    fn background_or_black(&self) -> Color {
        if self.background == Color::Reset { Color::Black } else { self.background }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_parse_and_no_color_strips_colour() {
        let all = Theme::all();
        assert_eq!(all.len(), 4);
        assert_eq!(all[3].ok, Color::Rgb(0x00, 0x9e, 0x73));
        let plain = all[0].clone().without_color();
        assert_eq!(plain.crit().fg, None);
        assert_eq!(plain.base(), Style::new());
        assert!(matches!(Theme::builtin("neon"), Err(ThemeError::Unknown(_))));
        assert!(Theme::parse("name = \"x\"").is_err());
    }
}
