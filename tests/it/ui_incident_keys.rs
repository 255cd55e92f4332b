//! The incident keys through `update`: declare, acknowledge, resolve (confirmed), note and
//! silence (duration, comment, matchers shown, confirmation defaulting to No) become effects;
//! results come back as a status line; wall and read-only screens refuse them all.

use crate::ui_support::*;
use chrono::Duration;
use opsdeck::incident::{IncidentAction, IncidentBook, Severity, observe_alerts};
use opsdeck::model::incident_actions::{Prompt, current_status};
use opsdeck::model::{Effect, Key, KeyCode, Model, ModelOptions, Msg, Pane, update_with};

fn key(m: &mut Model, k: Key) -> Vec<Effect> {
    update_with(m, Msg::Key(k), |_| views())
}
fn typ(m: &mut Model, s: &str) {
    for c in s.chars() {
        assert!(key(m, Key::ch(c)).is_empty());
    }
}
fn backspaces(m: &mut Model, n: usize) {
    for _ in 0..n {
        key(m, Key::new(KeyCode::Backspace));
    }
}
const ENTER: Key = Key::new(KeyCode::Enter);
const ESC: Key = Key::new(KeyCode::Esc);

fn with_who(mut m: Model) -> Model {
    m.actions.who = "alice".into();
    m
}

/// A model whose book has the fixture's P0 and P1 alerts open, one incident each (they
/// share no correlation key).
fn with_incident() -> Model {
    let mut m = with_who(fresh());
    let mut book = IncidentBook::default();
    observe_alerts(&mut book, &views().alerts, t0());
    assert_eq!(book.open().count(), 2);
    update_with(&mut m, Msg::Incidents(book), |_| views());
    m
}

fn status(m: &Model) -> (String, bool) {
    let s = current_status(m).expect("a status line");
    (s.text.clone(), s.error)
}

#[test]
fn declare_asks_title_then_severity() {
    let mut m = with_who(fresh());
    assert!(key(&mut m, Key::ch('i')).is_empty());
    assert!(matches!(m.actions.prompt, Some(Prompt::DeclareTitle { .. })));
    // Keys go to the prompt, not the keymap: `q` is a letter of the title.
    typ(&mut m, "Checkout down q");
    backspaces(&mut m, 2);
    key(&mut m, ENTER);
    assert!(matches!(&m.actions.prompt, Some(Prompt::DeclareSeverity { text, .. }) if text == "P1"));
    backspaces(&mut m, 2);
    typ(&mut m, "sev9");
    assert!(key(&mut m, ENTER).is_empty(), "unknown severity is asked again");
    assert!(status(&m).1);
    backspaces(&mut m, 4);
    typ(&mut m, "SEV-1");
    let fx = key(&mut m, ENTER);
    assert_eq!(
        fx,
        vec![Effect::Incident(IncidentAction::Declare {
            title: "Checkout down".into(),
            severity: Severity::P0
        })]
    );
    assert!(m.actions.prompt.is_none());
}

#[test]
fn empty_title_is_refused_and_esc_cancels() {
    let mut m = with_who(fresh());
    key(&mut m, Key::ch('i'));
    assert!(key(&mut m, ENTER).is_empty());
    assert!(m.actions.prompt.is_some());
    assert!(status(&m).0.contains("title"));
    key(&mut m, ESC);
    assert!(m.actions.prompt.is_none());
    assert_eq!(status(&m).0, "cancelled");
}

#[test]
fn acknowledge_targets_the_incident_the_clock_shows() {
    let mut m = with_who(fresh());
    assert!(key(&mut m, Key::ch('a')).is_empty());
    assert!(status(&m).0.contains("no open incident"));
    let mut m = with_incident();
    let id = m.clock_views()[0].id;
    assert_eq!(
        key(&mut m, Key::ch('a')),
        vec![Effect::Incident(IncidentAction::Acknowledge { id: Some(id) })]
    );
    update_with(&mut m, Msg::ActionDone(Ok(format!("INC-{id} acknowledged by alice"))), |_| views());
    assert_eq!(status(&m), (format!("INC-{id} acknowledged by alice"), false));
    // The status line goes away after a while.
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(60)), |_| views());
    assert!(current_status(&m).is_none());
}

#[test]
fn resolve_asks_to_confirm_and_defaults_to_no() {
    let mut m = with_incident();
    let id = m.clock_views()[0].id;
    key(&mut m, Key::ch('x'));
    assert_eq!(m.actions.prompt.as_ref().and_then(|p| p.yes()), Some(false));
    assert!(key(&mut m, ENTER).is_empty(), "Enter on the default No resolves nothing");
    assert!(m.actions.prompt.is_none());
    key(&mut m, Key::ch('x'));
    key(&mut m, Key::new(KeyCode::Right));
    assert_eq!(key(&mut m, ENTER), vec![Effect::Incident(IncidentAction::Resolve { id: Some(id) })]);
    key(&mut m, Key::ch('x'));
    assert_eq!(key(&mut m, Key::ch('y')), vec![Effect::Incident(IncidentAction::Resolve { id: Some(id) })]);
    key(&mut m, Key::ch('x'));
    assert!(key(&mut m, Key::ch('n')).is_empty());
}

