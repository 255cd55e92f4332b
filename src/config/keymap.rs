//! The keymap file for `opsdeck check`: every problem with its place (unknown action, a
//! key that is not a key, a key bound twice, no key left that quits). The screen loads the
//! file with `model::Keymap::from_toml`; this walks the same file with spans.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::load::{ConfigError, line_col};
use super::walk::{Diag, Span, Tbl, known_keys, nearest, table};
use crate::model::{Action, Key, Keymap};

/// Where the keymap file is: `$OPSDECK_KEYMAP`, else `keymap.toml` beside the config.
pub fn keymap_path(config_path: &Path) -> Option<PathBuf> {
    match std::env::var_os("OPSDECK_KEYMAP") {
        Some(p) => Some(PathBuf::from(p)),
        None => config_path.parent().map(|dir| dir.join("keymap.toml")),
    }
}

/// Every problem of the keymap file at `path`.
pub fn check_file(path: &Path) -> Vec<ConfigError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => check_text(&text, &file),
        Err(e) => vec![ConfigError { file, line: 1, column: 1, message: format!("cannot read: {e}") }],
    }
}

/// Every problem of keymap text; `file` names it in messages.
pub fn check_text(text: &str, file: &str) -> Vec<ConfigError> {
    let doc = match toml_edit::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            let message = format!("invalid TOML: {}", e.message().trim_end());
            return vec![ConfigError { file: file.to_string(), line, column, message }];
        }
    };
    let mut d = Diag::new(text, file);
    let root_span: Span = None;
    let root = Tbl { t: doc.as_table(), what: "the keymap file", span: &root_span };
    known_keys(&mut d, root, &["keys"]);
    let names: Vec<String> = Action::all().into_iter().map(Action::name).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut seen: BTreeMap<Key, (String, Span)> = BTreeMap::new();
    let (mut quit_span, mut keys_span) = (None, None);
    if let Some((t, span)) = table(&mut d, root, "keys") {
        keys_span = Some(span);
        for (name, item) in t.iter() {
            let key_span = t.get_key_value(name).and_then(|(k, _)| k.span());
            let Some(action) = Action::from_name(name) else {
                let hint =
                    nearest(name, &names).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
                d.at(&key_span, format!("unknown action `{name}`{hint}; actions: {}", names.join(", ")));
                continue;
            };
            if action == Action::Quit {
                quit_span = Some(item.span().or(key_span.clone()));
            }
            let Some(list) = item.as_array() else {
                d.at(
                    &item.span().or(key_span),
                    format!("`{name}` must be a list of keys, e.g. [\"q\", \"ctrl-c\"]"),
                );
                continue;
            };
            for v in list.iter() {
                let Some(spelled) = v.as_str() else {
                    d.at(
                        &v.span(),
                        format!("`{name}` must hold key names (strings), found {}", v.type_name()),
                    );
                    continue;
                };
                match Key::parse(spelled) {
                    Err(msg) => d.at(&v.span(), format!("`{name}`: {msg}")),
                    Ok(key) => match seen.get(&key) {
                        Some((other, other_span)) => {
                            let (line, col) = d.place(other_span);
                            d.at(
                                &v.span(),
                                format!(
                                    "`{spelled}` is bound twice: to `{name}` here and to `{other}` at line {line} column {col}"
                                ),
                            );
                        }
                        None => {
                            seen.insert(key, (name.to_string(), v.span()));
                        }
                    },
                }
            }
        }
    }
    if d.errors.is_empty()
        && let Ok(map) = Keymap::from_toml(text)
        && map.keys(Action::Quit).next().is_none()
    {
        d.at(
            &quit_span.or(keys_span).flatten(),
            "no key quits opsdeck: bind `quit` to at least one key the file does not give to another action, \
             e.g. quit = [\"q\", \"ctrl-c\"]",
        );
    }
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> Vec<(usize, usize, String)> {
        check_text(text, "k.toml").into_iter().map(|e| (e.line, e.column, e.message)).collect()
    }

    #[test]
    fn a_good_file_passes() {
        assert!(places("[keys]\nquit = [\"q\"]\nzoom = [\"f11\"]\n").is_empty());
        assert!(places("").is_empty(), "no file content: the defaults");
    }

    #[test]
    fn unknown_actions_bad_keys_and_duplicates_are_placed() {
        let p = places("[keys]\nzom = [\"z\"]\nhelp = [\"hyper-x\"]\nup = [\"k\"]\ndown = [\"k\"]\n");
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!((p[0].0, p[0].1), (2, 1));
        assert!(p[0].2.contains("unknown action `zom` (did you mean `zoom`?)"), "{p:?}");
        assert_eq!((p[1].0, p[1].1), (3, 9));
        assert_eq!((p[2].0, p[2].1), (5, 9));
        assert!(
            p[2].2.contains("`k` is bound twice: to `down` here and to `up` at line 4 column 7"),
            "{p:?}"
        );
    }

    #[test]
    fn no_quit_key_is_an_error() {
        let p = places("[keys]\nquit = []\n");
        assert_eq!((p[0].0, p[0].1), (2, 8), "{p:?}");
        assert!(p[0].2.starts_with("no key quits opsdeck"), "{p:?}");
        // Both default quit keys taken by another action.
        let p = places("[keys]\nzoom = [\"q\", \"ctrl-c\"]\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].2.starts_with("no key quits opsdeck"), "{p:?}");
    }
}
