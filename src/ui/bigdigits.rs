//! Big digits for the wall clock: 3 columns by 5 rows per glyph, block characters.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

pub const HEIGHT: u16 = 5;
const WIDTH: u16 = 4; // 3 + a space

fn glyph(c: char) -> [&'static str; 5] {
    match c {
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
        ':' => ["   ", " █ ", "   ", " █ ", "   "],
        'Z' => ["███", "  █", " █ ", "█  ", "███"],
        _ => ["   ", "   ", "   ", "   ", "   "],
    }
}

/// Draws `text` centred in the top rows of `area`; nothing when it does not fit.
pub fn draw(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    let w = WIDTH * text.chars().count() as u16;
    if area.width < w || area.height < HEIGHT {
        return;
    }
    let x0 = area.x + (area.width - w) / 2;
    for (i, c) in text.chars().enumerate() {
        for (dy, line) in glyph(c).iter().enumerate() {
            buf.set_string(x0 + WIDTH * i as u16, area.y + dy as u16, line, style);
        }
    }
}
