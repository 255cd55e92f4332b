//! The command classifier: is a shell block read-only, destructive, or unknown (treated as
//! destructive)? DESIGN.md section 4.
//!
//! Contract:
//! - Every simple command of the script is classified, including commands nested in
//!   `$(...)`, backticks, `bash -c '...'`, `ssh host '...'`, `kubectl exec ... -- cmd`,
//!   `xargs cmd`, and the SQL / Redis commands given to `psql` / `redis-cli`.
//! - A block's verdict is the worst of its commands (destructive > unknown > read-only);
//!   its reason names the rule, the command and the line, e.g.
//!   `kubectl delete (destructive rule) in line 2`.
//! - Anything not positively known to be read-only is unknown or destructive: missing a
//!   destructive command is the one error that must not happen. Known read-only commands
//!   (`kubectl get`, `curl` GET, `grep`, ...) stay read-only so that confirmations mean
//!   something.
mod cloud;
mod data_tools;
mod filters;
mod generic;
mod http;
mod infra;
mod k8s;
mod redis;
mod rules;
mod scripts;
mod session;
pub mod shell;
mod sql;
mod storage;
mod system;
mod tools;

use crate::runbook::types::Safety;

/// The verdict on one simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line in the script.
    pub line: usize,
    pub safety: Safety,
    /// The rule that decided, e.g. `kubectl delete` or `redirection into /tmp/x`.
    pub rule: String,
}

/// How bad a verdict is: destructive > unknown > read-only.
pub fn rank(s: Safety) -> u8 {
    match s {
        Safety::ReadOnly => 0,
        Safety::Unknown => 1,
        Safety::Destructive => 2,
    }
}

/// Every command's verdict, in script order (nested commands after their parent line's).
pub fn findings(script: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    rules::script(script, 1, 0, &mut out);
    out
}

/// The block's verdict and its reason.
pub fn classify(script: &str) -> (Safety, String) {
    let all = findings(script);
    let Some(worst) = all.iter().max_by_key(|f| (rank(f.safety), std::cmp::Reverse(f.line))) else {
        return (Safety::ReadOnly, "no commands".into());
    };
    let reason = match worst.safety {
        Safety::Destructive => format!("{} (destructive rule) in line {}", worst.rule, worst.line),
        Safety::Unknown => {
            format!("{} (unknown, treated as destructive) in line {}", worst.rule, worst.line)
        }
        Safety::ReadOnly => {
            let mut rules: Vec<&str> = Vec::new();
            for f in &all {
                if !rules.contains(&f.rule.as_str()) {
                    rules.push(&f.rule);
                }
            }
            format!("read-only: {}", rules.join(", "))
        }
    };
    (worst.safety, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_names_rule_command_and_line() {
        let (s, r) = classify("kubectl get pods\nkubectl delete pod x\n");
        assert_eq!(s, Safety::Destructive);
        assert_eq!(r, "kubectl delete (destructive rule) in line 2");
        let (s, r) = classify("frob --now");
        assert_eq!(s, Safety::Unknown);
        assert_eq!(r, "`frob` is not a known command (unknown, treated as destructive) in line 1");
        let (s, r) = classify("kubectl get pods | grep api");
        assert_eq!(s, Safety::ReadOnly);
        assert_eq!(r, "read-only: kubectl get, grep");
    }

    #[test]
    fn nested_lines_are_relative_to_the_block() {
        let (_, r) = classify("echo start\necho $(rm -rf /tmp/x)");
        assert_eq!(r, "rm (destructive rule) in line 2");
        let (_, r) = classify("ssh db-0 'sudo systemctl restart postgresql'");
        assert_eq!(r, "ssh db-0 sudo systemctl restart (destructive rule) in line 1");
    }
}
