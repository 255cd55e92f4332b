use super::*;

fn spec(members: &[&str]) -> RotationSpec {
    RotationSpec {
        tier: "Primary on-call".into(),
        members: members.iter().map(|s| s.to_string()).collect(),
        handoff: "09:00".into(),
        weekday: Some("mon".into()),
        length: Duration::from_secs(7 * 86_400),
        start: Some("2026-11-02".into()),
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn weekly_rotation_hands_off_monday_nine() {
    let r = rotation(&spec(&["alice", "bob", "carol"])).unwrap();
    assert_eq!(r.anchor, utc("2026-11-02T09:00:00Z"));
    let h = r.holder(utc("2026-11-04T12:00:00Z"));
    assert_eq!(
        (h.name.as_str(), h.until, h.next.as_deref()),
        ("alice", Some(utc("2026-11-09T09:00:00Z")), Some("bob"))
    );
    assert_eq!(r.holder(utc("2026-11-09T08:59:59Z")).name, "alice");
    assert_eq!(r.holder(utc("2026-11-09T09:00:00Z")).name, "bob");
    assert_eq!(r.holder(utc("2026-11-23T10:00:00Z")).name, "alice", "round and round");
    assert_eq!(
        r.holder(utc("2026-11-01T10:00:00Z")).name,
        "carol",
        "before the first shift: the last member"
    );
}

#[test]
fn the_start_date_moves_to_the_weekday_and_daily_rotations_need_none() {
    let mut s = spec(&["a", "b"]);
    s.start = Some("2026-11-04".into()); // a Wednesday
    assert_eq!(rotation(&s).unwrap().anchor, utc("2026-11-09T09:00:00Z"));
    let daily = RotationSpec {
        weekday: None,
        length: Duration::from_secs(86_400),
        handoff: "18:30".into(),
        ..spec(&["a", "b"])
    };
    let r = rotation(&daily).unwrap();
    assert_eq!(r.holder(utc("2026-11-02T18:29:00Z")).name, "b");
    assert_eq!(r.holder(utc("2026-11-02T18:30:00Z")).name, "a");
    assert!(rotation(&RotationSpec { handoff: "9am".into(), ..spec(&["a"]) }).is_err());
    assert!(rotation(&spec(&[])).is_err());
    assert!(rotation(&RotationSpec { weekday: Some("funday".into()), ..spec(&["a"]) }).is_err());
}

#[test]
fn overrides_win_and_shorten_the_shift() {
    let spec_all = OncallSpec {
        rotation: vec![spec(&["alice", "bob"])],
        overrides_file: None,
        overrides: vec![OverrideSpec {
            tier: "Primary on-call".into(),
            name: "dave".into(),
            from: utc("2026-11-05T00:00:00Z"),
            until: utc("2026-11-06T00:00:00Z"),
        }],
    };
    let rota = Rota::from_spec(&spec_all, vec![]).unwrap();
    let h = rota.holder("Primary on-call", utc("2026-11-04T12:00:00Z")).unwrap();
    assert_eq!(
        (h.name.as_str(), h.until, h.next.as_deref()),
        ("alice", Some(utc("2026-11-05T00:00:00Z")), Some("dave"))
    );
    let h = rota.holder("Primary on-call", utc("2026-11-05T12:00:00Z")).unwrap();
    assert_eq!(
        (h.name.as_str(), h.until, h.next.as_deref()),
        ("dave", Some(utc("2026-11-06T00:00:00Z")), Some("alice"))
    );
    assert!(rota.holder("Director/VP", utc("2026-11-05T12:00:00Z")).is_none());
    let file = "[[override]]\ntier = \"L1\"\nname = \"erin\"\nfrom = 2026-11-05T00:00:00Z\nuntil = 2026-11-06T00:00:00Z\n";
    assert_eq!(parse_overrides(file).unwrap()[0].name, "erin");
    assert!(parse_overrides("[[override]]\ntier = 1\n").is_err());
}
