//! Roster import end to end over real files: every kind of bad cell is named by row, column and
//! field; GBK and UTF-8 CSV; an .xlsx written by rust_xlsxwriter (text, number and date cells)
//! read back; matching against existing files.

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tanfang_domain::elder::{ContactKind, ElderFile, EmergencyContact};
use tanfang_domain::id_number::make_id_number;
use tanfang_roster::check::FieldChange;
use tanfang_roster::{
    check_sheet, read_bytes, write_csv, write_xlsx, Cell, CheckOptions, Existing, Mapping,
    RowAction, RowCheck, Sheet, Summary, Table,
};

const XINJIN: &str = "120101001001";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 15).unwrap()
}

fn id(birth: &str, seq: u32) -> String {
    make_id_number("120101", birth.parse().unwrap(), seq)
        .as_str()
        .to_string()
}

fn options() -> CheckOptions {
    let mut options = CheckOptions::new(today());
    options.scope = Some("120101001".into());
    options
}

fn check(sheet: &Sheet, existing: &[Existing]) -> Vec<RowCheck> {
    let mapping = Mapping::guess(&sheet.headers);
    check_sheet(sheet, &mapping, existing, &options(), &mut |row| {
        format!("row-{row}")
    })
    .unwrap()
}

const HEADER: &str = "序号,姓名,性别,身份证号,出生日期,区划代码,类别,能力等级,残疾等级,探访意愿,紧急联系人,与老人关系,紧急联系人电话";

/// (row, cell, field, code) of every error.
fn errors(checks: &[RowCheck]) -> Vec<(usize, String, String, String)> {
    checks
        .iter()
        .flat_map(|c| c.errors.iter())
        .map(|e| (e.row, e.cell.clone(), e.field.clone(), e.code.clone()))
        .collect()
}

fn good_row(n: u32, name: &str) -> String {
    let birth = format!("19{}-0{}-1{}", 40 + n % 10, 1 + n % 9, n % 10);
    format!(
        "{n},{name},{},{},,{XINJIN},独居,能力完好,,同意,张小明,儿子,13812345678",
        if n.is_multiple_of(2) { "女" } else { "男" },
        id(&birth, n * 2 + n % 2)
    )
}

