//! Criterion benchmark of roster import (results in BENCHMARKS.md, section "Roster").
//!
//! `roster_import/20k_rows/<format>`: one iteration reads a 20,000-row roster file (bytes →
//! sheet), guesses the column mapping and checks every row with the domain
//! (`tanfang_roster::check_sheet`: cell parsing, `ElderFile::validate`, scope, duplicate and
//! match look-ups against 20,000 existing files). This is what `tanfang validate roster.xlsx`
//! and the worker's import preview do.
//!
//! Data: `demo::scaled(20_000, 0, 2026-11-22)` written with this crate's own writers as CSV
//! (UTF-8 with BOM, and GBK) and as .xlsx; the same 20,000 files are the existing registry, so
//! every row matches by ID number (the worst case: every row is also diffed).
//!
//! Clock: CPU time of the benchmark thread (as in `domain/benches/domain.rs`: the machine is
//! shared with other builds). Run: `cargo bench -p tanfang-roster`.

use std::hint::black_box;
use std::time::Duration;

use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tanfang_domain::date::NaiveDate;
use tanfang_domain::demo::scaled;
use tanfang_domain::elder::ElderFile;
use tanfang_roster::{
    check_sheet, read_bytes, write_csv, write_xlsx, Cell, CheckOptions, Existing, Mapping, Table,
};

pub struct ThreadCpuTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = ThreadTime;
    type Value = Duration;
    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }
    fn end(&self, start: ThreadTime) -> Duration {
        start.elapsed()
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e6 {
            (1e-3, "µs (cpu)")
        } else if typical < 1e9 {
            (1e-6, "ms (cpu)")
        } else {
            (1e-9, "s (cpu)")
        };
        for value in values {
            *value *= factor;
        }
        unit
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let n = match throughput {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
                *n as f64
            }
        };
        for value in values {
            *value = n / (*value * 1e-9);
        }
        "elem/s"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

const HEADERS: [&str; 13] = [
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

fn table(files: &[ElderFile]) -> Table {
    let rows = files
        .iter()
        .map(|f| {
            let contact = f.emergency_contacts.first();
            let categories: Vec<&str> = f.categories.iter().map(|c| c.label_zh()).collect();
            vec![
                Cell::from(f.name.as_str()),
                Cell::from(f.sex.map(|s| s.label_zh()).unwrap_or("")),
                Cell::from(f.id_number.clone()),
                Cell::from(f.birth_date.map(|d| d.to_string())),
                Cell::from(f.address.region_code.as_str()),
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
    Table {
        name: "摸底排查".into(),
        title: None,
        headers: HEADERS.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let today: NaiveDate = "2026-11-22".parse().unwrap();
    let data = scaled(20_000, 0, today);
    let table = table(&data.elders);
    let csv = write_csv(&table);
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let gbk = gbk.into_owned();
    let xlsx = write_xlsx(std::slice::from_ref(&table)).unwrap();
    let existing: Vec<Existing> = data
        .elders
        .iter()
        .map(|f| Existing { file: f.clone() })
        .collect();
    let options = CheckOptions::new(today);

    // Sanity: the data reads and every row is checked (not all rows are valid demo files).
    let sheet = read_bytes(&xlsx).unwrap();
    assert_eq!(sheet.rows.len(), 20_000);

    let mut group = c.benchmark_group("roster_import/20k_rows");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(20_000));
    for (name, bytes) in [("csv_utf8", &csv), ("csv_gbk", &gbk), ("xlsx", &xlsx)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let sheet = read_bytes(black_box(bytes)).unwrap();
                let mapping = Mapping::guess(&sheet.headers);
                let checks = check_sheet(&sheet, &mapping, &existing, &options, &mut |row| {
                    format!("row-{row}")
                })
                .unwrap();
                black_box(checks.len())
            })
        });
    }
    group.bench_function("read_xlsx_only", |b| {
        b.iter(|| read_bytes(black_box(&xlsx)).unwrap().rows.len())
    });
    group.bench_function("write_xlsx", |b| {
        b.iter(|| {
            write_xlsx(std::slice::from_ref(black_box(&table)))
                .unwrap()
                .len()
        })
    });
    group.finish();
}

fn config() -> Criterion<ThreadCpuTime> {
    Criterion::default().with_measurement(ThreadCpuTime)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
