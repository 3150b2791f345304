//! Survey statistics: shares that add up to 100 % as displayed, and 95 % Wilson intervals.
//!
//! Rules (../shared/DESIGN.md §2, Services Publics+): no `NaN`, no division by zero — with no answer
//! a share is `None`; "sans avis" answers are counted but excluded from shares; the satisfied share
//! is the proportion of "satisfied" answers among those who gave an opinion.

use super::questionnaire::{localized, Question};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// z-score of a two-sided 95 % confidence level.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Whole percentages (0–100) of each count in `counts`, adjusted with the largest-remainder
/// (Hamilton) method so that they add up to exactly 100. Ties of remainders go to the earlier item.
///
/// Returns `None` when the total is 0 (no share can be computed).
///
/// Example: 12 / 4 / 1 of 17 are 70.6 / 23.5 / 5.9 %; plain rounding shows 71 + 24 + 6 = 101,
/// this gives 71 / 23 / 6.
pub fn percentages_summing_to_100(counts: &[u64]) -> Option<Vec<u32>> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    // Work in integers: share_i * 100 = counts_i * 100 / total, remainder counts_i * 100 % total.
    let mut floors: Vec<u32> = counts.iter().map(|&c| ((c as u128 * 100) / total as u128) as u32).collect();
    let remainders: Vec<u128> = counts.iter().map(|&c| (c as u128 * 100) % total as u128).collect();
    let missing = 100 - floors.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    // Largest remainder first; stable sort keeps the earlier item first on ties.
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]));
    for &i in order.iter().take(missing as usize) {
        floors[i] += 1;
    }
    Some(floors)
}

/// A 95 % confidence interval on a proportion, bounds in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound (0..=1).
    pub low: f64,
    /// Upper bound (0..=1).
    pub high: f64,
}

/// Wilson score interval at 95 % for `successes` out of `n` trials.
///
/// Returns `None` when `n == 0` or `successes > n`. Unlike the normal approximation it stays inside
/// 0..=1 and behaves for small `n` and shares near 0 or 1. Example: 120 / 150 → 0.7289 – 0.8562.
pub fn wilson_interval(successes: u64, n: u64) -> Option<Interval> {
    if n == 0 || successes > n {
        return None;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z_95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    Some(Interval { low: (centre - half).max(0.0), high: (centre + half).min(1.0) })
}

/// A share with its 95 % Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareEstimate {
    /// Number of answers in the share (e.g. satisfied).
    pub successes: u64,
    /// Number of answers the share is taken of (those who gave an opinion).
    pub n: u64,
    /// `successes / n`, in 0..=1.
    pub share: f64,
    /// 95 % Wilson interval.
    pub interval: Interval,
}

impl ShareEstimate {
    /// `None` when `n == 0` or `successes > n`.
    pub fn new(successes: u64, n: u64) -> Option<Self> {
        let interval = wilson_interval(successes, n)?;
        Some(Self { successes, n, share: successes as f64 / n as f64, interval })
    }

    /// Margin of error in percentage points: the larger distance from the share to a bound of
    /// its interval (Wilson intervals are not symmetric), e.g. about 8 points for n = 150 near 50 %.
    pub fn margin_points(&self) -> f64 {
        100.0 * (self.share - self.interval.low).max(self.interval.high - self.share)
    }
}

/// One answer row of a closed question's distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionRow {
    /// Option key.
    pub key: String,
    /// Option label in the requested language.
    pub label: String,
    /// Number of answers.
    pub count: u64,
    /// Displayed share of the answers with an opinion, in whole percent; the rows of one question
    /// add up to exactly 100. `None` for "sans avis" rows and when nobody gave an opinion.
    pub percent: Option<u32>,
    /// Whether this is a "sans avis" answer.
    pub no_opinion: bool,
}

/// Distribution and satisfied share of one closed question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionStats {
    /// Question key.
    pub key: String,
    /// Question label in the requested language.
    pub label: String,
    /// Rows in questionnaire order.
    pub rows: Vec<OptionRow>,
    /// Answers with an opinion (the base of the percentages).
    pub answered: u64,
    /// Satisfied share among `answered`; `None` when the question does not measure satisfaction
    /// or nobody gave an opinion.
    pub satisfied: Option<ShareEstimate>,
}

/// Builds the statistics of a closed question from answer counts (`option key → count`).
/// Counts for unknown option keys are ignored (they cannot come from a valid form).
/// Returns `None` for a free-text question.
pub fn question_stats(question: &Question, counts: &HashMap<String, u64>, lang: &str) -> Option<QuestionStats> {
    let options = question.options();
    if options.is_empty() {
        return None;
    }
    let count_of = |key: &str| counts.get(key).copied().unwrap_or(0);
    let opinion_counts: Vec<u64> = options.iter().filter(|o| !o.no_opinion).map(|o| count_of(&o.key)).collect();
    let answered: u64 = opinion_counts.iter().sum();
    let mut percents = percentages_summing_to_100(&opinion_counts).map(|v| v.into_iter());
    let rows = options
        .iter()
        .map(|o| OptionRow {
            key: o.key.clone(),
            label: localized(&o.label, lang).to_string(),
            count: count_of(&o.key),
            percent: if o.no_opinion { None } else { percents.as_mut().and_then(Iterator::next) },
            no_opinion: o.no_opinion,
        })
        .collect();
    let satisfied = if question.measures_satisfaction() {
        let successes = options.iter().filter(|o| o.satisfied && !o.no_opinion).map(|o| count_of(&o.key)).sum();
        ShareEstimate::new(successes, answered)
    } else {
        None
    };
    Some(QuestionStats { key: question.key.clone(), label: localized(&question.label, lang).to_string(), rows, answered, satisfied })
}

