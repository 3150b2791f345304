//! Questionnaires are data: a versioned JSON definition stored in the database
//! (`questionnaire_versions.definition`). Pages render whatever the current campaign's version says.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Language used when a text has no translation for the requested language.
pub const FALLBACK_LANGUAGE: &str = "fr";

/// A text in several languages: language code (`"fr"`, `"en"`, `"ar"`, …) → text.
pub type LocalizedText = BTreeMap<String, String>;

/// Returns the text in `lang`, else in French, else the first one available, else `""`.
pub fn localized<'a>(text: &'a LocalizedText, lang: &str) -> &'a str {
    text.get(lang)
        .or_else(|| text.get(FALLBACK_LANGUAGE))
        .or_else(|| text.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// One version of a questionnaire, as stored in `questionnaire_versions.definition` (JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Questionnaire {
    /// Key of the question holding overall satisfaction (the Services Publics+ headline indicator,
    /// published in `/api/v1/results`).
    pub overall_satisfaction: String,
    /// Key of the closed question asking which procedure (démarche) the visit was for, if any:
    /// its answer is copied onto each response so that dashboards and exports filter on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_question: Option<String>,
    /// Key of the closed question asking whether the visitor had an appointment (rendez-vous),
    /// if any; copied onto each response like [`Questionnaire::procedure_question`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment_question: Option<String>,
    /// Questions in display order.
    pub questions: Vec<Question>,
}

/// The answers of one response to the questionnaire's filter questions (option keys), as stored
/// on the response row (`responses.procedure`, `responses.appointment`); `None` = not asked or
/// not answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseDimensions {
    /// Option key of the procedure question.
    pub procedure: Option<String>,
    /// Option key of the appointment question.
    pub appointment: Option<String>,
}

/// A question of the questionnaire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable key, unique in the questionnaire (`[a-z0-9_]+`); also the form field suffix (`q_<key>`).
    pub key: String,
    /// The question as shown to the visitor.
    pub label: LocalizedText,
    /// Optional help shown under the question (e.g. "do not write personal data").
    #[serde(default)]
    pub hint: Option<LocalizedText>,
    /// Whether the visitor must answer it.
    #[serde(default)]
    pub required: bool,
    /// Closed (one choice) or free text.
    pub kind: QuestionKind,
}

/// What kind of answer a question takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One answer among `options` (radio buttons).
    SingleChoice {
        /// Answers in display order.
        options: Vec<AnswerOption>,
    },
    /// Free text of at most `max_chars` characters (Unicode scalar values, after CRLF → LF).
    FreeText {
        /// Upper bound in characters.
        max_chars: usize,
    },
}

/// One answer of a closed question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    /// Stable key, unique in the question.
    pub key: String,
    /// The answer as shown to the visitor.
    pub label: LocalizedText,
    /// Counts as "satisfied" (e.g. "Très satisfait(e)", "Plutôt satisfait(e)").
    #[serde(default)]
    pub satisfied: bool,
    /// Counts as "dissatisfied" (used for net satisfaction).
    #[serde(default)]
    pub dissatisfied: bool,
    /// "Sans avis": recorded, but excluded from shares.
    #[serde(default)]
    pub no_opinion: bool,
}

