//! Editing a questionnaire: add, change, reorder and retire questions ("parse, don't validate":
//! posted text in, a new [`Questionnaire`] or a plain-French error out).
//!
//! Versioning is decided by the store: a version that already has answers is never changed;
//! the edit is saved as the next version, so old answers keep the wording they were given to.

use super::questionnaire::{AnswerOption, LocalizedText, Question, QuestionKind, Questionnaire};
use std::collections::BTreeMap;

/// Longest question label, in characters.
pub const LABEL_MAX_CHARS: usize = 300;
/// Longest help text, in characters.
pub const HINT_MAX_CHARS: usize = 500;
/// Largest `max_chars` of a free-text question.
pub const FREE_TEXT_MAX: usize = 5_000;
/// Most options of a closed question.
pub const MAX_OPTIONS: usize = 12;

/// One change to a questionnaire.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Adds a question at the end.
    Add(Question),
    /// Replaces the French label, help, required flag and (closed questions) options of the
    /// question with this key; other languages of the label are kept.
    Update(Question),
    /// Moves a question one place up.
    MoveUp(String),
    /// Moves a question one place down.
    MoveDown(String),
    /// Removes a question from this version (answers already given stay in older versions).
    Retire(String),
}

fn fr(text: &str) -> LocalizedText {
    BTreeMap::from([("fr".to_string(), text.to_string())])
}

/// Reads the options typed one per line as `clé ; libellé ; sens`, where `sens` is `satisfait`,
/// `insatisfait`, `sans avis` or empty (neutral). The key may be left empty: it is then made from
/// the label (`Plutôt satisfait(e)` → `plutot_satisfait_e`).
///
/// # Errors
/// A plain-French message naming the line.
pub fn parse_options(text: &str) -> Result<Vec<AnswerOption>, String> {
    let mut options: Vec<AnswerOption> = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let n = i + 1;
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        if parts.len() > 3 {
            return Err(format!("Ligne {n} des réponses : écrivez « clé ; libellé ; sens » (trois parties au plus)."));
        }
        let label = parts.get(1).copied().unwrap_or(parts[0]);
        if label.is_empty() {
            return Err(format!("Ligne {n} des réponses : le libellé manque."));
        }
        let key = if parts.len() >= 2 && !parts[0].is_empty() { parts[0].to_string() } else { key_from_label(label) };
        if !valid_key(&key) {
            return Err(format!("Ligne {n} des réponses : la clé « {key} » ne doit contenir que des lettres minuscules sans accent, des chiffres et « _ »."));
        }
        if options.iter().any(|o| o.key == key) {
            return Err(format!("Ligne {n} des réponses : la clé « {key} » est déjà utilisée."));
        }
        let sense = parts.get(2).copied().unwrap_or("").to_lowercase();
        let (satisfied, dissatisfied, no_opinion) = match sense.as_str() {
            "satisfait" | "satisfaite" | "+" => (true, false, false),
            "insatisfait" | "insatisfaite" | "-" => (false, true, false),
            "sans avis" | "sans_avis" | "0" => (false, false, true),
            "" | "neutre" => (false, false, false),
            other => return Err(format!("Ligne {n} des réponses : sens « {other} » inconnu (satisfait, insatisfait, sans avis, ou rien).")),
        };
        options.push(AnswerOption { key, label: fr(label), satisfied, dissatisfied, no_opinion });
    }
    if options.is_empty() {
        return Err("Écrivez au moins une réponse possible, une par ligne.".to_string());
    }
    if options.len() > MAX_OPTIONS {
        return Err(format!("{MAX_OPTIONS} réponses possibles au plus."));
    }
    Ok(options)
}

/// The options as [`parse_options`] reads them back (French labels).
pub fn format_options(options: &[AnswerOption]) -> String {
    options
        .iter()
        .map(|o| {
            let sense = if o.satisfied {
                "satisfait"
            } else if o.dissatisfied {
                "insatisfait"
            } else if o.no_opinion {
                "sans avis"
            } else {
                ""
            };
            let label = super::questionnaire::localized(&o.label, "fr");
            if sense.is_empty() { format!("{} ; {label}", o.key) } else { format!("{} ; {label} ; {sense}", o.key) }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A key made from a label: lower case, accents removed, other characters as `_`, at most 40.
pub fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
            _ => '_',
        };
        if c == '_' && (key.is_empty() || key.ends_with('_')) {
            continue;
        }
        key.push(c);
    }
    let key: String = key.trim_end_matches('_').chars().take(40).collect();
    if key.is_empty() { "reponse".to_string() } else { key.trim_end_matches('_').to_string() }
}

