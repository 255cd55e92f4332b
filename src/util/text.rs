//! Text from outside (alert annotations, label values, status page text, command output)
//! made safe to put on the terminal, and cut to a display width.
//!
//! Contract of [`sanitize`]: the result contains no C0 control (U+0000–U+001F), no DEL,
//! no C1 control (U+0080–U+009F) and no bidirectional embedding, override or isolate
//! (U+202A–U+202E, U+2066–U+2069). So no byte of it can start a terminal escape sequence,
//! move the cursor, set the title or the clipboard, or reorder what the reader sees.
//! - Escape sequences are removed whole: CSI (`ESC [` or 8-bit `U+009B`, up to its final
//!   byte), OSC, DCS, SOS, PM and APC strings (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _`
//!   or their 8-bit forms, up to BEL or ST; an unterminated one runs to the end of the
//!   text), and two-character escapes (`ESC c`, `ESC ( B`, `ESC 7`, ...).
//! - Tab, line feed and carriage return become one space each (callers split lines first
//!   when they want lines).
//! - Any other control character, a lone ESC, and a bidi override become U+FFFD, so the
//!   reader sees that something was there.
//! - Every other character (printable Unicode, combining marks, emoji, zero-width joiners)
//!   is kept as is.
//!
//! [`truncate_width`] cuts on display width (unicode-width) and ends a cut text with `…`;
//! apply it to sanitized text.
use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The character shown in place of a control character or bidi override.
pub const REPLACEMENT: char = '\u{FFFD}';

/// The ellipsis that ends a truncated text (one column wide).
pub const ELLIPSIS: char = '…';

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const C1_CSI: char = '\u{9b}';
const C1_ST: char = '\u{9c}';

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn needs_work(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// 8-bit C1 introducers of a control string (DCS, SOS, OSC, PM, APC).
fn is_c1_string_start(c: char) -> bool {
    matches!(c, '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Esc,
    /// After `ESC` and intermediate bytes (0x20–0x2F) of a two-character escape.
    EscIntermediate,
    /// Inside a CSI, before its final byte.
    Csi,
    /// Inside an OSC/DCS/SOS/PM/APC string, before BEL or ST.
    Str,
    /// Inside a control string, just after an ESC (which may start ST `ESC \`).
    StrEsc,
}

/// The text with every terminal escape sequence removed and every other control character
/// and bidi override made visible and inert (see the module contract). Borrowed when the
/// text had nothing to change.
/// Registered secrets (`util::scrub`) are masked as `***` in the result as well.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    match sanitize_controls(s) {
        Cow::Borrowed(b) => super::scrub::scrub(b),
        Cow::Owned(o) => Cow::Owned(super::scrub::scrub(&o).into_owned()),
    }
}

fn sanitize_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_work) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut state = State::Text;
    for c in s.chars() {
        state = match state {
            State::Text => text_char(c, &mut out),
            State::Esc => match c {
                '[' => State::Csi,
                ']' | 'P' | 'X' | '^' | '_' => State::Str,
                '\u{20}'..='\u{2f}' => State::EscIntermediate,
                '\u{30}'..='\u{7e}' => State::Text,
                _ => {
                    // A lone ESC: show it, then treat `c` as ordinary text.
                    out.push(REPLACEMENT);
                    text_char(c, &mut out)
                }
            },
            State::EscIntermediate => match c {
                '\u{20}'..='\u{2f}' => State::EscIntermediate,
                '\u{30}'..='\u{7e}' => State::Text,
                _ => {
                    out.push(REPLACEMENT);
                    text_char(c, &mut out)
                }
            },
            State::Csi => match c {
                // Parameter and intermediate bytes.
                '\u{20}'..='\u{3f}' => State::Csi,
                // Final byte: the sequence is over.
                '\u{40}'..='\u{7e}' => State::Text,
                // Anything else aborts the sequence (as terminals do) and is text again.
                _ => {
                    out.push(REPLACEMENT);
                    text_char(c, &mut out)
                }
            },
            State::Str => match c {
                BEL | C1_ST => State::Text,
                ESC => State::StrEsc,
                _ => State::Str,
            },
            State::StrEsc => match c {
                '\\' => State::Text,
                ESC => State::StrEsc,
                _ => State::Str,
            },
        };
    }
    if matches!(state, State::Esc | State::EscIntermediate | State::Csi) {
        out.push(REPLACEMENT);
    }
    Cow::Owned(out)
}

/// One character in the text state: pushes what it becomes and returns the next state.
fn text_char(c: char, out: &mut String) -> State {
    match c {
        ESC => State::Esc,
        C1_CSI => State::Csi,
        c if is_c1_string_start(c) => State::Str,
        '\t' | '\n' | '\r' => {
            out.push(' ');
            State::Text
        }
        c if needs_work(c) => {
            out.push(REPLACEMENT);
            State::Text
        }
        c => {
            out.push(c);
            State::Text
        }
    }
}