#[test]
fn every_kind_of_bad_cell_is_named_by_row_column_and_field() {
    let bad_check_digit = {
        let mut s = id("1943-06-01", 11);
        let last = if s.ends_with('1') { '2' } else { '1' };
        s.pop();
        s.push(last);
        s
    };
    let rows = [
        good_row(1, "王桂兰"),
        // row 3: ID number with a wrong check character
        format!(
            "2,李秀英,女,{bad_check_digit},,{XINJIN},独居,能力完好,,同意,李明,女儿,13812345678"
        ),
        // row 4: impossible date
        format!("3,张建国,男,,1943-02-30,{XINJIN},空巢,能力完好,,同意,张强,儿子,13812345678"),
        // row 5: unknown category
        format!("4,刘德明,男,,1943-02-03,{XINJIN},五保,能力完好,,同意,刘强,儿子,13812345678"),
        // row 6: region outside the importer's scope
        "5,陈志强,男,,1943-02-03,120101002001,独居,能力完好,,同意,陈强,儿子,13812345678"
            .to_string(),
        // row 7: under 60
        format!("6,杨国华,男,,1975-02-03,{XINJIN},独居,能力完好,,同意,杨强,儿子,13812345678"),
        // row 8: birth date disagrees with the ID number
        format!(
            "7,赵文华,女,{},1944-01-01,{XINJIN},独居,能力完好,,同意,赵强,儿子,13812345678",
            id("1943-06-01", 12)
        ),
        // row 9: bad contact phone, bad sex, bad capability, missing name
        format!(",,未知,,1943-02-03,{XINJIN},独居,很好,,同意,黄强,儿子,12345"),
        // row 10: not special needs (no category, intact)
        format!("9,周玉兰,女,,1943-02-03,{XINJIN},,能力完好,,同意,周强,儿子,13812345678"),
        // row 11: disability grade out of range and bad consent
        format!("10,吴福生,男,,1943-02-03,{XINJIN},独居,能力完好,5,也许,吴强,儿子,13812345678"),
        // row 12: the same person as row 2
        good_row(1, "王桂兰"),
        // row 13: community-level code required
        "12,徐长林,男,,1943-02-03,120101001,独居,能力完好,,同意,徐强,儿子,13812345678".to_string(),
        // row 14: no emergency contact
        format!("13,孙金凤,女,,1943-02-03,{XINJIN},独居,能力完好,,同意,,,"),
        // row 15: a refusal without a written note
        format!("14,朱树林,男,,1943-02-03,{XINJIN},独居,能力完好,,拒绝,朱强,儿子,13812345678"),
    ];
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let sheet = read_bytes(text.as_bytes()).unwrap();
    let checks = check(&sheet, &[]);
    assert_eq!(checks.len(), 14);
    assert_eq!(checks[0].action, RowAction::New);
    assert!(checks[0].errors.is_empty(), "{:?}", checks[0].errors);
    let mut got = errors(&checks);
    got.sort();
    let s = |t: &str| t.to_string();
    let mut want = vec![
        (3, s("D3"), s("id_number"), s("bad_id_number")),
        (4, s("E4"), s("birth_date"), s("bad_date")),
        (5, s("G5"), s("categories"), s("unknown_category")),
        (6, s("F6"), s("address.region_code"), s("out_of_scope")),
        (7, s("E7"), s("birth_date"), s("not_elderly")),
        (8, s("E8"), s("birth_date"), s("birth_date_mismatch")),
        (9, s("B9"), s("name"), s("missing_field")),
        (9, s("C9"), s("sex"), s("bad_value")),
        (9, s("H9"), s("capability"), s("bad_value")),
        (9, s("M9"), s("emergency_contacts[0].phone"), s("bad_value")),
        (10, s("G10"), s("categories"), s("not_special_needs")),
        (11, s("I11"), s("disability_grade"), s("bad_value")),
        (11, s("J11"), s("consent"), s("bad_value")),
        (12, s("D12"), s("id_number"), s("duplicate_row")),
        (13, s("F13"), s("address.region_code"), s("bad_value")),
        (14, s("K14"), s("emergency_contacts"), s("missing_field")),
        (
            15,
            s("J15"),
            s("consent_history[0].note"),
            s("missing_field"),
        ),
    ];
    want.sort();
    assert_eq!(got, want);
    // Messages are Chinese first and name the bad value; the column is named by its header.
    let bad_date = &checks[2].errors[0];
    assert_eq!(bad_date.column, "出生日期");
    assert!(
        bad_date
            .message
            .starts_with("出生日期“1943-02-30”：不存在的日期"),
        "{}",
        bad_date.message
    );
    let category = &checks[3].errors[0];
    assert!(category.message.contains("五保"), "{}", category.message);
    assert!(checks[10].errors[0].message.contains("第2行"));
    let summary = Summary::of(&checks);
    assert_eq!((summary.rows, summary.new, summary.errors), (14, 1, 13));
}

#[test]
fn gbk_and_utf8_files_give_the_same_rows() {
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        good_row(1, "王桂兰"),
        good_row(2, "李秀英")
    );
    let utf8 = read_bytes(text.as_bytes()).unwrap();
    let (gbk_bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let gbk = read_bytes(&gbk_bytes).unwrap();
    assert_eq!(utf8.format, "csv-utf8");
    assert_eq!(gbk.format, "csv-gbk");
    assert_eq!(utf8.headers, gbk.headers);
    assert_eq!(utf8.rows, gbk.rows);
    let checks = check(&gbk, &[]);
    assert!(checks.iter().all(|c| c.action == RowAction::New));
    assert_eq!(checks[1].file.as_ref().unwrap().name, "李秀英");
}

