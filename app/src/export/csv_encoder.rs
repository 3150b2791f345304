//! Streaming CSV encoding: dialects, a chunking encoder and a `Stream` adapter.

use std::borrow::Cow;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Mutex;

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::cell::{format_number, safe_cell, Cell};
use super::ExportError;

/// Size (bytes) from which [`CsvEncoder::take_chunk`] hands out its buffer: 64 KiB. A chunk is
/// at most this size plus one encoded row, when `take_chunk` is called after every row.
pub const CSV_CHUNK_SIZE: usize = 64 * 1024;

/// UTF-8 byte order mark, which makes Excel read the file as UTF-8 instead of Windows-1252.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The CSV flavour of an export.
///
/// Both dialects end lines with CRLF and quote a field only when needed, i.e. when it contains
/// the separator, a double quote (doubled inside the field), CR or LF (RFC 4180 §2). A
/// multi-line free text therefore stays ONE quoted field, its line breaks kept as they are.
/// Quoting is done by the `csv` crate's writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvDialect {
    /// For French Excel (double-click opening): UTF-8 with a BOM (`EF BB BF`) first, `;` as
    /// separator (the `,` is the French decimal separator, so French Excel expects `;`), CRLF.
    /// Typed numbers ([`Cell::Number`] through [`CsvEncoder::row_cells`]) use a decimal comma.
    ExcelFr,
    /// Plain RFC 4180: no BOM, `,` separator, CRLF, decimal point. For scripts and other tools.
    Rfc4180,
}

impl CsvDialect {
    /// Parses the query-string value: `"excel"` → [`CsvDialect::ExcelFr`], `"rfc4180"` →
    /// [`CsvDialect::Rfc4180`] (ASCII case-insensitive, surrounding spaces ignored); anything
    /// else → `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("excel") {
            Some(CsvDialect::ExcelFr)
        } else if value.eq_ignore_ascii_case("rfc4180") {
            Some(CsvDialect::Rfc4180)
        } else {
            None
        }
    }

    /// HTTP `Content-Type` of the output: `text/csv; charset=utf-8` for both dialects.
    pub fn content_type(&self) -> &'static str {
        "text/csv; charset=utf-8"
    }

    /// File extension for `Content-Disposition`, without the dot: `csv`.
    pub fn file_extension(&self) -> &'static str {
        "csv"
    }

    /// Field separator byte.
    pub fn separator(&self) -> u8 {
        match self {
            CsvDialect::ExcelFr => b';',
            CsvDialect::Rfc4180 => b',',
        }
    }

    /// Whether the output starts with the UTF-8 BOM.
    pub fn has_bom(&self) -> bool {
        matches!(self, CsvDialect::ExcelFr)
    }

    /// Renders a typed cell for this dialect, formula guard included: text and dates through
    /// [`safe_cell`]; numbers unguarded (a formatted `f64` holds only digits, `-` and the decimal
    /// separator, so `-5` stays a number) with `,` as decimal separator for
    /// [`CsvDialect::ExcelFr`].
    pub fn render(&self, cell: &Cell) -> String {
        let mut out = String::new();
        self.render_into(cell, &mut out);
        out
    }

    /// [`CsvDialect::render`] into `out` (cleared first), so that a caller encoding many rows
    /// reuses one buffer instead of allocating a string per cell.
    fn render_into(&self, cell: &Cell, out: &mut String) {
        use std::fmt::Write as _;
        out.clear();
        // Writing to a String cannot fail.
        let _ = match cell {
            Cell::Number(n) => {
                out.push_str(&format_number(*n));
                if matches!(self, CsvDialect::ExcelFr) {
                    if let Some(dot) = out.find('.') {
                        out.replace_range(dot..dot + 1, ",");
                    }
                }
                Ok(())
            }
            Cell::Text(_) | Cell::Shared(_) => {
                out.push_str(&safe_cell(cell.as_text().unwrap_or_default()));
                Ok(())
            }
            Cell::Date(d) => write!(out, "{}", d.format("%Y-%m-%d")),
            Cell::DateTime(dt) => write!(out, "{}", dt.format("%Y-%m-%d %H:%M:%S")),
            Cell::Empty => Ok(()),
        };
        if matches!(cell, Cell::Date(_) | Cell::DateTime(_)) {
            if let Cow::Owned(guarded) = safe_cell(out) {
                *out = guarded;
            }
        }
    }
}

