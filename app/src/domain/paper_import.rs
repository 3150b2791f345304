//! Import of paper questionnaires: quality staff type the paper forms into a spreadsheet, save it
//! as CSV and upload it. This module checks the whole file ("parse, don't validate": bytes in,
//! a list of [`PaperResponse`]s or an [`ImportReport`] out). The import is all-or-nothing: one bad
//! cell refuses the whole file, and the report lists every bad row and column in plain French.
//! Imported responses are stored with the channel [`CHANNEL`] (`papier`).
//!
//! # File format
//!
//! * Encoding: UTF-8, with or without BOM (what Excel writes with « CSV UTF-8 »). Other encodings
//!   (Windows-1252 « CSV (séparateur : point-virgule) », UTF-16 « Texte Unicode », an `.xlsx`
//!   workbook) are refused with a message telling how to save the file again.
//! * Separator: `;`, `,` or tab, detected from the header line. Line ends CRLF or LF; quoted
//!   cells may span several lines (`""` inside quotes is a literal `"`). Blank lines, rows made of
//!   empty cells only (`;;;;`) and trailing empty columns are ignored.
//! * Header (the first non-blank line): `site` and `date` (required), `langue` (optional, `fr`
//!   when absent or empty), then one column per question, titled with the question key
//!   (`amabilite`) or its French label. Titles ignore case, accents and extra spaces. Optional
//!   questions may be left out; a required question must have a column.
//! * `site`: the site slug or its full name (case, accents and extra spaces ignored).
//! * `date`: the visit date, `JJ/MM/AAAA` (day and month may have one digit) or `AAAA-MM-JJ`;
//!   within the campaign period (inclusive) and not after today.
//! * `langue`: `fr`, `en`, `ar`, `es`, `pt` or the French name of the language (`arabe`).
//! * Closed questions: the option key (`tres_satisfait`), the French option label (case, accents,
//!   extra spaces and a `(e)` ending ignored: `tres satisfait` matches « Très satisfait(e) »), or
//!   **the option's position number** `1..k` in questionnaire order, as paper forms are often
//!   coded by number (`1` = « Très satisfait(e) », `4` = « Pas du tout satisfait(e) »). A key
//!   wins over a number if both could match. Empty = not answered.
//! * Free text: trimmed, CRLF → LF (as [`normalize_text`]); empty = not answered; longer than
//!   the question's `max_chars` is an error, never truncated.

use super::questionnaire::{localized, AnswerOption, QuestionKind, Questionnaire, FALLBACK_LANGUAGE};
use super::survey_form::{normalize_text, SurveyAnswers};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Channel recorded for imported responses (the store's `Channel::Papier`).
pub const CHANNEL: &str = "papier";

/// Largest number of responses accepted in one file by [`parse_paper_csv`].
pub const MAX_ROWS: usize = 20_000;

/// Largest number of [`RowError`]s listed in a report; further ones are only counted in
/// [`ImportReport::omitted_row_errors`].
pub const MAX_ROW_ERRORS: usize = 500;

/// Longest cell value (in characters, `…` included) shown in a [`RowError`].
pub const DISPLAY_CHARS: usize = 80;

/// Languages a paper questionnaire can be filled in: code and French name.
pub const LANGUAGES: [(&str, &str); 5] = [("fr", "français"), ("en", "anglais"), ("ar", "arabe"), ("es", "espagnol"), ("pt", "portugais")];

/// Separators tried on the header line, in order of preference on a tie.
const SEPARATORS: [u8; 3] = [b';', b'\t', b','];

/// Value of the example row's `site` cell in [`template_csv`]: never a real site, so an example
/// row left in the file is refused rather than imported.
const TEMPLATE_SITE: &str = "exemple-ligne-a-supprimer";

/// How to save a spreadsheet so that it can be imported.
const SAVE_AS_HINT: &str = "Dans Excel, choisissez « Fichier > Enregistrer sous » et le type « CSV UTF-8 (délimité par des virgules) (*.csv) », puis importez ce nouveau fichier. Dans LibreOffice Calc, choisissez le jeu de caractères « Unicode (UTF-8) » en enregistrant.";

/// A site a response can be attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRef {
    /// Stable identifier, as in URLs (`prefecture`, `sp-dieppe`).
    pub slug: String,
    /// Full name (« Sous-préfecture de Dieppe »).
    pub name: String,
}

/// One paper questionnaire read from the file, fully validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaperResponse {
    /// Line of the file where the row starts (header = line 1).
    pub line: usize,
    /// Slug of the site (one of the given [`SiteRef`]s).
    pub site_slug: String,
    /// Date of the visit.
    pub visit_date: NaiveDate,
    /// Language of the paper form: one of the [`LANGUAGES`] codes.
    pub language: String,
    /// The answers, as validated for online responses.
    pub answers: SurveyAnswers,
}

/// A bad cell of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based line number of the row's first line in the file (header = line 1).
    pub line: usize,
    /// Column title as typed in the file (or « colonne H (sans titre) »).
    pub column: String,
    /// The cell, trimmed, shortened for display to [`DISPLAY_CHARS`] characters with `…`.
    pub value: String,
    /// What is wrong, in plain French.
    pub message: String,
}

/// Why a file was refused. Nothing is imported when there is a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Problems with the file as a whole (encoding, header, size), in plain French.
    pub file_errors: Vec<String>,
    /// Bad cells, in file order; at most [`MAX_ROW_ERRORS`].
    pub row_errors: Vec<RowError>,
    /// Number of data rows checked (blank rows not counted).
    pub rows_checked: usize,
    /// Row errors found beyond the first [`MAX_ROW_ERRORS`], counted but not listed.
    pub omitted_row_errors: usize,
}

impl ImportReport {
    /// Number of errors found, listed or not.
    pub fn error_count(&self) -> usize {
        self.file_errors.len() + self.row_errors.len() + self.omitted_row_errors
    }

