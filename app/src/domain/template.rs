//! Reply templates (courriers et courriels types) with merge fields written `{{name}}`.
//!
//! A merge field is `{{`, a field name of [`MERGE_FIELDS`] (ASCII case-insensitive, whitespace
//! around it allowed: `{{ nom }}`), then `}}`. [`check_template`] validates a template when
//! quality staff save it; [`merge`] fills it in for one request when an agent replies.
//!
//! Scanning rules shared by both: a `{{` whose `}}` does not come before the next `{{` (or does
//! not come at all) is *unclosed* and stays literal text; extra opening braces are literal
//! (`{{{nom}}}` is `{` + the field `nom` + `}`).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The merge fields a template may use: (field name, French description for the template editor).
pub const MERGE_FIELDS: &[(&str, &str)] = &[
    ("reference", "Référence de la demande"),
    ("date_reception", "Date de réception, jj/mm/aaaa"),
    ("site", "Nom du site"),
    ("demarche", "Démarche concernée"),
    ("nom", "Nom du demandeur, ou « Madame, Monsieur »"),
    ("signature", "Signature de l'agent"),
];

/// What `{{nom}}` becomes when the requester's name is unknown ([`MergeValues::nom`] is `None` or
/// blank).
pub const DEFAULT_SALUTATION: &str = "Madame, Monsieur";

/// The values of the merge fields for one request, already formatted for display.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeValues {
    /// `{{reference}}`: the request's reference, e.g. `REC-2026-000123`.
    pub reference: String,
    /// `{{date_reception}}`: the Europe/Paris date of receipt formatted `jj/mm/aaaa`, e.g.
    /// `25/04/2025`.
    pub date_reception: String,
    /// `{{site}}`: name of the site the request concerns.
    pub site: String,
    /// `{{demarche}}`: the procedure concerned, e.g. "Titre de séjour".
    pub demarche: String,
    /// `{{nom}}`: the requester's name; `None` or blank gives [`DEFAULT_SALUTATION`].
    pub nom: Option<String>,
    /// `{{signature}}`: the replying agent's signature.
    pub signature: String,
}

impl MergeValues {
    /// The value of a known field (name already lower-case), or `None` for an unknown field.
    fn get(&self, field: &str) -> Option<&str> {
        Some(match field {
            "reference" => &self.reference,
            "date_reception" => &self.date_reception,
            "site" => &self.site,
            "demarche" => &self.demarche,
            "nom" => match self.nom.as_deref() {
                Some(nom) if !nom.trim().is_empty() => nom,
                _ => DEFAULT_SALUTATION,
            },
            "signature" => &self.signature,
            _ => return None,
        })
    }
}

/// A problem in a template, found by [`check_template`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Error)]
pub enum TemplateError {
    /// `{{name}}` with a name not in [`MERGE_FIELDS`]; carries the name as written, trimmed
    /// (possibly empty for `{{}}`).
    #[error("unknown merge field {{{{{0}}}}}")]
    UnknownField(String),
    /// A `{{` without its `}}`.
    #[error("a merge field opened with {{{{ is not closed with }}}}")]
    Unclosed,
}

/// Checks that every `{{…}}` of `text` is a known, closed merge field.
///
/// # Errors
/// The problems found, each listed once, in order of first appearance: one
/// [`TemplateError::UnknownField`] per distinct unknown name, one [`TemplateError::Unclosed`]
/// however many `{{` are unclosed.
pub fn check_template(text: &str) -> Result<(), Vec<TemplateError>> {
    let mut errors = Vec::new();
    for piece in scan(text) {
        let error = match piece {
            Piece::Text(_) => continue,
            Piece::Field { name, .. } if field_key(name).is_some() => continue,
            Piece::Field { name, .. } => TemplateError::UnknownField(name.to_string()),
            Piece::Unclosed => TemplateError::Unclosed,
        };
        if !errors.contains(&error) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `text` with each known merge field replaced by its value from `values`.
///
/// Unknown fields and unclosed `{{` are left as written. Values are inserted literally, in a single
/// pass: a value containing `{{reference}}` is not expanded. Any Unicode text (Arabic, emoji) is
/// kept intact.
pub fn merge(text: &str, values: &MergeValues) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for piece in scan(text) {
        match piece {
            Piece::Text(literal) => out.push_str(literal),
            Piece::Field { raw, name } => {
                out.push_str(field_key(name).and_then(|key| values.get(key)).unwrap_or(raw));
            }
            Piece::Unclosed => out.push_str("{{"),
        }
    }
    out
}

/// The canonical name of a known field (ASCII case-insensitive match), or `None`.
fn field_key(name: &str) -> Option<&'static str> {
    MERGE_FIELDS.iter().map(|&(key, _)| key).find(|key| key.eq_ignore_ascii_case(name))
}