#[test]
fn xlsx_written_with_text_number_and_date_cells_reads_back() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "新津社区摸底排查表").unwrap();
    let headers = [
        "姓名",
        "出生日期",
        "区划代码",
        "类别",
        "紧急联系人",
        "与老人关系",
        "紧急联系人电话",
        "残疾等级",
    ];
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string(1, col as u16, *h).unwrap();
    }
    // Row 3: a date cell, the region code as a number (as Excel keeps typed digits).
    sheet.write_string(2, 0, "王桂兰").unwrap();
    let birth = ExcelDateTime::from_ymd(1943, 6, 1).unwrap();
    sheet
        .write_datetime_with_format(2, 1, &birth, &date)
        .unwrap();
    sheet.write_number(2, 2, 120101001001.0).unwrap();
    sheet.write_string(2, 3, "独居、孤寡").unwrap();
    sheet.write_string(2, 4, "王明").unwrap();
    sheet.write_string(2, 5, "侄子").unwrap();
    sheet.write_number(2, 6, 13812345678.0).unwrap();
    // Row 4: a text date that does not exist and a grade out of range.
    sheet.write_string(3, 0, "李秀英").unwrap();
    sheet.write_string(3, 1, "1943年2月29日").unwrap();
    sheet.write_string(3, 2, XINJIN).unwrap();
    sheet.write_string(3, 3, "空巢").unwrap();
    sheet.write_string(3, 4, "李明").unwrap();
    sheet.write_string(3, 6, "13812345678").unwrap();
    sheet.write_number(3, 7, 7.0).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let sheet = read_bytes(&bytes).unwrap();
    assert_eq!(sheet.format, "xlsx");
    assert_eq!(sheet.header_row, 2);
    assert_eq!(sheet.rows[0].cells[1], "1943-06-01");
    assert_eq!(sheet.rows[0].cells[2], XINJIN);
    let checks = check(&sheet, &[]);
    assert_eq!(checks[0].action, RowAction::New, "{:?}", checks[0].errors);
    let file = checks[0].file.as_ref().unwrap();
    assert_eq!(file.birth_date, Some("1943-06-01".parse().unwrap()));
    assert_eq!(file.emergency_contacts[0].kind, ContactKind::Relative);
    let mut got = errors(&checks[1..]);
    got.sort();
    assert_eq!(
        got,
        vec![
            (4, "B4".into(), "birth_date".into(), "bad_date".into()),
            (
                4,
                "H4".into(),
                "disability_grade".into(),
                "bad_value".into()
            ),
        ]
    );
}

fn existing_file(id_suffix: &str, name: &str, birth: &str, id_number: Option<String>) -> Existing {
    Existing {
        file: ElderFile {
            id: format!("elder-{id_suffix}"),
            name: name.into(),
            birth_date: Some(birth.parse().unwrap()),
            id_number,
            address: tanfang_domain::elder::Address {
                region_code: XINJIN.into(),
                detail: "新津路1号".into(),
                ..Default::default()
            },
            lives_at_household_registration: true,
            categories: vec![tanfang_domain::elder::Category::LivingAlone],
            emergency_contacts: vec![EmergencyContact {
                kind: ContactKind::Child,
                name: "张小明".into(),
                relation: "儿子".into(),
                phone: "13812345678".into(),
            }],
            notes: Some("saved before the import".into()),
            ..Default::default()
        },
    }
}