/// `[a-z0-9_]+`, at most 40 characters.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 40 && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// What an admin typed for one question.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuestionInput {
    /// Key (new questions only; ignored on update).
    pub key: String,
    /// French label.
    pub label: String,
    /// French help (optional).
    pub hint: String,
    /// Must be answered.
    pub required: bool,
    /// `choix` (closed) or `texte` (free text).
    pub kind: String,
    /// Closed: the options, one per line (see [`parse_options`]).
    pub options: String,
    /// Free text: longest answer, in characters.
    pub max_chars: String,
}

/// Checks `input` into a [`Question`] (French texts).
///
/// # Errors
/// Every problem, in plain French, as `(field name, message)`.
pub fn question_from_input(input: &QuestionInput) -> Result<Question, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let key = input.key.trim().to_string();
    if !valid_key(&key) {
        errors.push(("cle", "La clé ne doit contenir que des lettres minuscules sans accent, des chiffres et « _ » (40 au plus).".to_string()));
    }
    let label = input.label.trim();
    if label.is_empty() {
        errors.push(("libelle", "Écrivez la question.".to_string()));
    } else if label.chars().count() > LABEL_MAX_CHARS {
        errors.push(("libelle", format!("La question doit faire au plus {LABEL_MAX_CHARS} caractères.")));
    }
    let hint = input.hint.trim();
    if hint.chars().count() > HINT_MAX_CHARS {
        errors.push(("aide", format!("L'aide doit faire au plus {HINT_MAX_CHARS} caractères.")));
    }
    let kind = match input.kind.as_str() {
        "choix" => match parse_options(&input.options) {
            Ok(options) => Some(QuestionKind::SingleChoice { options }),
            Err(e) => {
                errors.push(("reponses", e));
                None
            }
        },
        "texte" => match input.max_chars.trim().parse::<usize>() {
            Ok(n) if (1..=FREE_TEXT_MAX).contains(&n) => Some(QuestionKind::FreeText { max_chars: n }),
            _ => {
                errors.push(("longueur", format!("Écrivez une longueur entre 1 et {FREE_TEXT_MAX} caractères.")));
                None
            }
        },
        _ => {
            errors.push(("type", "Choisissez le type de question.".to_string()));
            None
        }
    };
    match kind {
        Some(kind) if errors.is_empty() => Ok(Question {
            key,
            label: fr(label),
            hint: (!hint.is_empty()).then(|| fr(hint)),
            required: input.required,
            kind,
        }),
        _ => Err(errors),
    }
}

