//! `tanfang-roster`: rosters in and out.
//!
//! - [`read`]: spreadsheet bytes (.xlsx, or .csv in UTF-8 — with or without BOM — or GBK) →
//!   a [`Sheet`] of text cells with spreadsheet row numbers, the header row found among the
//!   first rows (a title row such as "XX社区特殊困难老年人摸底排查表" above it is skipped).
//! - [`fields`]: the importable fields, their Chinese header aliases, and a [`Mapping`]
//!   (header → field; a remembered mapping is just this data).
//! - [`check`]: every row turned into an [`tanfang_domain::elder::ElderFile`] and checked by the
//!   domain; every problem names the spreadsheet row, the column (header and letter) and the
//!   field. Rows are matched against existing files (by ID number, else name + birth date) as
//!   new / unchanged / changed with the differences.
//! - [`write`]: tables with Chinese headers as .xlsx and as CSV (UTF-8 with BOM, so Excel opens
//!   it right).
//!
//! Pure: no IO, no clock ("today" is a parameter). Used by the CLI and the worker (wasm32).

pub mod check;
pub mod fields;
pub mod read;
pub mod write;

pub use check::{check_sheet, CellError, CheckOptions, Existing, RowAction, RowCheck, Summary};
pub use fields::{Field, Mapping};
pub use read::{read_bytes, ReadError, Sheet, SheetRow};
pub use write::{write_csv, write_xlsx, Cell, Table};

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::column_letter;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