/// The text cut to at most `max_cols` display columns; a cut text ends with `…` (which
/// takes one of the columns). Borrowed when it already fits. Never splits a character;
/// zero-width characters (combining marks) stay with the character before them.
pub fn truncate_width(s: &str, max_cols: usize) -> Cow<'_, str> {
    if s.width() <= max_cols {
        return Cow::Borrowed(s);
    }
    if max_cols == 0 {
        return Cow::Borrowed("");
    }
    let budget = max_cols - 1; // one column for the ellipsis
    // First estimate by summing character widths, then back off while the prefix as a
    // string is wider (emoji with variation selectors are wider than their parts).
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    while end > 0 && s[..end].width() > budget {
        end = s[..end].char_indices().next_back().map(|(i, _)| i).unwrap_or(0);
    }
    let mut out = String::with_capacity(end + ELLIPSIS.len_utf8());
    out.push_str(&s[..end]);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// `sanitize` applied to each line: line feeds are kept (a `\r\n` becomes `\n`), everything
/// else as in `sanitize`. For multi-line outside text printed as lines (command output,
/// annotations, an exported timeline).
pub fn sanitize_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && needs_work(c)) {
        return super::scrub::scrub(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&sanitize(line.strip_suffix('\r').unwrap_or(line)));
    }
    Cow::Owned(out)
}

