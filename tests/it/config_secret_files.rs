//! `opsdeck check` holds credential files to the runbook trust rule: a token others may
//! write is an error (exit 2), one others may read is a warning.
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn check(dir: &std::path::Path, token_mode: u32) -> (Option<i32>, String) {
    let token = dir.join("prom.token");
    std::fs::write(&token, "t0k\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(token_mode)).unwrap();
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[prometheus]]\nname = \"p\"\nurl = \"http://127.0.0.1:9\"\nbearer_token_file = {:?}\n",
            token.display().to_string()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["--config"])
        .arg(&cfg)
        .arg("check")
        .env("HOME", dir)
        .env("OPSDECK_STATE_DIR", dir.join("state"))
        .output()
        .unwrap();
    (
        out.status.code(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn credential_files_others_can_write_fail_check_and_ones_they_can_read_warn() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, text) = check(tmp.path(), 0o600);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("warning"), "{text}");
    let (code, text) = check(tmp.path(), 0o644);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("warning: source `p`: bearer_token_file:")
            && text.contains("readable by group or others"),
        "{text}"
    );
    let (code, text) = check(tmp.path(), 0o666);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("source `p`: bearer_token_file:"), "{text}");
}