impl Questionnaire {
    /// Parses a stored JSON definition.
    ///
    /// # Errors
    /// The JSON does not match the schema, or [`Questionnaire::check`] fails.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let q: Questionnaire = serde_json::from_str(json).map_err(|e| e.to_string())?;
        q.check()?;
        Ok(q)
    }

    /// Checks the invariants: unique question keys, unique option keys per question, at least one
    /// option per closed question, and an overall-satisfaction question that is closed.
    ///
    /// # Errors
    /// A French/English sentence naming the first broken rule.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for q in &self.questions {
            if q.key.is_empty() || !q.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                return Err(format!("invalid question key {:?}", q.key));
            }
            if !seen.insert(q.key.as_str()) {
                return Err(format!("duplicate question key {:?}", q.key));
            }
            if let QuestionKind::SingleChoice { options } = &q.kind {
                if options.is_empty() {
                    return Err(format!("question {:?} has no option", q.key));
                }
                let mut opts = std::collections::BTreeSet::new();
                for o in options {
                    if !opts.insert(o.key.as_str()) {
                        return Err(format!("duplicate option {:?} in question {:?}", o.key, q.key));
                    }
                }
            }
        }
        for (role, key) in [("procedure", &self.procedure_question), ("appointment", &self.appointment_question)] {
            if let Some(key) = key {
                if !matches!(self.question(key), Some(Question { kind: QuestionKind::SingleChoice { .. }, .. })) {
                    return Err(format!("{role} question {key:?} missing or not closed"));
                }
            }
        }
        match self.question(&self.overall_satisfaction) {
            Some(Question { kind: QuestionKind::SingleChoice { .. }, .. }) => Ok(()),
            _ => Err(format!("overall satisfaction question {:?} missing or not closed", self.overall_satisfaction)),
        }
    }

    /// The answers of `choices` (question key → option key) to the procedure and appointment
    /// questions.
    pub fn dimensions(&self, choices: &BTreeMap<String, String>) -> ResponseDimensions {
        let answer = |key: &Option<String>| key.as_ref().and_then(|k| choices.get(k)).cloned();
        ResponseDimensions { procedure: answer(&self.procedure_question), appointment: answer(&self.appointment_question) }
    }

    /// The procedure question, if the questionnaire has one.
    pub fn procedure(&self) -> Option<&Question> {
        self.procedure_question.as_deref().and_then(|k| self.question(k))
    }

    /// The appointment question, if the questionnaire has one.
    pub fn appointment(&self) -> Option<&Question> {
        self.appointment_question.as_deref().and_then(|k| self.question(k))
    }

    /// The question with this key, if any.
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }
}

impl Question {
    /// Name of the form field holding this question's answer.
    pub fn field_name(&self) -> String {
        field_name(&self.key)
    }

    /// Options of a closed question (empty for free text).
    pub fn options(&self) -> &[AnswerOption] {
        match &self.kind {
            QuestionKind::SingleChoice { options } => options,
            QuestionKind::FreeText { .. } => &[],
        }
    }

    /// Whether the question has options flagged as satisfied (so a satisfied share makes sense).
    pub fn measures_satisfaction(&self) -> bool {
        self.options().iter().any(|o| o.satisfied)
    }
}

/// Form field name of the question `key`: `q_<key>`.
pub fn field_name(key: &str) -> String {
    format!("q_{key}")
}

/// Adds to `target` the languages `reference` has for the same texts: for each question (and its
/// hint and answers) with the same key whose French text is identical in both, every language
/// `target` lacks is copied from `reference`. Texts whose French differs, and languages `target`
/// already has, are left alone, so the meaning of a stored version never changes. Returns whether
/// anything was added. Used at start-up to give questionnaires stored before the translations
/// existed (French only) the seed's translations (issue 6).
pub fn add_missing_translations(target: &mut Questionnaire, reference: &Questionnaire) -> bool {
    let mut changed = false;
    for question in &mut target.questions {
        let Some(other) = reference.questions.iter().find(|r| r.key == question.key) else { continue };
        changed |= merge_languages(&mut question.label, &other.label);
        if let (Some(hint), Some(other_hint)) = (question.hint.as_mut(), other.hint.as_ref()) {
            changed |= merge_languages(hint, other_hint);
        }
        if let (QuestionKind::SingleChoice { options }, QuestionKind::SingleChoice { options: others }) = (&mut question.kind, &other.kind) {
            for option in options {
                if let Some(other_option) = others.iter().find(|o| o.key == option.key) {
                    changed |= merge_languages(&mut option.label, &other_option.label);
                }
            }
        }
    }
    changed
}