/// `sanitize` then `truncate_width`: what a pane does with one line of outside text.
pub fn display_line(s: &str, max_cols: usize) -> String {
    truncate_width(&sanitize(s), max_cols).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_inert(s: &str) {
        for c in s.chars() {
            assert!(!c.is_control(), "control {:?} left in {s:?}", c);
            assert!(!is_bidi_control(c), "bidi control {:?} left in {s:?}", c);
        }
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for s in ["", "disk 95% full on db-1", "Ünïcödé ✓ 日本語 🚀", "a\u{301}", "👩\u{200d}💻"]
        {
            assert!(matches!(sanitize(s), Cow::Borrowed(_)), "{s}");
            assert_eq!(sanitize(s), s);
        }
    }

    #[test]
    fn osc52_clipboard_write_is_removed() {
        // Sets the clipboard to "rm -rf ~" in terminals that allow OSC 52, with BEL or ST.
        let bel = "before\x1b]52;c;cm0gLXJmIH4=\x07after";
        assert_eq!(sanitize(bel), "beforeafter");
        let st = "before\x1b]52;c;cm0gLXJmIH4=\x1b\\after";
        assert_eq!(sanitize(st), "beforeafter");
        let c1 = "before\u{9d}52;c;cm0gLXJmIH4=\u{9c}after";
        assert_eq!(sanitize(c1), "beforeafter");
    }

    #[test]
    fn title_set_is_removed() {
        assert_eq!(sanitize("x\x1b]0;pwned\x07y"), "xy");
        assert_eq!(sanitize("x\x1b]2;pwned\x1b\\y"), "xy");
        // Unterminated: the rest is the string's, nothing leaks.
        assert_eq!(sanitize("x\x1b]2;pwned and more"), "x");
    }

    #[test]
    fn csi_clear_screen_and_cursor_moves_are_removed() {
        assert_eq!(sanitize("\x1b[2J\x1b[HHello"), "Hello");
        assert_eq!(sanitize("a\x1b[31;1mred\x1b[0mb"), "aredb");
        assert_eq!(sanitize("\x1b[?1049h\x1b[?25l"), "");
        assert_eq!(sanitize("up\x1b[10Ahere"), "uphere");
    }

    #[test]
    fn eight_bit_c1_csi_is_removed() {
        assert_eq!(sanitize("a\u{9b}2Jb"), "ab");
        assert_eq!(sanitize("a\u{9b}31mred"), "ared");
        // Other C1 controls become visible replacements.
        assert_eq!(sanitize("a\u{85}b\u{8d}c"), "a\u{FFFD}b\u{FFFD}c");
    }

    #[test]
    fn dcs_apc_pm_sos_strings_are_removed() {
        assert_eq!(sanitize("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b_Gf=100;AAAA\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b^pm\x1b\\b\x1bXsos\x1b\\c"), "abc");
        assert_eq!(sanitize("a\u{90}dcs\u{9c}b"), "ab");
    }

    #[test]
    fn two_character_escapes_are_removed() {
        assert_eq!(sanitize("a\x1bcb"), "ab"); // full reset
        assert_eq!(sanitize("a\x1b(0b"), "ab"); // line-drawing charset
        assert_eq!(sanitize("a\x1b7b\x1b8c"), "abc"); // save/restore cursor
        assert_eq!(sanitize("a\x1b#8b"), "ab"); // screen alignment test
    }

    #[test]
    fn lone_and_broken_escapes_are_visible_and_inert() {
        assert_eq!(sanitize("end\x1b"), "end\u{FFFD}");
        // The second ESC starts `ESC b`, a two-character escape, removed whole.
        assert_eq!(sanitize("a\x1b\x1bb"), "a\u{FFFD}");
        assert_eq!(sanitize("a\x1b\x1b é"), "a\u{FFFD}\u{FFFD}é");
        assert_eq!(sanitize("a\x1béb"), "a\u{FFFD}éb");
        assert_eq!(sanitize("a\x1b[12"), "a\u{FFFD}");
        // A CSI aborted by a control: that control is handled on its own.
        assert_eq!(sanitize("a\x1b[1\x07b"), "a\u{FFFD}\u{FFFD}b");
        // A CSI aborted by ESC starts a new escape.
        assert_eq!(sanitize("a\x1b[1\x1b[2Jb"), "a\u{FFFD}b");
    }

    #[test]
    fn other_c0_controls_and_del_are_replaced() {
        assert_eq!(
            sanitize("bell\x07 nul\0 bs\x08 del\x7f"),
            "bell\u{FFFD} nul\u{FFFD} bs\u{FFFD} del\u{FFFD}"
        );
        assert_eq!(sanitize("a\tb\nc\r\nd"), "a b c  d");
        // Carriage return could overwrite the start of the line with other text.
        assert_eq!(sanitize("OK\rCRIT"), "OK CRIT");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_replaced() {
        // "Trojan source": RLO makes "txt.exe" read as "exe.txt".
        assert_eq!(sanitize("file\u{202E}txt.exe"), "file\u{FFFD}txt.exe");
        for c in
            ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
        {
            let s = format!("a{c}b");
            assert_eq!(sanitize(&s), "a\u{FFFD}b");
        }
        // Right-to-left text itself is printable and kept.
        assert_eq!(sanitize("שלום"), "שלום");
    }

    #[test]
    fn sanitize_output_is_always_inert() {
        let hostile = [
            "\x1b]52;c;AAAA\x07",
            "\x1b[2J\x1b[3J",
            "\u{9b}?1049h",
            "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
            "\x1b\x1b\x1b[[[\u{9b}\u{9d}\u{9c}",
            "\u{202E}\u{2066}\u{0}\u{1f}\u{7f}\u{80}\u{9f}",
        ];
        for h in hostile {
            assert_inert(&sanitize(h));
        }
        // Every single char on its own, and each after an ESC.
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            assert_inert(&sanitize(&c.to_string()));
            assert_inert(&sanitize(&format!("\x1b{c}x")));
            assert_inert(&sanitize(&format!("\x1b[{c}x")));
        }
    }

    #[test]
    fn truncate_fits_or_cuts_with_an_ellipsis() {
        assert!(matches!(truncate_width("short", 10), Cow::Borrowed("short")));
        assert_eq!(truncate_width("exactly10!", 10), "exactly10!");
        assert_eq!(truncate_width("exactly 11!", 10), "exactly 1…");
        assert_eq!(truncate_width("abc", 1), "…");
        assert_eq!(truncate_width("abc", 0), "");
        assert_eq!(truncate_width("", 0), "");
    }

    #[test]
    fn truncate_counts_display_columns_not_bytes() {
        // Each CJK character is two columns wide: never half of one.
        assert_eq!(truncate_width("日本語テキスト", 6), "日本…");
        assert_eq!(truncate_width("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate_width("日本語テキスト", 7).width(), 7);
        // Combining marks take no column and stay with their letter.
        let s = "e\u{301}e\u{301}e\u{301}e\u{301}";
        assert_eq!(truncate_width(s, 3), "e\u{301}e\u{301}…");
        // Emoji.
        assert_eq!(truncate_width("🚀🚀🚀", 5), "🚀🚀…");
    }

    #[test]
    fn truncate_never_exceeds_the_width() {
        let samples = ["❤️❤️❤️❤️", "👩\u{200d}💻 dev 👩\u{200d}💻", "aé日🚀\u{301}x", &"x".repeat(1000)];
        for s in samples {
            for max in 0..12 {
                let t = truncate_width(s, max);
                assert!(t.width() <= max, "{s:?} at {max}: {t:?} is {} wide", t.width());
            }
        }
    }

    #[test]
    fn huge_label_value_is_cut() {
        let huge = "v".repeat(1 << 20);
        let t = display_line(&huge, 40);
        assert_eq!(t.width(), 40);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn sanitize_lines_keeps_line_feeds_only() {
        assert!(matches!(sanitize_lines("a\nb\n"), Cow::Borrowed("a\nb\n")));
        assert_eq!(sanitize_lines("a\r\nb\x1b[2J\nc\rd\n"), "a\nb\nc d\n");
        // A sequence cannot span lines: each line is sanitized on its own.
        assert_eq!(sanitize_lines("x\x1b]0;title\ny"), "x\ny");
    }

    #[test]
    fn display_line_sanitizes_before_measuring() {
        // The escape sequence takes no columns once removed.
        assert_eq!(display_line("\x1b[31mCRIT\x1b[0m db down", 40), "CRIT db down");
        assert_eq!(display_line("\x1b]0;x\x07abcdef", 4), "abc…");
    }
}
