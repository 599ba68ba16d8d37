//! Value types: ages, periods, months, CST instants, identity numbers, phones, region codes.
//! Each table goes through one `check_*` helper with expect-test.

use expect_test::{expect, Expect};
use tanfang_domain::date::{
    age_on, cst_date_from_unix_millis, cst_midnight_unix_millis, parse_date, Month, Per,
};
use tanfang_domain::id_number::{check_character, make_id_number, IdNumber};
use tanfang_domain::phone::Phone;
use tanfang_domain::region::{RegionCode, RegionNode, RegionTree};

fn check_ages(rows: &[(&str, &str)], expected: Expect) {
    let actual: String = rows
        .iter()
        .map(|(birth, on)| {
            let age = age_on(parse_date(birth).unwrap(), parse_date(on).unwrap());
            format!("born {birth} on {on}: {age}\n")
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn ages_in_full_years() {
    check_ages(
        &[
            ("1945-03-10", "2025-03-09"),
            ("1945-03-10", "2025-03-10"),
            ("1965-12-31", "2025-12-30"),
            ("1965-12-31", "2025-12-31"),
            ("1964-02-29", "2024-02-28"),
            ("1964-02-29", "2024-02-29"),
            ("1964-02-29", "2025-02-28"),
            ("1964-02-29", "2025-03-01"),
            ("1965-03-01", "2025-02-28"),
            ("2030-01-01", "2025-01-01"),
        ],
        expect![[r#"
            born 1945-03-10 on 2025-03-09: 79
            born 1945-03-10 on 2025-03-10: 80
            born 1965-12-31 on 2025-12-30: 59
            born 1965-12-31 on 2025-12-31: 60
            born 1964-02-29 on 2024-02-28: 59
            born 1964-02-29 on 2024-02-29: 60
            born 1964-02-29 on 2025-02-28: 60
            born 1964-02-29 on 2025-03-01: 61
            born 1965-03-01 on 2025-02-28: 59
            born 2030-01-01 on 2025-01-01: 0
        "#]],
    );
}

fn check_periods(dates: &[&str], expected: Expect) {
    let mut actual = String::new();
    for date in dates {
        let date = parse_date(date).unwrap();
        actual.push_str(&format!("{date}:"));
        for per in Per::ALL {
            let p = per.period_containing(date);
            assert!(p.contains(date));
            assert_eq!(p.next().previous(), p);
            actual.push_str(&format!(" {}[{}..{}]", p.label(), p.start, p.end));
        }
        actual.push('\n');
    }
    expected.assert_eq(&actual);
}

#[test]
fn calendar_periods() {
    check_periods(
        &[
            "2026-12-31",
            "2027-01-01",
            "2025-12-29",
            "2025-03-31",
            "2025-04-01",
            "2025-06-30",
            "2025-07-01",
            "2024-02-29",
        ],
        expect![[r#"
            2026-12-31: 2026-W53[2026-12-28..2027-01-03] 2026-12[2026-12-01..2026-12-31] 2026-Q4[2026-10-01..2026-12-31] 2026-H2[2026-07-01..2026-12-31] 2026[2026-01-01..2026-12-31]
            2027-01-01: 2026-W53[2026-12-28..2027-01-03] 2027-01[2027-01-01..2027-01-31] 2027-Q1[2027-01-01..2027-03-31] 2027-H1[2027-01-01..2027-06-30] 2027[2027-01-01..2027-12-31]
            2025-12-29: 2026-W01[2025-12-29..2026-01-04] 2025-12[2025-12-01..2025-12-31] 2025-Q4[2025-10-01..2025-12-31] 2025-H2[2025-07-01..2025-12-31] 2025[2025-01-01..2025-12-31]
            2025-03-31: 2025-W14[2025-03-31..2025-04-06] 2025-03[2025-03-01..2025-03-31] 2025-Q1[2025-01-01..2025-03-31] 2025-H1[2025-01-01..2025-06-30] 2025[2025-01-01..2025-12-31]
            2025-04-01: 2025-W14[2025-03-31..2025-04-06] 2025-04[2025-04-01..2025-04-30] 2025-Q2[2025-04-01..2025-06-30] 2025-H1[2025-01-01..2025-06-30] 2025[2025-01-01..2025-12-31]
            2025-06-30: 2025-W27[2025-06-30..2025-07-06] 2025-06[2025-06-01..2025-06-30] 2025-Q2[2025-04-01..2025-06-30] 2025-H1[2025-01-01..2025-06-30] 2025[2025-01-01..2025-12-31]
            2025-07-01: 2025-W27[2025-06-30..2025-07-06] 2025-07[2025-07-01..2025-07-31] 2025-Q3[2025-07-01..2025-09-30] 2025-H2[2025-07-01..2025-12-31] 2025[2025-01-01..2025-12-31]
            2024-02-29: 2024-W09[2024-02-26..2024-03-03] 2024-02[2024-02-01..2024-02-29] 2024-Q1[2024-01-01..2024-03-31] 2024-H1[2024-01-01..2024-06-30] 2024[2024-01-01..2024-12-31]
        "#]],
    );
}

#[test]
fn months_and_instants() {
    let month: Month = "2025-02".parse().unwrap();
    assert_eq!(month.to_string(), "2025-02");
    assert_eq!(month.last_day().to_string(), "2025-02-28");
    assert_eq!(month.previous().to_string(), "2025-01");
    assert_eq!(
        "2024-12".parse::<Month>().unwrap().next().to_string(),
        "2025-01"
    );
    for bad in ["2025-2", "2025-00", "25-02", "2025/02", "2025-02-01"] {
        assert!(bad.parse::<Month>().is_err(), "{bad}");
    }
    assert_eq!(serde_json::to_string(&month).unwrap(), "\"2025-02\"");
    // Midnight in Beijing is 16:00 UTC the day before.
    let midnight = cst_midnight_unix_millis(parse_date("2025-04-01").unwrap());
    assert_eq!(midnight, 1_743_436_800_000);
    assert_eq!(
        cst_date_from_unix_millis(midnight).to_string(),
        "2025-04-01"
    );
    assert_eq!(
        cst_date_from_unix_millis(midnight - 1).to_string(),
        "2025-03-31"
    );
    assert_eq!(
        serde_json::to_string(&Per::HalfYear).unwrap(),
        "\"half_year\""
    );
}

fn check_id_numbers(inputs: &[&str], expected: Expect) {
    let today = parse_date("2025-03-15").unwrap();
    let actual: String = inputs
        .iter()
        .map(|text| match IdNumber::parse_on(text, today) {
            Ok(id) => format!(
                "{text}: ok {} born {} {:?}\n",
                id.masked(),
                id.birth_date(),
                id.sex()
            ),
            Err(e) => format!("{text}: {e}\n"),
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn identity_numbers() {
    let born = parse_date("1943-06-01").unwrap();
    let good = make_id_number("440703", born, 123);
    assert_eq!(&good.as_str()[..17], "44070319430601123");
    check_id_numbers(
        &[
            "11010519491231002X",
            "11010519491231002x",
            good.as_str(),
            "110105194912310021",
            "11010519491231002",
            "11010519491231002XX",
            "11010519491231A02X",
            "11010519491231002Ｘ",
            "99010519491231002X",
            "110105194902300020",
            "11010520300101001X",
        ],
        expect![[r#"
            11010519491231002X: ok 110105********002X born 1949-12-31 Female
            11010519491231002x: ok 110105********002X born 1949-12-31 Female
            440703194306011237: ok 440703********1237 born 1943-06-01 Male
            110105194912310021: 身份证号校验位错误，应为 X，实为 1 (bad check character)
            11010519491231002: 身份证号应为18位，实为17位 (must be 18 characters, got 17)
            11010519491231002XX: 身份证号应为18位，实为19位 (must be 18 characters, got 19)
            11010519491231A02X: 身份证号第15位字符无效: 'A' (bad character at position 15)
            11010519491231002Ｘ: 身份证号第18位字符无效: 'Ｘ' (bad character at position 18)
            99010519491231002X: 身份证号地址码无效: 990105 (unknown region prefix)
            110105194902300020: 身份证号中的出生日期不存在: 19490230 (birth date is not a real day)
            11010520300101001X: 身份证号中的出生日期 2030-01-01 晚于 2025-03-15 (birth date after 2025-03-15)
        "#]],
    );
    assert_eq!(check_character("11010519491231002"), 'X');
}

fn check_phones(inputs: &[&str], expected: Expect) {
    let actual: String = inputs
        .iter()
        .map(|text| match Phone::parse(text) {
            Ok(phone) => format!(
                "{text:?}: {phone} ({})\n",
                if phone.is_mobile() {
                    "mobile"
                } else {
                    "landline"
                }
            ),
            Err(e) => format!("{text:?}: error {e}\n"),
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn phone_numbers() {
    check_phones(
        &[
            "13812345678",
            "+86 138 1234 5678",
            "0086-13812345678",
            "8613812345678",
            "12812345678",
            "1381234567",
            "022-23456789",
            "(0750) 3456789",
            "0750-3456789-123",
            "010 8888 6666 转 21",
            "02223456789",
            "022-0345678",
            "0123-4567890",
            "hello",
            "",
        ],
        expect![[r#"
            "13812345678": 13812345678 (mobile)
            "+86 138 1234 5678": 13812345678 (mobile)
            "0086-13812345678": 13812345678 (mobile)
            "8613812345678": 13812345678 (mobile)
            "12812345678": error 手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits)
            "1381234567": error 手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits)
            "022-23456789": 022-23456789 (landline)
            "(0750) 3456789": 0750-3456789 (landline)
            "0750-3456789-123": 0750-3456789-123 (landline)
            "010 8888 6666 转 21": 010-88886666-21 (landline)
            "02223456789": 022-23456789 (landline)
            "022-0345678": error 固定电话号码应为7–8位且不以0或1开头 (local number must be 7–8 digits)
            "0123-4567890": error 固定电话区号无效 (bad area code)
            "hello": error 电话号码含无效字符 'h' (bad character)
            "": error 电话号码为空 (empty phone number)
        "#]],
    );
}

#[test]
fn region_tree() {
    let node = |code: &str, name: &str| RegionNode {
        code: RegionCode::parse(code).unwrap(),
        name: name.to_string(),
    };
    let tree = RegionTree::new(vec![
        node("440700000000", "江门市"),
        node("440703000000", "蓬江区"),
        node("440703001000", "环市街道"),
        node("440703001001", "东华社区"),
        node("440703001002", "联和社区"),
        node("440704000000", "江海区"),
        node("440803001001", "外市社区"),
    ]);
    assert!(tree.is_err(), "外市社区 has no ancestor in the tree");
    let tree = RegionTree::new(vec![
        node("440700000000", "江门市"),
        node("440703000000", "蓬江区"),
        node("440703001000", "环市街道"),
        node("440703001001", "东华社区"),
        node("440703001002", "联和社区"),
        node("440704000000", "江海区"),
    ])
    .unwrap();
    let community = RegionCode::parse("440703001002").unwrap();
    assert_eq!(
        tree.path(&community).display_names(),
        "江门市 › 蓬江区 › 环市街道 › 联和社区"
    );
    let district = RegionCode::parse("440703").unwrap();
    let names: Vec<&str> = tree.subtree(&district).map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["蓬江区", "环市街道", "东华社区", "联和社区"]);
    let city = RegionCode::parse("440700000000").unwrap();
    let children: Vec<&str> = tree
        .children(&city)
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(children, ["蓬江区", "江海区"]);
    assert!(district.contains(&community));
    assert!(!RegionCode::parse("440704").unwrap().contains(&community));
}