    /// One French paragraph for the top of the report, e.g. « Fichier refusé : 3 erreurs sur
    /// 120 lignes. Aucune réponse n'a été importée. »
    pub fn summary(&self) -> String {
        let errors = count(self.error_count(), "erreur", "erreurs");
        let mut s = if self.rows_checked == 0 {
            format!("Fichier refusé : {errors}.")
        } else {
            format!("Fichier refusé : {errors} sur {}.", count(self.rows_checked, "ligne", "lignes"))
        };
        if let Some(note) = self.omitted_note() {
            s.push_str(&format!(" Seules les {} premières erreurs de lignes sont détaillées ({note}).", fr_int(self.row_errors.len())));
        }
        s.push_str(" Aucune réponse n'a été importée.");
        s
    }

    /// « … et N autres erreurs », to show after the listed row errors when some were left out.
    pub fn omitted_note(&self) -> Option<String> {
        match self.omitted_row_errors {
            0 => None,
            1 => Some("… et 1 autre erreur".to_string()),
            n => Some(format!("… et {} autres erreurs", fr_int(n))),
        }
    }
}

/// Reads and checks a CSV file of paper questionnaires against `questionnaire`, with at most
/// [`MAX_ROWS`] responses. See the module documentation for the accepted format.
///
/// `sites`: the sites responses may be attached to; `period`: first and last day of the campaign
/// (inclusive); `today`: the current date (Europe/Paris).
///
/// # Errors
/// Every problem found, when there is at least one: nothing is imported then.
pub fn parse_paper_csv(
    bytes: &[u8],
    questionnaire: &Questionnaire,
    sites: &[SiteRef],
    period: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<Vec<PaperResponse>, ImportReport> {
    parse_paper_csv_limited(bytes, questionnaire, sites, period, today, MAX_ROWS)
}

/// [`parse_paper_csv`] with another limit than [`MAX_ROWS`] on the number of responses.
///
/// # Errors
/// As [`parse_paper_csv`]; more than `max_rows` data rows is a file error (only the first
/// `max_rows` rows are checked).
pub fn parse_paper_csv_limited(
    bytes: &[u8],
    questionnaire: &Questionnaire,
    sites: &[SiteRef],
    period: (NaiveDate, NaiveDate),
    today: NaiveDate,
    max_rows: usize,
) -> Result<Vec<PaperResponse>, ImportReport> {
    let refuse = |message: String| ImportReport { file_errors: vec![message], ..ImportReport::default() };
    let text = decode(bytes).map_err(refuse)?;
    let delimiter = detect_delimiter(text, questionnaire);
    if let Some(line) = unclosed_quote_line(text, delimiter) {
        return Err(refuse(format!(
            "Un guillemet (\") ouvert ligne {line} n'est jamais refermé : toute la suite du fichier serait lue comme une seule cellule. \
             Vérifiez cette ligne (dans une cellule entre guillemets, un guillemet s'écrit \"\"), ou enregistrez de nouveau le fichier depuis le tableur."
        )));
    }

    let ctx = RowContext::new(questionnaire, sites, period, today);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut report = ImportReport::default();
    let mut header: Option<Header> = None;
    let mut responses = Vec::new();
    let mut data_rows = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(refuse(format!("Le fichier n'a pas pu être lu comme un fichier CSV ({e})."))),
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = lines.line_at(record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)));
        let Some(header) = &header else {
            header = Some(Header::parse(&record, questionnaire, &mut report.file_errors));
            continue;
        };
        data_rows += 1;
        if data_rows > max_rows {
            continue;
        }
        report.rows_checked += 1;
        match ctx.check_row(header, line, &record) {
            Ok(Some(response)) => responses.push(response),
            Ok(None) => {}
            Err(errors) => {
                for error in errors {
                    if report.row_errors.len() < MAX_ROW_ERRORS {
                        report.row_errors.push(error);
                    } else {
                        report.omitted_row_errors += 1;
                    }
                }
            }
        }
    }

    if header.is_none() {
        return Err(refuse("Le fichier est vide : il doit contenir une ligne de titres de colonnes (site, date, …) puis une ligne par questionnaire.".to_string()));
    }
    if data_rows == 0 {
        report.file_errors.push("Le fichier ne contient que la ligne des titres de colonnes : aucun questionnaire à importer.".to_string());
    }
    if data_rows > max_rows {
        report.file_errors.push(format!(
            "Le fichier contient {} questionnaires, plus que la limite de {} par fichier : découpez-le en plusieurs fichiers. Seules les {} premières lignes ont été vérifiées.",
            fr_int(data_rows),
            fr_int(max_rows),
            fr_int(max_rows)
        ));
    }
    if report.error_count() == 0 {
        Ok(responses)
    } else {
        Err(report)
    }
}

/// An empty CSV template for the paper questionnaire: UTF-8 BOM, `;` separator, CRLF; a header
/// line `site;date;langue;<question keys>` and one example row (with a site that does not exist,
/// so that it is refused if left in the file).
pub fn template_csv(questionnaire: &Questionnaire) -> String {
    let mut header = vec!["site".to_string(), "date".to_string(), "langue".to_string()];
    let mut example = vec![TEMPLATE_SITE.to_string(), "15/01/2025".to_string(), FALLBACK_LANGUAGE.to_string()];
    for q in &questionnaire.questions {
        header.push(q.key.clone());
        example.push(match &q.kind {
            QuestionKind::SingleChoice { options } => options.first().map(|o| french(&o.label).to_string()).unwrap_or_default(),
            QuestionKind::FreeText { .. } => "Exemple : supprimez cette ligne avant l'import".to_string(),
        });
    }
    let row = |cells: &[String]| cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(";");
    format!("\u{feff}{}\r\n{}\r\n", row(&header), row(&example))
}

