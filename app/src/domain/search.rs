//! Text folding for the remark search: a search for `etait` finds `Était`, `ETAIT` and `était`.
//!
//! Free-text remarks are stored twice: as typed (`text_value`, what staff read and export) and
//! folded (`search_text`), and the search compares the folded query with the folded text. SQL's
//! own `LIKE` is case-insensitive for ASCII letters only, and neither SQLite nor PostgreSQL
//! ignores accents without extensions: folding in Rust gives both stores the same result.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// `text` in a form where case, accents and compatibility variants do not matter:
/// NFKD decomposition (`é` → `e` + accent, `ﬁ` → `fi`, full-width letters → ASCII), combining
/// marks dropped (Latin accents, Arabic harakat), full Unicode lower case, and the ligatures NFKD
/// keeps (`œ` → `oe`, `æ` → `ae`, `ß` → `ss`) spelled out. Letters of other scripts stay as they
/// are. The result can be longer or shorter than `text`; it is only meant for comparisons.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        for l in c.to_lowercase() {
            match l {
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                other => out.push(other),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn case_and_accents_do_not_matter() {
        assert_eq!(fold("Était"), "etait");
        assert_eq!(fold("ÉTAIT"), fold("était"));
        assert_eq!(fold("Accueil très LENT à Évry"), "accueil tres lent a evry");
        assert_eq!(fold("çà et là"), "ca et la");
    }

    #[test]
    fn ligatures_and_compatibility_forms() {
        assert_eq!(fold("Cœur, Œuvre, ex æquo"), "coeur, oeuvre, ex aequo");
        assert_eq!(fold("ﬁle d'attente"), "file d'attente");
        assert_eq!(fold("ＡＢＣ"), "abc");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn other_scripts_and_emoji_are_kept() {
        // Arabic: the harakat (short-vowel marks) are dropped, letters kept.
        assert_eq!(fold("مَرْحَبًا"), "مرحبا");
        assert_eq!(fold("Très bien 👍"), "tres bien 👍");
        assert_eq!(fold("ΣΊΣΥΦΟΣ"), "σισυφοσ");
        assert_eq!(fold(""), "");
    }
}