/// Progress towards a respondent target, in whole percent capped at 100 (0 when `target` is 0).
pub fn progress_percent(respondents: u64, target: u64) -> u32 {
    if target == 0 {
        return 0;
    }
    ((respondents.min(target) * 100) / target) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::questionnaire::{AnswerOption, QuestionKind};
    use std::collections::BTreeMap;

    fn opt(key: &str, satisfied: bool, no_opinion: bool) -> AnswerOption {
        AnswerOption {
            key: key.into(),
            label: BTreeMap::from([("fr".to_string(), key.to_uppercase())]),
            satisfied,
            dissatisfied: !satisfied && !no_opinion,
            no_opinion,
        }
    }

    fn scale_question() -> Question {
        Question {
            key: "amabilite".into(),
            label: BTreeMap::from([("fr".to_string(), "Amabilité".to_string())]),
            hint: None,
            required: false,
            kind: QuestionKind::SingleChoice {
                options: vec![opt("tout_a_fait", true, false), opt("plutot_oui", true, false), opt("plutot_non", false, false), opt("sans_avis", false, true)],
            },
        }
    }

    #[test]
    fn no_answer_gives_no_share_and_no_panic() {
        assert_eq!(percentages_summing_to_100(&[]), None);
        assert_eq!(percentages_summing_to_100(&[0, 0, 0]), None);
        assert_eq!(wilson_interval(0, 0), None);
        assert_eq!(ShareEstimate::new(0, 0), None);
        let stats = question_stats(&scale_question(), &HashMap::new(), "fr").unwrap();
        assert_eq!(stats.answered, 0);
        assert!(stats.satisfied.is_none());
        assert!(stats.rows.iter().all(|r| r.percent.is_none() && r.count == 0));
    }

    #[test]
    fn one_answer() {
        assert_eq!(percentages_summing_to_100(&[0, 1, 0]), Some(vec![0, 100, 0]));
        let s = ShareEstimate::new(1, 1).unwrap();
        assert_eq!(s.share, 1.0);
        assert!(s.interval.low > 0.2 && s.interval.low < 0.21, "{:?}", s.interval);
        assert_eq!(s.interval.high, 1.0);
    }

    #[test]
    fn seventeen_answers_split_12_4_1_add_up_to_100() {
        // Plain rounding would show 71 + 24 + 6 = 101.
        let plain: u32 = [12.0_f64, 4.0, 1.0].iter().map(|c| (c * 100.0 / 17.0).round() as u32).sum();
        assert_eq!(plain, 101);
        assert_eq!(percentages_summing_to_100(&[12, 4, 1]), Some(vec![71, 23, 6]));
    }

    #[test]
    fn shares_always_add_up_to_100() {
        for counts in [vec![1, 1, 1], vec![1, 1, 1, 1, 1, 1, 1], vec![333, 333, 334], vec![5, 0, 0, 2], vec![u32::MAX as u64, 1, 7]] {
            let p = percentages_summing_to_100(&counts).unwrap();
            assert_eq!(p.iter().sum::<u32>(), 100, "{counts:?} → {p:?}");
        }
        assert_eq!(percentages_summing_to_100(&[1, 1, 1]), Some(vec![34, 33, 33]));
    }

    #[test]
    fn wilson_120_of_150() {
        let i = wilson_interval(120, 150).unwrap();
        assert!((i.low - 0.7289).abs() < 5e-5, "{}", i.low);
        assert!((i.high - 0.8562).abs() < 5e-5, "{}", i.high);
        let s = ShareEstimate::new(120, 150).unwrap();
        assert!((s.share - 0.8).abs() < 1e-12);
        assert!((s.margin_points() - 7.1).abs() < 0.1, "{}", s.margin_points());
    }

    #[test]
    fn wilson_margin_near_half_with_150_is_about_8_points() {
        let s = ShareEstimate::new(75, 150).unwrap();
        assert!((s.margin_points() - 7.9).abs() < 0.1, "{}", s.margin_points());
    }

    #[test]
    fn wilson_rejects_impossible_input_and_stays_in_bounds() {
        assert_eq!(wilson_interval(3, 2), None);
        let zero = wilson_interval(0, 10).unwrap();
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.0 && zero.high < 1.0);
    }

    #[test]
    fn no_opinion_is_counted_but_excluded_from_shares() {
        let counts = HashMap::from([("tout_a_fait".to_string(), 12), ("plutot_oui".to_string(), 4), ("plutot_non".to_string(), 1), ("sans_avis".to_string(), 9)]);
        let stats = question_stats(&scale_question(), &counts, "fr").unwrap();
        assert_eq!(stats.answered, 17);
        let percents: Vec<Option<u32>> = stats.rows.iter().map(|r| r.percent).collect();
        assert_eq!(percents, vec![Some(71), Some(23), Some(6), None]);
        assert_eq!(stats.rows[3].count, 9);
        let sat = stats.satisfied.unwrap();
        assert_eq!((sat.successes, sat.n), (16, 17));
    }

    #[test]
    fn progress_is_capped_and_safe() {
        assert_eq!(progress_percent(0, 150), 0);
        assert_eq!(progress_percent(75, 150), 50);
        assert_eq!(progress_percent(200, 150), 100);
        assert_eq!(progress_percent(10, 0), 0);
    }
}
