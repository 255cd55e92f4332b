//! Frames of the demo that once crashed the screen.
use opsdeck::derive::ModerationView;
use opsdeck::model::{Model, ModelOptions};
use std::collections::BTreeMap;

#[test]
fn a_breach_centuries_away_renders_instead_of_panicking() {
    // the simulator's queue in equilibrium: inflow a hair above throughput
    let mut m = Model::new(opsdeck::config::Config::default(), ModelOptions::default());
    m.views.moderation = Some(ModerationView {
        depth: BTreeMap::from([("high".into(), 6.0), ("low".into(), 347.0)]),
        inflow_per_min: Some(40.8143),
        throughput_per_min: Some(40.8142),
        est_wait_s: Some(519.0),
        oldest_age_s: Some(778.0),
        sla_s: 7200.0,
        breach_in_s: Some(1e30),
        depth_history: vec![],
    });
    let theme = opsdeck::ui::Theme::builtin("dark").unwrap();
    let text = opsdeck::demo::shot::to_text(&opsdeck::ui::render_to_buffer(&m, &theme, 200, 60));
    assert!(text.contains("low 347"), "{text}");
    assert!(text.contains("keeping up"), "a breach beyond 24 h reads as keeping up\n{text}");
    let small = opsdeck::demo::shot::to_text(&opsdeck::ui::render_to_buffer(&m, &theme, 80, 24));
    assert_eq!(small.lines().count(), 24);
}
