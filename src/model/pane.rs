//! The panes of the screen, in the order of their number keys (`1`-`7`).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    Health,
    Community,
    Status,
    Alerts,
    Clock,
    Moderation,
    Runbook,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Health,
        Pane::Community,
        Pane::Status,
        Pane::Alerts,
        Pane::Clock,
        Pane::Moderation,
        Pane::Runbook,
    ];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
    /// The pane behind number key `n` (1-based).
    pub fn from_number(n: u8) -> Option<Pane> {
        Pane::ALL.get((n as usize).checked_sub(1)?).copied()
    }
    pub fn number(self) -> usize {
        self.index() + 1
    }
    pub fn title(self) -> &'static str {
        match self {
            Pane::Health => "System health",
            Pane::Community => "Community",
            Pane::Status => "Status pages",
            Pane::Alerts => "Alerts",
            Pane::Clock => "Escalation clock",
            Pane::Moderation => "Moderation queue",
            Pane::Runbook => "Runbook",
        }
    }
    /// A short name for tabs on small screens.
    pub fn short(self) -> &'static str {
        match self {
            Pane::Health => "Health",
            Pane::Community => "Comm",
            Pane::Status => "Status",
            Pane::Alerts => "Alerts",
            Pane::Clock => "Clock",
            Pane::Moderation => "ModQ",
            Pane::Runbook => "Runbook",
        }
    }
    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }
    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// Below this terminal size (columns, rows) the panes become tabs (and a wall rotates one
/// pane at a time).
pub const MIN_FULL: (u16, u16) = (120, 36);

/// Whether a terminal of `size` shows the panes as tabs.
pub fn compact(size: (u16, u16)) -> bool {
    size.0 < MIN_FULL.0 || size.1 < MIN_FULL.1
}

/// How long a small wall shows each pane when `--rotate` was not given.
pub const WALL_TAB_ROTATION: std::time::Duration = std::time::Duration::from_secs(15);
