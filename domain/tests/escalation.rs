//! The escalation ladder (issue 15) through one `check` helper with expect-test: one table per
//! period length and policy (a month, a week for 平利 intensive, a quarter for 天津
//! community_help, a half-year and a year for 江门 B/C, a surge), plus the thresholds'
//! validation.

use expect_test::{expect, Expect};
use tanfang_domain::classify::{classify, Classification};
use tanfang_domain::date::{parse_date, NaiveDate, Per};
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::escalation::{escalations, EscalationPolicy, Step, Thresholds};
use tanfang_domain::policy::{Kind, PolicyId, PolicyProfile, RequiredMode, Requirement, VisitMode};
use tanfang_domain::schedule::{Surge, VisitFact};

fn d(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

fn elder(categories: &[Category], capability: Capability) -> ElderFacts {
    ElderFacts {
        id: "e1".into(),
        birth_date: Some(d("1950-06-01")),
        categories: categories.to_vec(),
        capability,
        consent: Consent::Accepted,
        region_code: Some("440703001001".into()),
        ..ElderFacts::default()
    }
}

fn classified(policy: PolicyId, facts: &ElderFacts) -> Classification {
    classify(facts, &PolicyProfile::builtin(policy), d("2025-03-01")).unwrap()
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

/// One line per (today, entry): the requirement, its period, the step and the step dates.
fn check(
    classification: &Classification,
    visits_text: &str,
    surges: &[Surge],
    days: &[&str],
    expected: Expect,
) {
    let visits = visits(visits_text);
    let policy = EscalationPolicy::default();
    let mut out = String::new();
    for today in days {
        for e in escalations(classification, &visits, surges, &policy, d(today)) {
            let s = &e.status;
            out.push_str(&format!(
                "{today} {} {} x{}/{} [{}..{}] done {} → {} (remind {} backup {} staff {} missed {}){}{}{}\n",
                s.requirement.kind.as_str(),
                s.requirement.mode.as_str(),
                s.requirement.count,
                s.requirement.per,
                s.period_start,
                s.period_end,
                s.done,
                e.step,
                e.reminded_on,
                e.handed_on,
                e.staff_on,
                e.missed_on,
                if e.non_qualifying_visits > 0 {
                    format!(" non_qualifying {}", e.non_qualifying_visits)
                } else {
                    String::new()
                },
                s.surge
                    .as_deref()
                    .map(|id| format!(" surge {id}"))
                    .unwrap_or_default(),
                e.substitute
                    .as_ref()
                    .map(|sub| format!(" substitute {} ({}: {})", sub.modes_text(), sub.clause, sub.modes_zh()))
                    .unwrap_or_default(),
            ));
        }
    }
    expected.assert_eq(&out);
}

#[test]
fn month_jining_home_ladder_and_phone_call_does_not_stop_it() {
    // 济宁: 失能 → home ≥1/month. February's phone call does not count; March has a phone call
    // (non-qualifying) and then a home visit on the 26th.
    let c = classified(
        PolicyId::Jining,
        &elder(&[Category::LivingAlone], Capability::Mild),
    );
    check(
        &c,
        "2025-02-10 phone, 2025-03-05 phone, 2025-03-26 home",
        &[],
        &[
            "2025-03-01",
            "2025-03-16",
            "2025-03-24",
            "2025-03-25",
            "2025-03-28",
        ],
        expect![[r#"
            2025-03-01 visit home x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01) non_qualifying 1
            2025-03-01 visit home x1/month [2025-03-01..2025-03-31] done 0 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
            2025-03-16 visit home x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01) non_qualifying 1
            2025-03-16 visit home x1/month [2025-03-01..2025-03-31] done 0 → reminded (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01) non_qualifying 1
            2025-03-24 visit home x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01) non_qualifying 1
            2025-03-24 visit home x1/month [2025-03-01..2025-03-31] done 0 → handed_to_backup (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01) non_qualifying 1
            2025-03-25 visit home x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01) non_qualifying 1
            2025-03-25 visit home x1/month [2025-03-01..2025-03-31] done 0 → handed_to_backup (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01) non_qualifying 1
            2025-03-28 visit home x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01) non_qualifying 1
            2025-03-28 visit home x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01) non_qualifying 1
        "#]],
    );
}

