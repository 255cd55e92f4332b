//! `util::text`: the sanitized text holds no control character and no bidi override; a
//! truncated text never exceeds its width.
#![no_main]
use libfuzzer_sys::fuzz_target;
use opsdeck::util::text::{sanitize, truncate_width};
use unicode_width::UnicodeWidthStr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let clean = sanitize(text);
    for c in clean.chars() {
        assert!(!c.is_control(), "{c:?} in {clean:?}");
        assert!(!matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'), "{c:?}");
    }
    let max = data.first().copied().unwrap_or(0) as usize % 64;
    let cut = truncate_width(&clean, max);
    assert!(cut.width() <= max, "{cut:?} wider than {max}");
});