#[test]
fn note_is_typed_and_sent() {
    let mut m = with_incident();
    let id = m.clock_views()[0].id;
    key(&mut m, Key::ch('n'));
    assert!(key(&mut m, ENTER).is_empty(), "an empty note is refused");
    typ(&mut m, "rolled back 4.2.1");
    assert_eq!(
        key(&mut m, ENTER),
        vec![Effect::Incident(IncidentAction::Note { id: Some(id), text: "rolled back 4.2.1".into() })]
    );
}

#[test]
fn silence_asks_duration_comment_shows_matchers_and_confirms() {
    let mut m = with_incident();
    // Not in the feed: it says where to go.
    key(&mut m, Key::ch('s'));
    assert!(m.actions.prompt.is_none());
    assert!(status(&m).0.contains("alert feed"));
    key(&mut m, Key::ch('4'));
    assert_eq!(m.focus, Pane::Alerts);
    let selected = m.views.alerts[match m.feed[m.alert_sel] {
        opsdeck::model::FeedRow::Alert(i) => i,
        _ => panic!("first row is an alert"),
    }]
    .clone();
    key(&mut m, Key::ch('s'));
    assert!(matches!(&m.actions.prompt, Some(Prompt::SilenceDuration { text, .. }) if text == "2h"));
    backspaces(&mut m, 2);
    typ(&mut m, "soon");
    key(&mut m, ENTER);
    assert!(status(&m).0.contains("not a duration"));
    backspaces(&mut m, 4);
    typ(&mut m, "90m");
    key(&mut m, ENTER);
    assert!(matches!(m.actions.prompt, Some(Prompt::SilenceComment { .. })));
    key(&mut m, ENTER);
    assert!(status(&m).0.contains("comment"), "a comment is required");
    typ(&mut m, "deploying the fix");
    key(&mut m, ENTER);
    let Some(Prompt::ConfirmSilence { silence, sources, yes, .. }) = m.actions.prompt.clone() else {
        panic!("confirmation expected, got {:?}", m.actions.prompt)
    };
    assert!(!yes, "the confirmation defaults to No");
    assert_eq!(sources, selected.sources);
    assert_eq!(silence.matchers.len(), selected.labels.len());
    assert_eq!(silence.created_by, "alice");
    assert_eq!(silence.comment, "deploying the fix");
    assert_eq!(silence.ends_at - silence.starts_at, Duration::minutes(90));
    assert!(key(&mut m, ENTER).is_empty(), "Enter on No silences nothing");
    // Again, and yes.
    key(&mut m, Key::ch('s'));
    key(&mut m, ENTER);
    typ(&mut m, "deploying the fix");
    key(&mut m, ENTER);
    let fx = key(&mut m, Key::ch('y'));
    let [Effect::Silence { silence: s, sources }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(sources, &vec!["am-a".to_string()]);
    assert_eq!(s.ends_at - s.starts_at, Duration::hours(2));
    assert_eq!(s.matchers, silence.matchers);
}

#[test]
fn wall_and_readonly_refuse_every_incident_key() {
    for (wall, readonly, why) in [(true, false, "wall mode"), (false, true, "read-only mode")] {
        let mut m = with_who(model_with(
            ModelOptions { wall, readonly, theme_names: theme_names(), ..ModelOptions::default() },
            false,
        ));
        let mut book = IncidentBook::default();
        observe_alerts(&mut book, &views().alerts, t0());
        update_with(&mut m, Msg::Incidents(book), |_| views());
        m.focus = Pane::Alerts;
        for c in ['i', 'a', 'x', 'n', 's'] {
            assert!(key(&mut m, Key::ch(c)).is_empty(), "{c} in {why}");
            assert!(m.actions.prompt.is_none(), "{c} opened a prompt in {why}");
            let (text, error) = status(&m);
            assert!(error && text.contains(why), "{c}: {text}");
        }
    }
}

#[test]
fn help_and_footer_list_the_incident_keys() {
    let mut m = with_incident();
    key(&mut m, Key::ch('5'));
    let footer = text_rows(&m, 200, 60).pop().unwrap();
    for hint in ["a ack", "x resolve", "n note", "i declare incident"] {
        assert!(footer.contains(hint), "footer {footer:?} lacks {hint}");
    }
    key(&mut m, Key::ch('4'));
    assert!(text_rows(&m, 200, 60).pop().unwrap().contains("s silence"));
    key(&mut m, Key::ch('?'));
    let screen = text_rows(&m, 200, 60).join("\n");
    for label in ["declare incident", "ack", "resolve", "note", "silence"] {
        assert!(screen.contains(label), "help lacks {label}");
    }
}

fn text_rows(m: &Model, w: u16, h: u16) -> Vec<String> {
    let theme = opsdeck::ui::Theme::builtin("dark").unwrap();
    let buf = opsdeck::ui::render_to_buffer(m, &theme, w, h);
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>()).collect()
}