/// Help for the import page: for each column (in template order), what it accepts, in French.
pub fn column_help(questionnaire: &Questionnaire) -> Vec<(String, String)> {
    let mut help = vec![
        (
            "site".to_string(),
            "Obligatoire. Identifiant du site ou son nom complet, tels qu'affichés dans la liste des sites (majuscules, accents et espaces en trop sans importance).".to_string(),
        ),
        ("date".to_string(), "Obligatoire. Date de la visite au format JJ/MM/AAAA (ou AAAA-MM-JJ), comprise dans la période de la campagne et pas après aujourd'hui.".to_string()),
        ("langue".to_string(), format!("Facultative (fr si vide). Langue du questionnaire papier : {}.", language_list())),
    ];
    for q in &questionnaire.questions {
        let need = if q.required { "Obligatoire" } else { "Facultative, vide si pas de réponse" };
        let accepted = match &q.kind {
            QuestionKind::SingleChoice { options } => {
                let list = options.iter().enumerate().map(|(i, o)| format!("{} = {} ({})", i + 1, french(&o.label), o.key)).collect::<Vec<_>>().join(" ; ");
                format!("Numéro, libellé ou code de la réponse : {list}.")
            }
            QuestionKind::FreeText { max_chars } => {
                format!(
                    "Texte libre de {} caractères au plus (un texte plus long est refusé, jamais coupé) ; les retours à la ligne sont acceptés dans la cellule.",
                    fr_int(*max_chars)
                )
            }
        };
        help.push((q.key.clone(), format!("« {} » (titre de colonne : ce code ou ce libellé). {need}. {accepted}", french(&q.label))));
    }
    help
}

/// What a column of the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Site,
    Date,
    Language,
    /// Index of the question in the questionnaire.
    Question(usize),
    /// Unknown or duplicate title (already reported as a file error): cells are not read.
    Ignored,
    /// Empty title: cells must be empty.
    Untitled,
}

/// One column of the header.
struct Column {
    role: Role,
    /// Title as typed (trimmed), or « colonne H (sans titre) ».
    name: String,
}

/// The header line, mapped to the questionnaire.
struct Header {
    columns: Vec<Column>,
}

impl Header {
    /// Maps the header `record`; problems are pushed to `errors`.
    fn parse(record: &csv::StringRecord, questionnaire: &Questionnaire, errors: &mut Vec<String>) -> Header {
        let mut cells: Vec<&str> = record.iter().map(str::trim).collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        let mut columns: Vec<Column> = Vec::with_capacity(cells.len());
        for (i, name) in cells.iter().enumerate() {
            let role = if name.is_empty() {
                Role::Untitled
            } else {
                match classify_title(name, questionnaire) {
                    None => {
                        errors.push(format!(
                            "Colonne inconnue : « {name} » (colonne {}). Titres possibles : site, date, langue, puis les codes des questions ({}) ou leurs libellés exacts.",
                            column_letter(i),
                            questionnaire.questions.iter().map(|q| q.key.as_str()).collect::<Vec<_>>().join(", ")
                        ));
                        Role::Ignored
                    }
                    Some(role) => match columns.iter().enumerate().find(|(_, c)| c.role == role) {
                        Some((j, first)) => {
                            errors.push(format!(
                                "Colonne en double : « {name} » (colonne {}) désigne la même chose que « {} » (colonne {}). Gardez une seule de ces colonnes.",
                                column_letter(i),
                                first.name,
                                column_letter(j)
                            ));
                            Role::Ignored
                        }
                        None => role,
                    },
                }
            };
            let name = if role == Role::Untitled { untitled(i) } else { (*name).to_string() };
            columns.push(Column { role, name });
        }
        let has = |role: Role| columns.iter().any(|c| c.role == role);
        for (role, title) in [(Role::Site, "site"), (Role::Date, "date")] {
            if !has(role) {
                errors.push(format!(
                    "Colonne « {title} » absente : elle est obligatoire. La première ligne non vide du fichier doit être celle des titres de colonnes (site, date, langue, puis les questions)."
                ));
            }
        }
        for (i, q) in questionnaire.questions.iter().enumerate() {
            if q.required && !has(Role::Question(i)) {
                errors.push(format!("Colonne absente pour la question obligatoire « {} » ({}).", q.key, french(&q.label)));
            }
        }
        Header { columns }
    }
}

/// The role of a column titled `title` (site, date, langue, a question key or French label).
fn classify_title(title: &str, questionnaire: &Questionnaire) -> Option<Role> {
    let folded = fold(title);
    match folded.as_str() {
        "site" => return Some(Role::Site),
        "date" => return Some(Role::Date),
        "langue" => return Some(Role::Language),
        _ => {}
    }
    let questions = &questionnaire.questions;
    questions.iter().position(|q| fold(&q.key) == folded).or_else(|| questions.iter().position(|q| fold(french(&q.label)) == folded)).map(Role::Question)
}

/// Everything needed to check a data row.
struct RowContext<'a> {
    questionnaire: &'a Questionnaire,
    sites: &'a [SiteRef],
    /// Folded slug and name of each site, in `sites` order.
    folded_sites: Vec<(String, String)>,
    /// For each question (questionnaire order), the folded key and loose French label of each
    /// option (empty for free text).
    option_forms: Vec<Vec<(String, String)>>,
    period: (NaiveDate, NaiveDate),
    today: NaiveDate,
}

impl<'a> RowContext<'a> {
    fn new(questionnaire: &'a Questionnaire, sites: &'a [SiteRef], period: (NaiveDate, NaiveDate), today: NaiveDate) -> Self {
        let folded_sites = sites.iter().map(|s| (fold(&s.slug), fold(&s.name))).collect();
        let option_forms = questionnaire.questions.iter().map(|q| q.options().iter().map(|o| (fold(&o.key), loose(french(&o.label)))).collect()).collect();
        RowContext { questionnaire, sites, folded_sites, option_forms, period, today }
    }

