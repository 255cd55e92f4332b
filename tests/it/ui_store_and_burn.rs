//! Two small screen promises of issue #17: a state dir the incident book cannot be written
//! to is said on screen (never a silent "no incident"), and a burn rate of 1000 or more is
//! shown whole, never cut or turned negative.
use crate::ui_support::*;
use opsdeck::model::{Msg, Views, update_with};
use opsdeck::ui::{Theme, render_to_buffer};

fn text_of(m: &opsdeck::model::Model, w: u16, h: u16) -> String {
    let buf = render_to_buffer(m, &Theme::builtin("dark").unwrap(), w, h);
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

#[test]
fn an_unwritable_incident_book_is_said_in_the_footer_until_it_is_writable_again() {
    let mut m = fresh();
    update_with(
        &mut m,
        Msg::IncidentStore(Some("cannot create /state/.incidents.json.1.tmp: Read-only file system".into())),
        |_| Views::default(),
    );
    for (w, h) in [(200, 60), (80, 24)] {
        let s = text_of(&m, w, h);
        assert!(s.lines().last().unwrap().contains("✖ incidents not saved: cannot create"), "{w}x{h}:\n{s}");
    }
    update_with(&mut m, Msg::IncidentStore(None), |_| Views::default());
    assert!(!text_of(&m, 200, 60).contains("incidents not saved"));
}

#[test]
fn a_burn_rate_of_a_thousand_and_more_is_shown_whole() {
    let mut m = fresh();
    let mut v = views();
    v.health[0].burn_rate = Some(12345.6);
    m.set_views(v, t0(), true);
    let s = text_of(&m, 200, 60);
    assert!(s.contains("12345.6"), "{s}");
    assert!(!s.contains("-12345"), "{s}");
}
