//! The full file (一人一档) validation, facts parsing, and policy profiles (versions, local
//! stricter profiles).

use expect_test::{expect, Expect};
use serde_json::json;
use tanfang_domain::date::{parse_date, NaiveDate, Per};
use tanfang_domain::elder::{ElderFacts, ElderFile};
use tanfang_domain::id_number::make_id_number;
use tanfang_domain::policy::{
    Condition, Kind, PolicyId, PolicyProfile, ProfileHistory, RequiredMode, Requirement,
    RequirementRule,
};

fn d(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

fn good_file() -> serde_json::Value {
    let id = make_id_number("440703", d("1943-06-01"), 121);
    json!({
        "id": "e1",
        "name": "陈桂英",
        "sex": "male",
        "ethnicity": "汉族",
        "id_number": id.as_str(),
        "birth_date": "1943-06-01",
        "address": {"region_code": "440703001001", "city": "江门市", "district": "蓬江区",
                    "street": "环市街道", "community": "东华社区", "detail": "东华一路12号302"},
        "lives_at_household_registration": true,
        "phone": "0750-3456789",
        "emergency_contacts": [
            {"kind": "child", "name": "陈建国", "relation": "儿子", "phone": "13812345678"},
            {"kind": "community", "name": "李主任", "relation": "社区主任", "phone": "0750-3456000"}
        ],
        "categories": ["living_alone"],
        "capability": "mild",
        "disability_grade": 2,
        "disability_certificate_number": format!("{}12", id.as_str()),
        "consent": "accepted",
        "consent_history": [
            {"date": "2024-03-01", "decision": "declined", "note": "老人说子女常回家"},
            {"date": "2024-09-01", "decision": "accepted"}
        ],
        "family_members": [{"name": "陈建国", "relation": "子", "health": "健康"}],
        "living_conditions": {"drinking_water_safe": true, "electricity_safe": true,
            "housing_safe": false, "monthly_household_income_yuan": 1800,
            "receives_pension": true, "monthly_pension_yuan": 900,
            "subsidies": [{"name": "高龄津贴", "monthly_yuan": 100}]},
        "help_received": {"units": ["volunteer", "enterprise"], "unit_names": ["江门职业技术学院"],
            "responsible_person": "王老师"},
        "responsible_visitor_id": "u7",
        "backup_visitor_ids": ["u8"],
        "last_reverified_on": "2025-01-10"
    })
}

/// Applies `edit` to a good file and lists the validation errors on 2025-03-15.
fn check_file(edit: impl FnOnce(&mut serde_json::Value), expected: Expect) {
    let mut value = good_file();
    edit(&mut value);
    let actual = match ElderFile::from_json(&value) {
        Err(e) => format!("parse {} {}: {}\n", e.field, e.code.as_str(), e.message),
        Ok(file) => match file.validate(d("2025-03-15")) {
            Ok(()) => "ok\n".to_string(),
            Err(errors) => errors
                .iter()
                .map(|e| format!("{} {}: {}\n", e.field, e.code.as_str(), e.message))
                .collect(),
        },
    };
    expected.assert_eq(&actual);
}

#[test]
fn a_complete_file_is_valid() {
    check_file(
        |_| {},
        expect![[r#"
        ok
    "#]],
    );
    let file = ElderFile::from_json(&good_file()).unwrap();
    assert_eq!(
        ElderFile::from_json_str(&good_file().to_string()).unwrap(),
        file
    );
    let mut bad = good_file();
    bad["emergency_contacts"][0]["kind"] = json!("friend");
    assert_eq!(
        ElderFile::from_json_str(&bad.to_string())
            .unwrap_err()
            .field,
        ElderFile::from_json(&bad).unwrap_err().field
    );
    assert!(ElderFile::from_json_str("{} x").is_err());
    let facts = file.facts();
    assert_eq!(facts.region_code.as_deref(), Some("440703001001"));
    assert!(facts.impaired() && facts.severely_handicapped());
    // A stored file is also a facts object: same names at the top level.
    let facts_again = ElderFacts::from_json(&good_file()).unwrap();
    assert_eq!(facts_again.id, "e1");
    assert_eq!(facts_again.disability_grade, Some(2));
}

#[test]
fn every_bad_field_is_named() {
    check_file(
        |v| {
            v["name"] = json!("");
            v["sex"] = json!("female");
            v["birth_date"] = json!("1943-06-02");
            v["address"]["region_code"] = json!("440703001000");
            v["phone"] = json!("12345");
            v["emergency_contacts"][1]["phone"] = json!("0750-12");
            v["emergency_contacts"][0]["kind"] = json!("relative");
            v["emergency_contacts"][1]["kind"] = json!("child");
            v["disability_certificate_number"] = json!("44070319430601121X13");
            v["consent_history"][0]["note"] = json!(" ");
            v["consent"] = json!("pending");
            v["family_members"][0]["id_number"] = json!("110105194912310021");
            v["backup_visitor_ids"] = json!(["u7"]);
            v["last_reverified_on"] = json!("2025-04-01");
        },
        expect![[r#"
            name missing_field: 缺少姓名 (name is required)
            sex bad_value: 性别与身份证号不一致，身份证号为男 (sex disagrees with id_number)
            birth_date birth_date_mismatch: 出生日期 1943-06-02 与身份证号中的 1943-06-01 不一致 (birth_date disagrees with id_number)
            address.region_code bad_value: 地址须精确到社区(村)，此代码为街道/乡镇级 (address must be a community/village code)
            phone bad_value: 联系电话无效: 手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits)
            emergency_contacts[1].phone bad_value: 紧急联系人电话无效: 固定电话号码应为7–8位且不以0或1开头 (local number must be 7–8 digits)
            emergency_contacts[1].kind bad_value: 紧急联系人顺序应为子女、近亲属、社区(村) (order: child, relative, community)
            disability_certificate_number bad_value: 残疾人证号前18位不是有效身份证号: 身份证号校验位错误，应为 0，实为 X (bad check character)
            disability_certificate_number bad_value: 残疾人证号第20位（等级）与残疾等级2不符 (grade digit disagrees with disability_grade)
            consent_history[0].note missing_field: 拒绝探访须有书面记录说明 (a refusal needs a written note)
            consent bad_value: 当前意愿“待确认”与最近一次记录“同意”不一致 (consent disagrees with the latest history entry)
            family_members[0].id_number bad_id_number: 身份证号校验位错误，应为 X，实为 1 (bad check character)
            backup_visitor_ids[0] bad_value: 备用探访人不能是责任人本人 (backup equals the responsible visitor)
            last_reverified_on bad_value: 核实日期晚于今天 (re-verification date in the future)
        "#]],
    );
}

#[test]
fn type_errors_name_the_path() {
    check_file(
        |v| v["emergency_contacts"][1]["kind"] = json!("neighbour"),
        expect![[r#"
            parse emergency_contacts[1].kind bad_value: 字段 emergency_contacts[1].kind 的值无效 (bad value): unknown variant `neighbour`, expected one of `child`, `relative`, `community`
        "#]],
    );
    check_file(
        |v| v["categories"] = json!(["living_alone", "lonely"]),
        expect![[r#"
            parse categories[1] bad_value: 字段 categories[1] 的值无效 (bad value): unknown variant `lonely`, expected one of `solitary`, `living_alone`, `empty_nest`, `left_behind`, `family_planning_special`
        "#]],
    );
}

#[test]
fn refusals_need_a_note_and_scope_is_checked() {
    check_file(
        |v| {
            v["consent"] = json!("declined");
            v["consent_history"] = json!([]);
            v["categories"] = json!([]);
            v["capability"] = json!("intact");
            v["disability_grade"] = json!(3);
            let id = v["id_number"].as_str().unwrap().to_string();
            v["disability_certificate_number"] = json!(format!("{id}13"));
            v["emergency_contacts"] = json!([]);
        },
        expect![[r#"
            emergency_contacts missing_field: 至少需要一位紧急联系人 (at least one emergency contact is required)
            categories not_special_needs: 不属于特殊困难老年人（无类别、未失能、非重残） (not a special-needs elder)
            consent_history missing_field: 拒绝探访须有书面记录 (a refusal needs a consent history entry with a note)
        "#]],
    );
}

#[test]
fn facts_parsing_names_fields() {
    let cases = [
        json!({"birth_date": "1950-01-01"}),
        json!({"id": 7}),
        json!({"id": "x", "birth_date": "1950-1-1"}),
        json!({"id": "x", "birth_date": "1950-01-01", "disability_grade": 5}),
        json!({"id": "x", "birth_date": "1950-01-01", "bedridden": "yes"}),
        json!({"id": "x", "birth_date": "1950-01-01", "consent": "maybe"}),
        json!({"id": "x", "birth_date": "1950-01-01", "categories": "living_alone"}),
        json!({"id": "x", "birth_date": "1950-01-01", "bedridden": null, "extra": 1}),
        json!({"id": "x", "birth_date": "1950-01-01", "id_number": " ", "region_code": ""}),
        json!({"id": "x", "birth_date": "", "id_number": "11010519491231002X"}),
        json!([1, 2]),
    ];
    let actual: String = cases
        .iter()
        .map(|case| match ElderFacts::from_json(case) {
            Ok(f) => format!(
                "ok {} consent={:?} capability={:?}\n",
                f.id, f.consent, f.capability
            ),
            Err(e) => format!("{} {:?}\n", e.code.as_str(), e.field),
        })
        .collect();
    expect![[r#"
        missing_field Some("id")
        bad_value Some("id")
        bad_value Some("birth_date")
        bad_value Some("disability_grade")
        bad_value Some("bedridden")
        bad_value Some("consent")
        bad_value Some("categories")
        ok x consent=Pending capability=Unassessed
        ok x consent=Pending capability=Unassessed
        ok x consent=Pending capability=Unassessed
        bad_json None
    "#]]
    .assert_eq(&actual);
}

#[test]
fn builtin_profiles_are_valid_and_serialisable() {
    for policy in PolicyId::ALL {
        let profile = PolicyProfile::builtin(policy);
        profile.validate().unwrap();
        let text = serde_json::to_string(&profile).unwrap();
        let back: PolicyProfile = serde_json::from_str(&text).unwrap();
        assert_eq!(back, profile);
        profile.check_not_weaker_than(&profile).unwrap();
    }
}

fn check_local(additions: Vec<(&str, Requirement)>, expected: Expect) {
    let base = PolicyProfile::builtin(PolicyId::Jiangmen);
    let additions = additions
        .into_iter()
        .map(|(tier, requirement)| {
            (
                tier.to_string(),
                RequirementRule {
                    when: Condition::Always,
                    requirement,
                },
            )
        })
        .collect();
    let actual = match PolicyProfile::derive_stricter(
        &base,
        "jiangmen/pengjiang",
        1,
        d("2025-01-01"),
        additions,
    ) {
        Ok(local) => format!(
            "ok: {} tiers, A has {} rules\n",
            local.tiers.len(),
            local.tier("A").unwrap().rules.len()
        ),
        Err(errors) => errors.iter().map(|e| format!("{e}\n")).collect(),
    };
    expected.assert_eq(&actual);
}

#[test]
fn local_profiles_may_be_stricter_never_weaker() {
    check_local(
        vec![(
            "A",
            Requirement::new(Kind::Visit, RequiredMode::Home, 2, Per::Month),
        )],
        expect![[r#"
            ok: 3 tiers, A has 2 rules
        "#]],
    );
    check_local(
        vec![(
            "C",
            Requirement::new(Kind::Visit, RequiredMode::Any, 1, Per::Week),
        )],
        expect![[r#"
            ok: 3 tiers, A has 1 rules
        "#]],
    );
    check_local(
        vec![(
            "D",
            Requirement::new(Kind::Visit, RequiredMode::Any, 1, Per::Week),
        )],
        expect![[r#"
            本地配置缺少基础配置的等级 D (local profile lacks base tier)
        "#]],
    );
    // Replacing A's home visit by a phone visit a week is weaker (mode), and replacing B's
    // half-yearly home visit by a yearly one is weaker (period).
    let base = PolicyProfile::builtin(PolicyId::Jiangmen);
    let mut local = base.clone();
    local.id = "jiangmen/weak".into();
    local.tiers[0].rules[0].requirement =
        Requirement::new(Kind::Visit, RequiredMode::Any, 1, Per::Week);
    local.tiers[1].rules[1].requirement =
        Requirement::new(Kind::Visit, RequiredMode::Home, 1, Per::Year);
    let errors: String = local
        .check_not_weaker_than(&base)
        .unwrap_err()
        .iter()
        .map(|e| format!("{e}\n"))
        .collect();
    expect![[r#"
        本地配置弱于基础配置: 等级 A 的要求 上门探访 ≥1次/每月 没有被同等或更严的要求覆盖 (weaker than base)
        本地配置弱于基础配置: 等级 B 的要求 上门探访 ≥1次/每半年 没有被同等或更严的要求覆盖 (weaker than base)
    "#]]
    .assert_eq(&errors);
}

#[test]
fn history_picks_the_version_in_force() {
    let v1 = PolicyProfile::builtin(PolicyId::Tianjin);
    let mut v2 = v1.clone();
    v2.version = 2;
    v2.effective_from = d("2025-07-01");
    v2.tiers[1].rules[0].requirement.count = 2;
    let history = ProfileHistory::new(vec![v2.clone(), v1.clone()]);
    assert_eq!(history.in_force_on(d("2023-11-30")), None);
    assert_eq!(history.in_force_on(d("2023-12-01")).unwrap().version, 1);
    assert_eq!(history.in_force_on(d("2025-06-30")).unwrap().version, 1);
    assert_eq!(history.in_force_on(d("2025-07-01")).unwrap().version, 2);
    assert_eq!(history.latest().unwrap().version, 2);
}

#[test]
fn living_away_from_registration_needs_the_registration_place() {
    // 天津 §三(二): 人户分离对象的有关情况及时告知户籍地街道(乡镇).
    check_file(
        |v| v["lives_at_household_registration"] = json!(false),
        expect![[r#"
            household_registration_region_code missing_field: 人户分离须填写户籍所在地区划代码，以便告知户籍地街道(乡镇) (registration place is required when living elsewhere)
        "#]],
    );
    check_file(
        |v| {
            v["lives_at_household_registration"] = json!(false);
            v["household_registration_region_code"] = json!("610926102000");
        },
        expect![[r#"
            ok
        "#]],
    );
    // Absent means "lives at the registration place".
    let mut value = good_file();
    value
        .as_object_mut()
        .unwrap()
        .remove("lives_at_household_registration");
    assert!(
        ElderFile::from_json(&value)
            .unwrap()
            .lives_at_household_registration
    );
}
