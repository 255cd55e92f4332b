//! Targets and thresholds as written in the config: a comparator and a number, with an
//! optional unit. `>= 99.95`, `> 0.5%` (percent: the number as written), `< 200ms` (a
//! duration: seconds, the unit Prometheus answers in), `> 2x` (a factor of a baseline).
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Eq => "==",
            Comparator::Ne => "!=",
        }
    }

    pub fn holds(self, value: f64, against: f64) -> bool {
        match self {
            Comparator::Gt => value > against,
            Comparator::Ge => value >= against,
            Comparator::Lt => value < against,
            Comparator::Le => value <= against,
            Comparator::Eq => value == against,
            Comparator::Ne => value != against,
        }
    }

    /// Whether a larger value is the better one (`>=`/`>` targets).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Comparator::Gt | Comparator::Ge)
    }
}

/// A parsed target or threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub comparator: Comparator,
    /// In the query's unit: seconds for a duration, the number itself otherwise; a factor
    /// when `factor` is set.
    pub value: f64,
    /// `2x`: the value is a multiple of a baseline.
    pub factor: bool,
}

impl Target {
    pub fn parse(text: &str) -> Result<Target, String> {
        let t = text.trim();
        let ops = [
            (">=", Comparator::Ge),
            ("<=", Comparator::Le),
            ("==", Comparator::Eq),
            ("!=", Comparator::Ne),
            (">", Comparator::Gt),
            ("<", Comparator::Lt),
        ];
        let Some((op, comparator)) = ops.iter().find(|(op, _)| t.starts_with(op)) else {
            return Err(format!(
                "`{text}` needs a comparator first: one of >=, >, <=, <, ==, != (e.g. \">= 99.95\")"
            ));
        };
        let rest = t[op.len()..].trim();
        if rest.is_empty() {
            return Err(format!("`{text}` has no number after `{op}`"));
        }
        let (value, factor) = if let Some(n) = rest.strip_suffix(['x', '×']) {
            (number(n.trim(), text)?, true)
        } else if let Some(n) = rest.strip_suffix('%') {
            (number(n.trim(), text)?, false)
        } else if rest.ends_with(|c: char| c.is_ascii_alphabetic()) {
            let d = crate::util::duration::parse(rest).map_err(|e| format!("`{text}`: {e}"))?;
            (d.as_secs_f64(), false)
        } else {
            (number(rest, text)?, false)
        };
        Ok(Target { comparator: *comparator, value, factor })
    }

    /// The number a value is compared with: the value itself, or factor x baseline.
    pub fn threshold(&self, baseline: Option<f64>) -> Option<f64> {
        if self.factor {
            baseline.filter(|b| b.is_finite()).map(|b| b * self.value)
        } else {
            Some(self.value)
        }
    }
}

fn number(n: &str, text: &str) -> Result<f64, String> {
    n.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("`{text}`: `{n}` is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comparators_units_and_factors() {
        let t = Target::parse(">= 99.95").unwrap();
        assert_eq!((t.comparator, t.value, t.factor), (Comparator::Ge, 99.95, false));
        let t = Target::parse("< 200ms").unwrap();
        assert_eq!((t.comparator, t.value), (Comparator::Lt, 0.2));
        assert_eq!(Target::parse("<= 1h").unwrap().value, 3600.0);
        assert_eq!(Target::parse("> 0.5%").unwrap().value, 0.5);
        let t = Target::parse("> 2x").unwrap();
        assert!(t.factor);
        assert_eq!(t.threshold(Some(0.3)), Some(0.6));
        assert_eq!(t.threshold(None), None);
        assert!(Target::parse("99.95").is_err());
        assert!(Target::parse(">= ").is_err());
        assert!(Target::parse(">= abc").is_err());
        assert!(Comparator::Lt.holds(0.1, 0.2) && !Comparator::Ge.holds(1.0, 2.0));
    }
}
