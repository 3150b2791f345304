//! Validation of a submitted survey form against its questionnaire ("parse, don't validate"):
//! raw `name=value` pairs in, [`SurveyAnswers`] or a list of [`FieldError`]s out.

use super::questionnaire::{field_name, QuestionKind, Questionnaire};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Validated answers of one respondent. Only answered questions appear.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyAnswers {
    /// Closed questions: question key → option key (always an option of that question).
    pub choices: BTreeMap<String, String>,
    /// Free-text questions: question key → text (trimmed, CRLF normalised to LF, never empty).
    pub texts: BTreeMap<String, String>,
}

/// What is wrong with one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldErrorKind {
    /// A required question was not answered.
    Required,
    /// The value is not one of the question's options (tampered or outdated form).
    UnknownOption,
    /// The text is longer than allowed; both counts in characters.
    TooLong {
        /// Maximum number of characters.
        max: usize,
        /// Number of characters received.
        actual: usize,
    },
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a postal code.
    InvalidPostalCode,
    /// Not a date (`YYYY-MM-DD`).
    InvalidDate,
    /// A date after today (Europe/Paris).
    DateInFuture,
    /// An end date before the start date.
    EndBeforeStart,
    /// A number outside `min..=max`.
    OutOfRange {
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// Another problem, described in plain French by the domain rule that found it.
    Invalid {
        /// The message shown.
        message: String,
    },
    /// A date more than `max_days` calendar days ago.
    DateTooOld {
        /// Largest accepted age, in calendar days.
        max_days: i64,
    },
}

/// An error attached to one question of the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Key of the question.
    pub question_key: String,
    /// What is wrong.
    pub kind: FieldErrorKind,
}

/// The first value posted under `name` in a form's `name=value` pairs.
pub fn form_value<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Normalises a free text as browsers submit it: CRLF and lone CR become LF, surrounding
/// whitespace is trimmed. Nothing else changes (accents, Arabic, emoji are kept as typed).
pub fn normalize_text(raw: &str) -> String {
    raw.replace("\r\n", "\n").replace('\r', "\n").trim().to_string()
}

/// Validates `fields` (the submitted form's `name=value` pairs; other names such as the form token
/// are ignored) against `questionnaire`.
///
/// For each question the field `q_<key>` is read (the first occurrence if repeated). A closed
/// answer must be one of the options; a text must be at most `max_chars` characters after
/// [`normalize_text`]; a required question must be answered.
///
/// # Errors
/// Every faulty question, in questionnaire order.
pub fn validate_answers(questionnaire: &Questionnaire, fields: &[(String, String)]) -> Result<SurveyAnswers, Vec<FieldError>> {
    let mut answers = SurveyAnswers::default();
    let mut errors = Vec::new();
    for q in &questionnaire.questions {
        let raw = form_value(fields, &field_name(&q.key)).unwrap_or("");
        let error = |kind| FieldError { question_key: q.key.clone(), kind };
        match &q.kind {
            QuestionKind::SingleChoice { options } => {
                let value = raw.trim();
                if value.is_empty() {
                    if q.required {
                        errors.push(error(FieldErrorKind::Required));
                    }
                } else if options.iter().any(|o| o.key == value) {
                    answers.choices.insert(q.key.clone(), value.to_string());
                } else {
                    errors.push(error(FieldErrorKind::UnknownOption));
                }
            }
            QuestionKind::FreeText { max_chars } => {
                let text = normalize_text(raw);
                let actual = text.chars().count();
                if text.is_empty() {
                    if q.required {
                        errors.push(error(FieldErrorKind::Required));
                    }
                } else if actual > *max_chars {
                    errors.push(error(FieldErrorKind::TooLong { max: *max_chars, actual }));
                } else {
                    answers.texts.insert(q.key.clone(), text);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::questionnaire::{AnswerOption, Question};

    fn t(s: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("fr".to_string(), s.to_string())])
    }

    fn questionnaire() -> Questionnaire {
        let opt = |k: &str| AnswerOption { key: k.into(), label: t(k), satisfied: k == "oui", dissatisfied: k == "non", no_opinion: false };
        Questionnaire {
            overall_satisfaction: "globale".into(),
            procedure_question: None,
            appointment_question: Some("rdv".into()),
            questions: vec![
                Question { key: "globale".into(), label: t("G"), hint: None, required: true, kind: QuestionKind::SingleChoice { options: vec![opt("oui"), opt("non")] } },
                Question { key: "rdv".into(), label: t("R"), hint: None, required: false, kind: QuestionKind::SingleChoice { options: vec![opt("oui"), opt("non")] } },
                Question { key: "remarque".into(), label: t("Re"), hint: None, required: false, kind: QuestionKind::FreeText { max_chars: 10 } },
            ],
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn valid_form_keeps_only_answered_questions() {
        let a = validate_answers(&questionnaire(), &fields(&[("token", "x"), ("q_globale", "oui"), ("q_remarque", "  Merci 👍 ")])).unwrap();
        assert_eq!(a.choices, BTreeMap::from([("globale".to_string(), "oui".to_string())]));
        assert_eq!(a.texts.get("remarque").map(String::as_str), Some("Merci 👍"));
    }

    #[test]
    fn missing_required_answer_is_reported() {
        let e = validate_answers(&questionnaire(), &fields(&[("q_rdv", "non")])).unwrap_err();
        assert_eq!(e, vec![FieldError { question_key: "globale".into(), kind: FieldErrorKind::Required }]);
        // Whitespace only counts as empty.
        assert!(validate_answers(&questionnaire(), &fields(&[("q_globale", "  ")])).is_err());
    }

    #[test]
    fn unknown_option_is_refused() {
        let e = validate_answers(&questionnaire(), &fields(&[("q_globale", "peut-être")])).unwrap_err();
        assert_eq!(e[0].kind, FieldErrorKind::UnknownOption);
    }

    #[test]
    fn length_counts_characters_not_bytes_and_crlf_once() {
        // 10 Arabic letters are 20 bytes but 10 characters: accepted.
        let arabic = "مرحبامرحبا";
        assert_eq!(arabic.chars().count(), 10);
        let a = validate_answers(&questionnaire(), &fields(&[("q_globale", "oui"), ("q_remarque", arabic)])).unwrap();
        assert_eq!(a.texts["remarque"], arabic);
        // A browser sends newlines as CRLF: "a\r\nb…" counts the newline once.
        let ok = validate_answers(&questionnaire(), &fields(&[("q_globale", "oui"), ("q_remarque", "abcd\r\nefgh")])).unwrap();
        assert_eq!(ok.texts["remarque"], "abcd\nefgh");
        let e = validate_answers(&questionnaire(), &fields(&[("q_globale", "oui"), ("q_remarque", "abcdefghijk")])).unwrap_err();
        assert_eq!(e[0].kind, FieldErrorKind::TooLong { max: 10, actual: 11 });
    }

    #[test]
    fn all_errors_are_listed_in_question_order() {
        let e = validate_answers(&questionnaire(), &fields(&[("q_rdv", "x"), ("q_remarque", "abcdefghijklmnop")])).unwrap_err();
        let keys: Vec<&str> = e.iter().map(|e| e.question_key.as_str()).collect();
        assert_eq!(keys, vec!["globale", "rdv", "remarque"]);
    }
}
