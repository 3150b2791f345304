//! XLSX export in constant memory, on top of `rust_xlsxwriter`.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};

use bytes::Bytes;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use futures::Stream;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::cell::{safe_cell, Cell};
use super::ExportError;

/// HTTP `Content-Type` of an XLSX file.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Excel's worksheet size: 1,048,576 rows (Excel specifications and limits).
const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Data rows an export can hold: Excel's 1,048,576 rows minus the header row.
pub const XLSX_MAX_DATA_ROWS: u32 = EXCEL_MAX_ROWS - 1;

/// Excel's limit on the length of a cell's text: 32,767 characters, counted as UTF-16 code
/// units (an emoji counts 2), as `rust_xlsxwriter` and Excel do.
pub const XLSX_MAX_CELL_CHARS: usize = 32_767;

/// Excel's limit on a sheet name, in characters.
const SHEET_NAME_MAX_CHARS: usize = 31;

/// Column widths are estimated from the header and this many first data rows (cheap, unlike an
/// autofit over a million rows).
const WIDTH_SAMPLE_ROWS: u32 = 1_000;
/// Bounds of the estimated column widths, in Excel character units.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// Number formats. `/` is the locale's date separator in Excel number formats: French Excel
/// shows `07/03/2025`.
const DATE_FORMAT: &str = "dd/mm/yyyy";
const DATETIME_FORMAT: &str = "dd/mm/yyyy hh:mm:ss";

/// A one-sheet XLSX workbook written row by row in `rust_xlsxwriter`'s constant-memory mode:
/// each finished row goes to a temporary file, so memory does not grow with the number of rows.
///
/// The first row is the header (bold, frozen so it stays visible while scrolling). Text cells go
/// through [`safe_cell`] and are written with `write_string`, so they are never formulas; dates
/// are real Excel dates formatted `dd/mm/yyyy` (date-times `dd/mm/yyyy hh:mm:ss`).
///
/// All methods are blocking (file I/O, zip compression in [`XlsxExport::finish`]): call them from
/// `tokio::task::spawn_blocking`, not on the async runtime.
pub struct XlsxExport {
    workbook: Workbook,
    columns: usize,
    rows_written: u32,
    max_rows: u32,
    /// Estimated width of each column, in characters.
    widths: Vec<usize>,
    date_format: Format,
    datetime_format: Format,
}

impl std::fmt::Debug for XlsxExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxExport")
            .field("columns", &self.columns)
            .field("rows_written", &self.rows_written)
            .field("max_rows", &self.max_rows)
            .finish_non_exhaustive()
    }
}

impl XlsxExport {
    /// Creates the workbook and writes the header row.
    ///
    /// `sheet_name` is made acceptable to Excel: the characters `[ ] : * ? / \` become `_`,
    /// leading/trailing `'` are removed, it is cut to 31 characters, and an empty result becomes
    /// `Export`. Header labels go through [`safe_cell`].
    ///
    /// Errors: [`ExportError::Xlsx`] if the temporary file cannot be created (temp dir not
    /// writable), the name is still refused (`History` is reserved) or the header has more than
    /// 16,384 columns; [`ExportError::CellTooLong`] for a label over 32,767 characters.
    pub fn new(sheet_name: &str, header: &[String]) -> Result<Self, ExportError> {
        let mut workbook = Workbook::new();
        let worksheet = workbook.add_worksheet_with_constant_memory()?;
        worksheet.set_name(sanitize_sheet_name(sheet_name))?;
        // Rows 0..1 frozen: the header stays visible.
        worksheet.set_freeze_panes(1, 0)?;

        let bold = Format::new().set_bold();
        let mut widths = Vec::with_capacity(header.len());
        for (col, label) in header.iter().enumerate() {
            let label = safe_cell(label);
            let col_num = column_number(col)?;
            check_length(&label, 1, col_num)?;
            worksheet.write_string_with_format(0, col_num, label.as_ref(), &bold)?;
            // Bold text is a little wider.
            widths.push(text_width(&label) + 1);
        }

        Ok(XlsxExport {
            workbook,
            columns: header.len(),
            rows_written: 0,
            max_rows: XLSX_MAX_DATA_ROWS,
            widths,
            date_format: Format::new().set_num_format(DATE_FORMAT),
            datetime_format: Format::new().set_num_format(DATETIME_FORMAT),
        })
    }

    /// Lowers the maximum number of data rows (values above [`XLSX_MAX_DATA_ROWS`] are capped to
    /// it). Meant for tests and for an application-level cap.
    pub fn with_max_rows(mut self, max_rows: u32) -> Self {
        self.max_rows = max_rows.min(XLSX_MAX_DATA_ROWS);
        self
    }