    /// Checks one data row. `Ok(None)`: no cell error, but no site or date column (already a
    /// file error).
    fn check_row(&self, header: &Header, line: usize, record: &csv::StringRecord) -> Result<Option<PaperResponse>, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut site = None;
        let mut date = None;
        let mut language = FALLBACK_LANGUAGE.to_string();
        let mut answers = SurveyAnswers::default();
        for i in 0..header.columns.len().max(record.len()) {
            let cell = record.get(i).unwrap_or("");
            let column = header.columns.get(i);
            let role = column.map_or(Role::Untitled, |c| c.role);
            let mut fail = |message: String| {
                let name = column.map_or_else(|| untitled(i), |c| c.name.clone());
                errors.push(RowError { line, column: name, value: shorten(&normalize_text(cell)), message });
            };
            match role {
                Role::Ignored => {}
                Role::Untitled => {
                    if !cell.trim().is_empty() {
                        fail("valeur dans une colonne sans titre : vérifiez qu'il n'y a pas de séparateur en trop dans cette ligne (un texte contenant le séparateur doit être entre guillemets).".to_string());
                    }
                }
                Role::Site => match self.site(cell) {
                    Ok(slug) => site = Some(slug),
                    Err(message) => fail(message),
                },
                Role::Date => match self.date(cell) {
                    Ok(d) => date = Some(d),
                    Err(message) => fail(message),
                },
                Role::Language => match match_language(cell) {
                    Ok(code) => language = code.to_string(),
                    Err(message) => fail(message),
                },
                Role::Question(index) => {
                    let Some(q) = self.questionnaire.questions.get(index) else { continue };
                    match &q.kind {
                        QuestionKind::SingleChoice { options } => {
                            let value = cell.trim();
                            if value.is_empty() {
                                if q.required {
                                    fail("réponse manquante : cette question est obligatoire.".to_string());
                                }
                            } else if let Some(option) = match_option(value, options, &self.option_forms[index]) {
                                answers.choices.insert(q.key.clone(), option.key.clone());
                            } else {
                                let list = options.iter().enumerate().map(|(i, o)| format!("{} {}", i + 1, french(&o.label))).collect::<Vec<_>>().join(", ");
                                fail(format!("réponse inconnue : « {} ». Réponses possibles : {list}.", shorten(value)));
                            }
                        }
                        QuestionKind::FreeText { max_chars } => {
                            let text = normalize_text(cell);
                            let actual = text.chars().count();
                            if text.is_empty() {
                                if q.required {
                                    fail("réponse manquante : cette question est obligatoire.".to_string());
                                }
                            } else if actual > *max_chars {
                                fail(format!(
                                    "texte trop long : {} caractères pour {} au plus. Raccourcissez-le : il n'est jamais coupé automatiquement.",
                                    fr_int(actual),
                                    fr_int(*max_chars)
                                ));
                            } else {
                                answers.texts.insert(q.key.clone(), text);
                            }
                        }
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match (site, date) {
            (Some(site_slug), Some(visit_date)) => Some(PaperResponse { line, site_slug, visit_date, language, answers }),
            _ => None,
        })
    }

    /// The slug of the site named in `cell`.
    fn site(&self, cell: &str) -> Result<String, String> {
        let value = cell.trim();
        if value.is_empty() {
            return Err("site manquant : indiquez l'identifiant du site ou son nom.".to_string());
        }
        let folded = fold(value);
        if let Some(i) = self.folded_sites.iter().position(|(slug, name)| *slug == folded || *name == folded) {
            return Ok(self.sites[i].slug.clone());
        }
        const SHOWN: usize = 15;
        let mut list = self.sites.iter().take(SHOWN).map(|s| format!("{} ({})", s.slug, s.name)).collect::<Vec<_>>().join(", ");
        if self.sites.len() > SHOWN {
            list.push_str(", …");
        }
        if list.is_empty() {
            list.push_str("aucun site n'est enregistré");
        }
        Err(format!("site inconnu : « {} ». Sites possibles : {list}.", shorten(value)))
    }

    /// The visit date in `cell`, checked against the campaign period and today.
    fn date(&self, cell: &str) -> Result<NaiveDate, String> {
        let value = cell.trim();
        if value.is_empty() {
            return Err("date de visite manquante.".to_string());
        }
        let Some(date) = parse_date(value) else {
            return Err(format!("date illisible : « {} ». Écrivez-la au format JJ/MM/AAAA, par exemple 14/03/2025.", shorten(value)));
        };
        let (start, end) = self.period;
        if date > self.today {
            Err(format!("date dans le futur : le {} est après aujourd'hui ({}).", fr_date(date), fr_date(self.today)))
        } else if date < start || date > end {
            Err(format!("date hors de la campagne : le {} n'est pas entre le {} et le {}.", fr_date(date), fr_date(start), fr_date(end)))
        } else {
            Ok(date)
        }
    }
}

/// The option designated by `value` (trimmed, not empty): its key, its French label or its
/// position number (1-based), in that order. `forms`: folded key and loose label of each option.
fn match_option<'o>(value: &str, options: &'o [AnswerOption], forms: &[(String, String)]) -> Option<&'o AnswerOption> {
    if let Some(o) = options.iter().find(|o| o.key == value) {
        return Some(o);
    }
    let folded = fold(value);
    if let Some(i) = forms.iter().position(|(key, _)| *key == folded) {
        return options.get(i);
    }
    let loose_value = loose(value);
    if let Some(i) = forms.iter().position(|(_, label)| *label == loose_value) {
        return options.get(i);
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        let n: usize = value.parse().ok()?;
        return n.checked_sub(1).and_then(|i| options.get(i));
    }
    None
}

/// The language code in `cell`: empty → `fr`; a code or a French language name.
fn match_language(cell: &str) -> Result<&'static str, String> {
    let value = cell.trim();
    if value.is_empty() {
        return Ok(FALLBACK_LANGUAGE);
    }
    let folded = fold(value);
    LANGUAGES
        .iter()
        .find(|(code, name)| *code == folded || fold(name) == folded)
        .map(|(code, _)| *code)
        .ok_or_else(|| format!("langue inconnue : « {} ». Langues possibles : {}.", shorten(value), language_list()))
}

/// « fr (français), en (anglais), … ».
fn language_list() -> String {
    LANGUAGES.iter().map(|(code, name)| format!("{code} ({name})")).collect::<Vec<_>>().join(", ")
}

