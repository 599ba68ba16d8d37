//! The visit record: validation, follow-ups, labels and the wire format, as table tests.

use expect_test::{expect, Expect};
use serde_json::{json, Value};
use tanfang_domain::policy::{Kind, VisitMode};
use tanfang_domain::visit::{
    follow_ups, Aspect, CareServiceKind, ConfirmedBy, IllnessStatus, NeedCategory, Safety,
    SafetyItem, Satisfaction, Trend, VisitRecord, VisitorCategory,
};

/// The smallest valid visit as the phone sends it; cases patch it.
fn base() -> Value {
    json!({"id": "v-0001-abcd", "elder_id": "e-1", "visitor_id": "u-1",
           "date": "2025-03-02", "mode": "home"})
}

/// `base()` with the fields of `patch` replaced (a `null` removes the field).
fn patched(patch: &Value) -> Value {
    let mut value = base();
    for (key, field) in patch.as_object().unwrap() {
        if field.is_null() {
            value.as_object_mut().unwrap().remove(key);
        } else {
            value[key] = field.clone();
        }
    }
    value
}

fn parse(value: Value) -> Result<VisitRecord, String> {
    serde_json::from_value(value).map_err(|e| format!("bad json: {e}"))
}

/// One line per case: the patch, then `ok` or each field error as `field code: message`.
fn check_validate(cases: &[Value], expected: Expect) {
    let mut actual = String::new();
    for patch in cases {
        actual.push_str(&format!("{patch}\n"));
        match parse(patched(patch)) {
            Err(error) => actual.push_str(&format!("  {error}\n")),
            Ok(visit) => match visit.validate() {
                Ok(()) => actual.push_str("  ok\n"),
                Err(errors) => {
                    for error in errors {
                        actual.push_str(&format!(
                            "  {} {}: {}\n",
                            error.field,
                            error.code.as_str(),
                            error.message
                        ));
                    }
                }
            },
        }
    }
    expected.assert_eq(&actual);
}

/// One block per case: previous-visit patch and current-visit patch, then the follow-ups as
/// `key | label_zh | label_en`.
fn check_follow_ups(cases: &[(Option<Value>, Value)], expected: Expect) {
    let mut actual = String::new();
    for (previous, current) in cases {
        let previous = previous.as_ref().map(|p| parse(patched(p)).unwrap());
        let current = parse(patched(current)).unwrap();
        match &previous {
            Some(p) => actual.push_str(&format!(
                "{} after {}\n",
                json_of(current_patch(current.clone())),
                json_of(current_patch(p.clone()))
            )),
            None => actual.push_str(&format!("{}\n", json_of(current_patch(current.clone())))),
        }
        let found = follow_ups(&current, previous.as_ref());
        if found.is_empty() {
            actual.push_str("  (none)\n");
        }
        for follow_up in found {
            actual.push_str(&format!(
                "  {} | {} | {}\n",
                follow_up.key(),
                follow_up.label_zh(),
                follow_up.label_en()
            ));
        }
    }
    expected.assert_eq(&actual);
}

/// The fields of a record that differ from `base()`'s defaults, for compact case titles.
fn current_patch(visit: VisitRecord) -> Value {
    let full = serde_json::to_value(&visit).unwrap();
    let defaults = serde_json::to_value(parse(base()).unwrap()).unwrap();
    let mut diff = serde_json::Map::new();
    for (key, value) in full.as_object().unwrap() {
        if defaults.get(key) != Some(value) {
            diff.insert(key.clone(), value.clone());
        }
    }
    Value::Object(diff)
}

fn json_of(value: Value) -> String {
    value.to_string()
}