    /// Number of data rows written so far (header excluded).
    pub fn rows_written(&self) -> u32 {
        self.rows_written
    }

    /// Writes the next data row.
    ///
    /// [`Cell::Empty`] and non-finite numbers leave the cell blank. A date outside Excel's range
    /// (before 1900-01-01 or after 9999-12-31) is written as `YYYY-MM-DD` text rather than lost.
    ///
    /// Errors (checked before anything of the row is written, except the last one):
    /// [`ExportError::TooManyRowsForXlsx`] once the maximum is reached (use CSV),
    /// [`ExportError::WrongColumnCount`] if `cells` is not as long as the header,
    /// [`ExportError::CellTooLong`] for a text over 32,767 characters,
    /// [`ExportError::Xlsx`] if the previous row cannot be flushed to the temporary file
    /// (then stop and drop the export).
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        if self.rows_written >= self.max_rows {
            return Err(ExportError::TooManyRowsForXlsx { max: self.max_rows });
        }
        // Header at row 0: data row n (0-based) is worksheet row n + 1, Excel row n + 2.
        let row = self.rows_written + 1;
        if cells.len() != self.columns {
            return Err(ExportError::WrongColumnCount {
                row: row + 1,
                expected: self.columns,
                found: cells.len(),
            });
        }
        for (col, cell) in cells.iter().enumerate() {
            if let Some(text) = cell.as_text() {
                check_length(&safe_cell(text), row + 1, column_number(col)?)?;
            }
        }
        let sample_widths = self.rows_written < WIDTH_SAMPLE_ROWS;
        let worksheet = self.workbook.worksheet_from_index(0)?;

        for (col, cell) in cells.iter().enumerate() {
            // Cannot fail: the header (same length) already went through `column_number`.
            let col_num = column_number(col)?;
            let width = match cell {
                Cell::Text(_) | Cell::Shared(_) => {
                    let text = safe_cell(cell.as_text().unwrap_or_default());
                    worksheet.write_string(row, col_num, text.as_ref())?;
                    sample_widths.then(|| text_width(&text))
                }
                Cell::Number(n) if n.is_finite() => {
                    worksheet.write_number(row, col_num, *n)?;
                    sample_widths.then(|| cell.to_csv_string().len())
                }
                Cell::Number(_) | Cell::Empty => None,
                Cell::Date(date) => {
                    match excel_date(*date) {
                        Some(value) => {
                            worksheet.write_datetime_with_format(
                                row,
                                col_num,
                                value,
                                &self.date_format,
                            )?;
                        }
                        None => {
                            worksheet.write_string(row, col_num, cell.to_csv_string())?;
                        }
                    }
                    Some(DATE_FORMAT.len())
                }
                Cell::DateTime(datetime) => {
                    match excel_datetime(*datetime) {
                        Some(value) => {
                            worksheet.write_datetime_with_format(
                                row,
                                col_num,
                                value,
                                &self.datetime_format,
                            )?;
                        }
                        None => {
                            worksheet.write_string(row, col_num, cell.to_csv_string())?;
                        }
                    }
                    Some(DATETIME_FORMAT.len())
                }
            };
            if let Some(width) = width {
                let current = &mut self.widths[col];
                *current = (*current).max(width);
            }
        }
        self.rows_written += 1;
        Ok(())
    }

    /// Sets the column widths, then packs the workbook into an anonymous temporary file
    /// (`tempfile::tempfile`: already unlinked, removed by the OS when the `File` is closed, so
    /// nothing is left behind) and returns it rewound to the start. Stream it with
    /// [`file_stream`]; `file.metadata()?.len()` gives the `Content-Length`.
    ///
    /// Blocking and CPU-bound (zip compression of the whole sheet).
    ///
    /// Errors: [`ExportError::Xlsx`] or [`ExportError::Io`] (temporary directory full or not
    /// writable).
    pub fn finish(mut self) -> Result<File, ExportError> {
        let worksheet = self.workbook.worksheet_from_index(0)?;
        for (col, width) in self.widths.iter().enumerate() {
            let width = (width + 2).clamp(MIN_WIDTH, MAX_WIDTH);
            worksheet.set_column_width(column_number(col)?, width as f64)?;
        }

        let mut file = tempfile::tempfile()?;
        {
            let mut writer = BufWriter::with_capacity(256 * 1024, &mut file);
            self.workbook.save_to_writer(&mut writer)?;
            writer.flush()?;
        }
        file.rewind()?;
        Ok(file)
    }
}

