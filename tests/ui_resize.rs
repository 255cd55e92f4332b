//! Resizing never panics: every size from 20x5 to 200x60, with stale panes, an open
//! detail, help and a storm; plus the absurdly small.
mod ui_support;

use opsdeck::model::{Key, KeyCode, ModelOptions, Msg, update_with};
use opsdeck::ui::{Theme, render_to_buffer};
use ui_support::*;

#[test]
fn every_size_from_20x5_to_200x60() {
    let t = Theme::builtin("dark").unwrap();
    let mut failing = prom_failing();
    update_with(&mut failing, Msg::Key(Key::ch('4')), |_| views());
    update_with(&mut failing, Msg::Key(Key::new(KeyCode::Enter)), |_| views());
    let mut storm_help = model_with(ModelOptions { theme_names: theme_names(), ..Default::default() }, true);
    update_with(&mut storm_help, Msg::Key(Key::ch('?')), |_| storm());
    let wall =
        model_with(ModelOptions { wall: true, theme_names: theme_names(), ..Default::default() }, false);
    // Every width at every fifth height, every height at every tenth width.
    let sizes = (20..=200u16)
        .flat_map(|w| (5..=60u16).step_by(5).map(move |h| (w, h)))
        .chain((20..=200u16).step_by(10).flat_map(|w| (5..=60u16).map(move |h| (w, h))));
    for (w, h) in sizes {
        {
            let m = match (w + h) % 3 {
                0 => &failing,
                1 => &storm_help,
                _ => &wall,
            };
            let buf = render_to_buffer(m, &t, w, h);
            assert_eq!(buf.area.width, w);
        }
    }
    for (w, h) in [(0, 0), (1, 1), (3, 2), (19, 4), (400, 120), (1000, 3)] {
        render_to_buffer(&failing, &t, w, h);
        render_to_buffer(&storm_help, &t, w, h);
    }
}

#[test]
fn every_line_at_80x24_stays_readable() {
    // Nothing cut mid-word without an ellipsis: every cut text ends in `…` or fits.
    let t = Theme::builtin("dark").unwrap();
    let m = prom_failing();
    let buf = render_to_buffer(&m, &t, 80, 24);
    let text: String =
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect();
    assert!(text.contains("STALE 2m10s"));
    assert!(text.contains("connection refused") || text.contains("…"));
}