/// Copies into `target` the languages of `reference` it lacks, when both say the same in French.
fn merge_languages(target: &mut LocalizedText, reference: &LocalizedText) -> bool {
    match (target.get(FALLBACK_LANGUAGE), reference.get(FALLBACK_LANGUAGE)) {
        (Some(a), Some(b)) if a == b => {}
        _ => return false,
    }
    let mut changed = false;
    for (language, text) in reference {
        if !target.contains_key(language) {
            target.insert(language.clone(), text.clone());
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(fr: &str) -> LocalizedText {
        BTreeMap::from([("fr".to_string(), fr.to_string())])
    }

    fn closed(key: &str) -> Question {
        Question {
            key: key.into(),
            label: text("Q"),
            hint: None,
            required: true,
            kind: QuestionKind::SingleChoice {
                options: vec![AnswerOption { key: "a".into(), label: text("A"), satisfied: true, dissatisfied: false, no_opinion: false }],
            },
        }
    }

    #[test]
    fn localized_falls_back_to_french_then_any() {
        let mut t = text("Bonjour");
        assert_eq!(localized(&t, "en"), "Bonjour");
        t.insert("en".into(), "Hello".into());
        assert_eq!(localized(&t, "en"), "Hello");
        let only_es = BTreeMap::from([("es".to_string(), "Hola".to_string())]);
        assert_eq!(localized(&only_es, "ar"), "Hola");
        assert_eq!(localized(&LocalizedText::new(), "fr"), "");
    }

    #[test]
    fn check_rejects_duplicates_and_missing_headline() {
        let ok = Questionnaire { overall_satisfaction: "x".into(), procedure_question: None, appointment_question: None, questions: vec![closed("x")] };
        assert!(ok.check().is_ok());
        let dup = Questionnaire { overall_satisfaction: "x".into(), procedure_question: None, appointment_question: None, questions: vec![closed("x"), closed("x")] };
        assert!(dup.check().unwrap_err().contains("duplicate"));
        let missing = Questionnaire { overall_satisfaction: "y".into(), procedure_question: None, appointment_question: None, questions: vec![closed("x")] };
        assert!(missing.check().is_err());
        let bad_key = Questionnaire { overall_satisfaction: "X".into(), procedure_question: None, appointment_question: None, questions: vec![closed("X")] };
        assert!(bad_key.check().is_err());
    }

    #[test]
    fn filter_questions_must_be_closed_and_give_the_dimensions() {
        let free = Question { key: "libre".into(), label: text("L"), hint: None, required: false, kind: QuestionKind::FreeText { max_chars: 10 } };
        let mut q = Questionnaire { overall_satisfaction: "x".into(), procedure_question: Some("x".into()), appointment_question: None, questions: vec![closed("x"), free] };
        assert!(q.check().is_ok());
        let choices = BTreeMap::from([("x".to_string(), "a".to_string())]);
        assert_eq!(q.dimensions(&choices), ResponseDimensions { procedure: Some("a".into()), appointment: None });
        assert_eq!(q.dimensions(&BTreeMap::new()), ResponseDimensions::default());
        q.appointment_question = Some("libre".into());
        assert!(q.check().unwrap_err().contains("appointment"));
        q.appointment_question = Some("absent".into());
        assert!(q.check().is_err());
    }

    #[test]
    fn the_seeded_questionnaire_names_its_filter_questions() {
        let q = Questionnaire::from_json(include_str!("../../../migrations/seed/default_questionnaire.json")).unwrap();
        assert_eq!(q.procedure().map(|x| x.key.as_str()), Some("demarche"));
        assert_eq!(q.appointment().map(|x| x.key.as_str()), Some("rendez_vous"));
    }

    #[test]
    fn stored_french_texts_get_the_reference_translations_only_when_identical() {
        let text = |pairs: &[(&str, &str)]| pairs.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect::<LocalizedText>();
        let question = |label: LocalizedText, options: Vec<(&str, LocalizedText)>| Question {
            key: "q".into(),
            label,
            hint: None,
            required: false,
            kind: QuestionKind::SingleChoice { options: options.into_iter().map(|(k, l)| AnswerOption { key: k.into(), label: l, satisfied: false, dissatisfied: false, no_opinion: false }).collect() },
        };
        let reference = Questionnaire {
            overall_satisfaction: "q".into(),
            procedure_question: None,
            appointment_question: None,
            questions: vec![question(text(&[("fr", "Satisfait ?"), ("en", "Satisfied?")]), vec![("oui", text(&[("fr", "Oui"), ("ar", "نعم")])), ("non", text(&[("fr", "Non"), ("en", "No")]))])],
        };
        let mut stored = reference.clone();
        stored.questions[0] = question(text(&[("fr", "Satisfait ?")]), vec![("oui", text(&[("fr", "Oui")])), ("non", text(&[("fr", "Pas du tout"), ("pt", "Nada")]))]);
        assert!(add_missing_translations(&mut stored, &reference));
        let q = &stored.questions[0];
        assert_eq!(localized(&q.label, "en"), "Satisfied?");
        let QuestionKind::SingleChoice { options } = &q.kind else { panic!("closed question") };
        assert_eq!(localized(&options[0].label, "ar"), "نعم");
        // Different French: nothing copied, the stored translation kept.
        assert_eq!(options[1].label, text(&[("fr", "Pas du tout"), ("pt", "Nada")]));
        // Idempotent.
        assert!(!add_missing_translations(&mut stored, &reference));
    }
}