/// Streams a file (typically from [`XlsxExport::finish`]) in 64 KiB chunks, reading on Tokio's
/// blocking thread pool; must be polled inside a Tokio runtime. The file is closed (and, for an
/// anonymous temporary file, deleted) when the stream is dropped.
///
/// Errors: a read error is yielded as the last item.
pub fn file_stream(file: File) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    const CHUNK: usize = 64 * 1024;
    futures::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let read = tokio::task::spawn_blocking(move || {
            let mut buf = vec![0_u8; CHUNK];
            let mut filled = 0;
            // Fill the chunk unless the end of the file comes first.
            while filled < CHUNK {
                match file.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
            buf.truncate(filled);
            Ok((file, buf))
        })
        .await;
        match read {
            Ok(Ok((_, buf))) if buf.is_empty() => None,
            Ok(Ok((file, buf))) => Some((Ok(Bytes::from(buf)), Some(file))),
            Ok(Err(err)) => Some((Err(err), None)),
            Err(join) => Some((Err(io::Error::other(join)), None)),
        }
    })
}

/// Column index → `rust_xlsxwriter` column number; Excel has 16,384 columns.
fn column_number(col: usize) -> Result<u16, ExportError> {
    u16::try_from(col)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or(ExportError::Xlsx(XlsxError::RowColumnLimitError))
}

/// Refuses a text over Excel's limit ([`XLSX_MAX_CELL_CHARS`] UTF-16 units). `excel_row` is
/// 1-based; `col` is 0-based (reported 1-based).
fn check_length(text: &str, excel_row: u32, col: u16) -> Result<(), ExportError> {
    // Fast path: a UTF-8 string never has more UTF-16 units than bytes.
    if text.len() > XLSX_MAX_CELL_CHARS && text.encode_utf16().count() > XLSX_MAX_CELL_CHARS {
        return Err(ExportError::CellTooLong {
            row: excel_row,
            column: col + 1,
        });
    }
    Ok(())
}

/// Display width estimate of a text: characters of its longest line, capped at [`MAX_WIDTH`].
fn text_width(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().take(MAX_WIDTH).count())
        .max()
        .unwrap_or(0)
}

/// Excel keeps dates between 1900-01-01 and 9999-12-31 (`rust_xlsxwriter` checks the range).
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

fn excel_datetime(datetime: NaiveDateTime) -> Option<ExcelDateTime> {
    let time = datetime.time();
    let seconds = f64::from(time.second()) + f64::from(time.nanosecond().min(999_999_999)) / 1e9;
    excel_date(datetime.date())?
        .and_hms(time.hour() as u16, time.minute() as u8, seconds)
        .ok()
}

