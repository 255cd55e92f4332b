//! Who is acting: the Unix user, plus the SSH client's address when the session is remote.
//! Recorded in every timeline event a person causes.

/// The actor of this process: `$USER` (else the passwd name of the real uid, else
/// `uid <n>`), with ` (ssh <ip>)` when `$SSH_CLIENT` is set.
pub fn current() -> String {
    let user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| {
        let uid = nix::unistd::getuid();
        match nix::unistd::User::from_uid(uid) {
            Ok(Some(u)) => u.name,
            _ => format!("uid {uid}"),
        }
    });
    describe(&user, std::env::var("SSH_CLIENT").ok().as_deref())
}

/// `user`, with the first word of `ssh_client` (`"10.0.0.5 51234 22"`) when present.
pub fn describe(user: &str, ssh_client: Option<&str>) -> String {
    match ssh_client.and_then(|s| s.split_whitespace().next()) {
        Some(ip) => format!("{user} (ssh {ip})"),
        None => user.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn describes_local_and_ssh_users() {
        assert_eq!(super::describe("alice", None), "alice");
        assert_eq!(super::describe("alice", Some("10.0.0.5 51234 22")), "alice (ssh 10.0.0.5)");
        assert_eq!(super::describe("alice", Some("  ")), "alice");
    }
}