/// The questionnaire after `edit`.
///
/// # Errors
/// In plain French: unknown question, key already used, a question the indicators need
/// (overall satisfaction, procedure, appointment) retired or turned into free text, nothing to move.
pub fn apply(q: &Questionnaire, edit: Edit) -> Result<Questionnaire, String> {
    let mut next = q.clone();
    let position = |key: &str| next.questions.iter().position(|x| x.key == key).ok_or_else(|| format!("Question « {key} » inconnue."));
    let protected = |key: &str| key == q.overall_satisfaction || q.procedure_question.as_deref() == Some(key) || q.appointment_question.as_deref() == Some(key);
    match edit {
        Edit::Add(question) => {
            if q.question(&question.key).is_some() {
                return Err(format!("La clé « {} » est déjà utilisée par une autre question.", question.key));
            }
            next.questions.push(question);
        }
        Edit::Update(question) => {
            let i = position(&question.key)?;
            if protected(&question.key) && !matches!(question.kind, QuestionKind::SingleChoice { .. }) {
                return Err("Cette question sert aux indicateurs : elle doit rester une question à choix.".to_string());
            }
            let old = &next.questions[i];
            let mut label = old.label.clone();
            label.insert("fr".to_string(), super::questionnaire::localized(&question.label, "fr").to_string());
            let hint = question.hint.map(|h| {
                let mut merged = old.hint.clone().unwrap_or_default();
                merged.insert("fr".to_string(), super::questionnaire::localized(&h, "fr").to_string());
                merged
            });
            next.questions[i] = Question { key: question.key, label, hint, required: question.required, kind: question.kind };
        }
        Edit::MoveUp(key) => {
            let i = position(&key)?;
            if i == 0 {
                return Err("Cette question est déjà la première.".to_string());
            }
            next.questions.swap(i, i - 1);
        }
        Edit::MoveDown(key) => {
            let i = position(&key)?;
            if i + 1 >= next.questions.len() {
                return Err("Cette question est déjà la dernière.".to_string());
            }
            next.questions.swap(i, i + 1);
        }
        Edit::Retire(key) => {
            let i = position(&key)?;
            if protected(&key) {
                return Err("Cette question sert aux indicateurs (satisfaction globale, démarche ou rendez-vous) : elle ne peut pas être retirée.".to_string());
            }
            next.questions.remove(i);
        }
    }
    next.check().map_err(|e| format!("Questionnaire invalide : {e}"))?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded() -> Questionnaire {
        Questionnaire::from_json(include_str!("../../../migrations/seed/default_questionnaire.json")).unwrap()
    }

    fn keys(q: &Questionnaire) -> Vec<&str> {
        q.questions.iter().map(|x| x.key.as_str()).collect()
    }

    #[test]
    fn options_are_read_one_per_line_with_their_sense() {
        let o = parse_options("oui ; Oui ; satisfait\nnon;Non;insatisfait\n\n ; Sans avis ; sans avis\nPeut-être").unwrap();
        assert_eq!(o.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), vec!["oui", "non", "sans_avis", "peut_etre"]);
        assert!(o[0].satisfied && o[1].dissatisfied && o[2].no_opinion);
        assert!(!o[3].satisfied && !o[3].dissatisfied && !o[3].no_opinion);
        assert_eq!(parse_options(&format_options(&o)).unwrap(), o, "round trip");
        assert!(parse_options("a;A\na;B").unwrap_err().contains("déjà utilisée"));
        assert!(parse_options("A;B;très").unwrap_err().contains("Ligne 1"));
        assert!(parse_options("  \n").is_err());
        assert!(parse_options("Été ; x").unwrap_err().contains("clé"));
    }

    #[test]
    fn keys_from_labels() {
        assert_eq!(key_from_label("Plutôt satisfait(e)"), "plutot_satisfait_e");
        assert_eq!(key_from_label("  Très bien !"), "tres_bien");
        assert_eq!(key_from_label("مرحبا"), "reponse");
    }

    #[test]
    fn add_move_retire_and_update() {
        let q = seeded();
        let input = QuestionInput { key: "proprete".into(), label: "Les locaux étaient-ils propres ?".into(), kind: "choix".into(), options: "oui;Oui;satisfait\nnon;Non;insatisfait".into(), ..Default::default() };
        let added = apply(&q, Edit::Add(question_from_input(&input).unwrap())).unwrap();
        assert_eq!(keys(&added).last(), Some(&"proprete"));
        let up = apply(&added, Edit::MoveUp("proprete".into())).unwrap();
        assert_eq!(keys(&up)[keys(&up).len() - 2], "proprete");
        assert!(apply(&q, Edit::MoveUp("satisfaction_globale".into())).is_err());
        assert!(apply(&q, Edit::MoveDown("remarque".into())).is_err());
        let retired = apply(&added, Edit::Retire("amabilite".into())).unwrap();
        assert!(retired.question("amabilite").is_none());
        for protected in ["satisfaction_globale", "demarche", "rendez_vous"] {
            assert!(apply(&q, Edit::Retire(protected.into())).is_err(), "{protected}");
        }
        assert!(apply(&added, Edit::Add(question_from_input(&input).unwrap())).unwrap_err().contains("déjà utilisée"));
        assert!(apply(&q, Edit::Retire("inconnue".into())).is_err());

        // Update keeps the other languages of the label.
        let mut multilingual = q.clone();
        multilingual.questions[1].label.insert("en".into(), "Was the agent kind?".into());
        let change = QuestionInput { key: "amabilite".into(), label: "L'agent a-t-il été aimable avec vous ?".into(), kind: "choix".into(), options: format_options(q.questions[1].options()), ..Default::default() };
        let updated = apply(&multilingual, Edit::Update(question_from_input(&change).unwrap())).unwrap();
        assert_eq!(updated.questions[1].label["fr"], "L'agent a-t-il été aimable avec vous ?");
        assert_eq!(updated.questions[1].label["en"], "Was the agent kind?");
        // The overall-satisfaction question stays closed.
        let free = QuestionInput { key: "satisfaction_globale".into(), label: "X".into(), kind: "texte".into(), max_chars: "100".into(), ..Default::default() };
        assert!(apply(&q, Edit::Update(question_from_input(&free).unwrap())).is_err());
    }

    #[test]
    fn input_errors_name_every_field() {
        let errors = question_from_input(&QuestionInput { key: "Clé!".into(), label: " ".into(), kind: "texte".into(), max_chars: "0".into(), ..Default::default() }).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["cle", "libelle", "longueur"]);
        let long = "é".repeat(LABEL_MAX_CHARS + 1);
        let errors = question_from_input(&QuestionInput { key: "k".into(), label: long, kind: "autre".into(), ..Default::default() }).unwrap_err();
        assert_eq!(errors.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec!["libelle", "type"]);
    }
}
