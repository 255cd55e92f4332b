//! Durations as written in config and runbooks (`5s`, `2m`, `1h30m`) and ages as shown on
//! screen (`3m12s`, coarse enough that a wall screen does not redraw every second for it).
use std::time::Duration;

/// Parses a human duration such as `250ms`, `5s`, `2m`, `1h30m`. A bare number is refused:
/// the unit is part of the meaning.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    let d = humantime::parse_duration(text)
        .map_err(|e| format!("bad duration `{text}`: {e} (expected e.g. 5s, 2m, 1h30m)"))?;
    if d > MAX {
        return Err(format!("duration `{text}` is too long: at most 365d"));
    }
    Ok(d)
}

/// The longest duration any setting takes (a year): beyond it, time arithmetic on
/// instants and dates could overflow, and no poll, timeout or SLA means it.
pub const MAX: Duration = Duration::from_secs(365 * 86_400);

/// Serde adapter: a duration field written as a string.
pub mod serde_str {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        super::parse(&s).map_err(serde::de::Error::custom)
    }

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_compact(*d))
    }
}

/// Serde adapter for `Option<Duration>` written as a string.
pub mod serde_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| super::parse(&s).map_err(serde::de::Error::custom)).transpose()
    }

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::format_compact(*d)),
            None => s.serialize_none(),
        }
    }
}

pub use crate::domain::format_compact;

/// An age for the screen, in coarse steps so that it changes rarely:
/// under 1 min by the second (`12s`), under 1 h as `3m12s`, under a day as `2h05m`,
/// beyond as `3d04h`.
pub fn format_age(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else if secs < 86_400 {
        format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{}d{:02}h", secs / 86_400, (secs % 86_400) / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_config_durations() {
        assert_eq!(parse("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse("5").is_err());
        assert!(parse("fast").is_err());
        assert!(parse("").is_err());
        assert!(parse("18446744073709551615s").unwrap_err().contains("at most 365d"));
        assert!(parse("366d").is_err());
        assert_eq!(parse("365d").unwrap(), MAX);
    }

    #[test]
    fn formats_ages_coarsely() {
        assert_eq!(format_age(Duration::from_secs(12)), "12s");
        assert_eq!(format_age(Duration::from_secs(192)), "3m12s");
        assert_eq!(format_age(Duration::from_secs(7500)), "2h05m");
        assert_eq!(format_age(Duration::from_secs(2 * 86_400 + 3600)), "2d01h");
    }

    #[test]
    fn compact_round_trips() {
        for s in ["5s", "2m", "1h30m", "250ms", "1500ms", "1h0m5s"] {
            let d = parse(s).unwrap();
            assert_eq!(parse(&format_compact(d)).unwrap(), d);
        }
    }
}