#[test]
fn rows_match_by_id_number_else_name_and_birth_date_and_keep_unmapped_fields() {
    let id_a = id("1943-06-01", 21);
    let existing = vec![
        existing_file("a", "王桂兰", "1943-06-01", Some(id_a.clone())),
        existing_file("b", "李秀英", "1944-02-03", None),
        existing_file("c", "张建国", "1945-03-04", None),
    ];
    let text = format!(
        "姓名,身份证号,出生日期,区划代码,类别,联系电话\n\
         王桂兰,{id_a},,{XINJIN},独居,\n\
         李秀英,,1944-02-03,{XINJIN},独居、空巢,13900001111\n\
         张建国,,1945-03-05,{XINJIN},独居,\n"
    );
    let sheet = read_bytes(text.as_bytes()).unwrap();
    let checks = check(&sheet, &existing);
    assert_eq!(
        checks[0].action,
        RowAction::Unchanged {
            elder_id: "elder-a".into()
        }
    );
    assert_eq!(checks[0].matched_by, Some("id_number"));
    match &checks[1].action {
        RowAction::Changed { elder_id, changes } => {
            assert_eq!(elder_id, "elder-b");
            let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["categories", "phone"]);
            assert_eq!(
                changes[1],
                FieldChange {
                    field: "phone".into(),
                    old: serde_json::Value::Null,
                    new: "13900001111".into()
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(checks[1].matched_by, Some("name_birth_date"));
    // Fields the sheet does not carry survive: contacts, detail address, notes.
    let merged = checks[1].file.as_ref().unwrap();
    assert_eq!(merged.emergency_contacts.len(), 1);
    assert_eq!(merged.address.detail, "新津路1号");
    assert_eq!(merged.notes.as_deref(), Some("saved before the import"));
    // A different birth date is another person: new, and so needs its own contact.
    assert_eq!(checks[2].action, RowAction::Error);
    assert_eq!(checks[2].errors[0].field, "emergency_contacts");
}

#[test]
fn unusable_mappings_are_refused_before_any_row() {
    let sheet = read_bytes("序号,备注\n1,x\n".as_bytes()).unwrap();
    let error = check_sheet(
        &sheet,
        &Mapping::guess(&sheet.headers),
        &[],
        &options(),
        &mut |r| r.to_string(),
    )
    .unwrap_err();
    assert!(error.contains("姓名"), "{error}");
}

#[test]
fn community_names_resolve_to_codes_and_unknown_names_are_named() {
    let mut options = options();
    options
        .communities
        .insert("新津社区".into(), XINJIN.to_string());
    let text = "姓名,出生日期,社区,类别,紧急联系人,紧急联系人电话\n\
                王桂兰,1943-06-01,新津社区,独居,王明,13812345678\n\
                李秀英,1943-06-01,旧津社区,独居,李明,13812345678\n";
    let sheet = read_bytes(text.as_bytes()).unwrap();
    let checks = check_sheet(
        &sheet,
        &Mapping::guess(&sheet.headers),
        &[],
        &options,
        &mut |r| r.to_string(),
    )
    .unwrap();
    assert_eq!(checks[0].file.as_ref().unwrap().address.region_code, XINJIN);
    assert_eq!(
        (
            checks[1].errors[0].cell.as_str(),
            checks[1].errors[0].code.as_str()
        ),
        ("C3", "unknown_region")
    );
}

#[test]
fn written_xlsx_and_csv_read_back_with_chinese_headers() {
    let table = Table {
        name: "台账".into(),
        title: Some("新津社区探访关爱台账 2025年3月".into()),
        headers: vec!["姓名".into(), "身份证号".into(), "探访次数".into()],
        rows: vec![
            vec![
                Cell::from("王桂兰"),
                Cell::from("120101********0012"),
                Cell::from(3i64),
            ],
            vec![Cell::from("李, \"秀\"英"), Cell::Empty, Cell::from(0i64)],
        ],
    };
    let xlsx = write_xlsx(std::slice::from_ref(&table)).unwrap();
    let sheet = read_bytes(&xlsx).unwrap();
    assert_eq!(sheet.header_row, 2);
    assert_eq!(sheet.headers, ["姓名", "身份证号", "探访次数"]);
    assert_eq!(sheet.rows[0].cells, ["王桂兰", "120101********0012", "3"]);
    assert_eq!(sheet.rows[1].cells[0], "李, \"秀\"英");

    let csv = write_csv(&table);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let sheet = read_bytes(&csv).unwrap();
    assert_eq!(sheet.headers, ["姓名", "身份证号", "探访次数"]);
    assert_eq!(sheet.rows[1].cells, ["李, \"秀\"英", "", "0"]);
}

#[test]
fn a_refusal_with_a_note_is_recorded_in_the_consent_history() {
    let text = format!(
        "姓名,出生日期,区划代码,类别,探访意愿,备注,紧急联系人,紧急联系人电话\n\
         朱树林,1943-02-03,{XINJIN},独居,拒绝,本人表示子女每天照看,朱强,13812345678\n"
    );
    let sheet = read_bytes(text.as_bytes()).unwrap();
    let checks = check(&sheet, &[]);
    assert!(checks[0].errors.is_empty(), "{:?}", checks[0].errors);
    let file = checks[0].file.as_ref().unwrap();
    assert_eq!(file.consent_history.len(), 1);
    assert_eq!(file.consent_history[0].date, today());
    assert_eq!(
        file.consent_history[0].note.as_deref(),
        Some("本人表示子女每天照看")
    );
}

#[test]
fn same_name_and_birth_date_with_another_id_number_is_another_person() {
    let existing = vec![existing_file(
        "a",
        "王桂兰",
        "1943-06-01",
        Some(id("1943-06-01", 21)),
    )];
    let other = id("1943-06-01", 23);
    let text = format!(
        "姓名,身份证号,区划代码,类别,紧急联系人,紧急联系人电话\n\
         王桂兰,{other},{XINJIN},独居,王明,13812345678\n"
    );
    let sheet = read_bytes(text.as_bytes()).unwrap();
    let checks = check(&sheet, &existing);
    assert_eq!(checks[0].action, RowAction::New, "{:?}", checks[0].errors);
    assert_eq!(checks[0].matched_by, None);
}

#[test]
fn the_rows_own_number_is_kept_for_finding_the_row_in_the_sheet() {
    // 编号 is recognised; 序号 is not guessed (it is often a running count) but may be mapped.
    let text = format!(
        "编号,姓名,出生日期,区划代码,类别,紧急联系人,紧急联系人电话\n\
         A-017,王桂兰,1943-02-30,{XINJIN},独居,王明,13812345678\n\
         A-018,李秀英,1944-03-01,{XINJIN},独居,李明,13812345678\n\
         ,张凤英,1945-03-01,{XINJIN},独居,张明,13812345678\n"
    );
    let sheet = read_bytes(text.as_bytes()).unwrap();
    let checks = check(&sheet, &[]);
    let serials: Vec<Option<&str>> = checks.iter().map(|c| c.serial.as_deref()).collect();
    assert_eq!(serials, [Some("A-017"), Some("A-018"), None]);
    assert_eq!(checks[0].action, RowAction::Error);
    let json = serde_json::to_value(&checks[0]).unwrap();
    assert_eq!(json["serial"], "A-017");
    assert!(serde_json::to_value(&checks[2])
        .unwrap()
        .get("serial")
        .is_none());

    let text = format!(
        "序号,姓名,出生日期,区划代码,类别,紧急联系人,紧急联系人电话\n\
         7,王桂兰,1943-02-01,{XINJIN},独居,王明,13812345678\n"
    );
    let sheet = read_bytes(text.as_bytes()).unwrap();
    assert_eq!(check(&sheet, &[])[0].serial, None, "序号 is not guessed");
    let mapping: Mapping = serde_json::from_str(r#"{"序号": "external_id"}"#).unwrap();
    let mapping = Mapping::guess_with(&sheet.headers, &mapping);
    let checks = check_sheet(&sheet, &mapping, &[], &options(), &mut |row| {
        format!("row-{row}")
    })
    .unwrap();
    assert_eq!(checks[0].serial.as_deref(), Some("7"));
}