#[test]
fn month_national_any_mode_met_never_escalates() {
    // National, any mode: a phone call on the 2nd meets the month; nothing escalates, and the
    // previous month (met by a video call) has no missed entry.
    let c = classified(
        PolicyId::National,
        &elder(&[Category::EmptyNest], Capability::Intact),
    );
    check(
        &c,
        "2025-02-27 video, 2025-03-02 phone",
        &[],
        &["2025-03-01", "2025-03-02", "2025-03-31"],
        expect![[r#"
            2025-03-01 visit any x1/month [2025-03-01..2025-03-31] done 0 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
            2025-03-02 visit any x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
            2025-03-31 visit any x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
        "#]],
    );
}

#[test]
fn week_pingli_intensive_two_home_visits() {
    // 平利 intensive: home ≥2 a week. Week of Mon 2025-03-10..Sun 03-16: one home visit on
    // Tuesday and a video call on Wednesday (does not count) → reminded Wed, backup Thu,
    // community staff Sat; the second home visit on Saturday stops it. The week before had one.
    let c = classified(
        PolicyId::Pingli,
        &elder(&[Category::LivingAlone], Capability::Moderate),
    );
    check(
        &c,
        "2025-03-04 home, 2025-03-11 home, 2025-03-12 video, 2025-03-15 home",
        &[],
        &[
            "2025-03-10",
            "2025-03-12",
            "2025-03-13",
            "2025-03-14",
            "2025-03-15",
        ],
        expect![[r#"
            2025-03-10 visit home x2/week [2025-03-03..2025-03-09] done 1 → missed (remind 2025-03-05 backup 2025-03-06 staff 2025-03-08 missed 2025-03-10)
            2025-03-10 visit home x2/week [2025-03-10..2025-03-16] done 0 → on_track (remind 2025-03-12 backup 2025-03-13 staff 2025-03-15 missed 2025-03-17)
            2025-03-12 visit home x2/week [2025-03-03..2025-03-09] done 1 → missed (remind 2025-03-05 backup 2025-03-06 staff 2025-03-08 missed 2025-03-10)
            2025-03-12 visit home x2/week [2025-03-10..2025-03-16] done 1 → reminded (remind 2025-03-12 backup 2025-03-13 staff 2025-03-15 missed 2025-03-17) non_qualifying 1
            2025-03-13 visit home x2/week [2025-03-03..2025-03-09] done 1 → missed (remind 2025-03-05 backup 2025-03-06 staff 2025-03-08 missed 2025-03-10)
            2025-03-13 visit home x2/week [2025-03-10..2025-03-16] done 1 → handed_to_backup (remind 2025-03-12 backup 2025-03-13 staff 2025-03-15 missed 2025-03-17) non_qualifying 1
            2025-03-14 visit home x2/week [2025-03-03..2025-03-09] done 1 → missed (remind 2025-03-05 backup 2025-03-06 staff 2025-03-08 missed 2025-03-10)
            2025-03-14 visit home x2/week [2025-03-10..2025-03-16] done 1 → handed_to_backup (remind 2025-03-12 backup 2025-03-13 staff 2025-03-15 missed 2025-03-17) non_qualifying 1
            2025-03-15 visit home x2/week [2025-03-03..2025-03-09] done 1 → missed (remind 2025-03-05 backup 2025-03-06 staff 2025-03-08 missed 2025-03-10)
            2025-03-15 visit home x2/week [2025-03-10..2025-03-16] done 2 → on_track (remind 2025-03-12 backup 2025-03-13 staff 2025-03-15 missed 2025-03-17) non_qualifying 1
        "#]],
    );
}

#[test]
fn quarter_tianjin_community_help() {
    // 天津 失能: home ≥1/month and community_help ≥1/quarter. A home visit in every month;
    // community help only at the very end of Q1 (31 Mar) → the ladder for Q1's community help
    // climbs from mid-February; Q4 2024 had none → missed on 1 Jan.
    let c = classified(
        PolicyId::Tianjin,
        &elder(&[Category::EmptyNest], Capability::Severe),
    );
    check(
        &c,
        "2025-01-03 home, 2025-02-03 home, 2025-03-03 home, 2025-03-31 other community_help",
        &[],
        &["2025-01-02", "2025-02-15", "2025-03-22", "2025-03-31"],
        expect![[r#"
            2025-01-02 visit home x1/month [2024-12-01..2024-12-31] done 0 → missed (remind 2024-12-16 backup 2024-12-24 staff 2024-12-28 missed 2025-01-01)
            2025-01-02 visit home x1/month [2025-01-01..2025-01-31] done 0 → on_track (remind 2025-01-16 backup 2025-01-24 staff 2025-01-28 missed 2025-02-01)
            2025-01-02 community_help any x1/quarter [2024-10-01..2024-12-31] done 0 → missed (remind 2024-11-16 backup 2024-12-10 staff 2024-12-21 missed 2025-01-01)
            2025-01-02 community_help any x1/quarter [2025-01-01..2025-03-31] done 0 → on_track (remind 2025-02-15 backup 2025-03-10 staff 2025-03-21 missed 2025-04-01)
            2025-02-15 visit home x1/month [2025-02-01..2025-02-28] done 1 → on_track (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-02-15 community_help any x1/quarter [2024-10-01..2024-12-31] done 0 → missed (remind 2024-11-16 backup 2024-12-10 staff 2024-12-21 missed 2025-01-01)
            2025-02-15 community_help any x1/quarter [2025-01-01..2025-03-31] done 0 → reminded (remind 2025-02-15 backup 2025-03-10 staff 2025-03-21 missed 2025-04-01)
            2025-03-22 visit home x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
            2025-03-22 community_help any x1/quarter [2024-10-01..2024-12-31] done 0 → missed (remind 2024-11-16 backup 2024-12-10 staff 2024-12-21 missed 2025-01-01)
            2025-03-22 community_help any x1/quarter [2025-01-01..2025-03-31] done 0 → community_staff (remind 2025-02-15 backup 2025-03-10 staff 2025-03-21 missed 2025-04-01)
            2025-03-31 visit home x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
            2025-03-31 community_help any x1/quarter [2024-10-01..2024-12-31] done 0 → missed (remind 2024-11-16 backup 2024-12-10 staff 2024-12-21 missed 2025-01-01)
            2025-03-31 community_help any x1/quarter [2025-01-01..2025-03-31] done 1 → on_track (remind 2025-02-15 backup 2025-03-10 staff 2025-03-21 missed 2025-04-01)
        "#]],
    );
}

#[test]
fn half_year_and_year_jiangmen_home_visits() {
    // 江门 B (重残 and 独居, under 80): any ≥1/month and home ≥1/half-year. Monthly phone calls
    // keep the month on track; no home visit in H2 2025 → the half-year climbs (reminded
    // 1 Oct, backup 1 Dec, staff 17 Dec) and is missed on 1 Jan 2026.
    let b = ElderFacts {
        disability_grade: Some(2),
        ..elder(&[Category::LivingAlone], Capability::Intact)
    };
    let c = classified(PolicyId::Jiangmen, &b);
    assert_eq!(c.tier, "B");
    check(
        &c,
        "2025-07-03 phone, 2025-08-04 phone, 2025-09-02 phone, 2025-10-06 phone, 2025-11-03 phone, 2025-12-01 phone, 2026-01-05 phone",
        &[],
        &["2025-09-30", "2025-10-01", "2025-12-17", "2026-01-05"],
        expect![[r#"
            2025-09-30 visit home x1/half_year [2025-01-01..2025-06-30] done 0 → missed (remind 2025-04-01 backup 2025-05-31 staff 2025-06-16 missed 2025-07-01)
            2025-09-30 visit home x1/half_year [2025-07-01..2025-12-31] done 0 → on_track (remind 2025-10-01 backup 2025-12-01 staff 2025-12-17 missed 2026-01-01) non_qualifying 3
            2025-09-30 visit any x1/month [2025-09-01..2025-09-30] done 1 → on_track (remind 2025-09-16 backup 2025-09-23 staff 2025-09-27 missed 2025-10-01)
            2025-10-01 visit home x1/half_year [2025-01-01..2025-06-30] done 0 → missed (remind 2025-04-01 backup 2025-05-31 staff 2025-06-16 missed 2025-07-01)
            2025-10-01 visit home x1/half_year [2025-07-01..2025-12-31] done 0 → reminded (remind 2025-10-01 backup 2025-12-01 staff 2025-12-17 missed 2026-01-01) non_qualifying 3
            2025-10-01 visit any x1/month [2025-10-01..2025-10-31] done 0 → on_track (remind 2025-10-16 backup 2025-10-24 staff 2025-10-28 missed 2025-11-01)
            2025-12-17 visit home x1/half_year [2025-01-01..2025-06-30] done 0 → missed (remind 2025-04-01 backup 2025-05-31 staff 2025-06-16 missed 2025-07-01)
            2025-12-17 visit home x1/half_year [2025-07-01..2025-12-31] done 0 → community_staff (remind 2025-10-01 backup 2025-12-01 staff 2025-12-17 missed 2026-01-01) non_qualifying 6
            2025-12-17 visit any x1/month [2025-12-01..2025-12-31] done 1 → on_track (remind 2025-12-16 backup 2025-12-24 staff 2025-12-28 missed 2026-01-01)
            2026-01-05 visit home x1/half_year [2025-07-01..2025-12-31] done 0 → missed (remind 2025-10-01 backup 2025-12-01 staff 2025-12-17 missed 2026-01-01) non_qualifying 6
            2026-01-05 visit home x1/half_year [2026-01-01..2026-06-30] done 0 → on_track (remind 2026-04-01 backup 2026-05-31 staff 2026-06-16 missed 2026-07-01) non_qualifying 1
            2026-01-05 visit any x1/month [2026-01-01..2026-01-31] done 1 → on_track (remind 2026-01-16 backup 2026-01-24 staff 2026-01-28 missed 2026-02-01)
        "#]],
    );
    // 江门 C (空巢, in good health): any ≥1/month and home ≥1/year. The year's home visit on
    // 20 Nov stops the ladder after the hand-over of 1 Nov.
    let c = classified(
        PolicyId::Jiangmen,
        &elder(&[Category::EmptyNest], Capability::Intact),
    );
    assert_eq!(c.tier, "C");
    check(
        &c,
        "2025-10-06 phone, 2025-11-03 video, 2025-11-20 home",
        &[],
        &["2025-07-01", "2025-07-02", "2025-11-02", "2025-11-20"],
        expect![[r#"
            2025-07-01 visit home x1/year [2024-01-01..2024-12-31] done 0 → missed (remind 2024-07-02 backup 2024-11-01 staff 2024-12-01 missed 2025-01-01)
            2025-07-01 visit home x1/year [2025-01-01..2025-12-31] done 0 → on_track (remind 2025-07-02 backup 2025-11-01 staff 2025-12-01 missed 2026-01-01)
            2025-07-01 visit any x1/month [2025-06-01..2025-06-30] done 0 → missed (remind 2025-06-16 backup 2025-06-23 staff 2025-06-27 missed 2025-07-01)
            2025-07-01 visit any x1/month [2025-07-01..2025-07-31] done 0 → on_track (remind 2025-07-16 backup 2025-07-24 staff 2025-07-28 missed 2025-08-01)
            2025-07-02 visit home x1/year [2024-01-01..2024-12-31] done 0 → missed (remind 2024-07-02 backup 2024-11-01 staff 2024-12-01 missed 2025-01-01)
            2025-07-02 visit home x1/year [2025-01-01..2025-12-31] done 0 → reminded (remind 2025-07-02 backup 2025-11-01 staff 2025-12-01 missed 2026-01-01)
            2025-07-02 visit any x1/month [2025-06-01..2025-06-30] done 0 → missed (remind 2025-06-16 backup 2025-06-23 staff 2025-06-27 missed 2025-07-01)
            2025-07-02 visit any x1/month [2025-07-01..2025-07-31] done 0 → on_track (remind 2025-07-16 backup 2025-07-24 staff 2025-07-28 missed 2025-08-01)
            2025-11-02 visit home x1/year [2024-01-01..2024-12-31] done 0 → missed (remind 2024-07-02 backup 2024-11-01 staff 2024-12-01 missed 2025-01-01)
            2025-11-02 visit home x1/year [2025-01-01..2025-12-31] done 0 → handed_to_backup (remind 2025-07-02 backup 2025-11-01 staff 2025-12-01 missed 2026-01-01) non_qualifying 1
            2025-11-02 visit any x1/month [2025-11-01..2025-11-30] done 0 → on_track (remind 2025-11-16 backup 2025-11-23 staff 2025-11-27 missed 2025-12-01)
            2025-11-20 visit home x1/year [2024-01-01..2024-12-31] done 0 → missed (remind 2024-07-02 backup 2024-11-01 staff 2024-12-01 missed 2025-01-01)
            2025-11-20 visit home x1/year [2025-01-01..2025-12-31] done 1 → on_track (remind 2025-07-02 backup 2025-11-01 staff 2025-12-01 missed 2026-01-01) non_qualifying 2
            2025-11-20 visit any x1/month [2025-11-01..2025-11-30] done 2 → on_track (remind 2025-11-16 backup 2025-11-23 staff 2025-11-27 missed 2025-12-01)
        "#]],
    );
}

#[test]
fn surge_shortens_thresholds_and_its_own_period_is_clipped() {
    // National, any mode monthly; a cold-wave surge 03-10..03-20 adds home ≥1/week for 和平区
    // elders. The surge halves the offsets of the monthly requirement once it has begun (the
    // reminder moves from the 16th to the 8th: already reached on the 10th); the surge's own
    // weekly requirement runs on the clipped weeks (Mon 10..Sun 16, then 17..20) and its missed
    // week is reported in the next. The home requirement names the national substitute.
    let c = classified(
        PolicyId::National,
        &elder(&[Category::LivingAlone], Capability::Intact),
    );
    let surge = Surge {
        id: "cold".into(),
        region_prefix: "440703".into(),
        start: d("2025-03-10"),
        end: d("2025-03-20"),
        tiers: vec![],
        categories: vec![],
        requirement: Requirement::new(Kind::Visit, RequiredMode::Home, 1, Per::Week),
        reason: "寒潮".into(),
    };
    check(
        &c,
        "2025-03-12 phone, 2025-03-19 home",
        &[surge],
        &[
            "2025-03-09",
            "2025-03-10",
            "2025-03-14",
            "2025-03-17",
            "2025-03-21",
            "2025-03-24",
        ],
        expect![[r#"
            2025-03-09 visit any x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-03-09 visit any x1/month [2025-03-01..2025-03-31] done 0 → on_track (remind 2025-03-16 backup 2025-03-24 staff 2025-03-28 missed 2025-04-01)
            2025-03-10 visit any x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-03-10 visit any x1/month [2025-03-01..2025-03-31] done 0 → reminded (remind 2025-03-08 backup 2025-03-12 staff 2025-03-14 missed 2025-04-01)
            2025-03-10 visit home x1/week [2025-03-10..2025-03-16] done 0 → on_track (remind 2025-03-11 backup 2025-03-11 staff 2025-03-12 missed 2025-03-17) surge cold substitute phone,video (全国 §二(五): 电话问候、互联网音（视）频探访)
            2025-03-14 visit any x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-03-14 visit any x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-08 backup 2025-03-12 staff 2025-03-14 missed 2025-04-01)
            2025-03-14 visit home x1/week [2025-03-10..2025-03-16] done 0 → community_staff (remind 2025-03-11 backup 2025-03-11 staff 2025-03-12 missed 2025-03-17) non_qualifying 1 surge cold substitute phone,video (全国 §二(五): 电话问候、互联网音（视）频探访)
            2025-03-17 visit any x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-03-17 visit any x1/month [2025-03-01..2025-03-31] done 1 → on_track (remind 2025-03-08 backup 2025-03-12 staff 2025-03-14 missed 2025-04-01)
            2025-03-17 visit home x1/week [2025-03-10..2025-03-16] done 0 → missed (remind 2025-03-11 backup 2025-03-11 staff 2025-03-12 missed 2025-03-17) non_qualifying 1 surge cold substitute phone,video (全国 §二(五): 电话问候、互联网音（视）频探访)
            2025-03-17 visit home x1/week [2025-03-17..2025-03-20] done 0 → handed_to_backup (remind 2025-03-17 backup 2025-03-17 staff 2025-03-18 missed 2025-03-21) surge cold substitute phone,video (全国 §二(五): 电话问候、互联网音（视）频探访)
            2025-03-21 visit any x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-03-21 visit any x1/month [2025-03-01..2025-03-31] done 2 → on_track (remind 2025-03-08 backup 2025-03-12 staff 2025-03-14 missed 2025-04-01)
            2025-03-24 visit any x1/month [2025-02-01..2025-02-28] done 0 → missed (remind 2025-02-15 backup 2025-02-21 staff 2025-02-25 missed 2025-03-01)
            2025-03-24 visit any x1/month [2025-03-01..2025-03-31] done 2 → on_track (remind 2025-03-08 backup 2025-03-12 staff 2025-03-14 missed 2025-04-01)
        "#]],
    );
}

#[test]
fn steps_are_ordered_and_named() {
    let names: Vec<String> = Step::ALL
        .iter()
        .map(|s| format!("{} {} {}", s.as_str(), s.label_zh(), s.label_en()))
        .collect();
    expect![[r#"
        [
            "on_track 正常 on track",
            "reminded 已提醒 reminded",
            "handed_to_backup 已转备岗 handed to backup",
            "community_staff 社区跟进 community staff",
            "missed 未完成 missed",
        ]
    "#]]
    .assert_debug_eq(&names);
    assert!(Step::ALL.windows(2).all(|w| w[0] < w[1]));
    for step in Step::ALL {
        assert_eq!(Step::parse(step.as_str()), Some(step));
        assert_eq!(
            serde_json::to_string(&step).unwrap(),
            format!("\"{}\"", step.as_str())
        );
    }
}

fn check_validation(policy: EscalationPolicy, expected: Expect) {
    let out = match policy.validate() {
        Ok(()) => "ok\n".to_string(),
        Err(errors) => errors
            .iter()
            .map(|e| format!("{}: {}\n", e.field, e.message))
            .collect(),
    };
    expected.assert_eq(&out);
}

#[test]
fn thresholds_are_validated_naming_the_field() {
    check_validation(EscalationPolicy::default(), expect!["ok\n"]);
    let bad = EscalationPolicy {
        week: Thresholds::new(60, 3, 1), // remind Fri (day 4), hand-over Thu (day 3)
        month: Thresholds::new(50, 2, 5), // staff before hand-over
        quarter: Thresholds::new(100, 21, 10),
        year: Thresholds::new(50, 400, 30),
        surge_percent: 0,
        ..EscalationPolicy::default()
    };
    check_validation(
        bad,
        expect![[r#"
            escalation.week.handover_days_before_end: 转备岗（期末前3天）早于提醒（60%）(hand-over must not come before the reminder in a 7-day period)
            escalation.month.staff_days_before_end: 社区跟进（期末前5天）早于转备岗（期末前2天）(community staff must not come before the hand-over)
            escalation.quarter.remind_percent: 提醒比例应在0–99之间: 100 (remind_percent must be 0–99)
            escalation.year.handover_days_before_end: 转备岗天数 400 超出每年的最短长度 365 天 (hand-over must fall inside the period)
            escalation.surge_percent: 加密期间比例应在1–100之间: 0 (surge_percent must be 1–100)
        "#]],
    );
}

#[test]
fn profiles_without_escalation_still_parse_and_bad_thresholds_fail_validation() {
    let profile = PolicyProfile::builtin(PolicyId::Pingli);
    let mut json = serde_json::to_value(&profile).unwrap();
    json.as_object_mut().unwrap().remove("escalation");
    let parsed: PolicyProfile = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(parsed, profile);
    assert_eq!(parsed.escalation, EscalationPolicy::default());
    json["escalation"] = serde_json::json!({ "month": { "remind_percent": 50, "handover_days_before_end": 7, "staff_days_before_end": 9 } });
    let parsed: PolicyProfile = serde_json::from_value(json).unwrap();
    assert_eq!(parsed.escalation.week, EscalationPolicy::default().week);
    let errors = parsed.validate().unwrap_err();
    expect![[r#"
        [
            "escalation.month.staff_days_before_end: 社区跟进（期末前9天）早于转备岗（期末前7天）(community staff must not come before the hand-over)",
        ]
    "#]]
    .assert_debug_eq(&errors.iter().map(|e| e.to_string()).collect::<Vec<_>>());
}
