//! Classification under each built-in policy, one table per policy through one `check` helper.
//! Each row cites the clause of the text it checks.
//!
//! Row syntax: `birth_date word word…` where words are categories (`living_alone`, `solitary`,
//! `empty_nest`, `left_behind`, `family_planning_special`), capabilities (`intact`, `mild`,
//! `moderate`, `severe`, `total`, `unassessed`), flags (`bedridden`, `mobility_impaired`,
//! `dementia`, `serious_illness`, `low_income`, `cohabits`, `cares_child`) or `grade1`–`grade4`.
//! Text after `#` is the citation and is echoed.

use expect_test::{expect, Expect};
use tanfang_domain::classify::classify;
use tanfang_domain::date::parse_date;
use tanfang_domain::elder::{Capability, Category, ElderFacts};
use tanfang_domain::policy::{PolicyId, PolicyProfile};

fn facts_from_words(id: usize, words: &str) -> ElderFacts {
    let mut facts = ElderFacts {
        id: format!("e{id}"),
        ..ElderFacts::default()
    };
    for (index, word) in words.split_whitespace().enumerate() {
        if index == 0 {
            facts.birth_date = Some(parse_date(word).unwrap());
            continue;
        }
        match word {
            "living_alone" => facts.categories.push(Category::LivingAlone),
            "solitary" => facts.categories.push(Category::Solitary),
            "empty_nest" => facts.categories.push(Category::EmptyNest),
            "left_behind" => facts.categories.push(Category::LeftBehind),
            "family_planning_special" => facts.categories.push(Category::FamilyPlanningSpecial),
            "intact" => facts.capability = Capability::Intact,
            "mild" => facts.capability = Capability::Mild,
            "moderate" => facts.capability = Capability::Moderate,
            "severe" => facts.capability = Capability::Severe,
            "total" => facts.capability = Capability::Total,
            "unassessed" => facts.capability = Capability::Unassessed,
            "bedridden" => facts.bedridden = true,
            "mobility_impaired" => facts.mobility_impaired = true,
            "dementia" => facts.dementia = true,
            "serious_illness" => facts.serious_illness = true,
            "low_income" => facts.low_income = true,
            "cohabits" => facts.cohabits_with_impaired_elder = true,
            "cares_child" => facts.cares_for_impaired_child = true,
            grade if grade.starts_with("grade") => {
                facts.disability_grade = Some(grade[5..].parse().unwrap())
            }
            other => panic!("unknown word {other:?}"),
        }
    }
    facts
}

/// Classifies every row on `on` under `policy`; one output line per row:
/// `row # citation => tier age: requirements` or `=> error code`.
fn check(policy: PolicyId, on: &str, rows: &str, expected: Expect) {
    let profile = PolicyProfile::builtin(policy);
    let on = parse_date(on).unwrap();
    let mut actual = String::new();
    for (index, row) in rows
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .enumerate()
    {
        let (words, citation) = row.split_once('#').unwrap_or((row, ""));
        let facts = facts_from_words(index, words);
        let outcome = match classify(&facts, &profile, on) {
            Ok(c) => {
                let requirements: Vec<String> = c
                    .requirements
                    .iter()
                    .map(|r| {
                        format!(
                            "{} {} x{}/{}",
                            r.kind.as_str(),
                            r.mode.as_str(),
                            r.count,
                            r.per
                        )
                    })
                    .collect();
                format!("{} ({}): {}", c.tier, c.age, requirements.join(", "))
            }
            Err(e) => format!("error {}", e.code.as_str()),
        };
        actual.push_str(&format!(
            "{:<58}#{} => {outcome}\n",
            words.trim(),
            citation.trim_end()
        ));
    }
    expected.assert_eq(&actual);
}

