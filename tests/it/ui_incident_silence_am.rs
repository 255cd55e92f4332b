//! Against the real Alertmanager (`OPSDECK_TEST_AM_URL`): a silence made through the
//! screen's action path (`app::actions::silence_and_record`, what `Effect::Silence` runs)
//! appears in `GET /api/v2/silences` with its author and comment, and is recorded in the
//! timeline of the open incident holding the alert it silences (here a declared incident
//! the alert joined by its `incident` label).
use chrono::Utc;
use opsdeck::config::{Config, SourceSpec};
use opsdeck::derive::{AlertView, Priority};
use opsdeck::domain::AlertState;
use opsdeck::incident::model::EventKind;
use opsdeck::incident::{IncidentAction, Policy, Severity, Store, action, silence};
use opsdeck::sources::alertmanager::AmClient;

fn am_url() -> Option<String> {
    Some(crate::backends::url("OPSDECK_TEST_AM_URL"))
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn screen_silence_reaches_alertmanager_and_the_timeline() {
    let Some(url) = am_url() else { return };
    let spec = SourceSpec { name: "am-screen".into(), url, ..Default::default() };
    let config = Config { alertmanager: vec![spec.clone()], ..Config::default() };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let policy = Policy::default();
    let now = Utc::now();
    let declared = action::run(
        &store,
        &policy,
        &IncidentAction::Declare { title: "screen silence test".into(), severity: Severity::P1 },
        "alice",
        now,
    )
    .unwrap()
    .unwrap();
    let marker = format!("screen-{}", now.timestamp_nanos_opt().unwrap_or_default());
    let alert = AlertView {
        fingerprint: "f".into(),
        alertname: "ScreenSilenceTest".into(),
        priority: Priority::P1,
        state: AlertState::Active,
        silenced: false,
        inhibited: false,
        starts_at: now,
        labels: [("alertname", "ScreenSilenceTest"), ("marker", marker.as_str()), ("incident", "INC-1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<opsdeck::domain::Labels>()
            .into(),
        annotations: Default::default(),
        sources: vec!["am-screen".into()],
        generator_url: None,
    };
    // The alert fires in Alertmanager and joins the declared incident (its `incident` label).
    let am = AmClient::new(&spec, &config.defaults).unwrap();
    let posted =
        opsdeck::sources::alertmanager::PostableAlert { labels: alert.labels.to_map(), ..Default::default() };
    am.post_alerts(&[posted]).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let real = loop {
        let all = am.alerts().await.unwrap();
        if let Some(a) = all.iter().find(|a| a.labels.get("marker") == Some(marker.as_str())) {
            break a.clone();
        }
        assert!(std::time::Instant::now() < deadline, "the alert never arrived");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let alert = AlertView { fingerprint: real.fingerprint.clone(), starts_at: real.starts_at, ..alert };
    action::observe(&store, &policy, Some(std::slice::from_ref(&alert)), Utc::now()).unwrap();
    assert_eq!(store.load().unwrap().get(declared.id).unwrap().alerts.len(), 1);
    let comment = format!("from the screen {marker}");
    let s = silence::silence_for(
        &alert,
        std::time::Duration::from_secs(7200),
        &comment,
        "alice (ssh 10.0.0.5)",
        now,
    )
    .unwrap();
    let text = opsdeck::app::actions::silence_and_record(&config, store.clone(), policy, &s, &alert.sources)
        .await
        .expect("silenced");
    assert!(text.contains(&format!("recorded in INC-{}", declared.id)), "{text}");

    let found = am.silences().await.unwrap();
    let mine = found.iter().find(|x| x.comment == comment).expect("the silence is in Alertmanager");
    assert_eq!(mine.created_by, "alice (ssh 10.0.0.5)");
    assert!(
        mine.matchers.iter().any(|m| m.name == "marker" && m.value == marker && m.is_equal && !m.is_regex)
    );

    let book = store.load().unwrap();
    let inc = book.get(declared.id).unwrap();
    assert!(
        inc.timeline.iter().any(
            |e| matches!(&e.kind, EventKind::SilenceCreated { silence_id, .. } if silence_id == &mine.id)
        ),
        "timeline: {:?}",
        inc.timeline
    );
    am.expire_silence(&mine.id).await.unwrap();
}
