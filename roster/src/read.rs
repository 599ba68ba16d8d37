//! Bytes → [`Sheet`]: .xlsx (zip magic) through calamine, anything else as CSV. CSV text is
//! UTF-8 when it has a UTF-8 BOM or decodes as UTF-8 without error; otherwise GBK (GB 18030,
//! which is what Excel "CSV" saves on a Chinese Windows).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde::Serialize;

use crate::fields::Field;

/// One data row: its spreadsheet row number (1-based, as Excel shows it) and its cells as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetRow {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A table of text cells under a header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sheet {
    /// Spreadsheet row number of the header row.
    pub header_row: usize,
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
    /// `"xlsx"`, `"csv-utf8"` or `"csv-gbk"`.
    pub format: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadError {
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

fn error(message: impl Into<String>) -> ReadError {
    ReadError {
        message: message.into(),
    }
}

/// Reads a roster. `.xlsx` is recognised by content (a zip), not by name.
pub fn read_bytes(bytes: &[u8]) -> Result<Sheet, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(error(
            "不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 或 CSV (legacy .xls is not supported; save as .xlsx or CSV)",
        ))
    } else {
        read_csv(bytes)
    }
}

/// Decodes CSV bytes: UTF-8 (BOM stripped) when valid, else GBK/GB 18030.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "csv-utf8");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "csv-utf8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "csv-gbk")
        }
    }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, ReadError> {
    let (text, format) = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            error(format!(
                "CSV 第{}行无法读取 (cannot read CSV line): {e}",
                index + 1
            ))
        })?;
        // The csv reader's own line number counts physical lines; rows are what Excel shows.
        records.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    from_records(records, format)
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, ReadError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| error(format!("无法打开 .xlsx 文件 (cannot open .xlsx): {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| error("工作簿中没有工作表 (the workbook has no sheet)"))?
        .map_err(|e| {
            error(format!(
                "无法读取第一个工作表 (cannot read the first sheet): {e}"
            ))
        })?;
    // Cells start at the range's first row/column, not necessarily A1.
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut records: Vec<Vec<String>> = vec![Vec::new(); row0 as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); col0 as usize];
        cells.extend(row.iter().map(cell_text));
        records.push(cells);
    }
    from_records(records, "xlsx")
}

/// The text of an .xlsx cell: integers without ".0", dates as `YYYY-MM-DD`.
pub fn cell_text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => float_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_datetime() {
                excel_serial_date(serial)
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| float_text(serial))
            } else {
                float_text(serial)
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Excel's 1900 date system: serial 1 is 1900-01-01, with the fictitious 1900-02-29; from
/// 1900-03-01 on, day 0 is 1899-12-30.
pub fn excel_serial_date(serial: f64) -> Option<chrono::NaiveDate> {
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(days))
}

/// Finds the header row (the first of the first 10 non-empty rows that names at least two
/// known fields, else the first non-empty row) and keeps the non-blank rows below it.
fn from_records(records: Vec<Vec<String>>, format: &'static str) -> Result<Sheet, ReadError> {
    let non_empty: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = non_empty.first() else {
        return Err(error("文件中没有数据 (the file has no rows)"));
    };
    let header_index = non_empty
        .iter()
        .take(10)
        .copied()
        .find(|&i| {
            records[i]
                .iter()
                .filter(|c| Field::from_header(c).is_some())
                .count()
                >= 2
        })
        .unwrap_or(first);
    let mut headers: Vec<String> = records[header_index]
        .iter()
        .map(|h| h.split_whitespace().collect::<Vec<_>>().join(""))
        .collect();
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    let rows = records
        .into_iter()
        .enumerate()
        .skip(header_index + 1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(index, cells)| SheetRow {
            number: index + 1,
            cells,
        })
        .collect();
    Ok(Sheet {
        header_row: header_index + 1,
        headers,
        rows,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_gbk() {
        let text = "姓名,身份证号\n张三,110101194301010012\n";
        let plain = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(plain.format, "csv-utf8");
        assert_eq!(plain.headers, ["姓名", "身份证号"]);
        assert_eq!(plain.rows[0].number, 2);
        assert_eq!(plain.rows[0].cells[0], "张三");

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(read_bytes(&bom).unwrap().headers[0], "姓名");

        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let sheet = read_bytes(&gbk).unwrap();
        assert_eq!(sheet.format, "csv-gbk");
        assert_eq!(sheet.headers, ["姓名", "身份证号"]);
        assert_eq!(sheet.rows[0].cells[0], "张三");
    }

    #[test]
    fn title_row_and_blank_rows_are_skipped() {
        let text =
            "某社区特殊困难老年人摸底排查表,,\n,,\n序号,姓名,性别\n1,张三,男\n,,\n2,李四,女\n";
        let sheet = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(sheet.header_row, 3);
        assert_eq!(sheet.headers, ["序号", "姓名", "性别"]);
        let numbers: Vec<usize> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [4, 6]);
    }

    #[test]
    fn empty_and_legacy_files_are_refused_with_a_reason() {
        assert!(read_bytes(b"").unwrap_err().message.contains("没有数据"));
        assert!(read_bytes(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0])
            .unwrap_err()
            .message
            .contains(".xls"));
        assert!(read_bytes(b"PK\x03\x04garbage")
            .unwrap_err()
            .message
            .contains(".xlsx"));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_date(1.0), None);
        assert_eq!(excel_serial_date(61.0).unwrap().to_string(), "1900-03-01");
        assert_eq!(
            excel_serial_date(15858.0).unwrap().to_string(),
            "1943-06-01"
        );
        assert_eq!(float_text(110101.0), "110101");
        assert_eq!(float_text(1.5), "1.5");
    }
}