/// `io::Write` target of the `csv` writer. The `Mutex` only exists so that the buffer can be
/// taken through `csv::Writer::get_ref` (the writer has no `get_mut`); writes go through
/// `Mutex::get_mut` and never lock.
#[derive(Debug, Default)]
struct Sink(Mutex<Vec<u8>>);

impl Sink {
    fn take(&self) -> Vec<u8> {
        let mut buf = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::replace(&mut *buf, Vec::with_capacity(CSV_CHUNK_SIZE + 4096))
    }

    fn len(&self) -> usize {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Row-by-row CSV encoder with bounded memory: rows are appended to an internal buffer that the
/// caller empties with [`CsvEncoder::take_chunk`] (≥ [`CSV_CHUNK_SIZE`]) after each row, and
/// with [`CsvEncoder::finish`] at the end. The BOM (for [`CsvDialect::ExcelFr`]) and the header
/// line are part of the first chunk.
///
/// Every row must have as many cells as the header, otherwise [`CsvEncoder::row`] fails with
/// [`ExportError::WrongColumnCount`] and writes nothing. Encoding is synchronous and cheap
/// (no I/O).
#[derive(Debug)]
pub struct CsvEncoder {
    dialect: CsvDialect,
    writer: csv::Writer<Sink>,
    columns: usize,
    rows: u64,
    /// Reused buffer of [`CsvEncoder::row_cells`] for cells that are not text (numbers, dates).
    scratch: String,
    /// Error from writing the header in `new` (cannot happen with an in-memory sink; kept so
    /// that `new` stays infallible without panicking). Reported by the next `row`/`finish`.
    pending: Option<ExportError>,
}

impl CsvEncoder {
    /// Creates the encoder and encodes the BOM (Excel dialect) and the header line, each header
    /// cell going through [`safe_cell`].
    pub fn new(dialect: CsvDialect, header: &[String]) -> Self {
        let mut sink = Sink::default();
        if dialect.has_bom() {
            sink.0
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(UTF8_BOM);
        }
        let writer = csv::WriterBuilder::new()
            .delimiter(dialect.separator())
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .double_quote(true)
            .has_headers(false)
            .flexible(false)
            .from_writer(sink);
        let mut encoder = CsvEncoder {
            dialect,
            writer,
            columns: header.len(),
            rows: 0,
            scratch: String::new(),
            pending: None,
        };
        if let Err(err) = encoder.write_guarded(header.iter().map(String::as_str)) {
            encoder.pending = Some(err);
        }
        encoder
    }

    /// The dialect given to [`CsvEncoder::new`].
    pub fn dialect(&self) -> CsvDialect {
        self.dialect
    }

    /// Number of data rows encoded so far (header excluded).
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Appends one row of text cells, each through [`safe_cell`].
    ///
    /// Errors: [`ExportError::WrongColumnCount`] when the number of cells differs from the
    /// header's (nothing is written then, the encoder stays usable).
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), ExportError> {
        self.check_columns(cells.len())?;
        self.write_guarded(cells.iter().map(AsRef::as_ref))?;
        self.rows += 1;
        Ok(())
    }

    /// Appends one row of typed cells rendered with [`CsvDialect::render`] (formula guard on
    /// text and dates, dialect's decimal separator on numbers).
    ///
    /// Errors: as [`CsvEncoder::row`].
    pub fn row_cells(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        self.check_columns(cells.len())?;
        if let Some(err) = self.pending.take() {
            return Err(err);
        }
        for cell in cells {
            // Text is written from where it is (no copy unless the formula guard applies).
            match cell.as_text() {
                Some(text) => self.writer.write_field(safe_cell(text).as_bytes())?,
                None => {
                    self.dialect.render_into(cell, &mut self.scratch);
                    self.writer.write_field(self.scratch.as_bytes())?;
                }
            }
        }
        self.end_record()?;
        self.rows += 1;
        Ok(())
    }

    /// Returns the buffered bytes if there are at least [`CSV_CHUNK_SIZE`] of them, leaving the
    /// buffer empty; `None` otherwise. Call it after each row to stream with constant memory.
    pub fn take_chunk(&mut self) -> Option<Bytes> {
        let sink = self.writer.get_ref();
        if sink.len() >= CSV_CHUNK_SIZE {
            Some(Bytes::from(sink.take()))
        } else {
            None
        }
    }

    /// Returns whatever is buffered, whatever its size (`None` if nothing is). Used to send the
    /// BOM and header at once, before the first rows are available.
    pub fn take_buffered(&mut self) -> Option<Bytes> {
        let sink = self.writer.get_ref();
        if sink.len() > 0 {
            Some(Bytes::from(sink.take()))
        } else {
            None
        }
    }

    /// Ends the encoding and returns the remaining buffered bytes (possibly empty).
    ///
    /// Errors: only the (in practice impossible) header error deferred by [`CsvEncoder::new`].
    pub fn finish(mut self) -> Result<Bytes, ExportError> {
        if let Some(err) = self.pending.take() {
            return Err(err);
        }
        self.writer.flush()?;
        Ok(Bytes::from(self.writer.get_ref().take()))
    }

    fn check_columns(&self, found: usize) -> Result<(), ExportError> {
        if found == self.columns {
            Ok(())
        } else {
            Err(ExportError::WrongColumnCount {
                // Header = record 1, so data row n is record n + 1.
                row: u32::try_from(self.rows + 2).unwrap_or(u32::MAX),
                expected: self.columns,
                found,
            })
        }
    }

    fn write_guarded<'a>(
        &mut self,
        cells: impl Iterator<Item = &'a str>,
    ) -> Result<(), ExportError> {
        if let Some(err) = self.pending.take() {
            return Err(err);
        }
        for cell in cells {
            self.writer.write_field(safe_cell(cell).as_bytes())?;
        }
        self.end_record()
    }

