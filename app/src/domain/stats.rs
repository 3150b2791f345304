//! Survey statistics: shares that add up to 100 % as displayed, and 95 % Wilson intervals.
//!
//! Rules (../shared/DESIGN.md §2, Services Publics+): no `NaN`, no division by zero — with no answer
//! a share is `None`; "sans avis" answers are counted but excluded from shares; the satisfied share
//! is the proportion of "satisfied" answers among those who gave an opinion. Net satisfaction is the
//! satisfied share minus the dissatisfied share, in points; the JDMA-style score maps the answers to
//! a score out of 10, read in bands (≥ 8 good, ≥ 5 average, below poor; see [`ScoreBand`]).

use super::questionnaire::{localized, AnswerOption, Question};
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

/// Band of a JDMA-style score out of 10 (../shared/DESIGN.md §2): ≥ 8 good, ≥ 5 average, below
/// poor. Serialised (serde) as the variant name (`"Good"`, …), like the other domain enums; the
/// French word shown to people is [`ScoreBand::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScoreBand {
    /// Score ≥ [`ScoreBand::GOOD_FROM`] (8 out of 10).
    Good,
    /// [`ScoreBand::AVERAGE_FROM`] (5) ≤ score < 8.
    Average,
    /// Score < 5 out of 10.
    Poor,
}

impl ScoreBand {
    /// Lowest score (out of 10, inclusive) in the good band.
    pub const GOOD_FROM: f64 = 8.0;
    /// Lowest score (out of 10, inclusive) in the average band.
    pub const AVERAGE_FROM: f64 = 5.0;

    /// Band of a score out of 10: ≥ 8.0 → `Good`, ≥ 5.0 → `Average`, else `Poor` (a `NaN`, which
    /// [`question_stats`] never produces, is `Poor`).
    pub fn for_score(score: f64) -> ScoreBand {
        if score >= Self::GOOD_FROM {
            ScoreBand::Good
        } else if score >= Self::AVERAGE_FROM {
            ScoreBand::Average
        } else {
            ScoreBand::Poor
        }
    }

    /// French label: `"bon"`, `"moyen"` or `"faible"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreBand::Good => "bon",
            ScoreBand::Average => "moyen",
            ScoreBand::Poor => "faible",
        }
    }
}

/// JDMA-style mean score out of 10 (0.0..=10.0) of `counts`, the answer counts of the opinion
/// options (no "sans avis") in questionnaire order, best first: option `i` of `k` is worth
/// `10 × (k − 1 − i) / (k − 1)` (a single option is worth 10); the mean is weighted by the counts.
/// `None` when there is no option or no answer.
///
/// Example: 48 / 34 / 12 / 6 → (48 × 10 + 34 × 6.67 + 12 × 3.33 + 6 × 0) / 100 = 7.47.
fn score_out_of_10(counts: &[u64]) -> Option<f64> {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if total == 0 {
        return None;
    }
    let k = counts.len() as u128;
    if k == 1 {
        return Some(10.0);
    }
    // Integer weighted sum of ranks (k − 1 − i), divided once at the end: no accumulated rounding.
    let ranks: u128 = counts.iter().enumerate().map(|(i, &c)| u128::from(c) * (k - 1 - i as u128)).sum();
    Some(10.0 * ranks as f64 / ((k - 1) * total) as f64)
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
    /// Dissatisfied share (options flagged `dissatisfied`) among `answered`; `None` when the
    /// question does not measure satisfaction or nobody gave an opinion.
    pub dissatisfied: Option<ShareEstimate>,
    /// Net satisfaction in percentage points, −100.0..=100.0: 100 × (satisfied share −
    /// dissatisfied share) (Services Publics+). `None` in the same cases as `satisfied`.
    pub net_points: Option<f64>,
    /// JDMA-style mean score out of 10 (0.0..=10.0): the opinion options in questionnaire order,
    /// best first, option `i` of `k` worth `10 × (k − 1 − i) / (k − 1)` (a single opinion option is
    /// worth 10), weighted by their counts. `None` in the same cases as `satisfied`.
    pub score10: Option<f64>,
    /// Band of `score10` ([`ScoreBand::for_score`]); `None` when `score10` is.
    pub band: Option<ScoreBand>,
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
    let measures = question.measures_satisfaction();
    let share_of = |flag: fn(&AnswerOption) -> bool| {
        if !measures {
            return None;
        }
        let successes = options.iter().filter(|o| flag(o) && !o.no_opinion).map(|o| count_of(&o.key)).sum();
        ShareEstimate::new(successes, answered)
    };
    let satisfied = share_of(|o| o.satisfied);
    let dissatisfied = share_of(|o| o.dissatisfied);
    let net_points = match (satisfied, dissatisfied) {
        // From the counts (same `n`), so that 82 % − 18 % is exactly 64 points.
        (Some(s), Some(d)) => Some((100.0 * (s.successes as f64 - d.successes as f64) / s.n as f64).clamp(-100.0, 100.0)),
        _ => None,
    };
    let score10 = if measures { score_out_of_10(&opinion_counts) } else { None };
    Some(QuestionStats {
        key: question.key.clone(),
        label: localized(&question.label, lang).to_string(),
        rows,
        answered,
        satisfied,
        dissatisfied,
        net_points,
        score10,
        band: score10.map(ScoreBand::for_score),
    })
}

