//! The default command: the full-screen command center.
use anyhow::Context;
use std::path::Path;

use crate::cli::ScreenArgs;
use crate::config;
use crate::model::{Keymap, Mode};

use super::RunOptions;

/// Loads the config (errors as file:line:col, exit 2) and the optional keymap file
/// (`keymap.toml` beside the config, or `$OPSDECK_KEYMAP`), then runs the screen.
pub fn run_screen(s: &ScreenArgs) -> anyhow::Result<i32> {
    let path = config::resolve_path(s.config.as_deref());
    let cfg = match config::load_file(&path) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return Ok(2);
        }
    };
    let keymap = match load_keymap(&path) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e:#}");
            return Ok(2);
        }
    };
    let theme = s.theme.clone().unwrap_or_else(|| cfg.theme.clone());
    crate::ui::theme::set_config_path(&path);
    if let Err(e) = crate::ui::Theme::find(&theme, &crate::ui::theme::search_dirs()) {
        eprintln!("opsdeck: {e}");
        return Ok(2);
    }
    let opts = RunOptions {
        mode: Mode::Live,
        wall: s.wall,
        readonly: s.readonly || cfg.readonly,
        theme: s.theme.clone(),
        wall_rotation: s.rotate,
        keymap,
    };
    super::run(cfg, opts)
}

fn load_keymap(config_path: &Path) -> anyhow::Result<Option<Keymap>> {
    let Some(path) = config::keymap::keymap_path(config_path) else { return Ok(None) };
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let map = Keymap::from_toml(&text).with_context(|| path.display().to_string())?;
    Ok(Some(map))
}
