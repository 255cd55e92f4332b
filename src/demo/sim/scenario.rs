//! The scenarios `opsdeck demo --scenario NAME` can play. Each is a set of external forces
//! as pure functions of the scenario's elapsed (simulated) seconds; the model in `state`
//! turns them into numbers, and the operator's actions (the admin endpoint) push back.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Calm,
    GatewayOverload,
    CompactionStorm,
    VoteBrigade,
    DbPrimaryDown,
    ModqueueSurge,
    BadCanary,
}

pub const ALL: [Scenario; 7] = [
    Scenario::Calm,
    Scenario::GatewayOverload,
    Scenario::CompactionStorm,
    Scenario::VoteBrigade,
    Scenario::DbPrimaryDown,
    Scenario::ModqueueSurge,
    Scenario::BadCanary,
];

/// Ramp from 0 at `from` to 1 at `to` (seconds), smooth at both ends.
pub fn ramp(e: f64, from: f64, to: f64) -> f64 {
    if e <= from {
        0.0
    } else if e >= to {
        1.0
    } else {
        let x = (e - from) / (to - from);
        x * x * (3.0 - 2.0 * x)
    }
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Calm => "calm",
            Scenario::GatewayOverload => "gateway-overload",
            Scenario::CompactionStorm => "compaction-storm",
            Scenario::VoteBrigade => "vote-brigade",
            Scenario::DbPrimaryDown => "db-primary-down",
            Scenario::ModqueueSurge => "modqueue-surge",
            Scenario::BadCanary => "bad-canary",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        ALL.into_iter().find(|s| s.name() == name)
    }

    /// One line for `opsdeck demo --list`.
    pub fn describe(self) -> &'static str {
        match self {
            Scenario::Calm => "an ordinary day: daily traffic shape, no incident",
            Scenario::GatewayOverload => {
                "a tournament starts at 1m: traffic +300% by 4m, WebSocket connection failures climb \
                 to ~15%, the autoscaler tops out at 12 replicas; fix: scale the gateway"
            }
            Scenario::CompactionStorm => {
                "database compaction starts at 1m: db p99 from ~0.4 s through 500 ms to 2 s by 4m, \
                 api latency follows; fix: throttle compaction (50 MB/s)"
            }
            Scenario::VoteBrigade => {
                "a coordinated vote brigade from fresh accounts from 1m: votes/s x5, reports and the \
                 moderation queue climb; fix: ban the account pattern"
            }
            Scenario::DbPrimaryDown => {
                "the primary database db-0 dies at 1m: writes fail, api errors ~30%; fix: fail over \
                 to replica-1"
            }
            Scenario::ModqueueSurge => {
                "a spam wave from 1m: +80 high-priority and +40 low-priority items/min against 60/min \
                 of review; the high-priority queue passes 150 in minutes; fix: add reviewers (6)"
            }
            Scenario::BadCanary => {
                "the api canary deploy reaches 25% at 3m and its error rate climbs past 0.5%: the \
                 rollback trigger is pending from ~4m and firing by ~9m; fix: roll the canary back"
            }
        }
    }

    /// Gateway traffic multiplier (the tournament).
    pub fn gateway_traffic(self, e: f64) -> f64 {
        match self {
            Scenario::GatewayOverload => 1.0 + 3.0 * ramp(e, 60.0, 240.0),
            _ => 1.0,
        }
    }

    /// API traffic multiplier (tournament viewers also browse).
    pub fn api_traffic(self, e: f64) -> f64 {
        match self {
            Scenario::GatewayOverload => 1.0 + 0.6 * ramp(e, 60.0, 240.0),
            Scenario::VoteBrigade => 1.0 + 0.3 * ramp(e, 60.0, 180.0),
            _ => 1.0,
        }
    }

    /// Compaction I/O the database wants to do, MB/s (before any throttle).
    pub fn compaction_demand(self, e: f64) -> f64 {
        match self {
            Scenario::CompactionStorm => 8.0 + 248.0 * ramp(e, 60.0, 240.0),
            _ => 8.0,
        }
    }

    /// Seconds at which the primary database dies, if it does.
    pub fn primary_dies_at(self) -> Option<f64> {
        match self {
            Scenario::DbPrimaryDown => Some(60.0),
            _ => None,
        }
    }

    /// Brigade votes per second at full strength (0 when none).
    pub fn brigade_votes(self, e: f64) -> f64 {
        match self {
            Scenario::VoteBrigade => 5200.0 * ramp(e, 60.0, 200.0),
            _ => 0.0,
        }
    }

    /// Extra moderation inflow, items per minute (high, low priority): the spam wave,
    /// mostly user reports, which are high priority.
    pub fn modqueue_extra(self, e: f64) -> (f64, f64) {
        match self {
            Scenario::ModqueueSurge => {
                let r = ramp(e, 60.0, 180.0);
                (80.0 * r, 40.0 * r)
            }
            _ => (0.0, 0.0),
        }
    }

    /// Extra error rate of the api canary, percent: the bad build from 25% traffic on.
    pub fn canary_extra_err(self, e: f64) -> f64 {
        match self {
            Scenario::BadCanary => 1.5 * ramp(e, 180.0, 330.0),
            _ => 0.0,
        }
    }

    /// Status-page incidents this scenario brings with it, from elapsed seconds on.
    pub fn upstream(self) -> Option<(&'static str, f64)> {
        match self {
            Scenario::GatewayOverload => Some(("cdn", 150.0)),
            Scenario::DbPrimaryDown => Some(("cloud", 45.0)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ramps_are_bounded() {
        for s in ALL {
            assert_eq!(Scenario::parse(s.name()), Some(s));
        }
        assert_eq!(Scenario::parse("nope"), None);
        assert_eq!(ramp(0.0, 60.0, 240.0), 0.0);
        assert_eq!(ramp(300.0, 60.0, 240.0), 1.0);
        assert_eq!(Scenario::GatewayOverload.gateway_traffic(240.0), 4.0);
    }
}