/// Progress towards a respondent target, in whole percent (rounded down) capped at 100 (0 when
/// `target` is 0). Never overflows, whatever the counts.
pub fn progress_percent(respondents: u64, target: u64) -> u32 {
    if target == 0 {
        return 0;
    }
    ((u128::from(respondents.min(target)) * 100) / u128::from(target)) as u32
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
        assert_eq!(progress_percent(u64::MAX / 2, u64::MAX), 49);
        assert_eq!(progress_percent(u64::MAX, u64::MAX), 100);
    }

    fn counts(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
        pairs.iter().map(|&(k, c)| (k.to_string(), c)).collect()
    }

    /// A four-point satisfaction scale plus "sans avis", best first.
    fn four_point_question() -> Question {
        Question {
            key: "globale".into(),
            label: BTreeMap::from([("fr".to_string(), "Satisfaction globale".to_string())]),
            hint: None,
            required: true,
            kind: QuestionKind::SingleChoice {
                options: vec![
                    opt("tres_satisfait", true, false),
                    opt("satisfait", true, false),
                    opt("peu_satisfait", false, false),
                    opt("pas_satisfait", false, false),
                    opt("sans_avis", false, true),
                ],
            },
        }
    }

    fn assert_no_indicator(stats: &QuestionStats) {
        assert_eq!((stats.satisfied, stats.dissatisfied, stats.net_points, stats.score10, stats.band), (None, None, None, None, None));
    }

    #[test]
    fn indicators_with_no_answer_are_none() {
        let stats = question_stats(&four_point_question(), &HashMap::new(), "fr").unwrap();
        assert_no_indicator(&stats);
        assert!(stats.rows.iter().all(|r| r.percent.is_none()));
    }

    #[test]
    fn indicators_with_only_no_opinion_answers_are_none() {
        let stats = question_stats(&four_point_question(), &counts(&[("sans_avis", 7)]), "fr").unwrap();
        assert_eq!(stats.answered, 0);
        assert_eq!(stats.rows[4].count, 7);
        assert!(stats.rows.iter().all(|r| r.percent.is_none()));
        assert_no_indicator(&stats);
    }

    #[test]
    fn indicators_with_one_answer() {
        let q = four_point_question();
        let best = question_stats(&q, &counts(&[("tres_satisfait", 1)]), "fr").unwrap();
        assert_eq!(best.satisfied.unwrap().share, 1.0);
        assert_eq!(best.dissatisfied.unwrap().share, 0.0);
        assert_eq!((best.net_points, best.score10, best.band), (Some(100.0), Some(10.0), Some(ScoreBand::Good)));
        let worst = question_stats(&q, &counts(&[("pas_satisfait", 1), ("sans_avis", 3)]), "fr").unwrap();
        assert_eq!((worst.net_points, worst.score10, worst.band), (Some(-100.0), Some(0.0), Some(ScoreBand::Poor)));
        let third = question_stats(&q, &counts(&[("peu_satisfait", 1)]), "fr").unwrap();
        assert!((third.score10.unwrap() - 10.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn realistic_four_point_distribution() {
        // 48 / 34 / 12 / 6 of 100, plus 9 "sans avis" (ignored).
        let c = counts(&[("tres_satisfait", 48), ("satisfait", 34), ("peu_satisfait", 12), ("pas_satisfait", 6), ("sans_avis", 9)]);
        let stats = question_stats(&four_point_question(), &c, "fr").unwrap();
        assert_eq!(stats.answered, 100);
        let (sat, dis) = (stats.satisfied.unwrap(), stats.dissatisfied.unwrap());
        assert_eq!((sat.successes, sat.n, dis.successes, dis.n), (82, 100, 18, 100));
        assert_eq!(stats.net_points, Some(64.0));
        // (48 × 10 + 34 × 20/3 + 12 × 10/3 + 6 × 0) / 100 = 2240 / 300 = 7.4667.
        let score = stats.score10.unwrap();
        assert!((score - 2240.0 / 300.0).abs() < 1e-12, "{score}");
        assert_eq!(format!("{score:.2}"), "7.47");
        assert_eq!(stats.band, Some(ScoreBand::Average));
    }

    #[test]
    fn single_opinion_option_scores_10() {
        let q = Question {
            key: "ok".into(),
            label: BTreeMap::new(),
            hint: None,
            required: false,
            kind: QuestionKind::SingleChoice { options: vec![opt("oui", true, false), opt("sans_avis", false, true)] },
        };
        let stats = question_stats(&q, &counts(&[("oui", 3), ("sans_avis", 2)]), "fr").unwrap();
        assert_eq!((stats.score10, stats.band, stats.net_points), (Some(10.0), Some(ScoreBand::Good), Some(100.0)));
    }

    #[test]
    fn question_without_satisfied_option_has_no_indicator() {
        let q = Question {
            key: "canal".into(),
            label: BTreeMap::new(),
            hint: None,
            required: false,
            kind: QuestionKind::SingleChoice {
                options: vec![
                    AnswerOption { key: "rdv".into(), label: BTreeMap::new(), satisfied: false, dissatisfied: false, no_opinion: false },
                    AnswerOption { key: "sans_rdv".into(), label: BTreeMap::new(), satisfied: false, dissatisfied: false, no_opinion: false },
                ],
            },
        };
        let stats = question_stats(&q, &counts(&[("rdv", 5), ("sans_rdv", 3)]), "fr").unwrap();
        assert_eq!(stats.answered, 8);
        assert_no_indicator(&stats);
    }

    #[test]
    fn score_bands_at_their_thresholds() {
        assert_eq!(ScoreBand::for_score(10.0), ScoreBand::Good);
        assert_eq!(ScoreBand::for_score(8.0), ScoreBand::Good);
        assert_eq!(ScoreBand::for_score(7.999_999), ScoreBand::Average);
        assert_eq!(ScoreBand::for_score(5.0), ScoreBand::Average);
        assert_eq!(ScoreBand::for_score(4.999_999), ScoreBand::Poor);
        assert_eq!(ScoreBand::for_score(0.0), ScoreBand::Poor);
        assert_eq!(ScoreBand::for_score(f64::NAN), ScoreBand::Poor);
        assert_eq!([ScoreBand::Good, ScoreBand::Average, ScoreBand::Poor].map(ScoreBand::as_str), ["bon", "moyen", "faible"]);
        assert_eq!(serde_json::to_string(&ScoreBand::Average).unwrap(), r#""Average""#);
    }

    #[test]
    fn question_stats_serde_round_trip() {
        let c = counts(&[("tres_satisfait", 3), ("pas_satisfait", 1)]);
        let stats = question_stats(&four_point_question(), &c, "fr").unwrap();
        let json = serde_json::to_string(&stats).unwrap();
        let back: QuestionStats = serde_json::from_str(&json).unwrap();
        // serde_json may change the last bit of a float (no `float_roundtrip`): compare the rest.
        assert_eq!((&back.rows, back.answered, back.net_points, back.score10, back.band), (&stats.rows, stats.answered, stats.net_points, stats.score10, stats.band));
        let counts_of = |s: Option<ShareEstimate>| s.map(|s| (s.successes, s.n));
        assert_eq!((counts_of(back.satisfied), counts_of(back.dissatisfied)), (Some((3, 4)), Some((1, 4))));
        assert!(json.contains(r#""band":"Average""#), "{json}");
    }
}