#[test]
fn contract_examples() {
    check(
        PolicyId::Jiangmen,
        "2025-03-15",
        "
        1943-06-01 living_alone intact                 # contract row 1: 81 and 独居
        1950-01-01 living_alone grade2 intact          # contract row 2
        1950-01-01 empty_nest intact                   # contract row 3
        1970-01-01 empty_nest                          # contract row 8
        ",
        expect![[r#"
            1943-06-01 living_alone intact                            # contract row 1: 81 and 独居 => A (81): visit home x1/month
            1950-01-01 living_alone grade2 intact                     # contract row 2 => B (75): visit home x1/half_year, visit any x1/month
            1950-01-01 empty_nest intact                              # contract row 3 => C (75): visit home x1/year, visit any x1/month
            1970-01-01 empty_nest                                     # contract row 8 => error not_elderly
        "#]],
    );
    check(
        PolicyId::Jining,
        "2025-03-15",
        "
        1950-01-01 empty_nest unassessed bedridden     # contract row 4
        1950-01-01 left_behind mild                    # contract row 5
        ",
        expect![[r#"
            1950-01-01 empty_nest unassessed bedridden                # contract row 4 => key (75): visit home x1/month
            1950-01-01 left_behind mild                               # contract row 5 => general (75): visit home x1/month
        "#]],
    );
    check(
        PolicyId::Pingli,
        "2025-03-15",
        "1944-01-01 living_alone intact # contract row 6",
        expect![[r#"
            1944-01-01 living_alone intact                            # contract row 6 => intensive (81): visit home x2/week
        "#]],
    );
    check(
        PolicyId::Tianjin,
        "2025-03-15",
        "1950-01-01 empty_nest moderate # contract row 7",
        expect![[r#"
            1950-01-01 empty_nest moderate                            # contract row 7 => disabled (75): visit home x1/month, community_help any x1/quarter
        "#]],
    );
}

#[test]
fn national() {
    check(
        PolicyId::National,
        "2025-03-15",
        "
        1950-01-01 empty_nest intact                   # 全国 §一(三) 月探访率100%
        1950-01-01 left_behind mild                    # 全国 §二(四) 失能 ≥1/月
        1950-01-01 unassessed mobility_impaired        # 失能 by the unassessed rule, no category
        1950-01-01 intact dementia                     # 失智 counts as 失能
        1950-01-01 intact grade1                       # 重残 only
        1950-01-01 intact grade3                       # grade 3 is not 重残
        1950-01-01 intact serious_illness low_income   # none of the conditions
        1965-03-16 living_alone                        # turns 60 tomorrow
        1965-03-15 living_alone                        # turns 60 today
        ",
        expect![[r#"
            1950-01-01 empty_nest intact                              # 全国 §一(三) 月探访率100% => general (75): visit any x1/month
            1950-01-01 left_behind mild                               # 全国 §二(四) 失能 ≥1/月 => disabled (75): visit any x1/month
            1950-01-01 unassessed mobility_impaired                   # 失能 by the unassessed rule, no category => disabled (75): visit any x1/month
            1950-01-01 intact dementia                                # 失智 counts as 失能 => disabled (75): visit any x1/month
            1950-01-01 intact grade1                                  # 重残 only => general (75): visit any x1/month
            1950-01-01 intact grade3                                  # grade 3 is not 重残 => error not_special_needs
            1950-01-01 intact serious_illness low_income              # none of the conditions => error not_special_needs
            1965-03-16 living_alone                                   # turns 60 tomorrow => error not_elderly
            1965-03-15 living_alone                                   # turns 60 today => general (60): visit any x1/month
        "#]],
    );
}

#[test]
fn jining() {
    check(
        PolicyId::Jining,
        "2025-03-15",
        "
        1945-03-15 empty_nest intact                   # 济宁 §二(一)1 ≥80 (80 today); §二(四)2 healthy → any
        1945-03-16 empty_nest intact                   # 济宁 §二(一)3 79 until tomorrow
        1945-03-15 empty_nest mild                     # 济宁 §二(一)1 ≥80; 失能 → home
        1950-01-01 empty_nest intact grade1            # 济宁 §二(一)1 重残 (1级); §二(四)2 重残 → home
        1950-01-01 empty_nest intact grade2            # 济宁 §二(一)1 重残 (2级)
        1950-01-01 empty_nest intact grade3            # grade 3 is not 重残 → general, any
        1950-01-01 empty_nest severe                   # 济宁 §二(一)1 重度失能
        1950-01-01 empty_nest total                    # 济宁 §二(一)1 完全失能
        1950-01-01 empty_nest unassessed bedridden     # 济宁 §二(一)1 未评估长期卧床 → 重度
        1950-01-01 empty_nest intact dementia          # 济宁 §二(一)1 包含失智老年人
        1950-01-01 empty_nest moderate                 # 济宁 §二(一)2 中度失能
        1950-01-01 empty_nest unassessed mobility_impaired # 济宁 §二(一)2 行动不便 → 中度
        1950-01-01 empty_nest moderate bedridden       # assessed capability wins over bedridden
        1950-01-01 empty_nest mild                     # 济宁 §二(一)3 轻度失能; 失能 → home
        1950-01-01 empty_nest intact                   # 济宁 §二(一)3 身体健康 → any
        1950-01-01 empty_nest unassessed               # unassessed, no flags → general
        1950-01-01 empty_nest intact serious_illness   # 济宁 §二(四)2 健康状况欠佳 → home
        ",
        expect![[r#"
            1945-03-15 empty_nest intact                              # 济宁 §二(一)1 ≥80 (80 today); §二(四)2 healthy → any => key (80): visit any x1/month
            1945-03-16 empty_nest intact                              # 济宁 §二(一)3 79 until tomorrow => general (79): visit any x1/month
            1945-03-15 empty_nest mild                                # 济宁 §二(一)1 ≥80; 失能 → home => key (80): visit home x1/month
            1950-01-01 empty_nest intact grade1                       # 济宁 §二(一)1 重残 (1级); §二(四)2 重残 → home => key (75): visit home x1/month
            1950-01-01 empty_nest intact grade2                       # 济宁 §二(一)1 重残 (2级) => key (75): visit home x1/month
            1950-01-01 empty_nest intact grade3                       # grade 3 is not 重残 → general, any => general (75): visit any x1/month
            1950-01-01 empty_nest severe                              # 济宁 §二(一)1 重度失能 => key (75): visit home x1/month
            1950-01-01 empty_nest total                               # 济宁 §二(一)1 完全失能 => key (75): visit home x1/month
            1950-01-01 empty_nest unassessed bedridden                # 济宁 §二(一)1 未评估长期卧床 → 重度 => key (75): visit home x1/month
            1950-01-01 empty_nest intact dementia                     # 济宁 §二(一)1 包含失智老年人 => key (75): visit home x1/month
            1950-01-01 empty_nest moderate                            # 济宁 §二(一)2 中度失能 => secondary (75): visit home x1/month
            1950-01-01 empty_nest unassessed mobility_impaired        # 济宁 §二(一)2 行动不便 → 中度 => secondary (75): visit home x1/month
            1950-01-01 empty_nest moderate bedridden                  # assessed capability wins over bedridden => secondary (75): visit home x1/month
            1950-01-01 empty_nest mild                                # 济宁 §二(一)3 轻度失能; 失能 → home => general (75): visit home x1/month
            1950-01-01 empty_nest intact                              # 济宁 §二(一)3 身体健康 → any => general (75): visit any x1/month
            1950-01-01 empty_nest unassessed                          # unassessed, no flags → general => general (75): visit any x1/month
            1950-01-01 empty_nest intact serious_illness              # 济宁 §二(四)2 健康状况欠佳 → home => general (75): visit home x1/month
        "#]],
    );
}

#[test]
fn pingli() {
    check(
        PolicyId::Pingli,
        "2025-03-15",
        "
        1950-01-01 empty_nest mild                     # 平利 §二(三)7 失能 → 一周两上门
        1950-01-01 intact dementia                     # 失智 counts as 失能
        1950-01-01 empty_nest intact serious_illness   # 平利 §二(三)7 重病
        1950-01-01 intact grade2                       # 平利 §二(三)7 重残
        1945-03-15 living_alone intact                 # 平利 §二(三)7 高龄独居 (80 today)
        1945-03-16 living_alone intact                 # 79: not 高龄 → 一月一上门
        1945-03-15 solitary intact                     # 平利 附件1 §1 孤寡 is 独居
        1940-01-01 empty_nest intact                   # 高龄 but 空巢, not 独居 → regular
        1950-01-01 left_behind intact                  # 平利 §二(三)7 身体健康 → 一月一上门
        ",
        expect![[r#"
            1950-01-01 empty_nest mild                                # 平利 §二(三)7 失能 → 一周两上门 => intensive (75): visit home x2/week
            1950-01-01 intact dementia                                # 失智 counts as 失能 => intensive (75): visit home x2/week
            1950-01-01 empty_nest intact serious_illness              # 平利 §二(三)7 重病 => intensive (75): visit home x2/week
            1950-01-01 intact grade2                                  # 平利 §二(三)7 重残 => intensive (75): visit home x2/week
            1945-03-15 living_alone intact                            # 平利 §二(三)7 高龄独居 (80 today) => intensive (80): visit home x2/week
            1945-03-16 living_alone intact                            # 79: not 高龄 → 一月一上门 => regular (79): visit home x1/month
            1945-03-15 solitary intact                                # 平利 附件1 §1 孤寡 is 独居 => intensive (80): visit home x2/week
            1940-01-01 empty_nest intact                              # 高龄 but 空巢, not 独居 → regular => regular (85): visit home x1/month
            1950-01-01 left_behind intact                             # 平利 §二(三)7 身体健康 → 一月一上门 => regular (75): visit home x1/month
        "#]],
    );
}

#[test]
fn tianjin() {
    check(
        PolicyId::Tianjin,
        "2025-03-15",
        "
        1950-01-01 empty_nest mild                     # 天津 §二(二)四 失能: 每月上门1次, 每季度社区帮扶1次
        1950-01-01 unassessed bedridden                # 未评估卧床 → 失能
        1950-01-01 solitary intact                     # 天津 §二(一) 孤寡; §二(二)四 ≥1/月
        1950-01-01 intact grade1                       # 重残 but not 失能 → general
        1940-01-01 living_alone intact                 # age alone does not make 失能
        ",
        expect![[r#"
            1950-01-01 empty_nest mild                                # 天津 §二(二)四 失能: 每月上门1次, 每季度社区帮扶1次 => disabled (75): visit home x1/month, community_help any x1/quarter
            1950-01-01 unassessed bedridden                           # 未评估卧床 → 失能 => disabled (75): visit home x1/month, community_help any x1/quarter
            1950-01-01 solitary intact                                # 天津 §二(一) 孤寡; §二(二)四 ≥1/月 => general (75): visit any x1/month
            1950-01-01 intact grade1                                  # 重残 but not 失能 → general => general (75): visit any x1/month
            1940-01-01 living_alone intact                            # age alone does not make 失能 => general (85): visit any x1/month
        "#]],
    );
}

#[test]
fn jiangmen() {
    check(
        PolicyId::Jiangmen,
        "2025-03-15",
        "
        1950-01-01 empty_nest mild                          # 江门 §二(三)3 A: 失能
        1950-01-01 intact dementia                          # A: 失智 is 失能
        1945-03-15 empty_nest intact                        # A: 80周岁以上（含80周岁）空巢
        1945-03-16 empty_nest intact                        # 79 → C
        1940-01-01 left_behind intact                       # A: ≥80 留守
        1940-01-01 solitary intact                          # A: ≥80 孤寡 (独居)
        1940-01-01 family_planning_special intact           # ≥80 but 计生 only, not 独居 → C
        1950-01-01 empty_nest low_income intact             # A: 低保家庭中的空巢
        1950-01-01 living_alone low_income intact           # A: 低保家庭中的独居
        1950-01-01 family_planning_special living_alone intact # A: 计划生育特殊家庭中独居
        1950-01-01 family_planning_special empty_nest intact # 计生 + 空巢 → C
        1950-01-01 living_alone grade1 intact               # B: 60–79 重残且独居
        1950-01-01 empty_nest grade1 intact                 # 重残 but not 独居 → C
        1950-01-01 empty_nest cohabits intact               # B: 60–79 两位老人共同居住一方失能
        1940-01-01 family_planning_special cohabits intact  # ≥80 cohabiting: not B → C
        1940-01-01 family_planning_special cares_child intact # B: 长期照料失能子女 (no age limit)
        1950-01-01 left_behind intact                       # C
        1950-01-01 grade2 intact                            # C: 重残 alone
        ",
        expect![[r#"
            1950-01-01 empty_nest mild                                # 江门 §二(三)3 A: 失能 => A (75): visit home x1/month
            1950-01-01 intact dementia                                # A: 失智 is 失能 => A (75): visit home x1/month
            1945-03-15 empty_nest intact                              # A: 80周岁以上（含80周岁）空巢 => A (80): visit home x1/month
            1945-03-16 empty_nest intact                              # 79 → C => C (79): visit home x1/year, visit any x1/month
            1940-01-01 left_behind intact                             # A: ≥80 留守 => A (85): visit home x1/month
            1940-01-01 solitary intact                                # A: ≥80 孤寡 (独居) => A (85): visit home x1/month
            1940-01-01 family_planning_special intact                 # ≥80 but 计生 only, not 独居 → C => C (85): visit home x1/year, visit any x1/month
            1950-01-01 empty_nest low_income intact                   # A: 低保家庭中的空巢 => A (75): visit home x1/month
            1950-01-01 living_alone low_income intact                 # A: 低保家庭中的独居 => A (75): visit home x1/month
            1950-01-01 family_planning_special living_alone intact    # A: 计划生育特殊家庭中独居 => A (75): visit home x1/month
            1950-01-01 family_planning_special empty_nest intact      # 计生 + 空巢 → C => C (75): visit home x1/year, visit any x1/month
            1950-01-01 living_alone grade1 intact                     # B: 60–79 重残且独居 => B (75): visit home x1/half_year, visit any x1/month
            1950-01-01 empty_nest grade1 intact                       # 重残 but not 独居 → C => C (75): visit home x1/year, visit any x1/month
            1950-01-01 empty_nest cohabits intact                     # B: 60–79 两位老人共同居住一方失能 => B (75): visit home x1/half_year, visit any x1/month
            1940-01-01 family_planning_special cohabits intact        # ≥80 cohabiting: not B → C => C (85): visit home x1/year, visit any x1/month
            1940-01-01 family_planning_special cares_child intact     # B: 长期照料失能子女 (no age limit) => B (85): visit home x1/half_year, visit any x1/month
            1950-01-01 left_behind intact                             # C => C (75): visit home x1/year, visit any x1/month
            1950-01-01 grade2 intact                                  # C: 重残 alone => C (75): visit home x1/year, visit any x1/month
        "#]],
    );
}

#[test]
fn leap_day_birthdays() {
    // Born 29 Feb 1964: 60 on 2024-02-29 (leap year); born 29 Feb 1965 does not exist, so use
    // 1960 (leap): turns 65 on 2025-03-01 (1 Mar in a non-leap year).
    check(
        PolicyId::National,
        "2024-02-28",
        "1964-02-29 living_alone # 29 Feb birthday, day before",
        expect![[r#"
            1964-02-29 living_alone                                   # 29 Feb birthday, day before => error not_elderly
        "#]],
    );
    check(
        PolicyId::National,
        "2024-02-29",
        "1964-02-29 living_alone # 29 Feb birthday in a leap year",
        expect![[r#"
            1964-02-29 living_alone                                   # 29 Feb birthday in a leap year => general (60): visit any x1/month
        "#]],
    );
    check(
        PolicyId::Jiangmen,
        "2025-02-28",
        "1945-02-28 empty_nest intact # plain birthday → 80 today",
        expect![[r#"
            1945-02-28 empty_nest intact                              # plain birthday → 80 today => A (80): visit home x1/month
        "#]],
    );
    check(
        PolicyId::Jiangmen,
        "2024-02-28",
        "1944-02-29 empty_nest intact # leap-day birth, 2024 is leap: 80 tomorrow",
        expect![[r#"
            1944-02-29 empty_nest intact                              # leap-day birth, 2024 is leap: 80 tomorrow => C (79): visit home x1/year, visit any x1/month
        "#]],
    );
    check(
        PolicyId::Jiangmen,
        "2025-02-28",
        "1944-02-29 empty_nest intact # non-leap 2025: birthday is 1 Mar, still 80 (born 1944)",
        expect![[r#"
            1944-02-29 empty_nest intact                              # non-leap 2025: birthday is 1 Mar, still 80 (born 1944) => A (80): visit home x1/month
        "#]],
    );
}
