//! Criterion benchmarks of the domain crate at city scale (results in BENCHMARKS.md).
//!
//! - `classify_schedule/100k_elders_1.2m_visits/<policy>`: classify 100,000 elders and compute
//!   the status of every requirement from their 1.2 million visits (what the worker does for
//!   a city's due list). Target ≤ 100 ms on one core.
//! - `monthly_rate/100k_elders/<policy>`: the 月探访率 report of a city of 100,000 elders for
//!   the current month. Target ≤ 50 ms.
//! - `ladder/100k_elders_1.2m_visits/<policy>`: one daily pass of the escalation ladder
//!   (`escalations` for every classified elder, a surge on one town). Issue 15's figure: the
//!   worker's daily pass for 100,000 elders ≤ 2 s; this is the domain's share of it.
//! - `roster/20k_rows/*`: checking an imported roster of 20,000 rows (JSON Lines), either as
//!   full files (一人一档, `ElderFile::from_json` + `validate`) or as the CLI's facts
//!   (`ElderFacts::from_json` + `validate`).
//! - `follow_ups/1.2m_visits` and `pinyin/20k_names`: derived follow-ups of every visit, and
//!   a name search over a coordinator's list.
//!
//! Data: `demo::scaled(100_000, 12, today)`. Run: `cargo bench -p tanfang-domain` (about
//! two minutes; measurement times are kept short on purpose).
//!
//! **What is measured: CPU time of the benchmark thread** ([`ThreadCpuTime`], via
//! `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), not wall time: the development machine is shared
//! with other builds, and a preempted benchmark would otherwise count the time it spent
//! waiting. Everything here runs on one thread, so this is "time on one core".

use std::hint::black_box;
use std::time::Duration;

use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;
use tanfang_domain::classify::classify;
use tanfang_domain::date::Per;
use tanfang_domain::date::{Month, NaiveDate};
use tanfang_domain::demo::scaled;
use tanfang_domain::elder::{ElderFacts, ElderFile};
use tanfang_domain::escalation::{escalations, Step};
use tanfang_domain::policy::{Kind, RequiredMode, Requirement};
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::rate::monthly_report;
use tanfang_domain::schedule::{schedule, Surge, VisitFact};
use tanfang_domain::visit::follow_ups;

const TODAY: &str = "2026-11-22";

/// Criterion measurement: CPU time consumed by the benchmark thread.
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

/// Formats nanoseconds like criterion's wall-time formatter, marked as CPU time.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns (cpu)")
        } else if typical < 1e6 {
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
        let per_iteration = match throughput {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
                *n as f64
            }
        };
        for value in values {
            *value = per_iteration / (*value * 1e-9);
        }
        "elem/s"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

struct City {
    facts: Vec<ElderFacts>,
    visits: Vec<Vec<VisitFact>>,
}

fn city(n_elders: usize, visits_per_elder: usize) -> (City, tanfang_domain::demo::DemoData) {
    let today: NaiveDate = TODAY.parse().unwrap();
    let data = scaled(n_elders, visits_per_elder, today);
    let facts: Vec<ElderFacts> = data.elders.iter().map(ElderFile::facts).collect();
    // Visits are generated grouped by elder, in elder order.
    let mut visits: Vec<Vec<VisitFact>> = vec![Vec::with_capacity(visits_per_elder); n_elders];
    let mut index = 0;
    for visit in &data.visits {
        while data.elders[index].id != visit.elder_id {
            index += 1;
        }
        visits[index].push(visit.schedule_fact());
    }
    (City { facts, visits }, data)
}

