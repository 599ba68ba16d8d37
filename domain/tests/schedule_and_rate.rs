//! Scheduling (periods, met/due, previous period, surges, due list) and the monthly visit rate
//! (from scratch and incrementally), through `check` helpers with expect-test.

use expect_test::{expect, Expect};
use tanfang_domain::classify::{classify, Classification};
use tanfang_domain::date::{parse_date, Month, NaiveDate, Per};
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::policy::{Kind, PolicyId, PolicyProfile, RequiredMode, Requirement, VisitMode};
use tanfang_domain::rate::{elder_month_status, monthly_report, MonthlyTally};
use tanfang_domain::schedule::{due_list, schedule, DueInput, Surge, VisitFact};

fn d(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

fn elder(id: &str, birth: &str, categories: &[Category], capability: Capability) -> ElderFacts {
    ElderFacts {
        id: id.into(),
        birth_date: Some(d(birth)),
        categories: categories.to_vec(),
        capability,
        consent: Consent::Accepted,
        region_code: Some("440703001001".into()),
        ..ElderFacts::default()
    }
}

/// `2025-03-02 home`, `2025-03-05 phone community_help`.
fn visits(text: &str) -> Vec<VisitFact> {
    text.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            let mut words = v.split_whitespace();
            let date = d(words.next().unwrap());
            let mode = match words.next().unwrap() {
                "home" => VisitMode::Home,
                "phone" => VisitMode::Phone,
                "video" => VisitMode::Video,
                "encounter" => VisitMode::Encounter,
                _ => VisitMode::Other,
            };
            let kind = match words.next() {
                Some("community_help") => Kind::CommunityHelp,
                _ => Kind::Visit,
            };
            VisitFact { date, mode, kind }
        })
        .collect()
}

