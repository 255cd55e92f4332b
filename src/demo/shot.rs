//! Headless frames to files: a ratatui `Buffer` as SVG (a grid of coloured cells in a
//! monospace font: one background rect per run of equal background, one text element per
//! run of equal style, text escaped) or as plain text. Pure functions of the buffer.
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// Cell size in SVG user units (a 14px monospace font).
const CW: f64 = 8.4;
const CH: f64 = 17.0;
const FONT: f64 = 14.0;
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#161821";

/// The 16 ANSI colours as xterm draws them.
const ANSI: [&str; 16] = [
    "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5", "#7f7f7f",
    "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
];

/// A colour as `#rrggbb`, or None for the terminal default.
pub fn hex(c: Color) -> Option<String> {
    let ansi = |i: usize| Some(ANSI[i].to_string());
    match c {
        Color::Reset => None,
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Rgb(r, g, b) => Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Color::Indexed(i) => Some(indexed(i)),
    }
}

fn indexed(i: u8) -> String {
    match i {
        0..=15 => ANSI[i as usize].to_string(),
        16..=231 => {
            let n = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            format!("#{:02x}{:02x}{:02x}", level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Effective (fg, bg) of a cell after `REVERSED`.
fn colours(c: &Cell) -> (String, String) {
    let fg = hex(c.fg).unwrap_or_else(|| DEFAULT_FG.into());
    let bg = hex(c.bg).unwrap_or_else(|| DEFAULT_BG.into());
    if c.modifier.contains(Modifier::REVERSED) { (bg, fg) } else { (fg, bg) }
}

/// The cells of row `y` that start a glyph (the columns a wide glyph covers are skipped),
/// each with its column.
fn row(buf: &Buffer, y: u16) -> Vec<(u16, &Cell)> {
    let a = buf.area;
    let mut out = Vec::new();
    let mut x = a.x;
    while x < a.x + a.width {
        let cell = &buf[(x, y)];
        out.push((x - a.x, cell));
        let w = cell.symbol().width().max(1) as u16;
        x += w;
    }
    out
}

/// The buffer as an SVG document.
pub fn to_svg(buf: &Buffer) -> String {
    let a = buf.area;
    let (w, h) = (a.width as f64 * CW, a.height as f64 * CH);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="{FONT}">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="{DEFAULT_BG}"/>"#);
    for y in a.y..a.y + a.height {
        let cells = row(buf, y);
        let top = (y - a.y) as f64 * CH;
        // backgrounds: one rect per run of equal colour
        let mut i = 0;
        while i < cells.len() {
            let bg = colours(cells[i].1).1;
            let mut j = i + 1;
            while j < cells.len() && colours(cells[j].1).1 == bg {
                j += 1;
            }
            let x0 = cells[i].0 as f64;
            let x1 = if j < cells.len() { cells[j].0 as f64 } else { a.width as f64 };
            if bg != DEFAULT_BG {
                let _ = writeln!(
                    s,
                    r#"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{CH:.1}" fill="{bg}"/>"#,
                    x0 * CW,
                    (x1 - x0) * CW
                );
            }
            i = j;
        }
        // text: one element per run of equal style
        let style = |c: &Cell| {
            (
                colours(c).0,
                c.modifier & (Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED | Modifier::DIM),
            )
        };
        let mut i = 0;
        while i < cells.len() {
            let st = style(cells[i].1);
            let mut j = i + 1;
            let mut text = cells[i].1.symbol().to_string();
            while j < cells.len() && style(cells[j].1) == st {
                text.push_str(cells[j].1.symbol());
                j += 1;
            }
            let x0 = cells[i].0 as f64;
            let x1 = if j < cells.len() { cells[j].0 as f64 } else { a.width as f64 };
            if !text.trim().is_empty() {
                let mut attrs = String::new();
                if st.1.contains(Modifier::BOLD) {
                    attrs.push_str(r#" font-weight="bold""#);
                }
                if st.1.contains(Modifier::ITALIC) {
                    attrs.push_str(r#" font-style="italic""#);
                }
                if st.1.contains(Modifier::UNDERLINED) {
                    attrs.push_str(r#" text-decoration="underline""#);
                }
                if st.1.contains(Modifier::DIM) {
                    attrs.push_str(r#" opacity="0.6""#);
                }
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" fill="{}" textLength="{:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve"{attrs}>{}</text>"#,
                    x0 * CW,
                    top + CH * 0.78,
                    st.0,
                    (x1 - x0) * CW,
                    escape(&text)
                );
            }
            i = j;
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The buffer as plain text: one line per row, trailing spaces trimmed.
pub fn to_text(buf: &Buffer) -> String {
    let a = buf.area;
    let mut out = String::new();
    for y in a.y..a.y + a.height {
        let line: String = row(buf, y).iter().map(|(_, c)| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn sample() -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 20, 3));
        b.set_string(0, 0, "System <health> & co", Style::default().fg(Color::Green).bg(Color::Rgb(1, 2, 3)));
        b.set_string(0, 1, "CRIT", Style::default().fg(Color::Red).add_modifier(Modifier::BOLD));
        b.set_string(5, 1, "日本", Style::default());
        b.set_string(0, 2, "x", Style::default().fg(Color::Indexed(196)).add_modifier(Modifier::REVERSED));
        b
    }

    #[test]
    fn svg_has_escaped_text_colours_and_backgrounds() {
        let svg = to_svg(&sample());
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("System &lt;health&gt; &amp; co"));
        assert!(svg.contains(r##"fill="#010203""##), "background run");
        assert!(svg.contains(r##"fill="#00cd00""##), "green text");
        assert!(svg.contains(r#"font-weight="bold""#));
        assert!(
            svg.contains(r##"<rect x="0.0" y="34.0" width="8.4" height="17.0" fill="#ff0000"/>"##),
            "reversed"
        );
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn text_keeps_wide_glyphs_and_trims() {
        let t = to_text(&sample());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines, vec!["System <health> & co", "CRIT 日本", "x"]);
    }

    #[test]
    fn indexed_colours_follow_xterm() {
        assert_eq!(indexed(196), "#ff0000");
        assert_eq!(indexed(232), "#080808");
        assert_eq!(hex(Color::Reset), None);
    }
}