/// Makes `name` a valid Excel sheet name (see [`XlsxExport::new`]).
fn sanitize_sheet_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cut: String = replaced
        .trim_matches('\'')
        .chars()
        .take(SHEET_NAME_MAX_CHARS)
        .collect();
    let cut = cut.trim_end_matches('\'');
    if cut.trim().is_empty() {
        "Export".to_owned()
    } else {
        cut.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_unzip::unzip;
    use super::*;
    use std::collections::HashMap;

    fn read_all(mut file: File) -> Vec<u8> {
        let mut out = Vec::new();
        file.read_to_end(&mut out).unwrap();
        out
    }

    fn entries(file: File) -> HashMap<String, String> {
        let data = read_all(file);
        assert!(data.starts_with(b"PK\x03\x04"), "not a zip file");
        unzip(&data)
            .into_iter()
            .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
            .collect()
    }

    fn header() -> Vec<String> {
        ["=Question", "Date", "Horodatage", "Note", "Commentaire"]
            .map(String::from)
            .to_vec()
    }

    fn sample_rows() -> Vec<Vec<Cell>> {
        let date = NaiveDate::from_ymd_opt(2025, 3, 7).unwrap();
        vec![
            vec![
                Cell::from(r#"=HYPERLINK("http://x","y")"#),
                Cell::Date(date),
                Cell::DateTime(date.and_hms_opt(14, 30, 0).unwrap()),
                Cell::Number(4.0),
                Cell::from("ligne 1\nligne 2 — مرحبا 👍"),
            ],
            vec![
                Cell::from("-5"),
                Cell::Date(NaiveDate::from_ymd_opt(1850, 1, 1).unwrap()),
                Cell::Empty,
                Cell::Number(f64::NAN),
                Cell::Text(String::new()),
            ],
        ]
    }

    #[test]
    fn writes_a_valid_workbook_without_formulas() {
        let mut export = XlsxExport::new("Réponses: mars/avril", &header()).unwrap();
        for row in sample_rows() {
            export.row(&row).unwrap();
        }
        assert_eq!(export.rows_written(), 2);
        let files = entries(export.finish().unwrap());

        let sheet = &files["xl/worksheets/sheet1.xml"];
        // Constant-memory mode writes inline strings in the sheet itself.
        assert!(sheet.contains("'=HYPERLINK("), "{sheet}");
        assert!(sheet.contains("'=Question"));
        assert!(sheet.contains("'-5"));
        assert!(sheet.contains("مرحبا 👍"));
        assert!(!sheet.contains("<f>"), "no formula cell expected: {sheet}");
        // Header frozen, widths set.
        assert!(
            sheet.contains(r#"<pane ySplit="1" topLeftCell="A2""#),
            "{sheet}"
        );
        assert!(sheet.contains("<cols>"));
        // 2025-03-07 is Excel serial 45723; 14:30 is 0.6041666...
        assert!(sheet.contains("<v>45723</v>"), "{sheet}");
        assert!(sheet.contains("<v>45723.604166"), "{sheet}");
        // Out-of-range date kept as text.
        assert!(sheet.contains("1850-01-01"));
        assert!(sheet.contains(r#"<c r="D1""#));
        assert!(sheet.contains("<v>4</v>"));

        let styles = &files["xl/styles.xml"];
        assert!(styles.contains(r#"formatCode="dd/mm/yyyy""#), "{styles}");
        assert!(styles.contains(r#"formatCode="dd/mm/yyyy hh:mm:ss""#));
        assert!(styles.contains("<b/>"), "bold header font");

        let workbook = &files["xl/workbook.xml"];
        assert!(
            workbook.contains(r#"name="Réponses_ mars_avril""#),
            "{workbook}"
        );
    }

    #[test]
    fn too_many_rows_is_an_error_not_a_truncation() {
        let mut export = XlsxExport::new("t", &header()).unwrap().with_max_rows(3);
        let row = &sample_rows()[0];
        for _ in 0..3 {
            export.row(row).unwrap();
        }
        let err = export.row(row).unwrap_err();
        assert!(
            matches!(err, ExportError::TooManyRowsForXlsx { max: 3 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("CSV"));
        assert_eq!(export.rows_written(), 3);
        assert_eq!(
            XlsxExport::new("t", &header())
                .unwrap()
                .with_max_rows(u32::MAX)
                .max_rows,
            1_048_575
        );
    }

    #[test]
    fn overlong_cell_is_refused() {
        let mut export = XlsxExport::new("t", &["a".into(), "b".into()]).unwrap();
        export
            .row(&[
                Cell::from("ok"),
                Cell::from("x".repeat(XLSX_MAX_CELL_CHARS)),
            ])
            .unwrap();
        // 32,766 emoji-free chars + the `'` guard prefix = 32,768 > limit.
        let guarded = format!("={}", "y".repeat(XLSX_MAX_CELL_CHARS - 1));
        let err = export
            .row(&[Cell::from("ok"), Cell::Text(guarded)])
            .unwrap_err();
        assert!(
            matches!(err, ExportError::CellTooLong { row: 3, column: 2 }),
            "{err:?}"
        );
        // Emoji count twice (UTF-16), as in Excel.
        let emoji = "😀".repeat(XLSX_MAX_CELL_CHARS / 2 + 1);
        let err = export.row(&[Cell::Text(emoji), Cell::Empty]).unwrap_err();
        assert!(
            matches!(err, ExportError::CellTooLong { column: 1, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn wrong_column_count_is_an_error() {
        let mut export = XlsxExport::new("t", &header()).unwrap();
        let err = export.row(&[Cell::Empty]).unwrap_err();
        assert!(
            matches!(
                err,
                ExportError::WrongColumnCount {
                    row: 2,
                    expected: 5,
                    found: 1
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(
            sanitize_sheet_name("Avis [2025] : a/b\\c*?"),
            "Avis _2025_ _ a_b_c__"
        );
        assert_eq!(sanitize_sheet_name("''"), "Export");
        assert_eq!(sanitize_sheet_name("'Réclamations'"), "Réclamations");
        assert_eq!(sanitize_sheet_name(&"é".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn export_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&XlsxExport::new("t", &header()).unwrap());
    }

    #[tokio::test]
    async fn file_stream_returns_the_whole_file() {
        use futures::StreamExt;
        let mut export = XlsxExport::new("t", &header()).unwrap();
        for i in 0..5_000 {
            let mut row = sample_rows().remove(0);
            row[3] = Cell::Number(f64::from(i));
            export.row(&row).unwrap();
        }
        let file = export.finish().unwrap();
        let len = file.metadata().unwrap().len();
        let expected = read_all(file.try_clone().unwrap());
        let mut file = file;
        file.rewind().unwrap();
        let chunks: Vec<Bytes> = file_stream(file).map(|c| c.unwrap()).collect().await;
        assert!(chunks.len() > 1);
        let joined = chunks.concat();
        assert_eq!(joined.len() as u64, len);
        assert_eq!(joined, expected);
    }
}