fn benches(c: &mut Criterion<ThreadCpuTime>) {
    let today: NaiveDate = TODAY.parse().unwrap();
    let (city, data) = city(100_000, 12);
    assert_eq!(city.visits.iter().map(Vec::len).sum::<usize>(), 1_200_000);

    let mut group = c.benchmark_group("classify_schedule/100k_elders_1.2m_visits");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    // The same elders known by birth date only (no ID number to check on every call).
    let birth_date_only: Vec<ElderFacts> = city
        .facts
        .iter()
        .map(|f| ElderFacts {
            id_number: None,
            ..f.clone()
        })
        .collect();
    let variants = [
        (PolicyId::Tianjin, "tianjin", &city.facts),
        (PolicyId::Pingli, "pingli", &city.facts),
        (PolicyId::Jiangmen, "jiangmen", &city.facts),
        (
            PolicyId::Tianjin,
            "tianjin_birth_date_only",
            &birth_date_only,
        ),
    ];
    for (policy, name, elders) in variants {
        let profile = PolicyProfile::builtin(policy);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut due = 0usize;
                for (facts, visits) in elders.iter().zip(&city.visits) {
                    if let Ok(classification) = classify(facts, &profile, today) {
                        due += schedule(&classification, visits, &[], today).len();
                    }
                }
                black_box(due)
            })
        });
    }
    group.finish();

    // One daily pass of the escalation ladder: `escalations` for every elder (classified
    // beforehand, as the worker reads the tier from its due-state table), with a surge on a
    // tenth of the county.
    let mut group = c.benchmark_group("ladder/100k_elders_1.2m_visits");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    let surge = Surge {
        id: "cold".into(),
        region_prefix: "610926100".into(),
        start: today - chrono::Days::new(3),
        end: today + chrono::Days::new(3),
        tiers: vec![],
        categories: vec![],
        requirement: Requirement::new(Kind::Visit, RequiredMode::Any, 1, Per::Week),
        reason: "寒潮".into(),
    };
    for (policy, name) in [
        (PolicyId::National, "national"),
        (PolicyId::Pingli, "pingli"),
        (PolicyId::Tianjin, "tianjin"),
        (PolicyId::Jiangmen, "jiangmen"),
    ] {
        let profile = PolicyProfile::builtin(policy);
        let classified: Vec<_> = city
            .facts
            .iter()
            .zip(&city.visits)
            .filter_map(|(facts, visits)| Some((classify(facts, &profile, today).ok()?, visits)))
            .collect();
        let surges = std::slice::from_ref(&surge);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut escalated = 0usize;
                for (classification, visits) in &classified {
                    escalated +=
                        escalations(classification, visits, surges, &profile.escalation, today)
                            .iter()
                            .filter(|e| e.step != Step::OnTrack)
                            .count();
                }
                black_box(escalated)
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("monthly_rate/100k_elders");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    let month = Month::containing(today);
    let variants = [
        (PolicyId::National, "national", &city.facts),
        (PolicyId::Jiangmen, "jiangmen", &city.facts),
        (
            PolicyId::National,
            "national_birth_date_only",
            &birth_date_only,
        ),
    ];
    for (policy, name, elders) in variants {
        let profile = PolicyProfile::builtin(policy);
        group.bench_function(name, |b| {
            b.iter(|| {
                let report = monthly_report(
                    &profile,
                    month,
                    elders
                        .iter()
                        .zip(&city.visits)
                        .map(|(f, v)| (f, v.as_slice())),
                );
                black_box(report.visited)
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("follow_ups");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("1.2m_visits", |b| {
        b.iter(|| {
            let mut found = 0usize;
            let mut previous: Option<&tanfang_domain::visit::VisitRecord> = None;
            for visit in &data.visits {
                let same_elder = previous.filter(|p| p.elder_id == visit.elder_id);
                found += follow_ups(visit, same_elder).len();
                previous = Some(visit);
            }
            black_box(found)
        })
    });
    group.finish();

    // A roster of 20,000 rows as JSON Lines.
    let files: Vec<String> = data.elders[..20_000]
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    let facts_lines: Vec<String> = city.facts[..20_000]
        .iter()
        .map(|f| serde_json::to_string(f).unwrap())
        .collect();
    drop(data);
    let mut group = c.benchmark_group("roster/20k_rows");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("elder_files", |b| {
        b.iter(|| {
            let mut bad = 0usize;
            for line in &files {
                let value: Value = serde_json::from_str(line).unwrap();
                match ElderFile::from_json(&value) {
                    Ok(file) => bad += usize::from(file.validate(today).is_err()),
                    Err(_) => bad += 1,
                }
            }
            black_box(bad)
        })
    });
    group.bench_function("facts", |b| {
        b.iter(|| {
            let mut bad = 0usize;
            for line in &facts_lines {
                let value: Value = serde_json::from_str(line).unwrap();
                match ElderFacts::from_json(&value) {
                    Ok(facts) => bad += usize::from(facts.validate(today).is_err()),
                    Err(_) => bad += 1,
                }
            }
            black_box(bad)
        })
    });
    group.finish();

    #[cfg(feature = "pinyin")]
    {
        use tanfang_domain::pinyin::{search_key, NameQuery};
        let today: NaiveDate = TODAY.parse().unwrap();
        let names: Vec<String> = scaled(20_000, 0, today)
            .elders
            .into_iter()
            .map(|e| e.name)
            .collect();
        let mut group = c.benchmark_group("pinyin/20k_names");
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
        group.bench_function("search_key", |b| {
            b.iter(|| names.iter().map(|n| search_key(n).len()).sum::<usize>())
        });
        let keys: Vec<String> = names.iter().map(|n| search_key(n)).collect();
        for query in ["zs", "wangxiuy", "秀英"] {
            group.bench_function(format!("matches_{query}"), |b| {
                b.iter(|| {
                    let query = NameQuery::new(query);
                    names
                        .iter()
                        .zip(&keys)
                        .filter(|(n, k)| query.matches(n, k))
                        .count()
                })
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = domain_benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = benches
}
criterion_main!(domain_benches);
