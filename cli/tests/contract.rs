//! Runs the real `tanfang` binary on the contract's examples and error cases
//! (shared/spec/cli-contract.md), checking stdout, stderr and the exit code with expect-test.

use std::io::Write;
use std::process::{Command, Stdio};

use expect_test::{expect, Expect};

/// Runs `tanfang args…` with `stdin`; renders `exit N`, stdout lines, and stderr's first line.
fn run(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tanfang"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tanfang runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let mut rendered = format!("exit {}\n", output.status.code().unwrap_or(-1));
    rendered.push_str(&String::from_utf8(output.stdout).unwrap());
    let stderr = String::from_utf8(output.stderr).unwrap();
    if let Some(first) = stderr.lines().next() {
        rendered.push_str(&format!("stderr: {first}\n"));
    }
    rendered
}

fn check(args: &[&str], stdin: &str, expected: Expect) {
    expected.assert_eq(&run(args, stdin));
}

#[test]
fn classify_contract_examples_jiangmen() {
    check(
        &["classify", "--policy", "jiangmen", "--date", "2025-03-15"],
        r#"{"id": "e1", "birth_date": "1943-06-01", "id_number": null, "categories": ["living_alone"], "capability": "intact", "bedridden": false, "mobility_impaired": false, "dementia": false, "disability_grade": null, "serious_illness": false, "low_income": false, "cohabits_with_impaired_elder": false, "cares_for_impaired_child": false, "consent": "accepted"}
{"id": "e2", "birth_date": "1950-01-01", "categories": ["living_alone"], "disability_grade": 2, "capability": "intact"}
{"id": "e3", "birth_date": "1950-01-01", "categories": ["empty_nest"], "capability": "intact"}
{"id": "e8", "birth_date": "1970-01-01", "categories": ["empty_nest"], "capability": "intact"}
"#,
        expect![[r#"
            exit 1
            {"id":"e1","policy":"jiangmen","age":81,"impaired":false,"severely_handicapped":false,"tier":"A","requirements":[{"kind":"visit","mode":"home","count":1,"per":"month"}]}
            {"id":"e2","policy":"jiangmen","age":75,"impaired":false,"severely_handicapped":true,"tier":"B","requirements":[{"kind":"visit","mode":"home","count":1,"per":"half_year"},{"kind":"visit","mode":"any","count":1,"per":"month"}]}
            {"id":"e3","policy":"jiangmen","age":75,"impaired":false,"severely_handicapped":false,"tier":"C","requirements":[{"kind":"visit","mode":"home","count":1,"per":"year"},{"kind":"visit","mode":"any","count":1,"per":"month"}]}
            {"id":"e8","error":{"code":"not_elderly","message":"2025-03-15 时未满60周岁（55岁） (under 60 on 2025-03-15)","field":"birth_date"}}
        "#]],
    );
}

#[test]
fn classify_contract_examples_other_policies() {
    check(
        &["classify", "--policy", "jining", "--date", "2025-03-15"],
        r#"{"id": "e4", "birth_date": "1950-01-01", "categories": ["empty_nest"], "capability": "unassessed", "bedridden": true}
{"id": "e5", "birth_date": "1950-01-01", "categories": ["left_behind"], "capability": "mild"}
"#,
        expect![[r#"
            exit 0
            {"id":"e4","policy":"jining","age":75,"impaired":true,"severely_handicapped":false,"tier":"key","requirements":[{"kind":"visit","mode":"home","count":1,"per":"month"}]}
            {"id":"e5","policy":"jining","age":75,"impaired":true,"severely_handicapped":false,"tier":"general","requirements":[{"kind":"visit","mode":"home","count":1,"per":"month"}]}
        "#]],
    );
    check(
        &["classify", "--policy", "pingli", "--date", "2025-03-15"],
        r#"{"id": "e6", "birth_date": "1944-01-01", "categories": ["living_alone"], "capability": "intact"}"#,
        expect![[r#"
            exit 0
            {"id":"e6","policy":"pingli","age":81,"impaired":false,"severely_handicapped":false,"tier":"intensive","requirements":[{"kind":"visit","mode":"home","count":2,"per":"week"}]}
        "#]],
    );
    check(
        &["classify", "--policy", "tianjin", "--date", "2025-03-15"],
        r#"{"id": "e7", "birth_date": "1950-01-01", "categories": ["empty_nest"], "capability": "moderate"}"#,
        expect![[r#"
            exit 0
            {"id":"e7","policy":"tianjin","age":75,"impaired":true,"severely_handicapped":false,"tier":"disabled","requirements":[{"kind":"visit","mode":"home","count":1,"per":"month"},{"kind":"community_help","mode":"any","count":1,"per":"quarter"}]}
        "#]],
    );
    // Contract row 8: "born 1970-01-01 | any | error not_elderly" — under every policy.
    for policy in ["national", "jining", "pingli", "tianjin", "jiangmen"] {
        let out = run(
            &["classify", "--policy", policy, "--date", "2025-03-15"],
            r#"{"id": "e8", "birth_date": "1970-01-01"}"#,
        );
        assert!(out.starts_with("exit 1\n"), "{policy}: {out}");
        assert!(out.contains(r#""code":"not_elderly""#), "{policy}: {out}");
    }
}

#[test]
fn classify_error_lines_do_not_stop_the_batch() {
    check(
        &["classify", "--policy", "national", "--date", "2025-03-15"],
        r#"not json
{"birth_date": "1950-01-01", "categories": ["empty_nest"]}
{"id": "", "birth_date": "1950-01-01"}
{"id": "n1"}
{"id": "n2", "birth_date": "1950-13-01"}
{"id": "n3", "birth_date": "1950-01-01", "capability": "good"}
{"id": "n4", "birth_date": "1950-01-01", "disability_grade": 7}
{"id": "n5", "id_number": "110105194912310021"}
{"id": "n6", "id_number": "11010519491231002x", "birth_date": "1949-12-30"}
{"id": "n7", "id_number": "11010519491231002x", "categories": ["solitary"], "unknown_field": 1}
{"id": "n8", "birth_date": "1950-01-01", "capability": "intact"}

{"id": "n9", "birth_date": "1950-01-01", "categories": ["empty_nest"]}
"#,
        expect![[r#"
            exit 1
            {"id":null,"error":{"code":"bad_json","message":"该行不是有效的 JSON (bad JSON): expected ident at line 1 column 2"}}
            {"id":null,"error":{"code":"missing_field","message":"缺少编号 id (id is required)","field":"id"}}
            {"id":"","error":{"code":"missing_field","message":"编号 id 为空 (id must not be empty)","field":"id"}}
            {"id":"n1","error":{"code":"missing_field","message":"缺少出生日期或身份证号 (birth_date or id_number is required)","field":"birth_date"}}
            {"id":"n2","error":{"code":"bad_value","message":"日期不存在 (no such day): \"1950-13-01\"","field":"birth_date"}}
            {"id":"n3","error":{"code":"bad_value","message":"字段 capability 的值无效: \"good\" (bad value for capability, expected intact, mild, moderate, severe, total or unassessed)","field":"capability"}}
            {"id":"n4","error":{"code":"bad_value","message":"残疾等级应为1–4，实为7 (disability_grade must be 1–4)","field":"disability_grade"}}
            {"id":"n5","error":{"code":"bad_id_number","message":"身份证号校验位错误，应为 X，实为 1 (bad check character)","field":"id_number"}}
            {"id":"n6","error":{"code":"birth_date_mismatch","message":"出生日期 1949-12-30 与身份证号中的 1949-12-31 不一致 (birth_date disagrees with id_number)","field":"birth_date"}}
            {"id":"n7","policy":"national","age":75,"impaired":false,"severely_handicapped":false,"tier":"general","requirements":[{"kind":"visit","mode":"any","count":1,"per":"month"}]}
            {"id":"n8","error":{"code":"not_special_needs","message":"不属于特殊困难老年人：无孤寡、独居、空巢、留守、计划生育特殊家庭类别，未失能，非重残 (not a special-needs elder)"}}
            {"id":"n9","policy":"national","age":75,"impaired":false,"severely_handicapped":false,"tier":"general","requirements":[{"kind":"visit","mode":"any","count":1,"per":"month"}]}
        "#]],
    );
}

#[test]
fn usage_errors_exit_2() {
    check(
        &["classify", "--policy", "beijing", "--date", "2025-03-15"],
        "",
        expect![[r#"
            exit 2
            stderr: error: invalid value 'beijing' for '--policy <POLICY>': 未知政策 "beijing" (unknown policy; use national, jining, pingli, tianjin or jiangmen)
        "#]],
    );
    check(
        &["classify", "--policy", "national", "--date", "2025-3-15"],
        "",
        expect![[r#"
            exit 2
            stderr: error: invalid value '2025-3-15' for '--date <DATE>': 日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD): "2025-3-15"
        "#]],
    );
    check(
        &["report", "--policy", "national", "--month", "2025-13"],
        "",
        expect![[r#"
            exit 2
            stderr: error: invalid value '2025-13' for '--month <MONTH>': 月份格式应为 YYYY-MM (month must be YYYY-MM): "2025-13"
        "#]],
    );
    check(
        &[
            "classify",
            "--policy",
            "national",
            "--date",
            "2025-03-15",
            "--input",
            "/nonexistent/roster.jsonl",
        ],
        "",
        expect![[r#"
            exit 2
            stderr: tanfang: 无法读取输入文件 /nonexistent/roster.jsonl (cannot read input): No such file or directory (os error 2)
        "#]],
    );
    check(
        &["classify", "--policy", "national"],
        "",
        expect![[r#"
            exit 2
            stderr: error: the following required arguments were not provided:
        "#]],
    );
    check(
        &["frobnicate"],
        "",
        expect![[r#"
        exit 2
        stderr: error: unrecognized subcommand 'frobnicate'
    "#]],
    );
}

#[test]
fn schedule_status_per_requirement() {
    check(
        &["schedule", "--policy", "jiangmen", "--today", "2025-03-15"],
        r#"{"elder": {"id": "e2", "birth_date": "1950-01-01", "categories": ["living_alone"], "disability_grade": 2, "capability": "intact"}, "visits": [{"date": "2025-03-02", "mode": "home"}, {"date": "2025-02-10", "mode": "phone"}]}
{"elder": {"id": "t1", "birth_date": "1950-01-01", "categories": ["empty_nest"], "capability": "moderate"}, "visits": [{"date": "2025-02-02", "mode": "phone", "kind": "community_help"}]}
{"elder": {"id": "bad-visit", "birth_date": "1950-01-01", "categories": ["empty_nest"]}, "visits": [{"date": "2025-03-02", "mode": "carrier pigeon"}]}
{"elder": {"birth_date": "1950-01-01"}, "visits": []}
{"visits": []}
"#,
        expect![[r#"
            exit 1
            {"id":"e2","policy":"jiangmen","age":75,"impaired":false,"severely_handicapped":true,"tier":"B","requirements":[{"kind":"visit","mode":"home","count":1,"per":"half_year"},{"kind":"visit","mode":"any","count":1,"per":"month"}],"status":[{"requirement":{"kind":"visit","mode":"home","count":1,"per":"half_year"},"period_start":"2025-01-01","period_end":"2025-06-30","done":1,"state":"met","previous_period_met":false,"next_due_by":"2025-12-31","overdue":false},{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2025-03-01","period_end":"2025-03-31","done":1,"state":"met","previous_period_met":true,"next_due_by":"2025-04-30","overdue":false}]}
            {"id":"t1","policy":"jiangmen","age":75,"impaired":true,"severely_handicapped":false,"tier":"A","requirements":[{"kind":"visit","mode":"home","count":1,"per":"month"}],"status":[{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2025-03-01","period_end":"2025-03-31","done":0,"state":"due","previous_period_met":false,"next_due_by":"2025-03-31","overdue":true}]}
            {"id":"bad-visit","error":{"code":"bad_value","message":"visits[0].mode 的值无效: \"carrier pigeon\" (expected home, phone, video, encounter or other)","field":"visits[0].mode"}}
            {"id":null,"error":{"code":"missing_field","message":"缺少编号 id (id is required)","field":"elder.id"}}
            {"id":null,"error":{"code":"missing_field","message":"缺少 elder 对象 (elder is required)","field":"elder"}}
        "#]],
    );
}

#[test]
fn report_monthly_rate() {
    check(
        &["report", "--policy", "jiangmen", "--month", "2025-03"],
        r#"{"elder": {"id": "a1", "birth_date": "1940-01-01", "categories": ["empty_nest"], "consent": "accepted"}, "visits": [{"date": "2025-03-31", "mode": "phone"}]}
{"elder": {"id": "a2", "birth_date": "1940-01-01", "categories": ["empty_nest"]}, "visits": [{"date": "2025-04-01", "mode": "home"}]}
{"elder": {"id": "c1", "birth_date": "1950-01-01", "categories": ["left_behind"]}, "visits": [{"date": "2025-03-01", "mode": "encounter"}]}
{"elder": {"id": "c2", "birth_date": "1950-01-01", "categories": ["left_behind"]}, "visits": [{"date": "2025-03-05", "mode": "home", "kind": "community_help"}]}
{"elder": {"id": "d1", "birth_date": "1950-01-01", "categories": ["left_behind"], "consent": "declined"}, "visits": [{"date": "2025-03-05", "mode": "home"}]}
{"elder": {"id": "y1", "birth_date": "1970-01-01", "categories": ["left_behind"]}, "visits": []}
{"elder": {"id": "x1", "birth_date": "1950-01-01", "capability": "intact"}, "visits": []}
{"elder": {"id": "bad", "id_number": "110105194912310021"}, "visits": []}
broken
"#,
        expect![[r#"
            exit 1
            {"month":"2025-03","in_scope":4,"declined":1,"visited":2,"rate":0.5,"by_tier":{"A":{"in_scope":2,"visited":1},"C":{"in_scope":2,"visited":1}},"errors":4}
        "#]],
    );
    // Every line `classify` would answer with an error is skipped and counted, whatever its
    // kind, in a file that mixes them with valid lines: under 60 on the month's last day (one
    // turns 60 on the 31st and is in scope, one only on 1 April), not special-needs, invalid
    // facts, unparsable.
    check(
        &["report", "--policy", "national", "--month", "2025-03"],
        r#"{"elder": {"id": "ok1", "birth_date": "1950-01-01", "categories": ["living_alone"]}, "visits": [{"date": "2025-03-02", "mode": "phone"}]}
{"elder": {"id": "sixty-on-31st", "birth_date": "1965-03-31", "categories": ["empty_nest"]}, "visits": []}
{"elder": {"id": "sixty-in-april", "birth_date": "1965-04-01", "categories": ["empty_nest"]}, "visits": [{"date": "2025-03-02", "mode": "home"}]}
{"elder": {"id": "no-category", "birth_date": "1940-01-01", "capability": "intact"}, "visits": [{"date": "2025-03-02", "mode": "home"}]}
{"elder": {"id": "bad-consent", "birth_date": "1940-01-01", "categories": ["living_alone"], "consent": "maybe"}, "visits": []}
{"elder": {"id": "bad-visit", "birth_date": "1940-01-01", "categories": ["living_alone"]}, "visits": [{"date": "2025-02-30", "mode": "home"}]}
{"elder": {"id": "ok2", "birth_date": "1944-05-05", "categories": ["solitary"]}, "visits": []}
not json
"#,
        expect![[r#"
            exit 1
            {"month":"2025-03","in_scope":3,"declined":0,"visited":1,"rate":0.3333,"by_tier":{"general":{"in_scope":3,"visited":1}},"errors":5}
        "#]],
    );
    check(
        &["report", "--policy", "national", "--month", "2025-03"],
        "",
        expect![[r#"
            exit 0
            {"month":"2025-03","in_scope":0,"declined":0,"visited":0,"rate":0.0,"by_tier":{}}
        "#]],
    );
}

#[test]
fn validate_reports_every_bad_field() {
    check(
        &["validate", "--today", "2025-03-15"],
        r#"{"id": "f1", "birth_date": "1950-01-01", "categories": ["empty_nest"]}
{"id": "f2", "birth_date": "1970-01-01", "capability": "intact"}
{"id": "f3", "name": "张三", "birth_date": "1950-01-01", "categories": ["living_alone"], "address": {"region_code": "440703001"}, "emergency_contacts": [{"kind": "child", "name": "张小明", "phone": "1381234567"}]}
{"id": "f4", "name": "李四", "emergency_contacts": "none"}
{oops
"#,
        expect![[r#"
            exit 1
            {"id":"f1","ok":true}
            {"id":"f2","ok":false,"errors":[{"field":"birth_date","code":"not_elderly","message":"未满60周岁（55岁） (under 60 on 2025-03-15)"},{"field":"categories","code":"not_special_needs","message":"不属于特殊困难老年人（无类别、未失能、非重残） (not a special-needs elder)"}]}
            {"id":"f3","ok":false,"errors":[{"field":"address.region_code","code":"bad_value","message":"区划代码应为12位（或6位）数字: \"440703001\" (region code must be 12 or 6 digits)"},{"field":"emergency_contacts[0].phone","code":"bad_value","message":"紧急联系人电话无效: 手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits)"}]}
            {"id":"f4","ok":false,"errors":[{"field":"emergency_contacts","code":"bad_value","message":"字段 emergency_contacts 的值无效 (bad value): invalid type: string \"none\", expected a sequence at line 1 column 59"}]}
            {"id":null,"ok":false,"errors":[{"field":"","code":"bad_json","message":"该行不是有效的 JSON (bad JSON): key must be a string at line 1 column 2"}]}
        "#]],
    );
}

#[test]
fn profiles_print_and_check() {
    let printed = run(&["profile", "--policy", "tianjin"], "");
    assert!(
        printed.starts_with("exit 0\n{\"id\":\"tianjin\",\"policy\":\"tianjin\",\"version\":1"),
        "{printed}"
    );
    // A local profile that asks for a phone call where 天津 asks for a home visit is weaker.
    let json = printed.lines().nth(1).unwrap().replace(
        r#"{"kind":"visit","mode":"home","count":1,"per":"month"}"#,
        r#"{"kind":"visit","mode":"any","count":1,"per":"month"}"#,
    );
    let path =
        std::env::temp_dir().join(format!("tanfang-weak-profile-{}.json", std::process::id()));
    std::fs::write(&path, json).unwrap();
    check(
        &[
            "profile",
            "--policy",
            "tianjin",
            "--check",
            path.to_str().unwrap(),
        ],
        "",
        expect![[r#"
            exit 1
            {"ok":false,"errors":["本地配置弱于基础配置: 等级 disabled 的要求 上门探访 ≥1次/每月 没有被同等或更严的要求覆盖 (weaker than base)"]}
        "#]],
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn schedule_with_surges() {
    let dir = std::env::temp_dir();
    let good = dir.join(format!("tanfang-surges-{}.jsonl", std::process::id()));
    std::fs::write(
        &good,
        r#"{"id": "heat", "region_prefix": "440703", "start": "2025-07-14", "end": "2025-07-25", "requirement": {"kind": "visit", "mode": "any", "count": 1, "per": "week"}, "reason": "高温"}
"#,
    )
    .unwrap();
    check(
        &[
            "schedule",
            "--policy",
            "national",
            "--today",
            "2025-07-16",
            "--surges",
            good.to_str().unwrap(),
        ],
        r#"{"elder": {"id": "in", "birth_date": "1950-01-01", "categories": ["empty_nest"], "region_code": "440703001001"}, "visits": [{"date": "2025-07-01", "mode": "phone"}]}
{"elder": {"id": "out", "birth_date": "1950-01-01", "categories": ["empty_nest"], "region_code": "440704001001"}, "visits": []}
"#,
        expect![[r#"
            exit 0
            {"id":"in","policy":"national","age":75,"impaired":false,"severely_handicapped":false,"tier":"general","requirements":[{"kind":"visit","mode":"any","count":1,"per":"month"}],"status":[{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2025-07-01","period_end":"2025-07-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2025-08-31","overdue":false},{"requirement":{"kind":"visit","mode":"any","count":1,"per":"week"},"period_start":"2025-07-14","period_end":"2025-07-20","done":0,"state":"due","previous_period_met":true,"next_due_by":"2025-07-20","overdue":false,"surge":"heat"}]}
            {"id":"out","policy":"national","age":75,"impaired":false,"severely_handicapped":false,"tier":"general","requirements":[{"kind":"visit","mode":"any","count":1,"per":"month"}],"status":[{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2025-07-01","period_end":"2025-07-31","done":0,"state":"due","previous_period_met":false,"next_due_by":"2025-07-31","overdue":true}]}
        "#]],
    );
    let bad = dir.join(format!("tanfang-bad-surges-{}.json", std::process::id()));
    std::fs::write(
        &bad,
        r#"[{"id": "x", "start": "2025-07-14", "end": "2025-07-01", "requirement": {"kind": "visit", "mode": "any", "count": 1, "per": "fortnight"}, "reason": "台风"}]"#,
    )
    .unwrap();
    check(
        &[
            "schedule",
            "--policy",
            "national",
            "--today",
            "2025-07-16",
            "--surges",
            bad.to_str().unwrap(),
        ],
        "",
        expect![[r#"
            exit 2
            stderr: tanfang: 加密探访第1项字段 requirement.per 无效 (bad surge field): unknown variant `fortnight`, expected one of `week`, `month`, `quarter`, `half_year`, `year`
        "#]],
    );
    std::fs::remove_file(&good).unwrap();
    std::fs::remove_file(&bad).unwrap();
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tanfang-{}-{name}", std::process::id()))
}

/// A roster sheet as a GBK CSV (what Excel saves on a Chinese Windows): every bad cell is
/// named by row, header and cell; `--region` makes rows outside it errors.
#[test]
fn validate_reads_gbk_csv_and_names_rows_and_cells() {
    let text = "新津社区摸底排查表,,,,,,,\n\
        编号,姓名,身份证号,出生日期,区划代码,类别,紧急联系人,紧急联系人电话\n\
        A1,王桂兰,,1943-06-01,120101001001,独居,王明,13812345678\n\
        A2,李秀英,110105194912310020,,120101001001,独居,李明,13812345678\n\
        A3,张建国,,1943-02-30,120101001001,空巢,张明,13812345678\n\
        A4,刘德明,,1943-02-03,120101002001,五保,刘明,13812345678\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let path = temp_path("roster.csv");
    std::fs::write(&path, &gbk).unwrap();
    check(
        &[
            "validate",
            "--today",
            "2025-03-15",
            "--region",
            "120101001",
            "--input",
            path.to_str().unwrap(),
        ],
        "",
        expect![[r#"
            exit 1
            {"row":3,"id":"A1","ok":true}
            {"row":4,"id":"A2","ok":false,"errors":[{"row":4,"column":"身份证号","cell":"C4","field":"id_number","code":"bad_id_number","message":"身份证号校验位错误，应为 X，实为 0 (bad check character)"}]}
            {"row":5,"id":"A3","ok":false,"errors":[{"row":5,"column":"出生日期","cell":"D5","field":"birth_date","code":"bad_date","message":"出生日期“1943-02-30”：不存在的日期 1943年2月30日 (impossible date)"}]}
            {"row":6,"id":"A4","ok":false,"errors":[{"row":6,"column":"类别","cell":"F6","field":"categories","code":"unknown_category","message":"类别“五保”：未知类别“五保”，应为 孤寡/独居/空巢/留守/计划生育特殊家庭 (unknown category)"},{"row":6,"column":"区划代码","cell":"E6","field":"address.region_code","code":"out_of_scope","message":"区划 120101002001 不在您管辖的区域内 (outside your region 120101001)"}]}
        "#]],
    );
    std::fs::remove_file(&path).unwrap();
}

/// An .xlsx (typed number and date cells) and a remembered mapping for an unusual header.
#[test]
fn validate_reads_xlsx_with_a_mapping() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (col, header) in ["姓名", "生于", "区划代码", "类别", "联系人", "联系人电话"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "王桂兰").unwrap();
    let birth = rust_xlsxwriter::ExcelDateTime::from_ymd(1943, 6, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 1, &birth, &date)
        .unwrap();
    sheet.write_number(1, 2, 120101001001.0).unwrap();
    sheet.write_string(1, 3, "独居").unwrap();
    sheet.write_string(1, 4, "王明").unwrap();
    sheet.write_number(1, 5, 13812345678.0).unwrap();
    sheet.write_string(2, 0, "李秀英").unwrap();
    sheet.write_string(2, 1, "1980-01-01").unwrap();
    sheet.write_string(2, 2, "120101001001").unwrap();
    sheet.write_string(2, 3, "独居").unwrap();
    sheet.write_string(2, 4, "李明").unwrap();
    sheet.write_string(2, 5, "1381234567").unwrap();
    let path = temp_path("roster.xlsx");
    workbook.save(&path).unwrap();
    let mapping = temp_path("mapping.json");
    std::fs::write(&mapping, r#"{"生于": "birth_date"}"#).unwrap();
    let args = |with_mapping: bool| {
        let mut args = vec![
            "validate".to_string(),
            "--today".into(),
            "2025-03-15".into(),
            "--input".into(),
            path.to_str().unwrap().into(),
        ];
        if with_mapping {
            args.extend(["--mapping".into(), mapping.to_str().unwrap().into()]);
        }
        args
    };
    let with: Vec<String> = args(true);
    let with: Vec<&str> = with.iter().map(String::as_str).collect();
    check(
        &with,
        "",
        expect![[r#"
            exit 1
            {"row":2,"id":"row-2","ok":true}
            {"row":3,"id":null,"ok":false,"errors":[{"row":3,"column":"生于","cell":"B3","field":"birth_date","code":"not_elderly","message":"未满60周岁（45岁） (under 60 on 2025-03-15)"},{"row":3,"column":"联系人电话","cell":"F3","field":"emergency_contacts[0].phone","code":"bad_value","message":"紧急联系人电话无效: 手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits)"}]}
        "#]],
    );
    // Without the mapping no column gives a birth date or ID number: a usage error.
    let without: Vec<String> = args(false);
    let without: Vec<&str> = without.iter().map(String::as_str).collect();
    check(
        &without,
        "",
        expect![[r#"
            exit 2
            stderr: tanfang: 没有对应“身份证号”或“出生日期”的列 (map a column to id_number or birth_date)
        "#]],
    );
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&mapping).unwrap();
}
