//! Themes name roles (`ok`, `warn`, `crit`, `stale`, `muted`, `accent`, ...), not panes.
//! The files in `themes/` are embedded so the binary stands alone; user theme files
//! (`themes/NAME.toml` beside the config, then `./themes/NAME.toml`) add to them or
//! replace a built-in of the same name. With `NO_COLOR` every
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
    #[error(
        "unknown theme `{0}` (built-in: dark, light, high-contrast, colorblind; or a file themes/NAME.toml beside the config)"
    )]
    Unknown(String),
    #[error("theme file {}: {message}", path.display())]
    File { path: std::path::PathBuf, message: String },
}

static SEARCH_DIRS: std::sync::OnceLock<Vec<std::path::PathBuf>> = std::sync::OnceLock::new();

/// Where user theme files live for a config at `config_path`: `<its folder>/themes`, then
/// `./themes`.
pub fn dirs_for(config_path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = config_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        dirs.push(dir.join("themes"));
    }
    dirs.push(std::path::PathBuf::from("themes"));
    dirs
}

/// Sets, once per process, the config whose `themes/` folder is searched.
pub fn set_config_path(config_path: &std::path::Path) {
    let _ = SEARCH_DIRS.set(dirs_for(config_path));
}

/// The user theme folders: those of the config set with [`set_config_path`], else those
/// of the default config place.
pub fn search_dirs() -> Vec<std::path::PathBuf> {
    SEARCH_DIRS.get().cloned().unwrap_or_else(|| {
        let default = directories::ProjectDirs::from("", "", "opsdeck")
            .map(|d| d.config_dir().join("config.toml"))
            .unwrap_or_default();
        dirs_for(&default)
    })
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

    /// A user theme file `NAME.toml` in the first of `dirs` that has one, else the
    /// built-in theme of that name. The file's `name` must match its file name.
    pub fn find(name: &str, dirs: &[std::path::PathBuf]) -> Result<Theme, ThemeError> {
        let safe = !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.');
        match dirs.iter().map(|d| d.join(format!("{name}.toml"))).find(|p| safe && p.is_file()) {
            Some(path) => Theme::from_file(&path),
            None => Theme::builtin(name),
        }
    }

    /// A theme file; its `name` must be its file name without `.toml`.
    pub fn from_file(path: &std::path::Path) -> Result<Theme, ThemeError> {
        let file = |message: String| ThemeError::File { path: path.to_path_buf(), message };
        let text = std::fs::read_to_string(path).map_err(|e| file(e.to_string()))?;
        let theme = Theme::parse(&text).map_err(|e| match e {
            ThemeError::Bad { message, .. } => file(message.trim_end().to_string()),
            other => file(other.to_string()),
        })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if theme.name != stem {
            return Err(file(format!("`name = \"{}\"` must match the file name `{stem}`", theme.name)));
        }
        Ok(theme)
    }

    /// The built-in themes, each replaced by a user file of the same name, then the other
    /// user themes in `dirs` by name (a file that does not parse is left out: `opsdeck
    /// check` names it).
    pub fn all_in(dirs: &[std::path::PathBuf]) -> Vec<Theme> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        let mut extra: Vec<String> = dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flatten()
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_string))
            .filter(|n| !names.contains(n))
            .collect();
        extra.sort();
        extra.dedup();
        names.extend(extra);
        names.iter().filter_map(|n| Theme::find(n, dirs).or_else(|_| Theme::builtin(n)).ok()).collect()
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

    #[test]
    fn user_theme_files_add_to_and_replace_builtins() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("themes");
        std::fs::create_dir(&dir).unwrap();
        let dark = BUILTIN[0].1;
        std::fs::write(dir.join("neon.toml"), dark.replace("name = \"dark\"", "name = \"neon\"")).unwrap();
        std::fs::write(dir.join("light.toml"), dark.replace("name = \"dark\"", "name = \"light\"")).unwrap();
        std::fs::write(dir.join("wrong.toml"), dark).unwrap();
        let dirs = vec![tmp.path().join("missing"), dir.clone()];
        assert_eq!(Theme::find("neon", &dirs).unwrap().name, "neon");
        assert_eq!(
            Theme::find("light", &dirs).unwrap().background,
            Theme::builtin("dark").unwrap().background
        );
        assert!(
            matches!(Theme::find("wrong", &dirs), Err(ThemeError::File { .. })),
            "name must match the file"
        );
        assert!(matches!(Theme::find("../themes/neon", &dirs), Err(ThemeError::Unknown(_))));
        let names: Vec<String> = Theme::all_in(&dirs).into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["dark", "light", "high-contrast", "colorblind", "neon"]);
        assert_eq!(
            dirs_for(std::path::Path::new("/etc/opsdeck/config.toml"))[0],
            std::path::Path::new("/etc/opsdeck/themes")
        );
    }
}
