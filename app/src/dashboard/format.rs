//! How figures are written on the staff and public pages (French conventions: decimal comma,
//! signed points, "–" for "no value").

use crate::domain::stats::ShareEstimate;

/// A Europe/Paris day as French users read it: `dd/mm/yyyy` (same as `crate::time::french_date`,
/// available in the browser too).
pub fn french_day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A share 0–1 as whole percent, without the sign: `0.667` → `"67"`.
pub fn pct(x: f64) -> String {
    format!("{:.0}", x * 100.0)
}

/// `"67 % [21 – 94]"`: share and 95 % interval; `"–"` without answers.
pub fn share_text(s: &Option<ShareEstimate>) -> String {
    match s {
        Some(s) => format!("{} % [{} – {}]", pct(s.share), pct(s.interval.low), pct(s.interval.high)),
        None => "–".to_string(),
    }
}

/// Points with their sign, rounded: `33.3` → `"+33"`, `-4.6` → `"-5"`, `0.2` → `"0"`; `"–"` for none.
pub fn signed_points(x: Option<f64>) -> String {
    match x.map(f64::round) {
        Some(r) if r > 0.0 => format!("+{r:.0}"),
        Some(r) => format!("{:.0}", r + 0.0),
        None => "–".to_string(),
    }
}

/// One decimal with a decimal comma: `7.47` → `"7,5"`; `"–"` for none.
pub fn one_decimal(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.1}").replace('.', ",")).unwrap_or_else(|| "–".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_figures() {
        assert_eq!(pct(0.6666), "67");
        assert_eq!(signed_points(Some(33.3)), "+33");
        assert_eq!(signed_points(Some(-4.6)), "-5");
        assert_eq!(signed_points(Some(-0.2)), "0", "no negative zero");
        assert_eq!(signed_points(None), "–");
        assert_eq!(one_decimal(Some(7.47)), "7,5");
        assert_eq!(share_text(&None), "–");
        assert_eq!(share_text(&ShareEstimate::new(1, 2)), "50 % [9 – 91]");
    }
}
