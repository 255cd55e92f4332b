//! Pure functions of time behind the baseline numbers: the daily shape, the slow growth
//! trend that makes week-over-week deltas real, and seeded smooth noise. No state, no clock.
use std::f64::consts::PI;

/// Unix seconds of 2026-11-01T00:00:00Z: the origin of the growth trend.
const TREND_ORIGIN: f64 = 1_793_491_200.0;

/// Traffic relative to the daily mean (0.55 at night .. 1.35 at the evening peak, 18:00 UTC).
pub fn daily(t: f64) -> f64 {
    let hour = (t.rem_euclid(86_400.0)) / 3600.0;
    let main = (2.0 * PI * (hour - 12.0) / 24.0).sin(); // peak at 18:00
    let lunch = (2.0 * PI * (hour - 9.0) / 12.0).sin().max(0.0) * 0.08;
    0.95 + 0.38 * main + lunch
}

/// Slow growth: about +0.6% a week, so today is a little above the same time last week
/// (flat outside a year-long window, so the numbers stay plausible whatever the date).
pub fn trend(t: f64) -> f64 {
    1.0 + 0.000_9 * ((t - TREND_ORIGIN) / 86_400.0).clamp(-90.0, 270.0)
}

/// FNV-1a over the seed, a key and an integer: stable across runs, platforms and versions.
pub fn hash(seed: u64, key: &str, n: i64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    seed.to_le_bytes().iter().for_each(|b| eat(*b));
    key.bytes().for_each(&mut eat);
    n.to_le_bytes().iter().for_each(|b| eat(*b));
    // final avalanche so that neighbouring inputs differ in the high bits
    let mut x = h;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// Uniform in [-1, 1] for (seed, key, n).
fn unit(seed: u64, key: &str, n: i64) -> f64 {
    (hash(seed, key, n) >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// Smooth seeded noise in [-1, 1]: random knots every `period` seconds, cosine-interpolated.
pub fn noise(seed: u64, key: &str, t: f64, period: f64) -> f64 {
    let x = t / period;
    let k = x.floor();
    let f = x - k;
    let a = unit(seed, key, k as i64);
    let b = unit(seed, key, k as i64 + 1);
    let w = (1.0 - (PI * f).cos()) / 2.0;
    a + (b - a) * w
}

/// `base` with a relative wiggle of `amount` (0.05 = +-5%), from two noise octaves.
pub fn wiggle(seed: u64, key: &str, t: f64, base: f64, amount: f64) -> f64 {
    let n = 0.7 * noise(seed, key, t, 300.0) + 0.3 * noise(seed, key, t, 45.0);
    base * (1.0 + amount * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_shape_peaks_in_the_evening() {
        let day = 1_795_392_000.0; // 2026-11-23T00:00Z
        assert!(daily(day + 18.0 * 3600.0) > 1.25);
        assert!(daily(day + 6.0 * 3600.0) < 0.65);
    }

    #[test]
    fn noise_is_deterministic_bounded_and_seeded() {
        for i in 0..500 {
            let t = 1_795_392_000.0 + i as f64 * 7.3;
            let n = noise(7, "x", t, 60.0);
            assert!((-1.0..=1.0).contains(&n));
            assert_eq!(n, noise(7, "x", t, 60.0));
        }
        assert_ne!(noise(7, "x", 1000.5, 60.0), noise(8, "x", 1000.5, 60.0));
    }

    #[test]
    fn trend_grows_week_over_week() {
        let t = 1_795_392_000.0;
        let r = trend(t) / trend(t - 7.0 * 86_400.0);
        assert!(r > 1.002 && r < 1.03, "{r}");
    }
}
