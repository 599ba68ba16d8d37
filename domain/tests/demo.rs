//! The demo data set: valid, classifiable under every policy, deterministic, realistic spread.

use std::collections::{BTreeMap, BTreeSet};

use expect_test::{expect, Expect};
use tanfang_domain::classify::classify;
use tanfang_domain::date::{age_on, Month, NaiveDate};
use tanfang_domain::demo::{dataset, scaled, DemoData, DemoRole};
use tanfang_domain::elder::Consent;
use tanfang_domain::id_number::IdNumber;
use tanfang_domain::phone::Phone;
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::rate::monthly_report;
use tanfang_domain::region::RegionTree;
use tanfang_domain::schedule::VisitFact;
use tanfang_domain::visit::follow_ups;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Asserts every invariant of a data set for `today` and returns a summary to snapshot.
fn summary(data: &DemoData, today: NaiveDate) -> String {
    let tree = RegionTree::new(data.regions.clone()).expect("regions form a tree");
    assert_eq!(tree.len(), data.regions.len());

    let mut elder_ids = BTreeSet::new();
    let mut id_numbers = BTreeSet::new();
    for elder in &data.elders {
        assert!(
            elder_ids.insert(elder.id.clone()),
            "duplicate elder id {}",
            elder.id
        );
        if let Err(errors) = elder.validate(today) {
            panic!("{} {} does not validate: {errors:#?}", elder.id, elder.name);
        }
        let id = IdNumber::parse(elder.id_number.as_deref().unwrap()).unwrap();
        assert!(
            id_numbers.insert(id.as_str().to_string()),
            "duplicate ID number"
        );
        for policy in PolicyId::ALL {
            let profile = PolicyProfile::builtin(policy);
            if let Err(error) = classify(&elder.facts(), &profile, today) {
                panic!("{} does not classify under {policy}: {error:?}", elder.id);
            }
        }
        for contact in &elder.emergency_contacts {
            Phone::parse(&contact.phone).unwrap();
        }
    }
    let people: BTreeMap<&str, _> = data.people.iter().map(|p| (p.id.as_str(), p)).collect();
    assert_eq!(people.len(), data.people.len(), "person ids are unique");
    let logins: BTreeSet<&str> = data.people.iter().map(|p| p.login.as_str()).collect();
    assert_eq!(logins.len(), data.people.len(), "logins are unique");
    for elder in &data.elders {
        let responsible = elder.responsible_visitor_id.as_deref().unwrap();
        assert_eq!(people[responsible].role, DemoRole::Volunteer);
    }
    let mut visit_ids = BTreeSet::new();
    let earliest = today - chrono::Months::new(12);
    for visit in &data.visits {
        assert!(visit_ids.insert(visit.id.clone()), "duplicate visit id");
        if let Err(errors) = visit.validate() {
            panic!("visit {} does not validate: {errors:#?}", visit.id);
        }
        assert!(elder_ids.contains(&visit.elder_id));
        assert!(people.contains_key(visit.visitor_id.as_str()));
        assert!(
            earliest < visit.date && visit.date <= today,
            "{} outside the last year",
            visit.date
        );
    }
    for group in &data.groups {
        for member in group.member_ids.iter().chain([&group.admin_id]) {
            assert_eq!(
                people[member.as_str()].group_id.as_deref(),
                Some(group.id.as_str())
            );
        }
    }

    // The spread, as counts.
    let mut out = String::new();
    let count = |values: Vec<String>| {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for v in values {
            *map.entry(v).or_default() += 1;
        }
        map.into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    out += &format!(
        "regions: {}\n",
        data.regions
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    out += &format!(
        "elders: {}, visits: {}, people: {}, groups: {}\n",
        data.elders.len(),
        data.visits.len(),
        data.people.len(),
        data.groups.len()
    );
    out += &format!(
        "community: {}\n",
        count(
            data.elders
                .iter()
                .map(|e| e.address.community.clone())
                .collect()
        )
    );
    out += &format!(
        "category: {}\n",
        count(
            data.elders
                .iter()
                .flat_map(|e| e.categories.iter().map(|c| c.as_str().to_string()))
                .collect()
        )
    );
    out += &format!(
        "capability: {}\n",
        count(
            data.elders
                .iter()
                .map(|e| e.capability.as_str().to_string())
                .collect()
        )
    );
    out += &format!(
        "disability_grade: {}\n",
        count(
            data.elders
                .iter()
                .filter_map(|e| e.disability_grade.map(|g| g.to_string()))
                .collect()
        )
    );
    out += &format!(
        "consent: {}\n",
        count(
            data.elders
                .iter()
                .map(|e| e.consent.as_str().to_string())
                .collect()
        )
    );
    out += &format!(
        "age: {}\n",
        count(
            data.elders
                .iter()
                .map(|e| format!("{}0s", age_on(e.birth_date.unwrap(), today) / 10))
                .collect()
        )
    );
    let turning_80: Vec<String> = data
        .elders
        .iter()
        .filter(|e| {
            let birth = e.birth_date.unwrap();
            birth.format("%m").to_string() == today.format("%m").to_string()
                && age_on(birth, Month::containing(today).last_day()) == 80
        })
        .map(|e| format!("{} {}", e.name, e.birth_date.unwrap()))
        .collect();
    out += &format!("turning 80 this month: {}\n", turning_80.join(", "));
    out += &format!(
        "people: {}\n",
        count(
            data.people
                .iter()
                .map(|p| format!(
                    "{}/{}",
                    p.role.as_str(),
                    p.volunteer_kind.as_deref().unwrap_or("-")
                ))
                .collect()
        )
    );
    out += &format!(
        "visit modes: {}\n",
        count(
            data.visits
                .iter()
                .map(|v| format!("{}/{}", v.mode.as_str(), v.kind.as_str()))
                .collect()
        )
    );
    for policy in PolicyId::ALL {
        let profile = PolicyProfile::builtin(policy);
        let tiers = count(
            data.elders
                .iter()
                .map(|e| classify(&e.facts(), &profile, today).unwrap().tier)
                .collect(),
        );
        out += &format!("{policy}: {tiers}\n");
    }
    let facts: Vec<_> = data.elders.iter().map(|e| e.facts()).collect();
    let visit_facts: Vec<Vec<VisitFact>> = data
        .elders
        .iter()
        .map(|e| {
            data.visits
                .iter()
                .filter(|v| v.elder_id == e.id)
                .map(|v| v.schedule_fact())
                .collect()
        })
        .collect();
    let profile = PolicyProfile::builtin(PolicyId::National);
    for month in [
        Month::containing(today).previous(),
        Month::containing(today),
    ] {
        let report = monthly_report(
            &profile,
            month,
            facts
                .iter()
                .zip(&visit_facts)
                .map(|(f, v)| (f, v.as_slice())),
        );
        out += &format!(
            "national {}: in_scope={} declined={} visited={} rate={}\n",
            month, report.in_scope, report.declined, report.visited, report.rate
        );
    }
    let follow: Vec<String> = data
        .visits
        .iter()
        .flat_map(|v| follow_ups(v, None))
        .map(|f| f.key().split(':').next().unwrap().to_string())
        .collect();
    out += &format!("follow-ups: {}\n", count(follow));
    let declined_with_visits = data
        .elders
        .iter()
        .filter(|e| {
            e.consent == Consent::Declined && data.visits.iter().any(|v| v.elder_id == e.id)
        })
        .count();
    out += &format!("declined elders with visits: {declined_with_visits}\n");
    out
}

fn check(today: &str, expected: Expect) {
    let today = date(today);
    let data = dataset(today);
    assert_eq!(data, dataset(today), "deterministic");
    expected.assert_eq(&summary(&data, today));
}

#[test]
fn demo_on_a_november_day() {
    check(
        "2026-11-22",
        expect![[r#"
        regions: 安康市 平利县 城关镇 老县镇 长安镇 东关社区 西关社区 蒋家坪村 中坝村 高峰村
        elders: 200, visits: 3457, people: 33, groups: 2
        community: 东关社区=59 中坝村=35 蒋家坪村=35 西关社区=47 高峰村=24
        category: empty_nest=46 family_planning_special=16 left_behind=41 living_alone=58 solitary=14
        capability: intact=68 mild=31 moderate=29 severe=15 total=10 unassessed=47
        disability_grade: 1=13 2=14 3=9 4=5
        consent: accepted=171 declined=12 pending=17
        age: 60s=64 70s=63 80s=54 90s=19
        turning 80 this month: 曾金才 1946-11-27
        people: admin/-=1 coordinator/-=10 group_admin/-=2 volunteer/community_cadre=3 volunteer/elderly_association=2 volunteer/enterprise=3 volunteer/family_doctor=3 volunteer/grid_worker=2 volunteer/social_worker=3 volunteer/student=2 volunteer/volunteer=2
        visit modes: encounter/visit=136 home/community_help=445 home/visit=2009 other/visit=53 phone/visit=607 video/visit=207
        national: disabled=101 general=99
        jining: general=71 key=113 secondary=16
        pingli: intensive=130 regular=70
        tianjin: disabled=101 general=99
        jiangmen: A=148 B=4 C=48
        national 2026-10: in_scope=188 declined=12 visited=139 rate=0.7394
        national 2026-11: in_scope=188 declined=12 visited=156 rate=0.8298
        follow-ups: concern=498 dissatisfied=42 family_duty=27 hazard=91 referral=154
        declined elders with visits: 0
    "#]],
    );
}

#[test]
fn demo_on_leap_day() {
    check(
        "2024-02-29",
        expect![[r#"
        regions: 安康市 平利县 城关镇 老县镇 长安镇 东关社区 西关社区 蒋家坪村 中坝村 高峰村
        elders: 200, visits: 3483, people: 33, groups: 2
        community: 东关社区=59 中坝村=35 蒋家坪村=35 西关社区=47 高峰村=24
        category: empty_nest=48 family_planning_special=15 left_behind=37 living_alone=60 solitary=13
        capability: intact=70 mild=25 moderate=31 severe=13 total=16 unassessed=45
        disability_grade: 1=11 2=9 3=9 4=10
        consent: accepted=167 declined=16 pending=17
        age: 60s=60 70s=74 80s=58 90s=8
        turning 80 this month: 曾金才 1944-02-01
        people: admin/-=1 coordinator/-=10 group_admin/-=2 volunteer/community_cadre=3 volunteer/elderly_association=2 volunteer/enterprise=3 volunteer/family_doctor=3 volunteer/grid_worker=2 volunteer/social_worker=3 volunteer/student=2 volunteer/volunteer=2
        visit modes: encounter/visit=134 home/community_help=476 home/visit=1956 other/visit=70 phone/visit=627 video/visit=220
        national: disabled=108 general=92
        jining: general=66 key=109 secondary=25
        pingli: intensive=139 regular=61
        tianjin: disabled=108 general=92
        jiangmen: A=146 B=3 C=51
        national 2024-01: in_scope=184 declined=16 visited=120 rate=0.6522
        national 2024-02: in_scope=184 declined=16 visited=154 rate=0.837
        follow-ups: concern=551 dissatisfied=29 family_duty=27 hazard=83 referral=179
        declined elders with visits: 0
    "#]],
    );
}

#[test]
fn demo_on_new_years_day() {
    check(
        "2027-01-01",
        expect![[r#"
        regions: 安康市 平利县 城关镇 老县镇 长安镇 东关社区 西关社区 蒋家坪村 中坝村 高峰村
        elders: 200, visits: 3457, people: 33, groups: 2
        community: 东关社区=59 中坝村=35 蒋家坪村=35 西关社区=47 高峰村=24
        category: empty_nest=46 family_planning_special=16 left_behind=41 living_alone=58 solitary=14
        capability: intact=68 mild=31 moderate=29 severe=15 total=10 unassessed=47
        disability_grade: 1=13 2=14 3=9 4=5
        consent: accepted=171 declined=12 pending=17
        age: 60s=64 70s=63 80s=54 90s=19
        turning 80 this month: 曾金才 1947-01-06, 邓有福 1947-01-22
        people: admin/-=1 coordinator/-=10 group_admin/-=2 volunteer/community_cadre=3 volunteer/elderly_association=2 volunteer/enterprise=3 volunteer/family_doctor=3 volunteer/grid_worker=2 volunteer/social_worker=3 volunteer/student=2 volunteer/volunteer=2
        visit modes: encounter/visit=136 home/community_help=434 home/visit=2020 other/visit=53 phone/visit=607 video/visit=207
        national: disabled=101 general=99
        jining: general=71 key=113 secondary=16
        pingli: intensive=130 regular=70
        tianjin: disabled=101 general=99
        jiangmen: A=148 B=4 C=48
        national 2026-12: in_scope=188 declined=12 visited=160 rate=0.8511
        national 2027-01: in_scope=188 declined=12 visited=142 rate=0.7553
        follow-ups: concern=498 dissatisfied=42 family_duty=27 hazard=91 referral=154
        declined elders with visits: 0
    "#]],
    );
}

#[test]
fn scaled_has_the_asked_volume_and_is_valid() {
    let today = date("2026-11-22");
    let data = scaled(1_000, 12, today);
    assert_eq!(data.elders.len(), 1_000);
    assert_eq!(data.visits.len(), 12_000);
    for elder in &data.elders {
        assert_eq!(
            data.visits
                .iter()
                .filter(|v| v.elder_id == elder.id)
                .count(),
            12
        );
    }
    let summary = summary(&data, today);
    expect![[r#"
        regions: 安康市 平利县 第1镇 第1社区 第2村 第3社区
        elders: 1000, visits: 12000, people: 23, groups: 2"#]]
    .assert_eq(
        summary
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    );
}

#[test]
fn demo_serializes_as_json() {
    let data = dataset(date("2026-11-22"));
    let json = serde_json::to_value(&data).unwrap();
    assert!(json["people"][0].get("password").is_none());
    let again: DemoData = serde_json::from_value(json).unwrap();
    assert_eq!(again, data);
}