#[test]
fn validation() {
    check_validate(
        &[
            json!({}),
            json!({"id": "short"}),
            json!({"id": "has space in it"}),
            json!({"id": "0123456789012345678901234567890123456789012345678901234567890123456789"}),
            json!({"elder_id": "", "visitor_id": "  "}),
            json!({"date": "1999-12-31"}),
            json!({"date": "2025-03-05", "device_time_ms": 1740844800000i64}),
            json!({"date": "2025-03-02", "device_time_ms": 1740844800000i64}),
            json!({"duration_minutes": 0}),
            json!({"duration_minutes": 90}),
            json!({"duration_minutes": 1441}),
            json!({"family_size_change": -21}),
            json!({"illness": "serious"}),
            json!({"illness": "serious", "illness_name": "脑梗"}),
            json!({"needs": [{"category": "daily_care"}, {"category": "other", "text": " "}]}),
            json!({"care_services": [{"kind": "other"}, {"kind": "health_check", "satisfaction": "satisfied"}]}),
            json!({"confirmation": {"confirmed": true, "by": "supporter"}}),
            json!({"confirmation": {"confirmed": true, "by": "supporter", "name": "李明"}}),
            json!({"confirmation": {"confirmed": true, "signature": "javascript:alert(1)"}}),
            json!({"location": {"lat": 91.0, "lon": -181.0, "accuracy_m": -1.0}}),
            json!({"location": {"lat": 39.1, "lon": 117.2, "accuracy_m": 15.0}}),
            json!({"visit_number": 0, "entered_by": ""}),
            json!({"mode": "telepathy"}),
            json!({"date": "2025-02-30"}),
            json!({"gas_safety": "dangerous"}),
            json!({"elder_id": null}),
        ],
        expect![[r#"
            {}
              ok
            {"id":"short"}
              id bad_value: 须为 8–64 个字母、数字、- 或 _ (must be 8–64 letters, digits, - or _)
            {"id":"has space in it"}
              id bad_value: 须为 8–64 个字母、数字、- 或 _ (must be 8–64 letters, digits, - or _)
            {"id":"0123456789012345678901234567890123456789012345678901234567890123456789"}
              id bad_value: 须为 8–64 个字母、数字、- 或 _ (must be 8–64 letters, digits, - or _)
            {"elder_id":"","visitor_id":"  "}
              elder_id missing_field: 不能为空 (required)
              visitor_id missing_field: 不能为空 (required)
            {"date":"1999-12-31"}
              date bad_value: 早于 2000-01-01 (before 2000-01-01)
            {"date":"2025-03-05","device_time_ms":1740844800000}
              date bad_value: 晚于保存日期 2025-03-02 (after the day it was saved, 2025-03-02)
            {"date":"2025-03-02","device_time_ms":1740844800000}
              ok
            {"duration_minutes":0}
              duration_minutes bad_value: 须为 1–1440 分钟 (must be 1–1440 minutes)
            {"duration_minutes":90}
              ok
            {"duration_minutes":1441}
              duration_minutes bad_value: 须为 1–1440 分钟 (must be 1–1440 minutes)
            {"family_size_change":-21}
              family_size_change bad_value: 须在 −20 到 20 之间 (must be between −20 and 20)
            {"illness":"serious"}
              illness_name missing_field: 疾病严重时须填写疾病名称 (required when illness is serious)
            {"illness":"serious","illness_name":"脑梗"}
              ok
            {"needs":[{"category":"daily_care"},{"category":"other","text":" "}]}
              needs[1].text missing_field: “其他”需求须说明 (describe the other need)
            {"care_services":[{"kind":"other"},{"kind":"health_check","satisfaction":"satisfied"}]}
              care_services[0].detail missing_field: “其他”服务须说明 (describe the other service)
            {"confirmation":{"by":"supporter","confirmed":true}}
              confirmation.name missing_field: 非本人确认时须填写确认人姓名 (name who confirmed for the elder)
            {"confirmation":{"by":"supporter","confirmed":true,"name":"李明"}}
              ok
            {"confirmation":{"confirmed":true,"signature":"javascript:alert(1)"}}
              confirmation.signature bad_value: 须为不超过 200000 字节的图片 (must be a data:image/ URL of at most 200000 bytes)
            {"location":{"accuracy_m":-1.0,"lat":91.0,"lon":-181.0}}
              location.lat bad_value: 须在 −90 到 90 之间 (must be between −90 and 90)
              location.lon bad_value: 须在 −180 到 180 之间 (must be between −180 and 180)
              location.accuracy_m bad_value: 须为非负数 (must be zero or more)
            {"location":{"accuracy_m":15.0,"lat":39.1,"lon":117.2}}
              ok
            {"entered_by":"","visit_number":0}
              entered_by bad_value: 须为 1–64 个字符 (must be 1–64 characters)
              visit_number bad_value: 从 1 开始 (starts at 1)
            {"mode":"telepathy"}
              bad json: unknown variant `telepathy`, expected one of `home`, `phone`, `video`, `encounter`, `other`
            {"date":"2025-02-30"}
              bad json: input is out of range
            {"gas_safety":"dangerous"}
              bad json: unknown variant `dangerous`, expected one of `safe`, `fairly_safe`, `unsafe`
            {"elder_id":null}
              bad json: missing field `elder_id`
        "#]],
    );
}

#[test]
fn follow_ups_table() {
    check_follow_ups(
        &[
            (None, json!({})),
            (
                None,
                json!({"gas_safety": "unsafe", "fire_safety": "fairly_safe"}),
            ),
            (
                Some(json!({"fire_safety": "fairly_safe"})),
                json!({"fire_safety": "fairly_safe"}),
            ),
            (
                Some(json!({"fire_safety": "unsafe"})),
                json!({"fire_safety": "fairly_safe"}),
            ),
            (
                None,
                json!({"mood": "worse", "personal_hygiene": "worse", "mobility": "better"}),
            ),
            (Some(json!({"mood": "worse"})), json!({"mood": "unchanged"})),
            (Some(json!({"mood": "worse"})), json!({"mood": "better"})),
            (None, json!({"illness": "serious", "illness_name": "肺炎"})),
            (
                Some(json!({"illness": "serious", "illness_name": "肺炎"})),
                json!({}),
            ),
            (
                Some(json!({"illness": "serious", "illness_name": "肺炎"})),
                json!({"illness": "improved"}),
            ),
            (None, json!({"family_size_change": -1})),
            (None, json!({"family_size_change": 2})),
            (
                None,
                json!({"needs": [{"category": "home_adaptation", "text": "卫生间扶手"}, {"category": "policy_application"}]}),
            ),
            (
                None,
                json!({"emergency_note": "老人摔倒，已拨打120并联系女儿", "family_duty_concern": true, "satisfaction": "dissatisfied"}),
            ),
            (
                None,
                json!({"care_services": [{"kind": "meal_delivery", "satisfaction": "dissatisfied"}]}),
            ),
        ],
        expect![[r#"
            {}
              (none)
            {"fire_safety":"fairly_safe","gas_safety":"unsafe"}
              hazard:gas | 安全隐患：燃气安全（不安全） | Hazard: gas safety (unsafe)
            {"fire_safety":"fairly_safe"} after {"fire_safety":"fairly_safe"}
              hazard:fire | 安全隐患：消防安全（较安全，连续两次） | Hazard: fire safety (fairly safe, twice running)
            {"fire_safety":"fairly_safe"} after {"fire_safety":"unsafe"}
              (none)
            {"mobility":"better","mood":"worse","personal_hygiene":"worse"}
              concern:mood | 需关注：情绪状态 | Concern: mood
              concern:personal_hygiene | 需关注：个人卫生 | Concern: personal hygiene
            {} after {"mood":"worse"}
              concern:mood | 需关注：情绪状态，持续 | Concern: mood, persisting
            {"mood":"better"} after {"mood":"worse"}
              (none)
            {"illness":"serious","illness_name":"肺炎"}
              concern:illness | 需关注：疾病状况（肺炎） | Concern: illness (肺炎)
            {} after {"illness":"serious","illness_name":"肺炎"}
              concern:illness | 需关注：疾病状况（肺炎），持续 | Concern: illness (肺炎), persisting
            {"illness":"improved"} after {"illness":"serious","illness_name":"肺炎"}
              (none)
            {"family_size_change":-1}
              concern:family_size | 需关注：家庭人口（减少1人） | Concern: household size (减少1人)
            {"family_size_change":2}
              (none)
            {"needs":[{"category":"home_adaptation","text":"卫生间扶手"},{"category":"policy_application","text":""}]}
              referral:home_adaptation | 需求转介：居家适老化改造（卫生间扶手） | Referral: home adaptation for old age (卫生间扶手)
              referral:policy_application | 需求转介：政策申请 | Referral: applying for benefits
            {"emergency_note":"老人摔倒，已拨打120并联系女儿","family_duty_concern":true,"satisfaction":"dissatisfied"}
              emergency | 应急处置记录归档：老人摔倒，已拨打120并联系女儿 | File the emergency record: 老人摔倒，已拨打120并联系女儿
              family_duty | 督促子女履行赡养义务 | Remind the children of their duty of support
              dissatisfied | 老年人对服务不满意 | The elder was dissatisfied with the service
            {"care_services":[{"detail":"","kind":"meal_delivery","satisfaction":"dissatisfied"}]}
              dissatisfied | 老年人对服务不满意 | The elder was dissatisfied with the service
        "#]],
    );
}

/// Every enum value with its wire name and labels: the app shows these.
#[test]
fn labels() {
    fn rows<T: Copy>(
        all: &[T],
        f: impl Fn(T) -> (&'static str, &'static str, &'static str),
    ) -> String {
        all.iter()
            .map(|v| {
                let (w, z, e) = f(*v);
                format!("{w}={z}/{e}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    let actual = [
        format!(
            "Trend: {}",
            rows(Trend::ALL, |v| (v.as_str(), v.label_zh(), v.label_en()))
        ),
        format!(
            "IllnessStatus: {}",
            rows(IllnessStatus::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
        format!(
            "Safety: {}",
            rows(Safety::ALL, |v| (v.as_str(), v.label_zh(), v.label_en()))
        ),
        format!(
            "SafetyItem: {}",
            rows(SafetyItem::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
        format!(
            "Aspect: {}",
            rows(Aspect::ALL, |v| (v.as_str(), v.label_zh(), v.label_en()))
        ),
        format!(
            "NeedCategory: {}",
            rows(NeedCategory::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
        format!(
            "CareServiceKind: {}",
            rows(CareServiceKind::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
        format!(
            "Satisfaction: {}",
            rows(Satisfaction::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
        format!(
            "VisitorCategory: {}",
            rows(VisitorCategory::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
        format!(
            "ConfirmedBy: {}",
            rows(ConfirmedBy::ALL, |v| (
                v.as_str(),
                v.label_zh(),
                v.label_en()
            ))
        ),
    ]
    .join("\n");
    expect![[r#"
        Trend: unchanged=无变化/unchanged, better=较好/better, worse=较差/worse
        IllnessStatus: unchanged=无变化/unchanged, serious=严重/serious, improved=转好/improved
        Safety: safe=安全/safe, fairly_safe=较安全/fairly safe, unsafe=不安全/unsafe
        SafetyItem: gas=燃气安全/gas safety, water_heating=水暖安全/water and heating safety, electricity=用电安全/electrical safety, fire=消防安全/fire safety
        Aspect: family_size=家庭人口/household size, expression=表达能力/expression, mobility=行动能力/mobility, illness=疾病状况/illness, mood=情绪状态/mood, personal_hygiene=个人卫生/personal hygiene, household_hygiene=家庭卫生/household hygiene, indoor_environment=室内环境/indoor environment
        NeedCategory: daily_care=生活照料/daily care, rehabilitation_care=康复护理/rehabilitation and nursing, emotional_comfort=精神慰藉/emotional comfort, emergency_rescue=紧急救援/emergency rescue, home_adaptation=居家适老化改造/home adaptation for old age, policy_application=政策申请/applying for benefits, other=其他/other
        CareServiceKind: personal_hygiene=个人卫生/personal hygiene, room_cleaning=居室卫生/room cleaning, outdoor_cleaning=户外卫生/outdoor cleaning, meal_planning=健康食谱/meal planning, meal_delivery=代订送餐/meal delivery, shopping=代购生活用品/shopping, health_check=常规检查/routine health check, inform_family=病情告知/informing the family, outpatient_help=门诊服务/outpatient help, hospital_help=住院服务/hospital help, disability_care=失能照护/care for the disabled, medication_help=用药服务/medication help, safety_check=安全隐患检查/safety check, safety_training=安全培训/safety training, fire_safety_outdoors=用火安全/outdoor fire safety, anti_fraud=防诈宣传/fraud prevention, policy_briefing=政策宣讲/policy briefing, need_referral=需求转介/need referral, necessary_rescue=必要救援/necessary rescue, safety_reminder=安全提醒/safety reminder, other=其他/other
        Satisfaction: very_satisfied=非常满意/very satisfied, satisfied=满意/satisfied, neutral=基本满意/fairly satisfied, dissatisfied=不满意/dissatisfied
        VisitorCategory: community_cadre=村（社区）干部/village/community cadre, grid_worker=网格员/grid worker, social_worker=社会工作者/social worker, family_doctor=家庭医生/family doctor, care_worker=养老服务人员/care worker, property_staff=物业服务人员/property management staff, volunteer=志愿者/volunteer, student=在校学生/student, enterprise=爱心企业（单位）/enterprise, elderly_association=老年协会/elderly association, relative_neighbour=亲属邻里/relative or neighbour, other=其他/other
        ConfirmedBy: elder=老年人本人/the elder, supporter=赡养人/the supporter (child), relative=亲属/a relative, other=其他/someone else"#]].assert_eq(&actual);
    // Wire names round-trip through serde and parse().
    for value in Safety::ALL {
        let wire = serde_json::to_value(value).unwrap();
        assert_eq!(wire, json!(value.as_str()));
        assert_eq!(Safety::parse(value.as_str()), Some(*value));
    }
}

/// A sparse JSON object gets the forms' defaults, and a full record round-trips.
#[test]
fn wire_format() {
    let visit = parse(base()).unwrap();
    assert_eq!(visit.kind, Kind::Visit);
    assert_eq!(visit.gas_safety, Safety::Safe);
    assert_eq!(visit.mood, Trend::Unchanged);
    assert_eq!(visit.family_size_label_zh(), "无变化");
    let fact = visit.schedule_fact();
    assert_eq!(
        (fact.date.to_string(), fact.mode, fact.kind),
        ("2025-03-02".to_string(), VisitMode::Home, Kind::Visit)
    );
    let text = serde_json::to_string_pretty(&visit).unwrap();
    expect![[r#"
        {
          "id": "v-0001-abcd",
          "elder_id": "e-1",
          "visitor_id": "u-1",
          "visitor_category": "volunteer",
          "entered_by": null,
          "visit_number": null,
          "date": "2025-03-02",
          "device_time_ms": null,
          "server_time_ms": null,
          "mode": "home",
          "kind": "visit",
          "duration_minutes": null,
          "family_size_change": 0,
          "expression": "unchanged",
          "mobility": "unchanged",
          "illness": "unchanged",
          "illness_name": "",
          "mood": "unchanged",
          "gas_safety": "safe",
          "water_heating_safety": "safe",
          "electricity_safety": "safe",
          "fire_safety": "safe",
          "personal_hygiene": "unchanged",
          "household_hygiene": "unchanged",
          "indoor_environment": "unchanged",
          "needs": [],
          "suggestions": "",
          "care_services": [],
          "satisfaction": null,
          "family_duty_concern": false,
          "emergency_note": "",
          "notes": "",
          "confirmation": {
            "confirmed": false,
            "by": "elder",
            "name": "",
            "signature": null
          },
          "location": null
        }"#]]
    .assert_eq(&text);
    let again: VisitRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(again, visit);
}

#[test]
fn clock_skew() {
    let mut visit = parse(base()).unwrap();
    assert_eq!(visit.clock_skew_ms(), None);
    assert!(!visit.has_clock_skew(0));
    visit.device_time_ms = Some(1_740_844_800_000);
    assert!(!visit.has_clock_skew(0), "no server time yet");
    visit.server_time_ms = Some(1_740_844_800_000 + 11 * 60 * 1000);
    assert_eq!(visit.clock_skew_ms(), Some(660_000));
    assert!(visit.has_clock_skew(tanfang_domain::visit::DEFAULT_CLOCK_SKEW_THRESHOLD_MS));
    assert!(!visit.has_clock_skew(660_000));
    visit.server_time_ms = Some(1_740_844_800_000 - 11 * 60 * 1000);
    assert!(
        visit.has_clock_skew(600_000),
        "a phone clock ahead of the server counts too"
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use tanfang_domain::visit::FollowUp;

    fn safety() -> impl Strategy<Value = Safety> {
        prop::sample::select(Safety::ALL.to_vec())
    }
    fn trend() -> impl Strategy<Value = Trend> {
        prop::sample::select(Trend::ALL.to_vec())
    }

    prop_compose! {
        fn visit()(safeties in prop::array::uniform4(safety()), trends in prop::array::uniform6(trend()),
                   illness in prop::sample::select(IllnessStatus::ALL.to_vec()), family in -3i32..3,
                   needs in prop::collection::vec(prop::sample::select(NeedCategory::ALL.to_vec()), 0..4))
                   -> VisitRecord {
            let mut v = parse(base()).unwrap();
            [v.gas_safety, v.water_heating_safety, v.electricity_safety, v.fire_safety] = safeties;
            [v.expression, v.mobility, v.mood, v.personal_hygiene, v.household_hygiene, v.indoor_environment] = trends;
            v.illness = illness;
            v.illness_name = "病".to_string();
            v.family_size_change = family;
            v.needs = needs.into_iter().map(|category| tanfang_domain::visit::Need { category, text: "x".into() }).collect();
            v
        }
    }

    proptest! {
        /// Every 不安全 item is a hazard; every 较安全 after 较安全 too; nothing else is.
        #[test]
        fn no_unsafe_item_is_missed(current in visit(), previous in proptest::option::of(visit())) {
            let found = follow_ups(&current, previous.as_ref());
            for (item, level) in current.safety() {
                let before = previous.as_ref().map(|p| p.safety_of(item));
                let expected = level == Safety::Unsafe || (level == Safety::FairlySafe && before == Some(Safety::FairlySafe));
                let hazard = found.iter().any(|f| matches!(f, FollowUp::Hazard { item: i, .. } if *i == item));
                prop_assert_eq!(hazard, expected, "{:?} {:?} after {:?}", item, level, before);
            }
            // Every worse trend is a concern, and every need a referral.
            for (aspect, trend) in current.trends() {
                if trend == Trend::Worse {
                    let concern = found.iter().any(|f| matches!(f, FollowUp::Concern { aspect: a, .. } if *a == aspect));
                    prop_assert!(concern, "{:?} worse but no concern", aspect);
                }
            }
            let referrals = found.iter().filter(|f| matches!(f, FollowUp::Referral { .. })).count();
            prop_assert_eq!(referrals, current.needs.len());
            prop_assert!(current.validate().is_ok());
        }
    }
}
