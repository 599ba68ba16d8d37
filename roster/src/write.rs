//! Tables out: .xlsx with Chinese headers (bold, frozen header row, a title row above it when
//! given) and CSV in UTF-8 with BOM (Excel on Chinese Windows opens it right).

use rust_xlsxwriter::{Format, FormatAlign, Workbook};

/// A cell: text (ID numbers and codes stay text, never numbers) or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Option<String>> for Cell {
    fn from(text: Option<String>) -> Cell {
        text.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                }
            }
            Cell::Empty => String::new(),
        }
    }
}

/// One worksheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name (Excel allows 31 characters).
    pub name: String,
    /// A title row above the headers (e.g. "XX街道特殊困难老年人探访关爱台账 2025年3月").
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook as .xlsx bytes, one sheet per table.
pub fn write_xlsx(tables: &[Table]) -> Result<Vec<u8>, String> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let title_format = Format::new().set_bold().set_font_size(14);
    let text = Format::new().set_num_format("@");
    for table in tables {
        let sheet = workbook.add_worksheet();
        let name: String = table
            .name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        sheet.set_name(&name).map_err(|e| e.to_string())?;
        let mut row = 0u32;
        if let Some(title) = &table.title {
            sheet
                .write_string_with_format(0, 0, title, &title_format)
                .map_err(|e| e.to_string())?;
            row = 1;
        }
        for (col, header) in table.headers.iter().enumerate() {
            sheet
                .write_string_with_format(row, col as u16, header, &bold)
                .map_err(|e| e.to_string())?;
            let width = table
                .rows
                .iter()
                .take(200)
                .map(|r| r.get(col).map(display_width).unwrap_or(0))
                .chain([display_width(&Cell::Text(header.clone()))])
                .max()
                .unwrap_or(8)
                .clamp(6, 40);
            sheet
                .set_column_width(col as u16, width as f64 + 2.0)
                .map_err(|e| e.to_string())?;
        }
        sheet
            .set_freeze_panes(row + 1, 0)
            .map_err(|e| e.to_string())?;
        for cells in &table.rows {
            row += 1;
            for (col, cell) in cells.iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string_with_format(row, col, s, &text),
                    Cell::Number(n) => sheet.write_number(row, col, *n),
                    Cell::Empty => continue,
                }
                .map_err(|e| e.to_string())?;
            }
        }
    }
    workbook.save_to_buffer().map_err(|e| e.to_string())
}

/// Width in Excel character units: CJK characters count twice.
fn display_width(cell: &Cell) -> usize {
    cell.text()
        .chars()
        .map(|c| if (c as u32) < 0x2E80 { 1 } else { 2 })
        .sum()
}

/// One table as CSV, UTF-8 with BOM (the title, when given, as a first line).
pub fn write_csv(table: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let field = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    if let Some(title) = &table.title {
        out.push_str(&field(title));
        out.push_str("\r\n");
    }
    let headers: Vec<String> = table.headers.iter().map(|h| field(h)).collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| field(&c.text())).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}