    /// Terminates the record (the `csv` writer checks the field count here) and flushes the
    /// writer's own 8 KiB buffer into the sink, so that `take_chunk` sees every byte.
    fn end_record(&mut self) -> Result<(), ExportError> {
        self.writer.write_record(std::iter::empty::<&[u8]>())?;
        self.writer.flush()?;
        Ok(())
    }
}

/// A row [`csv_stream`] can encode: text cells ([`CsvEncoder::row`]) or typed cells
/// ([`CsvEncoder::row_cells`]).
pub trait CsvRow {
    /// Appends `self` to `encoder`; errors as [`CsvEncoder::row`].
    fn encode(&self, encoder: &mut CsvEncoder) -> Result<(), ExportError>;
}

impl CsvRow for Vec<String> {
    fn encode(&self, encoder: &mut CsvEncoder) -> Result<(), ExportError> {
        encoder.row(self)
    }
}

impl CsvRow for Vec<Cell> {
    fn encode(&self, encoder: &mut CsvEncoder) -> Result<(), ExportError> {
        encoder.row_cells(self)
    }
}

/// Streams a CSV export: yields the BOM + header chunk first (so the download starts at once),
/// then chunks of about [`CSV_CHUNK_SIZE`] bytes (at most 64 KiB + one row), then the tail.
///
/// `rows` yields one row per data row ([`CsvRow`]: `Vec<String>` or `Vec<Cell>`); each text
/// cell goes through [`safe_cell`]. Memory
/// stays constant whatever the number of rows.
///
/// Errors: an `Err` from `rows`, or an encoding error (wrong number of cells, converted with
/// `E::from(ExportError)`), is yielded as the stream's last item and the stream ends there.
/// Given to `axum::body::Body::from_stream`, that error aborts the HTTP response (chunked
/// body never terminated, connection reset), so the client sees a failed download instead of
/// a silently truncated file. The header chunk may already be sent at that point.
pub fn csv_stream<S, R, E>(
    dialect: CsvDialect,
    header: Vec<String>,
    rows: S,
) -> impl Stream<Item = Result<Bytes, E>>
where
    S: Stream<Item = Result<R, E>>,
    R: CsvRow,
    E: From<ExportError>,
{
    struct State<S> {
        /// `None` once the stream is over (after the tail or an error).
        encoder: Option<CsvEncoder>,
        rows: Pin<Box<S>>,
        header_sent: bool,
    }

    let state = State {
        encoder: Some(CsvEncoder::new(dialect, &header)),
        rows: Box::pin(rows),
        header_sent: false,
    };

    futures::stream::unfold(state, |mut state| async move {
        let mut encoder = state.encoder.take()?;
        if !state.header_sent {
            state.header_sent = true;
            let head = encoder.take_buffered().unwrap_or_default();
            state.encoder = Some(encoder);
            return Some((Ok(head), state));
        }
        loop {
            match state.rows.next().await {
                Some(Ok(row)) => {
                    if let Err(err) = row.encode(&mut encoder) {
                        return Some((Err(E::from(err)), state));
                    }
                    if let Some(chunk) = encoder.take_chunk() {
                        state.encoder = Some(encoder);
                        return Some((Ok(chunk), state));
                    }
                }
                Some(Err(err)) => return Some((Err(err), state)),
                None => {
                    return match encoder.finish() {
                        Ok(tail) if tail.is_empty() => None,
                        Ok(tail) => Some((Ok(tail), state)),
                        Err(err) => Some((Err(E::from(err)), state)),
                    };
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    const GOLDEN_EXCEL_FR: &[u8] = include_bytes!("testdata/excel_fr.csv");
    const GOLDEN_RFC4180: &[u8] = include_bytes!("testdata/rfc4180.csv");

    fn golden_header() -> Vec<String> {
        [
            "Identifiant",
            "=Votre avis ?",
            "Qualité de l'accueil",
            "Commentaire",
        ]
        .map(String::from)
        .to_vec()
    }

    fn golden_rows() -> Vec<Vec<String>> {
        [
            ["1", r#"=HYPERLINK("http://x","y")"#, "+33 1 23", "-5"],
            [
                "2",
                "@SUM(A1)",
                "\tdébut tabulé",
                "ligne 1\nligne 2; avec point-virgule",
            ],
            [
                "3",
                r#"Il a dit "bonjour""#,
                "مرحبا بكم في المحافظة",
                "Très bien 👍",
            ],
            ["4", "", "a=b", "Accents : éèêàçôœ, virgule"],
        ]
        .iter()
        .map(|r| r.map(String::from).to_vec())
        .collect()
    }

    fn encode_all(dialect: CsvDialect, header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
        let mut enc = CsvEncoder::new(dialect, header);
        for row in rows {
            enc.row(row).unwrap();
        }
        enc.finish().unwrap().to_vec()
    }

    /// Parses `data` back (header row + records) and checks it against the guarded input.
    fn parse_back(dialect: CsvDialect, data: &[u8]) -> Vec<Vec<String>> {
        let body = if dialect.has_bom() {
            assert!(data.starts_with(UTF8_BOM), "BOM missing");
            &data[3..]
        } else {
            assert!(!data.starts_with(UTF8_BOM), "unexpected BOM");
            data
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(dialect.separator())
            .has_headers(false)
            .from_reader(body);
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    fn check_golden(dialect: CsvDialect, golden: &[u8]) {
        let out = encode_all(dialect, &golden_header(), &golden_rows());
        assert_eq!(
            out,
            golden,
            "encoding differs from golden file:\n{}\n---\n{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(golden)
        );
        let parsed = parse_back(dialect, golden);
        let rows = golden_rows();
        assert_eq!(parsed.len(), 1 + rows.len(), "header + data rows");
        let guard = |r: &Vec<String>| {
            r.iter()
                .map(|c| safe_cell(c).into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(parsed[0], guard(&golden_header()));
        for (got, want) in parsed[1..].iter().zip(&rows) {
            assert_eq!(got, &guard(want));
        }
    }

    #[test]
    fn golden_excel_fr() {
        check_golden(CsvDialect::ExcelFr, GOLDEN_EXCEL_FR);
        let text = std::str::from_utf8(&GOLDEN_EXCEL_FR[3..]).unwrap();
        assert!(text.starts_with("Identifiant;'=Votre avis ?;"));
        assert!(text.contains("\"ligne 1\nligne 2; avec point-virgule\"\r\n"));
        // `,` is not special with `;` as separator.
        assert!(text.contains(";Accents : éèêàçôœ, virgule\r\n"));
    }

    #[test]
    fn golden_rfc4180() {
        check_golden(CsvDialect::Rfc4180, GOLDEN_RFC4180);
        let text = std::str::from_utf8(GOLDEN_RFC4180).unwrap();
        assert!(text.starts_with("Identifiant,'=Votre avis ?,"));
        assert!(text.contains(",\"Accents : éèêàçôœ, virgule\"\r\n"));
        assert!(text.contains(r#","'=HYPERLINK(""http://x"",""y"")","#));
    }

    #[test]
    fn every_line_ends_with_crlf_outside_quotes() {
        for (dialect, golden) in [
            (CsvDialect::ExcelFr, GOLDEN_EXCEL_FR),
            (CsvDialect::Rfc4180, GOLDEN_RFC4180),
        ] {
            // Only the multi-line comment holds a bare LF; every record ends with CRLF.
            let crlf = golden.windows(2).filter(|w| w == b"\r\n").count();
            assert_eq!(crlf, 5, "{dialect:?}");
            assert!(golden.ends_with(b"\r\n"));
        }
    }

    #[test]
    fn dialect_parsing_and_http_metadata() {
        assert_eq!(CsvDialect::parse("excel"), Some(CsvDialect::ExcelFr));
        assert_eq!(CsvDialect::parse(" RFC4180 "), Some(CsvDialect::Rfc4180));
        assert_eq!(CsvDialect::parse("tsv"), None);
        assert_eq!(
            CsvDialect::ExcelFr.content_type(),
            "text/csv; charset=utf-8"
        );
        assert_eq!(CsvDialect::Rfc4180.file_extension(), "csv");
    }

    #[test]
    fn wrong_number_of_cells_is_an_error() {
        let mut enc = CsvEncoder::new(CsvDialect::Rfc4180, &golden_header());
        enc.row(&golden_rows()[0]).unwrap();
        let err = enc.row(&["only", "three", "cells"]).unwrap_err();
        assert!(
            matches!(
                err,
                ExportError::WrongColumnCount {
                    row: 3,
                    expected: 4,
                    found: 3
                }
            ),
            "{err:?}"
        );
        // Nothing of the bad row was written; the encoder goes on.
        enc.row(&golden_rows()[1]).unwrap();
        let out = enc.finish().unwrap();
        assert_eq!(parse_back(CsvDialect::Rfc4180, &out).len(), 3);
    }

    #[test]
    fn typed_cells_follow_the_dialect() {
        let header = ["n", "neg", "date", "text"].map(String::from);
        let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        let row = [
            Cell::Number(4.25),
            Cell::Number(-5.0),
            Cell::Date(date),
            Cell::from("-5"),
        ];
        let mut fr = CsvEncoder::new(CsvDialect::ExcelFr, &header);
        fr.row_cells(&row).unwrap();
        let fr = fr.finish().unwrap();
        assert_eq!(
            &fr[..],
            "\u{feff}n;neg;date;text\r\n4,25;-5;2025-01-31;'-5\r\n".as_bytes()
        );
        let mut rfc = CsvEncoder::new(CsvDialect::Rfc4180, &header);
        rfc.row_cells(&row).unwrap();
        assert_eq!(
            &rfc.finish().unwrap()[..],
            b"n,neg,date,text\r\n4.25,-5,2025-01-31,'-5\r\n"
        );
    }

    fn big_row(i: usize) -> Vec<String> {
        vec![
            i.to_string(),
            "2025-06-01 12:00:00".to_owned(),
            format!("Réponse n°{i}; avec \"guillemets\""),
            if i.is_multiple_of(7) {
                "=1+1".to_owned()
            } else {
                "ok".to_owned()
            },
        ]
    }

    #[test]
    fn stream_chunks_are_bounded_and_concatenate_to_the_full_encoding() {
        const N: usize = 200_000;
        let header = golden_header();
        let rows = futures::stream::iter((0..N).map(|i| Ok::<_, ExportError>(big_row(i))));
        let chunks: Vec<Bytes> = block_on(
            csv_stream(CsvDialect::ExcelFr, header.clone(), rows)
                .map(|c| c.unwrap())
                .collect(),
        );

        let max_row = (0..N)
            .map(|i| big_row(i).iter().map(|c| c.len() + 4).sum::<usize>() + 2)
            .max()
            .unwrap();
        assert!(chunks.len() > 10, "only {} chunks", chunks.len());
        // First chunk: BOM + header line only.
        let header_only = encode_all(CsvDialect::ExcelFr, &header, &[]);
        assert_eq!(&chunks[0][..], &header_only[..]);
        for chunk in &chunks[1..] {
            assert!(!chunk.is_empty());
            assert!(
                chunk.len() <= CSV_CHUNK_SIZE + max_row,
                "chunk of {} bytes",
                chunk.len()
            );
        }
        let joined: Vec<u8> = chunks.concat();
        let rows: Vec<Vec<String>> = (0..N).map(big_row).collect();
        assert_eq!(joined, encode_all(CsvDialect::ExcelFr, &header, &rows));
        assert_eq!(parse_back(CsvDialect::ExcelFr, &joined).len(), N + 1);
    }

    #[derive(Debug)]
    enum TestError {
        Export(ExportError),
        Database(&'static str),
    }

    impl From<ExportError> for TestError {
        fn from(err: ExportError) -> Self {
            TestError::Export(err)
        }
    }

    #[test]
    fn stream_ends_with_the_rows_error() {
        let rows = futures::stream::iter((0..10_000).map(|i| {
            if i == 5_000 {
                Err(TestError::Database("connection lost"))
            } else {
                Ok(big_row(i))
            }
        }));
        let items: Vec<Result<Bytes, TestError>> =
            block_on(csv_stream(CsvDialect::Rfc4180, golden_header(), rows).collect());
        let (last, before) = items.split_last().unwrap();
        assert!(
            matches!(last, Err(TestError::Database("connection lost"))),
            "{last:?}"
        );
        assert!(before.iter().all(Result::is_ok));
        assert!(
            before.len() >= 2,
            "header and some data chunks went out first"
        );
    }

    #[test]
    fn stream_ends_with_an_encoding_error() {
        let rows = futures::stream::iter(vec![
            Ok::<_, TestError>(big_row(0)),
            Ok(vec!["too".to_owned(), "short".to_owned()]),
            Ok(big_row(2)),
        ]);
        let items: Vec<_> =
            block_on(csv_stream(CsvDialect::Rfc4180, golden_header(), rows).collect());
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(matches!(
            items[1],
            Err(TestError::Export(ExportError::WrongColumnCount { .. }))
        ));
    }

    #[test]
    fn empty_export_is_bom_and_header() {
        let items: Vec<_> = block_on(
            csv_stream(
                CsvDialect::ExcelFr,
                vec!["a".into(), "b".into()],
                futures::stream::empty::<Result<Vec<String>, ExportError>>(),
            )
            .collect(),
        );
        assert_eq!(items.len(), 1);
        assert_eq!(&items[0].as_ref().unwrap()[..], b"\xEF\xBB\xBFa;b\r\n");
    }

    #[test]
    fn encoder_and_stream_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let enc = CsvEncoder::new(CsvDialect::ExcelFr, &golden_header());
        assert_send(&enc);
        let s = csv_stream(
            CsvDialect::ExcelFr,
            golden_header(),
            futures::stream::empty::<Result<Vec<String>, ExportError>>(),
        );
        assert_send(&s);
    }
}
