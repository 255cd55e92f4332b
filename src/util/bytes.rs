//! Sizes as written in config (`max_body = "128MiB"`, `"16MB"`, `"512KiB"`, or a bare
//! integer of bytes) and as shown in messages (`128 MiB`).

/// Parses a size: an integer of bytes, or a number with a unit `B`, `KB`/`KiB`, `MB`/`MiB`,
/// `GB`/`GiB` (case-insensitive; `K`, `M`, `G` alone are binary). Zero is refused.
pub fn parse(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = (t[..split].trim(), t[split..].trim());
    let n: f64 = num
        .parse()
        .map_err(|_| format!("bad size `{t}` (expected e.g. \"16MiB\", \"512KiB\" or a number of bytes)"))?;
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "k" | "kib" => 1 << 10,
        "mb" => 1_000_000,
        "m" | "mib" => 1 << 20,
        "gb" => 1_000_000_000,
        "g" | "gib" => 1 << 30,
        other => {
            return Err(format!("bad size `{t}`: unknown unit `{other}` (use B, KiB, MiB, GiB, KB, MB, GB)"));
        }
    };
    let bytes = n * mult as f64;
    if !(bytes.is_finite() && bytes >= 1.0 && bytes <= u64::MAX as f64) {
        return Err(format!("size `{t}` must be at least one byte"));
    }
    Ok(bytes as u64)
}

/// `128 MiB`, `16 MiB`, `1.5 KiB`, `900 B`.
pub fn format(n: u64) -> String {
    crate::domain::format_size(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Serde adapter for an optional size written as a string or an integer of bytes.
pub mod serde_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(u64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        match Option::<Raw>::deserialize(d)? {
            None => Ok(None),
            Some(Raw::Int(0)) => Err(serde::de::Error::custom("size must be at least one byte")),
            Some(Raw::Int(n)) => Ok(Some(n)),
            Some(Raw::Text(s)) => super::parse(&s).map(Some).map_err(serde::de::Error::custom),
        }
    }

    pub fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => s.serialize_str(&super::format(*n).replace(' ', "")),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse("128MiB"), Ok(128 << 20));
        assert_eq!(parse("16 MB"), Ok(16_000_000));
        assert_eq!(parse("512kib"), Ok(512 << 10));
        assert_eq!(parse("1048576"), Ok(1 << 20));
        assert_eq!(parse("1.5G"), Ok(3 << 29));
        assert!(parse("0").is_err());
        assert!(parse("lots").is_err());
        assert!(parse("12 parsecs").unwrap_err().contains("unknown unit"));
        assert_eq!(format(128 << 20), "128 MiB");
        assert_eq!(format(1536), "1.5 KiB");
        assert_eq!(format(900), "900 B");
        assert_eq!(parse(&format(16 << 20).replace(' ', "")), Ok(16 << 20));
    }
}
