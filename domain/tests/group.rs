//! Groups: 统一社会信用代码, registration and pairing state machines (every transition), invite
//! codes, terms and service hours. Tables go through one `check_*` helper with expect-test.

use chrono::NaiveDate;
use expect_test::{expect, Expect};
use tanfang_domain::group::{
    credit_code_check_character, hours_by_member_in_term, hours_by_member_month,
    hours_by_member_term, invite_code_from_bytes, normalize_invite_code,
    organisation_code_check_character, term_hours_csv, CreditCode, GroupKind, GroupRegistration,
    HoursTotal, Invite, InviteError, MemberHoursRow, Pairing, PairingEvent, PairingStatus,
    RegistrationEvent, RegistrationStatus, Side, StudentDetails, Term, VisitFact,
};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn check_credit_codes(codes: &[&str], expected: Expect) {
    let actual: String = codes
        .iter()
        .map(|code| match CreditCode::parse(code) {
            Ok(valid) => format!(
                "{code:?}: ok {} {}/{} division {} organisation {}\n",
                valid,
                valid.registration_authority_zh(),
                valid.organisation_type_zh(),
                valid.administrative_division(),
                valid.organisation_code()
            ),
            Err(error) => format!("{code:?}: {error}\n"),
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn credit_codes_valid_and_each_kind_of_error() {
    check_credit_codes(
        &[
            // The standard's example licence, and the same typed in lower case with spaces.
            "91350100M000100Y43",
            " 91350100m000100y43 ",
            // Codes used by the demo and the tests (enterprise, school, social organisation).
            "91120101MA05T2WX9N",
            "12120101MB1234562Q",
            "52120101MJ000000XL",
            // Wrong check character (last one changed).
            "91350100M000100Y44",
            // Wrong organisation-code check character (position 17).
            "91350100M000100Y53",
            // Characters outside the code set: I, O, S, V, Z and punctuation.
            "91350100M0001O0Y43",
            "9135010OM000100Y43",
            "91350100M000100Y4-",
            // Length.
            "91350100M000100Y4",
            "91350100M000100Y433",
            "",
            // Unknown authority and unknown type for an authority.
            "B1350100M000100Y43",
            "94350100M000100Y43",
            // Division not a division code.
            "9199010001M000100Y",
            "913A0100M000100Y43",
        ],
        expect![[r#"
            "91350100M000100Y43": ok 91350100M000100Y43 工商/企业 division 350100 organisation M000100Y4
            " 91350100m000100y43 ": ok 91350100M000100Y43 工商/企业 division 350100 organisation M000100Y4
            "91120101MA05T2WX9N": ok 91120101MA05T2WX9N 工商/企业 division 120101 organisation MA05T2WX9
            "12120101MB1234562Q": ok 12120101MB1234562Q 机构编制/事业单位 division 120101 organisation MB1234562
            "52120101MJ000000XL": ok 52120101MJ000000XL 民政/民办非企业单位 division 120101 organisation MJ000000X
            "91350100M000100Y44": 第18位校验码应为“3”，实为“4” (check character should be '3', found '4')
            "91350100M000100Y53": 第9–17位组织机构代码校验位应为“4”，实为“5” (organisation code check character should be '4', found '5')
            "91350100M0001O0Y43": 第14位“O”不是代码字符（不含 I、O、S、V、Z）(character 14 'O' is not in the code set)
            "9135010OM000100Y43": 第8位“O”不是代码字符（不含 I、O、S、V、Z）(character 8 'O' is not in the code set)
            "91350100M000100Y4-": 第18位“-”不是代码字符（不含 I、O、S、V、Z）(character 18 '-' is not in the code set)
            "91350100M000100Y4": 统一社会信用代码须为18位，实为17位 (must be 18 characters, found 17)
            "91350100M000100Y433": 统一社会信用代码须为18位，实为19位 (must be 18 characters, found 19)
            "": 统一社会信用代码不能为空 (credit code is empty)
            "B1350100M000100Y43": 第1位登记管理部门代码“B”不存在 (unknown registration authority 'B')
            "94350100M000100Y43": 第2位机构类别代码“4”不属于登记管理部门“9” (organisation type '4' does not exist for authority '9')
            "9199010001M000100Y": 第3–8位登记管理机关行政区划码“990100”无效 (administrative division '990100' is not a division code)
            "913A0100M000100Y43": 第3–8位登记管理机关行政区划码“3A0100”无效 (administrative division '3A0100' is not a division code)
        "#]],
    );
}

#[test]
fn check_characters_of_prefixes() {
    let actual = format!(
        "{:?} {:?} {:?} {:?}\n",
        credit_code_check_character("91350100M000100Y4"),
        credit_code_check_character("91350100M000100Y"),
        organisation_code_check_character("M000100Y"),
        organisation_code_check_character("M000100"),
    );
    expect![[r#"
        Some('3') None Some('4') None
    "#]]
    .assert_eq(&actual);
}

fn check_registrations(forms: &[GroupRegistration], expected: Expect) {
    let actual: String = forms
        .iter()
        .map(|form| match form.validate() {
            Ok(valid) => format!(
                "ok {} {} {} {} {} {}\n",
                valid.name,
                valid.kind.as_str(),
                valid.credit_code,
                valid.contact_name,
                valid.contact_phone,
                valid.region_code.as_str()
            ),
            Err(errors) => {
                let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                format!("errors: {}\n", lines.join(" | "))
            }
        })
        .collect();
    expected.assert_eq(&actual);
}

fn form(
    name: &str,
    kind: &str,
    code: &str,
    contact: &str,
    phone: &str,
    region: &str,
) -> GroupRegistration {
    GroupRegistration {
        name: name.into(),
        kind: kind.into(),
        credit_code: code.into(),
        contact_name: contact.into(),
        contact_phone: phone.into(),
        region_code: region.into(),
    }
}

#[test]
fn registration_forms_name_every_bad_field() {
    check_registrations(
        &[
            form(
                " 和平爱心企业 ",
                "enterprise",
                "91120101MA05T2WX9N",
                "吴经理",
                "13800138000",
                "120101001001",
            ),
            form(
                "天津市第二十中学",
                "school",
                "12120101MB1234562Q",
                "周老师",
                "022-23456789",
                "120101000000",
            ),
            form("X", "company", "91120101MA05T2WX9P", "", "12345", "12"),
        ],
        expect![[r#"
            ok 和平爱心企业 enterprise 91120101MA05T2WX9N 吴经理 13800138000 120101001001
            ok 天津市第二十中学 school 12120101MB1234562Q 周老师 022-23456789 120101000000
            errors: name: 团体名称须为2–60个字符 (2–60 characters) | kind: 须为 enterprise、school、social_organisation 或 other (unknown kind) | credit_code: 第18位校验码应为“N”，实为“P” (check character should be 'N', found 'P') | contact_name: 不能为空 (required) | contact_phone: 手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits) | region_code: 区划代码应为12位（或6位）数字: "12" (region code must be 12 or 6 digits)
        "#]],
    );
}

#[test]
fn group_kinds_round_trip() {
    let actual: String = GroupKind::ALL
        .iter()
        .map(|k| {
            format!(
                "{} {} terms={} parse={:?}\n",
                k.as_str(),
                k.label_zh(),
                k.counts_terms(),
                GroupKind::parse(k.as_str()) == Some(*k)
            )
        })
        .collect();
    expect![[r#"
        enterprise 企业 terms=false parse=true
        school 学校 terms=true parse=true
        social_organisation 社会组织 terms=false parse=true
        other 其他 terms=false parse=true
    "#]]
    .assert_eq(&actual);
}

fn check_registration_transitions(expected: Expect) {
    let states = [
        RegistrationStatus::Pending,
        RegistrationStatus::Approved,
        RegistrationStatus::Declined {
            reason: "材料不全".into(),
        },
    ];
    let events = [
        RegistrationEvent::Approve,
        RegistrationEvent::Decline {
            reason: "  信用代码与名称不符  ".into(),
        },
        RegistrationEvent::Decline {
            reason: "  ".into(),
        },
        RegistrationEvent::Decline {
            reason: "长".repeat(201),
        },
    ];
    let mut actual = String::new();
    for state in &states {
        for event in &events {
            let outcome = match state.apply(event) {
                Ok(next) => format!("→ {next:?}"),
                Err(error) => format!("✗ {error}"),
            };
            let event_text = match event {
                RegistrationEvent::Decline { reason } if reason.chars().count() > 50 => {
                    "Decline { reason: <201 chars> }".to_string()
                }
                other => format!("{other:?}"),
            };
            actual.push_str(&format!("{} + {event_text} {outcome}\n", state.name()));
        }
    }
    expected.assert_eq(&actual);
}

#[test]
fn registration_state_machine_every_transition() {
    check_registration_transitions(expect![[r#"
        pending + Approve → Approved
        pending + Decline { reason: "  信用代码与名称不符  " } → Declined { reason: "信用代码与名称不符" }
        pending + Decline { reason: "  " } ✗ reason: 请填写原因 (a reason is required)
        pending + Decline { reason: <201 chars> } ✗ reason: 原因不超过200字 (at most 200 characters)
        approved + Approve ✗ 当前状态“approved”不能执行“approve” (cannot approve when approved)
        approved + Decline { reason: "  信用代码与名称不符  " } ✗ 当前状态“approved”不能执行“decline” (cannot decline when approved)
        approved + Decline { reason: "  " } ✗ 当前状态“approved”不能执行“decline” (cannot decline when approved)
        approved + Decline { reason: <201 chars> } ✗ 当前状态“approved”不能执行“decline” (cannot decline when approved)
        declined + Approve ✗ 当前状态“declined”不能执行“approve” (cannot approve when declined)
        declined + Decline { reason: "  信用代码与名称不符  " } ✗ 当前状态“declined”不能执行“decline” (cannot decline when declined)
        declined + Decline { reason: "  " } ✗ 当前状态“declined”不能执行“decline” (cannot decline when declined)
        declined + Decline { reason: <201 chars> } ✗ 当前状态“declined”不能执行“decline” (cannot decline when declined)
    "#]]);
}

#[test]
fn registration_status_from_stored() {
    let actual = format!(
        "{:?}\n{:?}\n{:?}\n",
        RegistrationStatus::from_stored("pending", None),
        RegistrationStatus::from_stored("declined", Some("重复注册")),
        RegistrationStatus::from_stored("archived", None),
    );
    expect![[r#"
        Some(Pending)
        Some(Declined { reason: "重复注册" })
        None
    "#]]
    .assert_eq(&actual);
}

fn pairing_in(status: PairingStatus) -> Pairing {
    let requested = Pairing::request(
        Side::Group,
        date("2025-03-01"),
        Some(date("2025-03-10")),
        Some(date("2025-12-31")),
    )
    .unwrap();
    match status {
        PairingStatus::Requested => requested,
        PairingStatus::Active => requested
            .apply(&PairingEvent::Accept {
                by: Side::Community,
            })
            .unwrap(),
        PairingStatus::Declined => requested
            .apply(&PairingEvent::Decline {
                by: Side::Community,
                reason: "本社区已有结对单位".into(),
            })
            .unwrap(),
        PairingStatus::Ended => pairing_in(PairingStatus::Active)
            .apply(&PairingEvent::End {
                by: Side::Group,
                on: date("2025-06-30"),
            })
            .unwrap(),
    }
}

fn show_pairing(p: &Pairing) -> String {
    format!(
        "{} start {} end {} ended_by {} reason {}",
        p.status.as_str(),
        p.start_date,
        p.end_date.map(|d| d.to_string()).unwrap_or("-".into()),
        p.ended_by.map(|s| s.as_str()).unwrap_or("-"),
        p.decline_reason.as_deref().unwrap_or("-")
    )
}

#[test]
fn pairing_state_machine_every_transition() {
    let statuses = [
        PairingStatus::Requested,
        PairingStatus::Active,
        PairingStatus::Declined,
        PairingStatus::Ended,
    ];
    let events = [
        PairingEvent::Accept {
            by: Side::Community,
        },
        PairingEvent::Accept { by: Side::Group },
        PairingEvent::Decline {
            by: Side::Community,
            reason: "人手已足".into(),
        },
        PairingEvent::Decline {
            by: Side::Group,
            reason: "撤回".into(),
        },
        PairingEvent::Decline {
            by: Side::Community,
            reason: "".into(),
        },
        PairingEvent::End {
            by: Side::Group,
            on: date("2025-06-30"),
        },
        PairingEvent::End {
            by: Side::Community,
            on: date("2025-03-05"),
        },
        PairingEvent::End {
            by: Side::Community,
            on: date("2026-02-01"),
        },
        PairingEvent::End {
            by: Side::Group,
            on: date("2025-02-01"),
        },
    ];
    let mut actual = String::new();
    for status in statuses {
        for event in &events {
            let outcome = match pairing_in(status).apply(event) {
                Ok(next) => format!("→ {}", show_pairing(&next)),
                Err(error) => format!("✗ {error}"),
            };
            actual.push_str(&format!("{} + {event:?} {outcome}\n", status.as_str()));
        }
    }
    expect![[r#"
        requested + Accept { by: Community } → active start 2025-03-10 end 2025-12-31 ended_by - reason -
        requested + Accept { by: Group } ✗ 须由另一方处理 (the requesting side cannot accept its own request)
        requested + Decline { by: Community, reason: "人手已足" } → declined start 2025-03-10 end 2025-12-31 ended_by - reason 人手已足
        requested + Decline { by: Group, reason: "撤回" } ✗ 须由另一方处理 (the requesting side cannot decline its own request)
        requested + Decline { by: Community, reason: "" } ✗ reason: 请填写原因 (a reason is required)
        requested + End { by: Group, on: 2025-06-30 } ✗ 当前状态“requested”不能执行“end” (cannot end when requested)
        requested + End { by: Community, on: 2025-03-05 } ✗ 当前状态“requested”不能执行“end” (cannot end when requested)
        requested + End { by: Community, on: 2026-02-01 } ✗ 当前状态“requested”不能执行“end” (cannot end when requested)
        requested + End { by: Group, on: 2025-02-01 } ✗ 当前状态“requested”不能执行“end” (cannot end when requested)
        active + Accept { by: Community } ✗ 当前状态“active”不能执行“accept” (cannot accept when active)
        active + Accept { by: Group } ✗ 当前状态“active”不能执行“accept” (cannot accept when active)
        active + Decline { by: Community, reason: "人手已足" } ✗ 当前状态“active”不能执行“decline” (cannot decline when active)
        active + Decline { by: Group, reason: "撤回" } ✗ 当前状态“active”不能执行“decline” (cannot decline when active)
        active + Decline { by: Community, reason: "" } ✗ 当前状态“active”不能执行“decline” (cannot decline when active)
        active + End { by: Group, on: 2025-06-30 } → ended start 2025-03-10 end 2025-06-30 ended_by group reason -
        active + End { by: Community, on: 2025-03-05 } → ended start 2025-03-10 end 2025-03-10 ended_by community reason -
        active + End { by: Community, on: 2026-02-01 } → ended start 2025-03-10 end 2025-12-31 ended_by community reason -
        active + End { by: Group, on: 2025-02-01 } ✗ on: 结束日期不能早于申请日期 (cannot end before it was requested)
        declined + Accept { by: Community } ✗ 当前状态“declined”不能执行“accept” (cannot accept when declined)
        declined + Accept { by: Group } ✗ 当前状态“declined”不能执行“accept” (cannot accept when declined)
        declined + Decline { by: Community, reason: "人手已足" } ✗ 当前状态“declined”不能执行“decline” (cannot decline when declined)
        declined + Decline { by: Group, reason: "撤回" } ✗ 当前状态“declined”不能执行“decline” (cannot decline when declined)
        declined + Decline { by: Community, reason: "" } ✗ 当前状态“declined”不能执行“decline” (cannot decline when declined)
        declined + End { by: Group, on: 2025-06-30 } ✗ 当前状态“declined”不能执行“end” (cannot end when declined)
        declined + End { by: Community, on: 2025-03-05 } ✗ 当前状态“declined”不能执行“end” (cannot end when declined)
        declined + End { by: Community, on: 2026-02-01 } ✗ 当前状态“declined”不能执行“end” (cannot end when declined)
        declined + End { by: Group, on: 2025-02-01 } ✗ 当前状态“declined”不能执行“end” (cannot end when declined)
        ended + Accept { by: Community } ✗ 当前状态“ended”不能执行“accept” (cannot accept when ended)
        ended + Accept { by: Group } ✗ 当前状态“ended”不能执行“accept” (cannot accept when ended)
        ended + Decline { by: Community, reason: "人手已足" } ✗ 当前状态“ended”不能执行“decline” (cannot decline when ended)
        ended + Decline { by: Group, reason: "撤回" } ✗ 当前状态“ended”不能执行“decline” (cannot decline when ended)
        ended + Decline { by: Community, reason: "" } ✗ 当前状态“ended”不能执行“decline” (cannot decline when ended)
        ended + End { by: Group, on: 2025-06-30 } ✗ 当前状态“ended”不能执行“end” (cannot end when ended)
        ended + End { by: Community, on: 2025-03-05 } ✗ 当前状态“ended”不能执行“end” (cannot end when ended)
        ended + End { by: Community, on: 2026-02-01 } ✗ 当前状态“ended”不能执行“end” (cannot end when ended)
        ended + End { by: Group, on: 2025-02-01 } ✗ 当前状态“ended”不能执行“end” (cannot end when ended)
    "#]].assert_eq(&actual);
}

#[test]
fn pairing_requests_and_in_force_dates() {
    let mut actual = String::new();
    for (start, end) in [
        (None, None),
        (Some("2025-02-28"), None),
        (Some("2025-03-10"), Some("2025-03-09")),
        (Some("2025-03-10"), Some("2025-03-10")),
    ] {
        let outcome = Pairing::request(
            Side::Group,
            date("2025-03-01"),
            start.map(date),
            end.map(date),
        );
        actual.push_str(&match outcome {
            Ok(p) => format!("request {start:?} {end:?}: {}\n", show_pairing(&p)),
            Err(e) => format!("request {start:?} {end:?}: {e}\n"),
        });
    }
    let active = pairing_in(PairingStatus::Active);
    let ended = pairing_in(PairingStatus::Ended);
    for on in [
        "2025-03-09",
        "2025-03-10",
        "2025-06-30",
        "2025-07-01",
        "2025-12-31",
        "2026-01-01",
    ] {
        actual.push_str(&format!(
            "{on}: requested {} active {} ended {}\n",
            pairing_in(PairingStatus::Requested).in_force_on(date(on)),
            active.in_force_on(date(on)),
            ended.in_force_on(date(on)),
        ));
    }
    expect![[r#"
        request None None: requested start 2025-03-01 end - ended_by - reason -
        request Some("2025-02-28") None: start_date: 开始日期不能早于今天 (start date must not be in the past)
        request Some("2025-03-10") Some("2025-03-09"): end_date: 结束日期不能早于开始日期 (end date must not be before the start date)
        request Some("2025-03-10") Some("2025-03-10"): requested start 2025-03-10 end 2025-03-10 ended_by - reason -
        2025-03-09: requested false active false ended false
        2025-03-10: requested false active true ended false
        2025-06-30: requested false active true ended false
        2025-07-01: requested false active true ended false
        2025-12-31: requested false active true ended false
        2026-01-01: requested false active false ended false
    "#]].assert_eq(&actual);
}

#[test]
fn invites_single_use_and_expiring() {
    let now = 1_740_000_000_000i64;
    let day = 24 * 3600 * 1000i64;
    let code = invite_code_from_bytes(&[0, 1, 2, 29, 30, 31, 200, 255, 7]);
    let invite = Invite::new(code.clone(), now, 7).unwrap();
    let approved = RegistrationStatus::Approved;
    let mut actual = format!(
        "code {code} expires after {} days\n",
        (invite.expires_at_ms - now) / day
    );
    actual.push_str(&format!(
        "days 0: {:?}\n",
        Invite::new(code.clone(), now, 0).err()
    ));
    actual.push_str(&format!(
        "days 31: {:?}\n",
        Invite::new(code.clone(), now, 31).err()
    ));
    for (label, at, status) in [
        ("now", now, approved.clone()),
        ("last ms", now + 7 * day - 1, approved.clone()),
        ("at expiry", now + 7 * day, approved.clone()),
        ("pending group", now, RegistrationStatus::Pending),
    ] {
        actual.push_str(&format!(
            "{label}: {:?}\n",
            invite.check_usable(at, &status)
        ));
    }
    let used = invite.use_at(now + day, &approved).unwrap();
    actual.push_str(&format!(
        "used at +1d: {:?}\n",
        used.used_at_ms.map(|t| (t - now) / day)
    ));
    actual.push_str(&format!(
        "second use: {:?}\n",
        used.use_at(now + day, &approved)
    ));
    for typed in [
        code.as_str(),
        "abcd-efgh",
        " 2345 6789 ",
        "ABCD0FGH",
        "ABCDEFG",
        "ABCDEFGHJ",
    ] {
        actual.push_str(&format!(
            "normalize {typed:?}: {:?}\n",
            normalize_invite_code(typed)
        ));
    }
    expect![[r#"
        code 234Z23PH expires after 7 days
        days 0: Some(FieldError { field: "days", message: "有效期须为1–30天 (1–30 days)" })
        days 31: Some(FieldError { field: "days", message: "有效期须为1–30天 (1–30 days)" })
        now: Ok(())
        last ms: Ok(())
        at expiry: Err(Expired)
        pending group: Err(GroupNotApproved)
        used at +1d: Some(1)
        second use: Err(Used)
        normalize "234Z23PH": Ok("234Z23PH")
        normalize "abcd-efgh": Ok("ABCDEFGH")
        normalize " 2345 6789 ": Ok("23456789")
        normalize "ABCD0FGH": Err(Malformed)
        normalize "ABCDEFG": Err(Malformed)
        normalize "ABCDEFGHJ": Err(Malformed)
    "#]]
    .assert_eq(&actual);
    assert_eq!(
        used.use_at(now + 2 * day, &approved),
        Err(InviteError::Used)
    );
}

#[test]
fn student_details_validated() {
    let mut actual = String::new();
    for (school, class, number) in [
        (" 天津市第二十中学 ", "高二（3）班", "2024030117"),
        ("", "高二（3）班", "2024030117"),
        ("天津市第二十中学", "高二（3）班", "2024 0301"),
        ("天津市第二十中学", "", "1"),
    ] {
        let details = StudentDetails {
            school: school.into(),
            class_name: class.into(),
            student_number: number.into(),
        };
        actual.push_str(&format!("{:?}\n", details.validate()));
    }
    expect![[r#"
        Ok(StudentDetails { school: "天津市第二十中学", class_name: "高二（3）班", student_number: "2024030117" })
        Err(FieldError { field: "student.school", message: "须为1–40个字符 (1–40 characters)" })
        Err(FieldError { field: "student.student_number", message: "学号只能包含字母、数字和“-” (letters, digits and '-' only)" })
        Err(FieldError { field: "student.class", message: "须为1–40个字符 (1–40 characters)" })
    "#]].assert_eq(&actual);
}

fn check_terms(dates: &[&str], expected: Expect) {
    let actual: String = dates
        .iter()
        .map(|d| {
            let term = Term::containing(date(d));
            format!(
                "{d}: {term} {} [{} .. {}] round-trip {}\n",
                term.label_zh(),
                term.first_day(),
                term.last_day(),
                Term::parse(&term.to_string()) == Ok(term)
            )
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn terms_autumn_spring_summer() {
    check_terms(
        &[
            "2024-08-31",
            "2024-09-01",
            "2024-12-31",
            "2025-01-31",
            "2025-02-01",
            "2024-02-29",
            "2025-07-31",
            "2025-08-01",
        ],
        expect![[r#"
            2024-08-31: 2023-2024-summer 2023—2024学年暑期 [2024-08-01 .. 2024-08-31] round-trip true
            2024-09-01: 2024-2025-1 2024—2025学年第一学期 [2024-09-01 .. 2025-01-31] round-trip true
            2024-12-31: 2024-2025-1 2024—2025学年第一学期 [2024-09-01 .. 2025-01-31] round-trip true
            2025-01-31: 2024-2025-1 2024—2025学年第一学期 [2024-09-01 .. 2025-01-31] round-trip true
            2025-02-01: 2024-2025-2 2024—2025学年第二学期 [2025-02-01 .. 2025-07-31] round-trip true
            2024-02-29: 2023-2024-2 2023—2024学年第二学期 [2024-02-01 .. 2024-07-31] round-trip true
            2025-07-31: 2024-2025-2 2024—2025学年第二学期 [2025-02-01 .. 2025-07-31] round-trip true
            2025-08-01: 2024-2025-summer 2024—2025学年暑期 [2025-08-01 .. 2025-08-31] round-trip true
        "#]],
    );
    let actual: String = [
        "2024-2025-1",
        "2024-2025-summer",
        "2024-2026-1",
        "2024-2025-3",
        "24-25-1",
        "2024-2025",
        "",
    ]
    .iter()
    .map(|t| format!("{t:?}: {:?}\n", Term::parse(t).map(|t| t.label_zh())))
    .collect();
    expect![[r#"
        "2024-2025-1": Ok("2024—2025学年第一学期")
        "2024-2025-summer": Ok("2024—2025学年暑期")
        "2024-2026-1": Err(TermParseError)
        "2024-2025-3": Err(TermParseError)
        "24-25-1": Err(TermParseError)
        "2024-2025": Err(TermParseError)
        "": Err(TermParseError)
    "#]]
    .assert_eq(&actual);
}

#[test]
fn terms_tile_the_calendar() {
    let mut day = date("2019-01-01");
    let mut previous = Term::containing(day);
    while day < date("2031-01-01") {
        let term = Term::containing(day);
        assert!(term.first_day() <= day && day <= term.last_day(), "{day}");
        if term != previous {
            assert_eq!(previous.next(), term, "{day}");
            assert_eq!(term.previous(), previous, "{day}");
            assert_eq!(term.first_day(), day, "{day}");
            previous = term;
        }
        day = day.succ_opt().unwrap();
    }
}

fn fact(member: &str, d: &str, minutes: Option<u32>) -> VisitFact {
    VisitFact {
        member_id: member.into(),
        date: date(d),
        duration_minutes: minutes,
    }
}

#[test]
fn hours_per_member_per_month_and_term() {
    let facts = vec![
        fact("zhou", "2025-01-31", Some(45)),
        fact("zhou", "2025-02-01", Some(60)),
        fact("zhou", "2025-02-15", Some(50)),
        fact("zhou", "2025-02-20", None),
        fact("zhou", "2025-08-10", Some(120)),
        fact("zhou", "2024-09-02", Some(30)),
        fact("wu", "2025-02-03", Some(1)),
        fact("wu", "2025-07-31", Some(1440)),
    ];
    let mut actual = String::from("by month:\n");
    for ((member, month), total) in hours_by_member_month(&facts) {
        actual.push_str(&format!(
            "  {member} {month}: {total:?} = {}h\n",
            total.hours_text()
        ));
    }
    actual.push_str("by term:\n");
    for ((member, term), total) in hours_by_member_term(&facts) {
        actual.push_str(&format!(
            "  {member} {term}: {total:?} = {}h\n",
            total.hours_text()
        ));
    }
    actual.push_str("spring 2024-2025 only:\n");
    for (member, total) in hours_by_member_in_term(&facts, Term::parse("2024-2025-2").unwrap()) {
        actual.push_str(&format!("  {member}: {}h\n", total.hours_text()));
    }
    expect![[r#"
        by month:
          wu 2025-02: HoursTotal { visits: 1, minutes: 1, visits_without_duration: 0 } = 0.0h
          wu 2025-07: HoursTotal { visits: 1, minutes: 1440, visits_without_duration: 0 } = 24.0h
          zhou 2024-09: HoursTotal { visits: 1, minutes: 30, visits_without_duration: 0 } = 0.5h
          zhou 2025-01: HoursTotal { visits: 1, minutes: 45, visits_without_duration: 0 } = 0.7h
          zhou 2025-02: HoursTotal { visits: 3, minutes: 110, visits_without_duration: 1 } = 1.8h
          zhou 2025-08: HoursTotal { visits: 1, minutes: 120, visits_without_duration: 0 } = 2.0h
        by term:
          wu 2024-2025-2: HoursTotal { visits: 2, minutes: 1441, visits_without_duration: 0 } = 24.0h
          zhou 2024-2025-1: HoursTotal { visits: 2, minutes: 75, visits_without_duration: 0 } = 1.2h
          zhou 2024-2025-2: HoursTotal { visits: 3, minutes: 110, visits_without_duration: 1 } = 1.8h
          zhou 2024-2025-summer: HoursTotal { visits: 1, minutes: 120, visits_without_duration: 0 } = 2.0h
        spring 2024-2025 only:
          wu: 24.0h
          zhou: 1.8h
    "#]].assert_eq(&actual);
}

#[test]
fn hours_text_rounds_down_to_tenths() {
    let actual: String = [0u64, 5, 6, 59, 60, 89, 90, 1439]
        .iter()
        .map(|m| {
            let total = HoursTotal {
                visits: 1,
                minutes: *m,
                visits_without_duration: 0,
            };
            format!("{m}min={}h ", total.hours_text())
        })
        .collect();
    expect![
        "0min=0.0h 5min=0.0h 6min=0.1h 59min=0.9h 60min=1.0h 89min=1.4h 90min=1.5h 1439min=23.9h "
    ]
    .assert_eq(&actual);
}

#[test]
fn term_csv_has_bom_chinese_headers_and_escapes() {
    let rows = vec![
        MemberHoursRow {
            name: "周同学".into(),
            school: Some("天津市第二十中学".into()),
            class_name: Some("高二（3）班".into()),
            student_number: Some("2024030117".into()),
            total: HoursTotal {
                visits: 3,
                minutes: 155,
                visits_without_duration: 1,
            },
        },
        MemberHoursRow {
            name: "=HYPERLINK(\"x\")".into(),
            school: Some("一中, 南校区".into()),
            class_name: None,
            student_number: None,
            total: HoursTotal::default(),
        },
    ];
    let csv = term_hours_csv(
        "二十中青年志愿者",
        Term::parse("2024-2025-1").unwrap(),
        &rows,
    );
    assert!(csv.starts_with('\u{feff}'));
    expect![[r#"
        团体,学期,学校,班级,学号,姓名,探访次数,服务时长（小时）,服务时长（分钟）,未填时长次数⏎
        二十中青年志愿者,2024—2025学年第一学期,天津市第二十中学,高二（3）班,2024030117,周同学,3,2.5,155,1⏎
        二十中青年志愿者,2024—2025学年第一学期,"一中, 南校区",,,"'=HYPERLINK(""x"")",0,0.0,0,0⏎
    "#]].assert_eq(&csv.trim_start_matches('\u{feff}').replace("\r\n", "⏎\n"));
}
