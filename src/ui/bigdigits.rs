//! The big-digit font of the wall and the escalation clock: block characters, `BIG_ROWS`
//! rows per glyph, one blank column between glyphs.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Rows of the big digits.
pub const BIG_ROWS: usize = 5;

fn glyph(c: char) -> Option<[&'static str; BIG_ROWS]> {
    Some(match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => ["  █", "  █", "  █", "  █", "  █"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", "███", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", "  █", "  █", "  █"],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        ':' => [" ", "█", " ", "█", " "],
        '-' => ["   ", "   ", "███", "   ", "   "],
        '+' => ["   ", " █ ", "███", " █ ", "   "],
        ' ' => ["  ", "  ", "  ", "  ", "  "],
        'Z' => ["███", "  █", " █ ", "█  ", "███"],
        _ => return None,
    })
}

/// `text` in block characters, `BIG_ROWS` rows of equal width (in columns; every
/// character used is one column wide), one blank column between glyphs. Characters
/// without a glyph are drawn as themselves on the middle row.
pub fn big_digits(text: &str) -> Vec<String> {
    let mut rows = vec![String::new(); BIG_ROWS];
    for (n, c) in text.chars().enumerate() {
        for (r, row) in rows.iter_mut().enumerate() {
            if n > 0 {
                row.push(' ');
            }
            match glyph(c) {
                Some(g) => row.push_str(g[r]),
                None if r == BIG_ROWS / 2 => row.push(c),
                None => row.push(' '),
            }
        }
    }
    rows
}

/// `big_digits(text)` with every cell repeated `scale` times across and down (scale 0 is
/// taken as 1): `BIG_ROWS * scale` rows for a wall across a room.
pub fn big_digits_scaled(text: &str, scale: usize) -> Vec<String> {
    let scale = scale.max(1);
    big_digits(text)
        .into_iter()
        .flat_map(|row| {
            let wide: String = row.chars().flat_map(|c| std::iter::repeat_n(c, scale)).collect();
            std::iter::repeat_n(wide, scale)
        })
        .collect()
}

/// The width in columns of `big_digits(text)`.
pub fn big_width(text: &str) -> usize {
    big_digits(text).first().map(|r| r.chars().count()).unwrap_or(0)
}

/// Rows `draw` takes.
pub const HEIGHT: u16 = BIG_ROWS as u16;

/// Draws `text` centred in the top rows of `area`; nothing when it does not fit.
pub fn draw(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    let w = big_width(text) as u16;
    if area.width < w || area.height < HEIGHT {
        return;
    }
    let x0 = area.x + (area.width - w) / 2;
    for (dy, line) in big_digits(text).iter().enumerate() {
        buf.set_string(x0, area.y + dy as u16, line, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_digits_are_rectangular() {
        let rows = big_digits("12:34");
        assert_eq!(rows.len(), BIG_ROWS);
        let w = rows[0].chars().count();
        assert!(rows.iter().all(|r| r.chars().count() == w));
        assert_eq!(w, 3 + 1 + 3 + 1 + 1 + 1 + 3 + 1 + 3);
        assert_eq!(big_width("12:34"), w);
        assert_eq!(rows[0], "  █ ███   ███ █ █");
        assert_eq!(rows[1], "  █   █ █   █ █ █");
        assert_eq!(big_digits("1:02:03")[4], "  █   ███ ███   ███ ███");
        assert!(big_digits("").iter().all(String::is_empty));
        let big = big_digits_scaled("1", 2);
        assert_eq!(big.len(), 2 * BIG_ROWS);
        assert_eq!(big[0], "    ██");
        assert_eq!(big[1], big[0]);
    }
}