/// A part of a template.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    /// Literal text.
    Text(&'a str),
    /// `{{…}}`: `raw` is the whole field as written, `name` the text between the braces, trimmed.
    Field { raw: &'a str, name: &'a str },
    /// A `{{` without its `}}` (stands for the two braces, literal).
    Unclosed,
}

/// Splits `text` into pieces whose concatenation (with `Unclosed` as `{{`) is `text`.
fn scan(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find("{{") {
        let mut open = pos + found;
        // In a run of 3 or more `{`, only the last two open the field.
        while text[open + 2..].starts_with('{') {
            open += 1;
        }
        if open > pos {
            pieces.push(Piece::Text(&text[pos..open]));
        }
        let inner_start = open + 2;
        let after = &text[inner_start..];
        let close = after.find("}}");
        let reopen = after.find("{{");
        match close {
            Some(close) if reopen.is_none_or(|reopen| close < reopen) => {
                let end = inner_start + close + 2;
                pieces.push(Piece::Field { raw: &text[open..end], name: after[..close].trim() });
                pos = end;
            }
            _ => {
                pieces.push(Piece::Unclosed);
                pos = inner_start;
            }
        }
    }
    if pos < text.len() {
        pieces.push(Piece::Text(&text[pos..]));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> MergeValues {
        MergeValues {
            reference: "REC-2026-000123".into(),
            date_reception: "25/04/2025".into(),
            site: "Préfecture – site de Lyon".into(),
            demarche: "Titre de séjour".into(),
            nom: Some("M. Dupont".into()),
            signature: "Le chef du bureau de l'accueil".into(),
        }
    }

    #[test]
    fn merge_fields_table_matches_values() {
        let names: Vec<&str> = MERGE_FIELDS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["reference", "date_reception", "site", "demarche", "nom", "signature"]);
        let v = values();
        for (name, description) in MERGE_FIELDS {
            assert!(v.get(name).is_some(), "{name} has a value");
            assert!(!description.is_empty());
            assert_eq!(check_template(&format!("{{{{{name}}}}}")), Ok(()), "{name}");
        }
    }

    #[test]
    fn checks_templates() {
        use TemplateError::*;
        let cases: Vec<(&str, Result<(), Vec<TemplateError>>)> = vec![
            ("", Ok(())),
            ("Pas de champ.", Ok(())),
            ("{{nom}}", Ok(())),
            ("{{ nom }}, réf. {{reference}} du {{\tdate_reception\n}}", Ok(())),
            ("{{NOM}} {{Site}}", Ok(())), // ASCII case-insensitive
            ("Un } seul { et }} fermant", Ok(())),
            ("{{{nom}}}", Ok(())), // literal `{` + field + literal `}`
            ("{{prenom}}", Err(vec![UnknownField("prenom".into())])),
            (
                "{{ prenom }} {{prenom}} {{ville}}",
                Err(vec![UnknownField("prenom".into()), UnknownField("ville".into())]),
            ),
            ("{{}}", Err(vec![UnknownField(String::new())])),
            ("{{ }}", Err(vec![UnknownField(String::new())])),
            ("{{nom", Err(vec![Unclosed])),
            ("Bonjour {{", Err(vec![Unclosed])),
            ("{{nom} et {{site}}", Err(vec![Unclosed])),
            ("{{ {{nom}}", Err(vec![Unclosed])),
            ("{{a {{b", Err(vec![Unclosed])),
            ("{{x}} {{nom", Err(vec![UnknownField("x".into()), Unclosed])),
            ("{{nom}x}}", Err(vec![UnknownField("nom}x".into())])),
            ("{{date réception}}", Err(vec![UnknownField("date réception".into())])),
            ("{{ مرحبا }} 🙂", Err(vec![UnknownField("مرحبا".into())])),
        ];
        for (text, expected) in cases {
            assert_eq!(check_template(text), expected, "{text:?}");
        }
    }

    #[test]
    fn merges() {
        let v = values();
        let cases = [
            ("", ""),
            ("Texte sans champ.", "Texte sans champ."),
            ("{{nom}},", "M. Dupont,"),
            (
                "Réf. {{ reference }} reçue le {{date_reception}} ({{site}}, {{demarche}}).\n{{signature}}",
                "Réf. REC-2026-000123 reçue le 25/04/2025 (Préfecture – site de Lyon, Titre de séjour).\n\
                 Le chef du bureau de l'accueil",
            ),
            ("{{NOM}}", "M. Dupont"),
            ("{{reference}}{{reference}}", "REC-2026-000123REC-2026-000123"),
            ("{{{nom}}}", "{M. Dupont}"),
            ("{{ prenom }} {{nom}}", "{{ prenom }} M. Dupont"), // unknown left as written
            ("{{}}", "{{}}"),
            ("Bonjour {{nom", "Bonjour {{nom"), // unclosed left as written
            ("{{nom} et {{site}}", "{{nom} et Préfecture – site de Lyon"),
            ("{{ {{nom}}", "{{ M. Dupont"),
            ("} {{nom}} }}", "} M. Dupont }}"),
            ("مرحبا {{nom}} 🙂، {{reference}}", "مرحبا M. Dupont 🙂، REC-2026-000123"),
            ("👩‍👩‍👧{{site}}👩‍👩‍👧", "👩‍👩‍👧Préfecture – site de Lyon👩‍👩‍👧"),
        ];
        for (text, expected) in cases {
            assert_eq!(merge(text, &v), expected, "{text:?}");
        }
    }

    #[test]
    fn missing_name_gives_the_salutation() {
        let mut v = values();
        for nom in [None, Some(String::new()), Some("  ".to_string())] {
            v.nom = nom;
            assert_eq!(merge("{{nom}},", &v), "Madame, Monsieur,");
        }
    }

    #[test]
    fn values_are_inserted_literally() {
        let v = MergeValues {
            nom: Some("{{reference}} {{signature}}".into()),
            reference: "{{nom}}".into(),
            site: "محافظة 🏛️ {{".into(),
            ..values()
        };
        assert_eq!(
            merge("{{nom}} / {{reference}} / {{site}}", &v),
            "{{reference}} {{signature}} / {{nom}} / محافظة 🏛️ {{"
        );
    }

    #[test]
    fn scan_round_trips() {
        let texts = ["", "a", "{{", "}}", "{{{", "{{{{nom}}}}", "x{{nom}}y{{z", "{{ a }}{{b}}{{", "é{{😀}}ü{{"];
        for text in texts {
            let rebuilt: String = scan(text)
                .into_iter()
                .map(|piece| match piece {
                    Piece::Text(t) => t,
                    Piece::Field { raw, .. } => raw,
                    Piece::Unclosed => "{{",
                })
                .collect();
            assert_eq!(rebuilt, text);
        }
    }

    #[test]
    fn errors_display_and_serde() {
        assert_eq!(TemplateError::UnknownField("x".into()).to_string(), "unknown merge field {{x}}");
        assert_eq!(TemplateError::Unclosed.to_string(), "a merge field opened with {{ is not closed with }}");
        let errors = vec![TemplateError::UnknownField("x".into()), TemplateError::Unclosed];
        let json = serde_json::to_string(&errors).unwrap();
        assert_eq!(json, r#"[{"UnknownField":"x"},"Unclosed"]"#);
        assert_eq!(serde_json::from_str::<Vec<TemplateError>>(&json).unwrap(), errors);
    }
}
