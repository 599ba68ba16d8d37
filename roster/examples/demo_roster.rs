//! Writes the demo data set as a roster spreadsheet, for timing `tanfang validate` on a big
//! file: `cargo run --release -p tanfang-roster --example demo_roster -- 20000 /tmp/roster.xlsx`
//! (a path ending in `.csv` writes UTF-8 CSV with BOM). A third argument puts every row in that
//! community (`… 20000 /tmp/roster.xlsx 120101001001`: the dev seed's 新津社区, for importing
//! the file into a local worker in the browser benchmark `e2e/bench/import-bench.mjs`).

use tanfang_domain::date::NaiveDate;
use tanfang_domain::demo::scaled;
use tanfang_roster::{write_csv, write_xlsx, Cell, Table};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let path = args.next().unwrap_or_else(|| "roster.xlsx".into());
    let community = args.next();
    let today: NaiveDate = "2026-11-22".parse().unwrap();
    let data = scaled(n, 0, today);
    let headers = [
        "姓名",
        "性别",
        "身份证号",
        "出生日期",
        "区划代码",
        "详细地址",
        "类别",
        "能力等级",
        "探访意愿",
        "紧急联系人",
        "与老人关系",
        "紧急联系人电话",
        "备注",
    ];
    let rows = data
        .elders
        .iter()
        .map(|f| {
            let contact = f.emergency_contacts.first();
            let categories: Vec<&str> = f.categories.iter().map(|c| c.label_zh()).collect();
            vec![
                Cell::from(f.name.as_str()),
                Cell::from(f.sex.map(|s| s.label_zh()).unwrap_or("")),
                Cell::from(f.id_number.clone()),
                Cell::from(f.birth_date.map(|d| d.to_string())),
                Cell::from(
                    community
                        .as_deref()
                        .unwrap_or(f.address.region_code.as_str()),
                ),
                Cell::from(f.address.detail.as_str()),
                Cell::from(categories.join("、")),
                Cell::from(f.capability.label_zh()),
                Cell::from(f.consent.label_zh()),
                Cell::from(contact.map(|c| c.name.clone())),
                Cell::from(contact.map(|c| c.relation.clone())),
                Cell::from(contact.map(|c| c.phone.clone())),
                Cell::from(f.consent_history.last().and_then(|r| r.note.clone())),
            ]
        })
        .collect();
    let table = Table {
        name: "摸底排查".into(),
        title: Some("特殊困难老年人摸底排查表".into()),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    };
    let bytes = if path.ends_with(".csv") {
        write_csv(&table)
    } else {
        write_xlsx(std::slice::from_ref(&table)).expect("workbook")
    };
    std::fs::write(&path, bytes).expect("write");
    eprintln!("wrote {n} rows to {path}");
}
