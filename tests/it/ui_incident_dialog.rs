//! Snapshot of the silence confirmation at 80x24: every matcher, the end time, the author,
//! the comment and the Alertmanager it goes to, with No highlighted first.

use crate::ui_support::*;
use opsdeck::model::{Key, KeyCode, Model, Msg, update_with};

fn key(m: &mut Model, k: Key) {
    update_with(m, Msg::Key(k), |_| views());
}

#[test]
fn silence_confirmation_80x24() {
    let mut m = fresh();
    m.actions.who = "alice".into();
    key(&mut m, Key::ch('4'));
    key(&mut m, Key::ch('s'));
    key(&mut m, Key::new(KeyCode::Enter));
    for c in "deploying the fix".chars() {
        key(&mut m, Key::ch(c));
    }
    key(&mut m, Key::new(KeyCode::Enter));
    assert_eq!(m.actions.prompt.as_ref().and_then(|p| p.yes()), Some(false));
    let theme = opsdeck::ui::Theme::builtin("dark").unwrap();
    let buf = opsdeck::ui::render_to_buffer(&m, &theme, 80, 24);
    let text: String =
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect();
    for want in [
        "Silence GatewayConnectionFailures?",
        "instance=\"node-",
        "Author: alice",
        "deploying the fix",
        "am-a",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!(text);
}