fn render(
    classification: &Classification,
    visits: &[VisitFact],
    surges: &[Surge],
    today: &str,
) -> String {
    schedule(classification, visits, surges, d(today))
        .iter()
        .map(|s| {
            format!(
                "{} {} x{}/{} [{}..{}] done {} {:?} prev_met {} next_due_by {} overdue {}{}\n",
                s.requirement.kind.as_str(),
                s.requirement.mode.as_str(),
                s.requirement.count,
                s.requirement.per,
                s.period_start,
                s.period_end,
                s.done,
                s.state,
                s.previous_period_met,
                s.next_due_by,
                s.overdue,
                s.surge
                    .as_deref()
                    .map(|id| format!(" surge {id}"))
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn check_schedule(
    policy: PolicyId,
    facts: &ElderFacts,
    visit_text: &str,
    today: &str,
    expected: Expect,
) {
    let classification = classify(facts, &PolicyProfile::builtin(policy), d(today)).unwrap();
    expected.assert_eq(&render(&classification, &visits(visit_text), &[], today));
}

#[test]
fn jiangmen_b_month_and_half_year() {
    // 江门 §二(三)3 B: any ×1/month and home ×1/half-year.
    let mut facts = elder(
        "b",
        "1950-01-01",
        &[Category::LivingAlone],
        Capability::Intact,
    );
    facts.disability_grade = Some(2);
    check_schedule(
        PolicyId::Jiangmen,
        &facts,
        "2025-02-10 phone, 2025-03-02 phone, 2025-03-03 video",
        "2025-03-15",
        expect![[r#"
            visit home x1/half_year [2025-01-01..2025-06-30] done 0 Due prev_met false next_due_by 2025-06-30 overdue true
            visit any x1/month [2025-03-01..2025-03-31] done 2 Met prev_met true next_due_by 2025-04-30 overdue false
        "#]],
    );
    check_schedule(
        PolicyId::Jiangmen,
        &facts,
        "2024-12-31 home, 2025-03-31 phone",
        "2025-03-31",
        expect![[r#"
            visit home x1/half_year [2025-01-01..2025-06-30] done 0 Due prev_met true next_due_by 2025-06-30 overdue false
            visit any x1/month [2025-03-01..2025-03-31] done 1 Met prev_met false next_due_by 2025-04-30 overdue false
        "#]],
    );
}

#[test]
fn pingli_twice_a_week_across_iso_week_53() {
    // 平利 §二(三)7: 一周两上门. 2026-12-31 is in ISO week 53 of 2026 (Mon 28 Dec – Sun 3 Jan).
    let facts = elder(
        "p",
        "1940-01-01",
        &[Category::LivingAlone],
        Capability::Intact,
    );
    check_schedule(
        PolicyId::Pingli,
        &facts,
        "2026-12-22 home, 2026-12-27 home, 2026-12-28 home, 2026-12-30 phone, 2027-01-02 home",
        "2026-12-31",
        expect![[r#"
            visit home x2/week [2026-12-28..2027-01-03] done 1 Due prev_met true next_due_by 2027-01-03 overdue false
        "#]],
    );
    // A visit dated after `today` (a wrong phone clock) does not count yet.
    check_schedule(
        PolicyId::Pingli,
        &facts,
        "2026-12-28 home, 2027-01-02 home",
        "2027-01-02",
        expect![[r#"
            visit home x2/week [2026-12-28..2027-01-03] done 2 Met prev_met false next_due_by 2027-01-10 overdue false
        "#]],
    );
}

#[test]
fn tianjin_community_help_per_quarter() {
    // 天津 §二(二)四: 失能 → 每月上门入户1次, 每季度社区帮扶1次. A home visit is not community help.
    let facts = elder(
        "t",
        "1950-01-01",
        &[Category::EmptyNest],
        Capability::Moderate,
    );
    check_schedule(
        PolicyId::Tianjin,
        &facts,
        "2025-03-01 home, 2025-02-01 phone community_help, 2025-04-01 home",
        "2025-04-01",
        expect![[r#"
            visit home x1/month [2025-04-01..2025-04-30] done 1 Met prev_met true next_due_by 2025-05-31 overdue false
            community_help any x1/quarter [2025-04-01..2025-06-30] done 0 Due prev_met true next_due_by 2025-06-30 overdue false
        "#]],
    );
}

#[test]
fn jining_home_mode_is_strict() {
    // 济宁 §二(四)2: 失能 → 入户; phone visits do not meet a home requirement.
    let facts = elder("j", "1950-01-01", &[Category::LeftBehind], Capability::Mild);
    check_schedule(
        PolicyId::Jining,
        &facts,
        "2025-03-02 phone, 2025-03-03 encounter, 2025-02-27 home",
        "2025-03-15",
        expect![[r#"
            visit home x1/month [2025-03-01..2025-03-31] done 0 Due prev_met true next_due_by 2025-03-31 overdue false
        "#]],
    );
}

#[test]
fn surges_add_requirements_while_active() {
    let facts = elder(
        "s",
        "1950-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    let classification = classify(
        &facts,
        &PolicyProfile::builtin(PolicyId::Jiangmen),
        d("2025-07-16"),
    )
    .unwrap();
    let heat = Surge {
        id: "heat-2025-07".into(),
        region_prefix: "440703".into(),
        start: d("2025-07-14"),
        end: d("2025-07-25"),
        tiers: vec![],
        categories: vec![Category::EmptyNest, Category::LivingAlone],
        requirement: Requirement::new(Kind::Visit, RequiredMode::Any, 1, Per::Week),
        reason: "高温天气 (heat wave)".into(),
    };
    let elsewhere = Surge {
        id: "typhoon-jianghai".into(),
        region_prefix: "440704".into(),
        ..heat.clone()
    };
    let only_a = Surge {
        id: "festival-a".into(),
        tiers: vec!["A".into()],
        region_prefix: String::new(),
        ..heat.clone()
    };
    heat.validate().unwrap();
    let broken = Surge {
        id: " ".into(),
        end: d("2025-07-01"),
        region_prefix: "44-07".into(),
        reason: String::new(),
        requirement: Requirement::new(Kind::Visit, RequiredMode::Home, 0, Per::Week),
        ..heat.clone()
    };
    let fields: Vec<String> = broken
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        ["id", "end", "region_prefix", "requirement.count", "reason"]
    );
    let surges = [heat.clone(), elsewhere, only_a];
    let v = visits("2025-07-14 phone");
    expect![[r#"
        visit home x1/year [2025-01-01..2025-12-31] done 0 Due prev_met false next_due_by 2025-12-31 overdue true
        visit any x1/month [2025-07-01..2025-07-31] done 1 Met prev_met false next_due_by 2025-08-31 overdue false
        visit any x1/week [2025-07-14..2025-07-20] done 1 Met prev_met true next_due_by 2025-07-25 overdue false surge heat-2025-07
    "#]]
    .assert_eq(&render(&classification, &v, &surges, "2025-07-16"));
    // Next week of the surge: clipped to the surge's end, previous (surge) week was met.
    expect![[r#"
        visit home x1/year [2025-01-01..2025-12-31] done 0 Due prev_met false next_due_by 2025-12-31 overdue true
        visit any x1/month [2025-07-01..2025-07-31] done 1 Met prev_met false next_due_by 2025-08-31 overdue false
        visit any x1/week [2025-07-21..2025-07-25] done 0 Due prev_met true next_due_by 2025-07-25 overdue false surge heat-2025-07
    "#]]
    .assert_eq(&render(&classification, &v, &surges, "2025-07-22"));
    // After the surge, only the normal requirements remain.
    expect![[r#"
        visit home x1/year [2025-01-01..2025-12-31] done 0 Due prev_met false next_due_by 2025-12-31 overdue true
        visit any x1/month [2025-07-01..2025-07-31] done 1 Met prev_met false next_due_by 2025-08-31 overdue false
    "#]]
    .assert_eq(&render(&classification, &v, &surges, "2025-07-26"));
}

#[test]
fn due_list_orders_by_urgency() {
    let profile = PolicyProfile::builtin(PolicyId::Jiangmen);
    let today = d("2025-03-15");
    let a = elder(
        "a-missed-last-month",
        "1940-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    let a2 = elder(
        "a-on-track",
        "1940-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    let c = elder(
        "c-missed",
        "1950-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    let ca = classify(&a, &profile, today).unwrap();
    let ca2 = classify(&a2, &profile, today).unwrap();
    let cc = classify(&c, &profile, today).unwrap();
    let va = visits("");
    let va2 = visits("2025-02-03 home");
    let vc = visits("2024-06-01 home");
    let inputs = [
        DueInput {
            elder_id: &c.id,
            classification: &cc,
            visits: &vc,
        },
        DueInput {
            elder_id: &a2.id,
            classification: &ca2,
            visits: &va2,
        },
        DueInput {
            elder_id: &a.id,
            classification: &ca,
            visits: &va,
        },
    ];
    let actual: String = due_list(&inputs, &[], today)
        .iter()
        .map(|item| {
            format!(
                "{} tier {} {} {} by {} overdue {}\n",
                item.elder_id,
                item.tier,
                item.status.requirement.mode.as_str(),
                item.status.requirement.per,
                item.status.next_due_by,
                item.status.overdue
            )
        })
        .collect();
    expect![[r#"
        a-missed-last-month tier A home month by 2025-03-31 overdue true
        c-missed tier C any month by 2025-03-31 overdue true
        a-on-track tier A home month by 2025-03-31 overdue false
        c-missed tier C home year by 2025-12-31 overdue false
    "#]]
    .assert_eq(&actual);
}

fn check_report(policy: PolicyId, month: &str, elders: &[(ElderFacts, &str)], expected: Expect) {
    let profile = PolicyProfile::builtin(policy);
    let month: Month = month.parse().unwrap();
    let visit_lists: Vec<Vec<VisitFact>> = elders.iter().map(|(_, v)| visits(v)).collect();
    let report = monthly_report(
        &profile,
        month,
        elders
            .iter()
            .zip(&visit_lists)
            .map(|((f, _), v)| (f, v.as_slice())),
    );
    // The incremental tally gives the same figures, whatever the order of updates.
    let mut tally = MonthlyTally::default();
    for ((facts, _), v) in elders.iter().zip(&visit_lists).rev() {
        // First without visits, then with: the update replaces the old contribution.
        let before = elder_month_status(facts, &[], &profile, month)
            .ok()
            .flatten();
        tally.update(None, before.as_ref());
        let after = elder_month_status(facts, v, &profile, month).ok().flatten();
        tally.update(before.as_ref(), after.as_ref());
        // A repeated update with the same status changes nothing.
        tally.update(after.as_ref(), after.as_ref());
    }
    let mut incremental = tally.report(month, "440703");
    incremental.errors = report.errors;
    assert_eq!(incremental, report);
    expected.assert_eq(&serde_json::to_string(&report).unwrap());
}

#[test]
fn monthly_visit_rate() {
    let mut declined = elder(
        "declined",
        "1940-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    declined.consent = Consent::Declined;
    let young = elder(
        "young",
        "1966-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    let mut turns_60_on_last_day = elder(
        "turns60",
        "1965-03-31",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    turns_60_on_last_day.consent = Consent::Pending;
    let mut broken = elder(
        "broken",
        "1940-01-01",
        &[Category::EmptyNest],
        Capability::Intact,
    );
    broken.id_number = Some("110105194912310021".into());
    check_report(
        PolicyId::Jiangmen,
        "2025-03",
        &[
            (
                elder(
                    "a1",
                    "1940-01-01",
                    &[Category::EmptyNest],
                    Capability::Intact,
                ),
                "2025-03-31 phone",
            ),
            (
                elder(
                    "a2",
                    "1940-01-01",
                    &[Category::EmptyNest],
                    Capability::Intact,
                ),
                "2025-04-01 home, 2025-02-28 home",
            ),
            (
                elder(
                    "c1",
                    "1950-01-01",
                    &[Category::EmptyNest],
                    Capability::Intact,
                ),
                "2025-03-01 home, 2025-03-02 home",
            ),
            (
                elder(
                    "c2",
                    "1950-01-01",
                    &[Category::EmptyNest],
                    Capability::Intact,
                ),
                "2025-03-10 home community_help",
            ),
            (
                elder(
                    "c3",
                    "1950-01-01",
                    &[Category::EmptyNest],
                    Capability::Intact,
                ),
                "2025-03-10 encounter",
            ),
            (declined, "2025-03-10 phone"),
            (young, "2025-03-10 phone"),
            (turns_60_on_last_day, "2025-03-31 phone"),
            (broken, "2025-03-10 phone"),
        ],
        expect![[
            r#"{"month":"2025-03","in_scope":6,"declined":1,"visited":4,"rate":0.6667,"by_tier":{"A":{"in_scope":2,"visited":1},"C":{"in_scope":4,"visited":3}},"errors":1}"#
        ]],
    );
    check_report(
        PolicyId::National,
        "2025-03",
        &[],
        expect![[
            r#"{"month":"2025-03","in_scope":0,"declined":0,"visited":0,"rate":0.0,"by_tier":{}}"#
        ]],
    );
}