/// Parses `JJ/MM/AAAA` (one-digit day or month accepted) or `AAAA-MM-JJ`; the year has 4 digits.
fn parse_date(value: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = value.split('/').collect();
    let (y, m, d) = if let [d, m, y] = parts[..] {
        (y, m, d)
    } else if let [y, m, d] = value.split('-').collect::<Vec<_>>()[..] {
        (y, m, d)
    } else {
        return None;
    };
    let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The file as text: refuses workbooks, UTF-16 and non-UTF-8 bytes; strips a UTF-8 BOM.
fn decode(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(format!("Ce fichier est un classeur Excel (.xlsx), pas un fichier CSV. {SAVE_AS_HINT}"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(format!("Ce fichier est enregistré en « Texte Unicode » (UTF-16), qui n'est pas accepté. {SAVE_AS_HINT}"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = LineCounter::new(bytes).line_at(e.valid_up_to());
        format!(
            "Le fichier n'est pas enregistré en UTF-8 : la ligne {line} contient un caractère illisible (souvent une lettre accentuée, enregistrée par Excel au format « CSV (séparateur : point-virgule) »). {SAVE_AS_HINT}"
        )
    })
}

/// The separator of the file: the one that splits the first non-blank line into the most
/// recognised titles, then into the most cells; `;` on a tie.
fn detect_delimiter(text: &str, questionnaire: &Questionnaire) -> u8 {
    let score = |delimiter: u8| {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
        // Blank for every candidate separator: `;;;` is not a header line when trying `,`.
        let blank = |c: &str| c.chars().all(|ch| ch.is_whitespace() || matches!(ch, ';' | ',' | '\t'));
        let first = reader.records().filter_map(Result::ok).find(|r| !r.iter().all(blank));
        first.map_or((0, 0), |r| {
            let titles: Vec<&str> = r.iter().map(str::trim).filter(|c| !c.is_empty()).collect();
            (titles.iter().filter(|t| classify_title(t, questionnaire).is_some()).count(), titles.len())
        })
    };
    let mut best = (SEPARATORS[0], score(SEPARATORS[0]));
    for delimiter in &SEPARATORS[1..] {
        let s = score(*delimiter);
        if s > best.1 {
            best = (*delimiter, s);
        }
    }
    best.0
}

/// The line where a quoted cell opens without ever being closed, if any (the CSV reader would
/// silently read the rest of the file into that cell). Mirrors the reader's quoting rules: a
/// quote opens a quoted cell only as the first character of a cell; `""` inside is a quote.
fn unclosed_quote_line(text: &str, delimiter: u8) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let bytes = text.as_bytes();
    let mut state = State::CellStart;
    let mut line = 1;
    let mut opened = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ends_cell = b == delimiter || b == b'\n' || b == b'\r';
        state = match state {
            State::CellStart if b == b'"' => {
                opened = line;
                State::Quoted
            }
            State::CellStart | State::Unquoted | State::QuoteInQuoted if ends_cell => State::CellStart,
            State::CellStart | State::Unquoted => State::Unquoted,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::QuoteInQuoted => State::Unquoted,
        };
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
        }
    }
    (state == State::Quoted).then_some(opened)
}

/// Turns byte offsets into 1-based line numbers (LF, CRLF or CR line ends), for increasing
/// offsets.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    /// Line of the first character at or after `offset` that is not a line end (the CSV reader
    /// reports a record's position before the line ends and blank lines preceding it).
    fn line_at(&mut self, offset: usize) -> usize {
        let bytes = self.bytes;
        let mut start = offset.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            for i in self.offset..start {
                if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                    self.line += 1;
                }
            }
            self.offset = start;
        }
        self.line
    }
}

/// Lowercase, without accents (precomposed or combining), with typographic apostrophes and
/// dashes made plain and runs of whitespace (non-breaking spaces included) made one space; trimmed.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '´' => "'",
            '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
            '\u{0300}'..='\u{036F}' => continue,
            c if c.is_whitespace() => {
                space = !out.is_empty();
                continue;
            }
            _ => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
                continue;
            }
        };
        if space {
            out.push(' ');
            space = false;
        }
        out.push_str(mapped);
    }
    out
}

/// [`fold`], also ignoring an inclusive-writing `(e)` (« satisfait(e) » = « satisfait »).
fn loose(s: &str) -> String {
    fold(&fold(s).replace("(e)", " "))
}

/// The French text of a localized label.
fn french(text: &super::questionnaire::LocalizedText) -> &str {
    localized(text, FALLBACK_LANGUAGE)
}

