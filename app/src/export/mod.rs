//! Spreadsheet exports (CSV and XLSX) of survey answers and complaints.
//!
//! Server-only (declared behind the `ssr` feature). Everything here is built so that an export of
//! a million rows runs in constant memory:
//!
//! * CSV: [`CsvEncoder`] turns rows into 64 KiB [`bytes::Bytes`] chunks, and [`csv_stream`] wraps
//!   it around a `Stream` of rows so that an axum handler can answer with
//!   `Body::from_stream(csv_stream(..))`. Two dialects: [`CsvDialect::ExcelFr`] (what a French
//!   Excel opens correctly by double-click) and [`CsvDialect::Rfc4180`] (tools, scripts).
//! * XLSX: [`XlsxExport`] writes rows one by one into a `rust_xlsxwriter` worksheet in
//!   "constant memory" mode (rows go to a temporary file, not to RAM), and [`XlsxExport::finish`]
//!   packs the workbook into an anonymous temporary file that [`file_stream`] can send.
//!   Excel caps a sheet at 1,048,576 rows: bigger exports fail with
//!   [`ExportError::TooManyRowsForXlsx`] (use CSV for those), never a truncated file.
//!
//! Every text cell, headers included (they come from question labels written by admins), goes
//! through [`safe_cell`], the formula-injection guard (OWASP "CSV Injection").
//!
//! Typical XLSX use from a handler (the writer is blocking: run it off the async runtime):
//!
//! ```text
//! let file = tokio::task::spawn_blocking(move || {
//!     let mut x = XlsxExport::new("Réponses", &header)?;
//!     for r in rows { x.row(&r)?; }        // rows: Vec<Cell> each, e.g. from a channel
//!     x.finish()
//! }).await??;
//! let len = file.metadata()?.len();       // for Content-Length
//! Body::from_stream(file_stream(file))
//! ```

mod cell;
mod csv_encoder;
mod xlsx;

#[cfg(test)]
mod test_unzip;

pub use cell::{safe_cell, Cell};
pub use csv_encoder::{csv_stream, CsvDialect, CsvEncoder, CsvRow, CSV_CHUNK_SIZE};
pub use xlsx::{
    file_stream, XlsxExport, XLSX_CONTENT_TYPE, XLSX_MAX_CELL_CHARS, XLSX_MAX_DATA_ROWS,
};

/// Everything that can go wrong while producing an export.
///
/// None of these is retried internally; a handler typically logs it and, if the response has
/// already started (streamed CSV), lets the body end with an error so the download is visibly
/// incomplete.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The `csv` writer failed (not expected with the in-memory buffer of [`CsvEncoder`]; a
    /// wrong number of cells is caught before as [`ExportError::WrongColumnCount`]).
    #[error("CSV encoding failed: {0}")]
    Csv(#[from] csv::Error),

    /// `rust_xlsxwriter` failed (invalid sheet name, temporary file, zip packaging...).
    #[error("XLSX writing failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),

    /// Reading or writing a temporary file failed.
    #[error("I/O error during export: {0}")]
    Io(#[from] std::io::Error),

    /// More data rows than an Excel worksheet holds. `max` is the number of data rows allowed
    /// (1,048,575 by default: Excel's 1,048,576 rows minus the header row). Use the CSV export
    /// for bigger extracts.
    #[error("too many rows for an XLSX file (at most {max} data rows); use the CSV export")]
    TooManyRowsForXlsx {
        /// Maximum number of data rows (header excluded).
        max: u32,
    },

    /// A text cell is longer than Excel's limit of 32,767 characters (counted in UTF-16 code
    /// units, as Excel does, after the [`safe_cell`] prefix). Refused rather than truncated.
    /// `row` is the worksheet row number as Excel shows it (header = 1, first data row = 2) and
    /// `column` is 1-based (A = 1).
    #[error("cell at row {row}, column {column} exceeds Excel's 32,767-character limit")]
    CellTooLong {
        /// Excel row number (1-based, header row = 1).
        row: u32,
        /// Column number (1-based).
        column: u16,
    },

    /// A row does not have as many cells as the header; nothing of it was written. `row` is the
    /// 1-based record number counting the header (first data row = 2), i.e. the Excel row.
    #[error("row {row} has {found} cells, the header has {expected}")]
    WrongColumnCount {
        /// Excel row number (1-based, header row = 1).
        row: u32,
        /// Number of header cells.
        expected: usize,
        /// Number of cells in the offending row.
        found: usize,
    },
}