/// `value` cut to [`DISPLAY_CHARS`] characters, the last one being `…` when cut.
fn shorten(value: &str) -> String {
    if value.chars().count() <= DISPLAY_CHARS {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(DISPLAY_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// A cell for a `;`-separated file, quoted when needed.
fn csv_cell(value: &str) -> String {
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// Spreadsheet column name of the 0-based column `index`: A, B, …, Z, AA, AB, …
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Display name of an untitled column.
fn untitled(index: usize) -> String {
    format!("colonne {} (sans titre)", column_letter(index))
}

/// `JJ/MM/AAAA`.
fn fr_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// An integer with a space between thousands (« 20 000 »).
fn fr_int(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// « 1 erreur », « 3 erreurs » (French: 0 and 1 take the singular).
fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{} {}", fr_int(n), if n <= 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn questionnaire() -> Questionnaire {
        Questionnaire::from_json(include_str!("../../../migrations/seed/default_questionnaire.json")).unwrap()
    }

    fn sites() -> Vec<SiteRef> {
        let site = |slug: &str, name: &str| SiteRef { slug: slug.into(), name: name.into() };
        vec![site("prefecture", "Préfecture de la Seine-Maritime"), site("sp-dieppe", "Sous-préfecture de Dieppe"), site("sp-le-havre", "Sous-préfecture du Havre")]
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const PERIOD: (NaiveDate, NaiveDate) = (NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());

    fn today() -> NaiveDate {
        day(2025, 4, 15)
    }

    fn parse(bytes: &[u8]) -> Result<Vec<PaperResponse>, ImportReport> {
        parse_paper_csv(bytes, &questionnaire(), &sites(), PERIOD, today())
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const GOOD: &[u8] = include_bytes!("testdata/paper_good.csv");
    const BAD: &[u8] = include_bytes!("testdata/paper_bad.csv");

    fn expected_good() -> Vec<PaperResponse> {
        let response = |line, site: &str, date, language: &str, choices: &[(&str, &str)], texts: &[(&str, &str)]| PaperResponse {
            line,
            site_slug: site.into(),
            visit_date: date,
            language: language.into(),
            answers: SurveyAnswers { choices: map(choices), texts: map(texts) },
        };
        vec![
            response(
                2,
                "prefecture",
                day(2025, 3, 3),
                "fr",
                &[
                    ("satisfaction_globale", "tres_satisfait"),
                    ("amabilite", "tout_a_fait"),
                    ("simplicite_langage", "plutot_oui"),
                    ("conseil", "plutot_oui"),
                    ("temps_attente", "moins_15_min"),
                    ("rendez_vous", "oui"),
                    ("demarche", "titre_sejour"),
                ],
                &[("remarque", "Accueil très agréable.\nMerci à l'agent du guichet 3, \"rapide\" et souriant.")],
            ),
            response(
                4,
                "sp-dieppe",
                day(2025, 3, 10),
                "ar",
                &[
                    ("satisfaction_globale", "tres_satisfait"),
                    ("amabilite", "tout_a_fait"),
                    ("simplicite_langage", "sans_avis"),
                    ("conseil", "sans_avis"),
                    ("temps_attente", "30_min_1_h"),
                    ("rendez_vous", "non"),
                    ("demarche", "autre"),
                ],
                &[("remarque", "الانتظار كان طويلا لكن الموظف كان لطيفا")],
            ),
            response(
                7,
                "sp-le-havre",
                day(2025, 3, 15),
                "fr",
                &[("satisfaction_globale", "plutot_pas_satisfait"), ("temps_attente", "plus_1_h"), ("rendez_vous", "non"), ("demarche", "autre")],
                &[],
            ),
            response(
                8,
                "sp-dieppe",
                day(2025, 4, 5),
                "en",
                &[
                    ("satisfaction_globale", "plutot_satisfait"),
                    ("amabilite", "sans_avis"),
                    ("simplicite_langage", "plutot_non"),
                    ("conseil", "pas_du_tout"),
                    ("temps_attente", "15_30_min"),
                    ("rendez_vous", "oui"),
                    ("demarche", "permis_conduire"),
                ],
                &[("remarque", "Trop d’attente.")],
            ),
            response(
                9,
                "prefecture",
                day(2025, 4, 15),
                "es",
                &[
                    ("satisfaction_globale", "pas_du_tout_satisfait"),
                    ("amabilite", "pas_du_tout"),
                    ("simplicite_langage", "tout_a_fait"),
                    ("conseil", "tout_a_fait"),
                    ("temps_attente", "plus_1_h"),
                    ("demarche", "carte_grise"),
                ],
                &[("remarque", "Línea 1\n\nLínea 3")],
            ),
        ]
    }

    #[test]
    fn good_excel_file_is_fully_parsed() {
        // The fixture really is Excel-FR style (guards against a line-ending conversion by git).
        assert!(GOOD.starts_with(b"\xEF\xBB\xBFSite;Date;"));
        assert!(GOOD.windows(2).any(|w| w == b"\r\n"));
        assert_eq!(parse(GOOD).unwrap(), expected_good());
    }

    #[test]
    fn lf_only_and_comma_separated_files_are_accepted() {
        let text = std::str::from_utf8(GOOD).unwrap();
        let lf = text.replace("\r\n", "\n");
        assert_eq!(parse(lf.as_bytes()).unwrap(), expected_good());

        // A comma-separated file (LibreOffice, English Excel): cells holding a comma are quoted.
        let file = "site,date,langue,\"Globalement, êtes-vous satisfait(e) de l'accueil reçu aujourd'hui ?\",amabilite,remarque\n\
                    prefecture,03/03/2025,fr,1,Tout à fait,\"Bien, merci.\nDeuxième ligne\"\n\
                    sp-le-havre,2025-03-15,pt,Plutôt satisfait(e),,\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].answers.choices, map(&[("satisfaction_globale", "tres_satisfait"), ("amabilite", "tout_a_fait")]));
        assert_eq!(parsed[0].answers.texts, map(&[("remarque", "Bien, merci.\nDeuxième ligne")]));
        assert_eq!((parsed[1].line, parsed[1].language.as_str()), (4, "pt"));
        assert_eq!(parsed[1].answers.choices, map(&[("satisfaction_globale", "plutot_satisfait")]));
    }

    #[test]
    fn tab_separated_file_is_accepted() {
        let file = "site\tdate\tsatisfaction_globale\tremarque\r\nsp-dieppe\t01/03/2025\t3\tUn, deux; trois\r\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed[0].answers.choices["satisfaction_globale"], "plutot_pas_satisfait");
        assert_eq!(parsed[0].answers.texts["remarque"], "Un, deux; trois");
    }

    #[test]
    fn bad_file_lists_every_error_and_imports_nothing() {
        let report = parse(BAD).unwrap_err();
        assert_eq!(report.file_errors.len(), 1, "{:?}", report.file_errors);
        assert!(report.file_errors[0].contains("Colonne inconnue : « commentaire_agent » (colonne F)"), "{}", report.file_errors[0]);
        let found: Vec<(usize, &str)> = report.row_errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (2, "satisfaction_globale"),
                (4, "date"),
                (5, "date"),
                (6, "date"),
                (7, "satisfaction_globale"),
                (8, "site"),
                (9, "remarque"),
                (10, "langue"),
                (10, "satisfaction_globale"),
                (10, "amabilite"),
                (10, "colonne H (sans titre)"),
            ]
        );
        let message = |line: usize, column: &str| &report.row_errors.iter().find(|e| e.line == line && e.column == column).unwrap().message;
        assert_eq!(
            message(2, "satisfaction_globale"),
            "réponse inconnue : « bof ». Réponses possibles : 1 Très satisfait(e), 2 Plutôt satisfait(e), 3 Plutôt pas satisfait(e), 4 Pas du tout satisfait(e)."
        );
        assert_eq!(message(4, "date"), "date hors de la campagne : le 15/02/2025 n'est pas entre le 01/03/2025 et le 30/06/2025.");
        assert_eq!(message(5, "date"), "date dans le futur : le 20/04/2025 est après aujourd'hui (15/04/2025).");
        assert!(message(6, "date").starts_with("date illisible : « 31/02/2025 »"));
        assert_eq!(message(7, "satisfaction_globale"), "réponse manquante : cette question est obligatoire.");
        assert!(message(8, "site").starts_with("site inconnu : « Préfecture de Paris ». Sites possibles : prefecture (Préfecture de la Seine-Maritime), sp-dieppe"));
        assert!(message(9, "remarque").starts_with("texte trop long : 2 001 caractères pour 2 000 au plus."), "{}", message(9, "remarque"));
        assert!(message(10, "langue").contains("« de »"));
        assert!(message(10, "satisfaction_globale").starts_with("réponse inconnue : « 7 »"));
        // The long text is shown shortened, never lost silently.
        let long = report.row_errors.iter().find(|e| e.column == "remarque").unwrap();
        assert_eq!(long.value.chars().count(), DISPLAY_CHARS);
        assert!(long.value.starts_with("Attente trop longue.") && long.value.ends_with('…'));
        assert_eq!(report.rows_checked, 9);
        assert_eq!(report.summary(), "Fichier refusé : 12 erreurs sur 9 lignes. Aucune réponse n'a été importée.");
    }

    #[test]
    fn latin1_file_gets_the_save_as_utf8_message() {
        let file = b"site;date;satisfaction_globale;remarque\r\nprefecture;03/03/2025;1;ok\r\nprefecture;03/03/2025;1;tr\xe8s bien\r\n";
        let report = parse(file).unwrap_err();
        assert_eq!(report.file_errors.len(), 1);
        let message = &report.file_errors[0];
        assert!(message.starts_with("Le fichier n'est pas enregistré en UTF-8 : la ligne 3 contient"), "{message}");
        assert!(message.contains("CSV UTF-8"));
        assert!(report.row_errors.is_empty());
        assert_eq!(report.summary(), "Fichier refusé : 1 erreur. Aucune réponse n'a été importée.");
        // UTF-16 and workbooks are recognised too.
        assert!(parse(b"\xFF\xFEs\0i\0t\0e\0").unwrap_err().file_errors[0].contains("UTF-16"));
        assert!(parse(b"PK\x03\x04rest").unwrap_err().file_errors[0].contains("classeur Excel"));
    }

    #[test]
    fn empty_and_header_only_files_are_refused() {
        for empty in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\r\n", b";;;\r\n;;\r\n"] {
            let report = parse(empty).unwrap_err();
            assert_eq!(report.file_errors.len(), 1);
            assert!(report.file_errors[0].starts_with("Le fichier est vide"), "{:?}", report.file_errors);
        }
        let report = parse(b"\xEF\xBB\xBFsite;date;langue;satisfaction_globale\r\n;;;\r\n").unwrap_err();
        assert_eq!(report.file_errors, vec!["Le fichier ne contient que la ligne des titres de colonnes : aucun questionnaire à importer.".to_string()]);
        assert_eq!(report.rows_checked, 0);
    }

    #[test]
    fn header_problems_are_file_errors_naming_the_column() {
        let report = parse("Date ; AMABILITÉ ;langue;L'agent qui vous a reçu(e) a-t-il été aimable ?;age\nx;x;x;x;x\n".as_bytes()).unwrap_err();
        let errors = report.file_errors.join("\n");
        assert!(
            errors.contains("Colonne en double : « L'agent qui vous a reçu(e) a-t-il été aimable ? » (colonne D) désigne la même chose que « AMABILITÉ » (colonne B)"),
            "{errors}"
        );
        assert!(errors.contains("Colonne inconnue : « age » (colonne E)"), "{errors}");
        assert!(errors.contains("Colonne « site » absente"), "{errors}");
        assert!(errors.contains("Colonne absente pour la question obligatoire « satisfaction_globale »"), "{errors}");
        assert!(!errors.contains("Colonne « date » absente"), "{errors}");
        assert_eq!(report.file_errors.len(), 4);
        // Cells are still checked where the header allows it.
        assert_eq!(report.row_errors.iter().map(|e| e.column.as_str()).collect::<Vec<_>>(), vec!["Date", "AMABILITÉ", "langue"]);
    }

    #[test]
    fn sites_dates_languages_and_options_are_matched_leniently() {
        let file = "site;date;langue;satisfaction_globale;temps_attente;rendez_vous\n\
                    \u{a0}SOUS-PRÉFECTURE   du havre ;01/03/2025;Arabe;plutôt satisfait;Plus d’1 h;OUI\n\
                    SP-DIEPPE;2025-06-30;EN;Pas du tout satisfaite;15_30_min;\n\
                    prefecture;1/3/2025;;04;1;2\n";
        let parsed = parse_paper_csv(file.as_bytes(), &questionnaire(), &sites(), PERIOD, day(2025, 7, 1)).unwrap_err();
        // « satisfaite » is not « satisfait(e) »: only the `(e)` ending is ignored.
        assert_eq!(parsed.row_errors.len(), 1);
        assert_eq!((parsed.row_errors[0].line, parsed.row_errors[0].value.as_str()), (3, "Pas du tout satisfaite"));

        let file = file.replace("satisfaite", "satisfait");
        let parsed = parse_paper_csv(file.as_bytes(), &questionnaire(), &sites(), PERIOD, day(2025, 7, 1)).unwrap();
        assert_eq!((parsed[0].site_slug.as_str(), parsed[0].language.as_str()), ("sp-le-havre", "ar"));
        assert_eq!(parsed[0].answers.choices, map(&[("satisfaction_globale", "plutot_satisfait"), ("temps_attente", "plus_1_h"), ("rendez_vous", "oui")]));
        assert_eq!((parsed[1].site_slug.as_str(), parsed[1].visit_date, parsed[1].language.as_str()), ("sp-dieppe", day(2025, 6, 30), "en"));
        assert_eq!(parsed[2].visit_date, day(2025, 3, 1));
        assert_eq!(parsed[2].answers.choices, map(&[("satisfaction_globale", "pas_du_tout_satisfait"), ("temps_attente", "moins_15_min"), ("rendez_vous", "non")]));
    }

    #[test]
    fn dates_need_a_four_digit_year_and_a_real_day() {
        assert_eq!(parse_date("05/03/2025"), Some(day(2025, 3, 5)));
        assert_eq!(parse_date("5/3/2025"), Some(day(2025, 3, 5)));
        assert_eq!(parse_date("2025-03-05"), Some(day(2025, 3, 5)));
        for bad in ["05/03/25", "2025/03/05", "29/02/2025", "05-03-2025", "5 mars 2025", "45731", "05/03/2025 10:00"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn short_rows_count_as_empty_cells_and_extra_cells_are_errors() {
        let report = parse(b"site;date;satisfaction_globale;remarque\nprefecture;03/03/2025\nprefecture;03/03/2025;1;;;\n").unwrap_err();
        assert_eq!(report.row_errors.len(), 1);
        assert_eq!((report.row_errors[0].line, report.row_errors[0].column.as_str()), (2, "satisfaction_globale"));
        assert_eq!(report.rows_checked, 2);
        let report = parse(b"site;date;satisfaction_globale;remarque\nprefecture;03/03/2025;1;Bien;mais lent\n").unwrap_err();
        assert_eq!(report.row_errors[0].column, "colonne E (sans titre)");
        assert_eq!(report.row_errors[0].value, "mais lent");
    }

    #[test]
    fn unclosed_quote_is_reported_with_its_line() {
        let report =
            parse(b"site;date;satisfaction_globale;remarque\r\nprefecture;03/03/2025;1;ok\r\nprefecture;03/03/2025;1;\"Bien\r\nprefecture;03/03/2025;1;ok\r\n").unwrap_err();
        assert_eq!(report.file_errors.len(), 1);
        assert!(report.file_errors[0].contains("ouvert ligne 3"), "{}", report.file_errors[0]);
        // A quote inside an unquoted cell, and doubled quotes, are fine.
        let ok = parse(b"site;date;satisfaction_globale;remarque\nprefecture;03/03/2025;1;un 5\" de trop\nprefecture;03/03/2025;1;\"dit \"\"ok\"\"\"\n").unwrap();
        assert_eq!(ok[0].answers.texts["remarque"], "un 5\" de trop");
        assert_eq!(ok[1].answers.texts["remarque"], "dit \"ok\"");
    }

    #[test]
    fn row_errors_are_capped_and_row_count_limited() {
        let mut file = String::from("site;date;satisfaction_globale\n");
        for _ in 0..600 {
            file.push_str("nulle-part;03/03/2025;1\n");
        }
        let report = parse(file.as_bytes()).unwrap_err();
        assert_eq!((report.row_errors.len(), report.omitted_row_errors, report.rows_checked), (MAX_ROW_ERRORS, 100, 600));
        assert_eq!(report.row_errors.last().unwrap().line, 501);
        assert_eq!(report.omitted_note().as_deref(), Some("… et 100 autres erreurs"));
        assert_eq!(
            report.summary(),
            "Fichier refusé : 600 erreurs sur 600 lignes. Seules les 500 premières erreurs de lignes sont détaillées (… et 100 autres erreurs). Aucune réponse n'a été importée."
        );

        let file = "site;date;satisfaction_globale\nprefecture;03/03/2025;1\nprefecture;03/03/2025;2\nprefecture;03/03/2025;3\n";
        assert_eq!(parse_paper_csv_limited(file.as_bytes(), &questionnaire(), &sites(), PERIOD, today(), 3).unwrap().len(), 3);
        let report = parse_paper_csv_limited(file.as_bytes(), &questionnaire(), &sites(), PERIOD, today(), 2).unwrap_err();
        assert_eq!(report.rows_checked, 2);
        assert!(report.file_errors[0].starts_with("Le fichier contient 3 questionnaires, plus que la limite de 2 par fichier"), "{:?}", report.file_errors);
    }

    #[test]
    fn template_has_every_column_and_an_example_that_cannot_be_imported_as_is() {
        let q = questionnaire();
        let template = template_csv(&q);
        assert!(template.starts_with("\u{feff}site;date;langue;satisfaction_globale;amabilite;simplicite_langage;conseil;temps_attente;rendez_vous;demarche;remarque\r\n"));
        assert_eq!(template.matches("\r\n").count(), 2);
        let january = (day(2025, 1, 1), day(2025, 1, 31));
        let report = parse_paper_csv(template.as_bytes(), &q, &sites(), january, today()).unwrap_err();
        assert_eq!(report.error_count(), 1);
        assert_eq!((report.row_errors[0].line, report.row_errors[0].column.as_str()), (2, "site"));
        // With a real site, the example row is valid: every example value is accepted.
        let fixed = template.replace(TEMPLATE_SITE, "prefecture");
        let parsed = parse_paper_csv(fixed.as_bytes(), &q, &sites(), january, today()).unwrap();
        assert_eq!(parsed[0].answers.choices.len(), 7);
        assert_eq!(parsed[0].answers.choices["satisfaction_globale"], "tres_satisfait");
        assert_eq!(parsed[0].answers.texts.len(), 1);
    }

    #[test]
    fn column_help_covers_every_template_column() {
        let q = questionnaire();
        let help = column_help(&q);
        let columns: Vec<&str> = help.iter().map(|(c, _)| c.as_str()).collect();
        let template = template_csv(&q);
        let header = template.trim_start_matches('\u{feff}').lines().next().unwrap();
        assert_eq!(columns, header.split(';').collect::<Vec<_>>());
        let globale = &help[3].1;
        assert!(globale.contains("Obligatoire") && globale.contains("1 = Très satisfait(e) (tres_satisfait)"), "{globale}");
        assert!(help.last().unwrap().1.contains("2 000 caractères au plus"));
    }

    #[test]
    fn helpers() {
        assert_eq!(fold("  Très\u{a0} SATISFAIT(E)  "), "tres satisfait(e)");
        assert_eq!(fold("Pre\u{301}fecture"), "prefecture");
        assert_eq!(loose("Très satisfait(e)"), "tres satisfait");
        assert_eq!(shorten("abc"), "abc");
        assert_eq!((column_letter(0), column_letter(25), column_letter(26), column_letter(27)), ("A".into(), "Z".into(), "AA".into(), "AB".into()));
        assert_eq!((fr_int(7), fr_int(2000), fr_int(1234567)), ("7".into(), "2 000".into(), "1 234 567".into()));
        assert_eq!(CHANNEL, "papier");
    }
}
