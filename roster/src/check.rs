//! Rows → checked elder files. Each row becomes an [`ElderFile`] (for a row that matches an
//! existing file: that file with the row's non-empty cells written over it, so nothing already
//! saved is lost), checked by `ElderFile::validate`; every problem is a [`CellError`] naming the
//! spreadsheet row, the column and the field.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use tanfang_domain::elder::{
    Capability, Category, Consent, ConsentRecord, ContactKind, ElderFile, EmergencyContact, Sex,
};
use tanfang_domain::id_number::IdNumber;
use tanfang_domain::region::code_in_subtree;

use crate::fields::{Field, Mapping};
use crate::read::Sheet;

/// What the check needs besides the rows.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub today: NaiveDate,
    /// The importer's region subtree (code or prefix); rows outside it are `out_of_scope`.
    pub scope: Option<String>,
    /// Community names → 12-digit codes, for sheets that name the community but give no code.
    pub communities: HashMap<String, String>,
    /// Known community codes; when given, an unknown code is an error.
    pub known_regions: Option<std::collections::HashSet<String>>,
    /// ID numbers that already have a file the importer cannot see (another region): a row
    /// with one is an error, never a second file for the same person.
    pub taken_id_numbers: std::collections::HashSet<String>,
}

impl CheckOptions {
    pub fn new(today: NaiveDate) -> Self {
        CheckOptions {
            today,
            scope: None,
            communities: HashMap::new(),
            known_regions: None,
            taken_id_numbers: std::collections::HashSet::new(),
        }
    }
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    /// Spreadsheet row number.
    pub row: usize,
    /// Header text of the column, empty when the problem has no column (e.g. a required field
    /// that no column fills).
    pub column: String,
    /// `C5`-style cell reference, empty without a column.
    pub cell: String,
    /// Field key (the file's field path, e.g. `emergency_contacts[0].phone`).
    pub field: String,
    /// `bad_value`, `missing_field`, `bad_id_number`, `bad_date`, `unknown_category`,
    /// `out_of_scope`, `unknown_region`, `birth_date_mismatch`, `not_elderly`,
    /// `not_special_needs`, `duplicate_row`, `id_number_taken`.
    pub code: String,
    /// Chinese first, English in brackets.
    pub message: String,
}

/// One changed field of a matched file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RowAction {
    /// Not imported: see `errors`.
    Error,
    New,
    Unchanged {
        elder_id: String,
    },
    Changed {
        elder_id: String,
        changes: Vec<FieldChange>,
    },
}

/// The outcome for one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowCheck {
    pub row: usize,
    /// The row's own number in the source sheet (its 编号 / 序号 cell, when a column is mapped
    /// to [`Field::ExternalId`]), so a coordinator can find the row in their sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(flatten)]
    pub action: RowAction,
    /// How the row matched an existing file: `id_number` or `name_birth_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CellError>,
    /// The file as it would be saved (absent for error rows).
    #[serde(skip)]
    pub file: Option<ElderFile>,
}

/// Counts over all rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub errors: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl Summary {
    pub fn of(rows: &[RowCheck]) -> Summary {
        let mut summary = Summary {
            rows: rows.len(),
            ..Summary::default()
        };
        for row in rows {
            match row.action {
                RowAction::Error => summary.errors += 1,
                RowAction::New => summary.new += 1,
                RowAction::Unchanged { .. } => summary.unchanged += 1,
                RowAction::Changed { .. } => summary.changed += 1,
            }
        }
        summary
    }
}

/// An existing file to match rows against.
#[derive(Debug, Clone)]
pub struct Existing {
    pub file: ElderFile,
}

struct Index<'a> {
    by_id_number: HashMap<String, &'a ElderFile>,
    by_name_birth: HashMap<(String, NaiveDate), &'a ElderFile>,
}

impl<'a> Index<'a> {
    fn new(existing: &'a [Existing]) -> Self {
        let mut by_id_number = HashMap::new();
        let mut by_name_birth = HashMap::new();
        for e in existing {
            if let Some(id) = &e.file.id_number {
                by_id_number.insert(id.trim().to_uppercase(), &e.file);
            }
            let birth = e.file.birth_date.or_else(|| {
                e.file
                    .id_number
                    .as_deref()
                    .and_then(|t| IdNumber::parse(t).ok())
                    .map(|id| id.birth_date())
            });
            if let Some(birth) = birth {
                by_name_birth.insert((e.file.name.trim().to_string(), birth), &e.file);
            }
        }
        Index {
            by_id_number,
            by_name_birth,
        }
    }
}

/// Checks every row of `sheet` under `mapping`. `new_id(row)` names the file a new row would
/// create (the worker passes random ids; the CLI the row's own `编号` or `row-N`).
/// `Err` only when the mapping itself is unusable (two columns for one field, or no name
/// column).
pub fn check_sheet(
    sheet: &Sheet,
    mapping: &Mapping,
    existing: &[Existing],
    options: &CheckOptions,
    new_id: &mut dyn FnMut(usize) -> String,
) -> Result<Vec<RowCheck>, String> {
    let columns = mapping.columns(&sheet.headers)?;
    if !columns.contains_key(&Field::Name) {
        return Err("没有对应“姓名”的列，请在列对应中选择 (no column is mapped to name)".into());
    }
    if !columns.contains_key(&Field::IdNumber) && !columns.contains_key(&Field::BirthDate) {
        return Err(
            "没有对应“身份证号”或“出生日期”的列 (map a column to id_number or birth_date)".into(),
        );
    }
    let index = Index::new(existing);
    // First row seen per identity, for duplicates inside the sheet.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(sheet.rows.len());
    for row in &sheet.rows {
        let mut ctx = RowContext {
            row: row.number,
            headers: &sheet.headers,
            cells: &row.cells,
            columns: &columns,
            errors: Vec::new(),
        };
        out.push(check_row(&mut ctx, &index, options, &mut seen, new_id));
    }
    Ok(out)
}

struct RowContext<'a> {
    row: usize,
    headers: &'a [String],
    cells: &'a [String],
    columns: &'a BTreeMap<Field, usize>,
    errors: Vec<CellError>,
}

impl RowContext<'_> {
    /// The trimmed cell of a mapped field, `None` when unmapped or empty.
    fn get(&self, field: Field) -> Option<&str> {
        let index = *self.columns.get(&field)?;
        let text = self.cells.get(index)?.trim();
        (!text.is_empty()).then_some(text)
    }

    fn error(&mut self, field: Field, path: &str, code: &str, message: String) {
        let (column, cell) = match self.columns.get(&field) {
            Some(&index) => (
                self.headers.get(index).cloned().unwrap_or_default(),
                format!("{}{}", crate::column_letter(index), self.row),
            ),
            None => (String::new(), String::new()),
        };
        self.errors.push(CellError {
            row: self.row,
            column,
            cell,
            field: path.to_string(),
            code: code.to_string(),
            message,
        });
    }

    /// Parses a mapped cell; a bad value is an error on that cell and yields `None`.
    fn parse<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.get(field)?.to_string();
        match parse(&text) {
            Ok(value) => Some(value),
            Err(message) => {
                let code = if field == Field::Categories {
                    "unknown_category"
                } else if field == Field::BirthDate {
                    "bad_date"
                } else {
                    "bad_value"
                };
                self.error(
                    field,
                    path_of(field),
                    code,
                    format!("{}“{}”：{}", field.label_zh(), text, message),
                );
                None
            }
        }
    }
}

/// The file field path a column fills.
fn path_of(field: Field) -> &'static str {
    match field {
        Field::ExternalId => "id",
        Field::RegionCode => "address.region_code",
        Field::City => "address.city",
        Field::District => "address.district",
        Field::Street => "address.street",
        Field::Community => "address.community",
        Field::AddressDetail => "address.detail",
        Field::ContactName => "emergency_contacts[0].name",
        Field::ContactRelation => "emergency_contacts[0].relation",
        Field::ContactPhone => "emergency_contacts[0].phone",
        other => other.key(),
    }
}

/// The column a domain error's field path belongs to.
fn field_of_path(path: &str, columns: &BTreeMap<Field, usize>) -> Field {
    let direct = match path {
        "id" => Some(Field::ExternalId),
        "name" => Some(Field::Name),
        "sex" => Some(Field::Sex),
        "id_number" => Some(Field::IdNumber),
        "birth_date" => Some(Field::BirthDate),
        "address.region_code" => Some(Field::RegionCode),
        "phone" => Some(Field::Phone),
        "categories" => Some(Field::Categories),
        "capability" => Some(Field::Capability),
        "disability_grade" => Some(Field::DisabilityGrade),
        "disability_certificate_number" => Some(Field::DisabilityCertificateNumber),
        "consent" => Some(Field::Consent),
        p if p.starts_with("consent_history") => Some(Field::Consent),
        p if p.starts_with("emergency_contacts") && p.ends_with(".phone") => {
            Some(Field::ContactPhone)
        }
        p if p.starts_with("emergency_contacts") && p.ends_with(".name") => {
            Some(Field::ContactName)
        }
        p if p.starts_with("emergency_contacts") => Some(Field::ContactName),
        _ => None,
    };
    let field = direct.unwrap_or(Field::Notes);
    // A birth-date problem with no birth-date column is the ID number's; a region problem with
    // no code column is the community's.
    match field {
        Field::BirthDate if !columns.contains_key(&Field::BirthDate) => Field::IdNumber,
        Field::RegionCode if !columns.contains_key(&Field::RegionCode) => Field::Community,
        other => other,
    }
}

fn check_row(
    ctx: &mut RowContext<'_>,
    index: &Index<'_>,
    options: &CheckOptions,
    seen: &mut HashMap<String, usize>,
    new_id: &mut dyn FnMut(usize) -> String,
) -> RowCheck {
    let today = options.today;
    // Identity first: it decides the match.
    let name = ctx.get(Field::Name).map(str::to_string);
    if name.is_none() {
        ctx.error(
            Field::Name,
            "name",
            "missing_field",
            "缺少姓名 (name is required)".into(),
        );
    }
    let id_number = ctx.get(Field::IdNumber).map(|t| t.to_uppercase());
    let birth_date = ctx.parse(Field::BirthDate, parse_date_cell);
    let id_birth = id_number
        .as_deref()
        .and_then(|t| IdNumber::parse_on(t, today).ok())
        .map(|id| id.birth_date());
    let birth_for_match = birth_date.or(id_birth);

    // Duplicates inside the sheet.
    let identity = match (&id_number, &name, birth_for_match) {
        (Some(id), _, _) => Some(format!("id:{id}")),
        (None, Some(name), Some(birth)) => Some(format!("nb:{name}:{birth}")),
        _ => None,
    };
    if let Some(identity) = &identity {
        if let Some(first) = seen.get(identity) {
            let field = if id_number.is_some() {
                Field::IdNumber
            } else {
                Field::Name
            };
            let message = format!(
                "与第{first}行是同一人（一人一档），请合并后再导入 (same person as row {first})"
            );
            ctx.error(field, path_of(field), "duplicate_row", message);
        } else {
            seen.insert(identity.clone(), ctx.row);
        }
    }

    if let Some(id) = &id_number {
        if options.taken_id_numbers.contains(id) {
            ctx.error(
                Field::IdNumber,
                "id_number",
                "id_number_taken",
                "该身份证号已在其他区域建档（一人一档），请联系该区域的负责人 (a file with this ID number exists outside your region)".into(),
            );
        }
    }

    // Match.
    let matched = id_number
        .as_ref()
        .and_then(|id| index.by_id_number.get(id).map(|f| (*f, "id_number")))
        .or_else(|| {
            let name = name.as_ref()?;
            let birth = birth_for_match?;
            // Two different ID numbers are two people, whatever their names and birth dates.
            index
                .by_name_birth
                .get(&(name.clone(), birth))
                .filter(|f| id_number.is_none() || f.id_number.is_none())
                .map(|f| (*f, "name_birth_date"))
        });
    let mut file = match matched {
        Some((existing, _)) => existing.clone(),
        None => {
            let mut file = ElderFile {
                lives_at_household_registration: true,
                ..ElderFile::default()
            };
            file.id = ctx
                .get(Field::ExternalId)
                .map(str::to_string)
                .unwrap_or_else(|| new_id(ctx.row));
            file
        }
    };
    let before = matched.map(|(f, _)| serde_json::to_value(f).unwrap_or(Value::Null));

    // Write the row's cells over the file.
    if let Some(name) = name {
        file.name = name;
    }
    if let Some(sex) = ctx.parse(Field::Sex, parse_sex) {
        file.sex = Some(sex);
    }
    if let Some(text) = ctx.get(Field::Ethnicity) {
        file.ethnicity = Some(text.to_string());
    }
    if let Some(id) = id_number {
        file.id_number = Some(id);
    }
    if let Some(birth) = birth_date {
        file.birth_date = Some(birth);
    } else if file.birth_date.is_none() {
        file.birth_date = id_birth;
    }
    if let Some(text) = ctx.get(Field::City) {
        file.address.city = text.to_string();
    }
    if let Some(text) = ctx.get(Field::District) {
        file.address.district = text.to_string();
    }
    if let Some(text) = ctx.get(Field::Street) {
        file.address.street = text.to_string();
    }
    if let Some(text) = ctx.get(Field::Community) {
        file.address.community = text.to_string();
    }
    if let Some(text) = ctx.get(Field::AddressDetail) {
        file.address.detail = text.to_string();
    }
    if let Some(code) = ctx.get(Field::RegionCode) {
        file.address.region_code = code.to_string();
    } else if let Some(community) = ctx.get(Field::Community) {
        match options.communities.get(community) {
            Some(code) => file.address.region_code = code.clone(),
            None if file.address.region_code.is_empty() && !options.communities.is_empty() => {
                let message = format!(
                    "找不到名为“{community}”的社区(村)，请填写区划代码或检查名称 (unknown community name)"
                );
                ctx.error(
                    Field::Community,
                    "address.region_code",
                    "unknown_region",
                    message,
                );
            }
            None => {}
        }
    }
    if let Some(phone) = ctx.get(Field::Phone) {
        file.phone = Some(phone.to_string());
    }
    if let Some(categories) = ctx.parse(Field::Categories, parse_categories) {
        file.categories = categories;
    }
    if let Some(capability) = ctx.parse(Field::Capability, parse_capability) {
        file.capability = capability;
    }
    if let Some(v) = ctx.parse(Field::Bedridden, parse_yes_no) {
        file.bedridden = v;
    }
    if let Some(v) = ctx.parse(Field::MobilityImpaired, parse_yes_no) {
        file.mobility_impaired = v;
    }
    if let Some(v) = ctx.parse(Field::Dementia, parse_yes_no) {
        file.dementia = v;
    }
    if let Some(grade) = ctx.parse(Field::DisabilityGrade, parse_grade) {
        file.disability_grade = grade;
    }
    if let Some(cert) = ctx.get(Field::DisabilityCertificateNumber) {
        file.disability_certificate_number = Some(cert.to_uppercase());
    }
    if let Some(v) = ctx.parse(Field::SeriousIllness, parse_yes_no) {
        file.serious_illness = v;
    }
    if let Some(v) = ctx.parse(Field::LowIncome, parse_yes_no) {
        file.low_income = v;
    }
    if let Some(notes) = ctx.get(Field::Notes) {
        file.notes = Some(notes.to_string());
    }
    if let Some(consent) = ctx.parse(Field::Consent, parse_consent) {
        // A consent the history does not yet say is recorded as of today, with the row's note
        // (a refusal needs one: the domain names the cell when it is missing).
        if file.consent_history.last().map(|r| r.decision) != Some(consent)
            && !(file.consent_history.is_empty() && consent == Consent::Pending)
        {
            file.consent_history.push(ConsentRecord {
                date: today,
                decision: consent,
                note: ctx.get(Field::Notes).map(str::to_string),
                recorded_by: None,
            });
        }
        file.consent = consent;
    }
    let contact_name = ctx.get(Field::ContactName).map(str::to_string);
    let contact_phone = ctx.get(Field::ContactPhone).map(str::to_string);
    let contact_relation = ctx.get(Field::ContactRelation).map(str::to_string);
    if contact_name.is_some() || contact_phone.is_some() {
        let relation = contact_relation.unwrap_or_default();
        let contact = EmergencyContact {
            kind: contact_kind(&relation),
            name: contact_name.unwrap_or_default(),
            relation,
            phone: contact_phone.unwrap_or_default(),
        };
        // The sheet's contact replaces the one with the same name, else comes first of its kind.
        match file
            .emergency_contacts
            .iter()
            .position(|c| c.name == contact.name)
        {
            Some(position) => file.emergency_contacts[position] = contact,
            None => {
                let position = file
                    .emergency_contacts
                    .iter()
                    .position(|c| c.kind >= contact.kind)
                    .unwrap_or(file.emergency_contacts.len());
                file.emergency_contacts.insert(position, contact);
            }
        }
    }

    // Scope and known regions.
    let code = file.address.region_code.clone();
    if !code.is_empty() {
        let region_field = if ctx.columns.contains_key(&Field::RegionCode) {
            Field::RegionCode
        } else {
            Field::Community
        };
        if let Some(scope) = &options.scope {
            if !code_in_subtree(&code, scope) {
                ctx.error(
                    region_field,
                    "address.region_code",
                    "out_of_scope",
                    format!("区划 {code} 不在您管辖的区域内 (outside your region {scope})"),
                );
            }
        }
        if let Some(known) = &options.known_regions {
            if code.len() == 12
                && code.bytes().all(|b| b.is_ascii_digit())
                && !known.contains(&code)
            {
                ctx.error(
                    region_field,
                    "address.region_code",
                    "unknown_region",
                    format!("区划代码 {code} 不存在于本系统的区划中 (unknown region code)"),
                );
            }
        }
    }

    // The domain's checks, each on its column.
    if let Err(errors) = file.validate(today) {
        for e in errors {
            // Cell-parse errors already name the cell; skip the domain's echo of them.
            if ctx.errors.iter().any(|mine| mine.field == e.field) {
                continue;
            }
            let field = field_of_path(&e.field, ctx.columns);
            let code = e.code.as_str().to_string();
            ctx.error(field, &e.field, &code, e.message);
        }
    }

    let errors = std::mem::take(&mut ctx.errors);
    let matched_by = matched.map(|(_, by)| by);
    let action = if !errors.is_empty() {
        RowAction::Error
    } else {
        match (matched, before) {
            (Some((existing, _)), Some(before)) => {
                let after = serde_json::to_value(&file).unwrap_or(Value::Null);
                let changes = diff(&before, &after);
                if changes.is_empty() {
                    RowAction::Unchanged {
                        elder_id: existing.id.clone(),
                    }
                } else {
                    RowAction::Changed {
                        elder_id: existing.id.clone(),
                        changes,
                    }
                }
            }
            _ => RowAction::New,
        }
    };
    RowCheck {
        row: ctx.row,
        serial: ctx.get(Field::ExternalId).map(str::to_string),
        file: (action != RowAction::Error).then_some(file),
        action,
        matched_by,
        errors,
    }
}

/// Top-level (and `address.*`) fields whose values differ.
fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return changes;
    };
    for (key, new) in after {
        let old = before.get(key).cloned().unwrap_or(Value::Null);
        if &old == new {
            continue;
        }
        if let (Value::Object(old_map), Value::Object(new_map)) = (&old, new) {
            for (sub, new_value) in new_map {
                let old_value = old_map.get(sub).cloned().unwrap_or(Value::Null);
                if &old_value != new_value {
                    changes.push(FieldChange {
                        field: format!("{key}.{sub}"),
                        old: old_value,
                        new: new_value.clone(),
                    });
                }
            }
        } else {
            changes.push(FieldChange {
                field: key.clone(),
                old,
                new: new.clone(),
            });
        }
    }
    changes
}

fn contact_kind(relation: &str) -> ContactKind {
    const CHILD: [&str; 8] = ["儿", "女", "子", "媳", "婿", "child", "son", "daughter"];
    const COMMUNITY: [&str; 6] = ["社区", "村", "居委", "网格", "书记", "主任"];
    if COMMUNITY.iter().any(|w| relation.contains(w)) {
        ContactKind::Community
    } else if CHILD.iter().any(|w| relation.contains(w)) && !relation.contains("侄") {
        ContactKind::Child
    } else {
        ContactKind::Relative
    }
}

/// `1943-06-01`, `1943/6/1`, `1943.6.1`, `19430601`, `1943年6月1日`; an impossible date
/// (`1943-02-30`) is refused.
pub fn parse_date_cell(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let parts: Vec<&str> = if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        vec![&text[..4], &text[4..6], &text[6..]]
    } else {
        text.split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect()
    };
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| p.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)".to_string())?;
    match numbers.as_slice() {
        [y, m, d] if *y >= 1000 => NaiveDate::from_ymd_opt(*y as i32, *m, *d)
            .ok_or_else(|| format!("不存在的日期 {y}年{m}月{d}日 (impossible date)")),
        _ => Err("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)".into()),
    }
}

fn parse_sex(text: &str) -> Result<Sex, String> {
    match text.trim().to_lowercase().as_str() {
        "男" | "男性" | "m" | "male" | "1" => Ok(Sex::Male),
        "女" | "女性" | "f" | "female" | "2" => Ok(Sex::Female),
        _ => Err("性别应为“男”或“女” (sex must be 男 or 女)".into()),
    }
}

fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "是" | "有" | "√" | "✓" | "y" | "yes" | "true" | "1" => Ok(true),
        "否" | "无" | "×" | "n" | "no" | "false" | "0" | "-" => Ok(false),
        _ => Err("应填“是”或“否” (must be 是 or 否)".into()),
    }
}

/// `孤寡、独居` etc.; separators 、,，;；/ and spaces; English keys accepted.
pub fn parse_categories(text: &str) -> Result<Vec<Category>, String> {
    let mut categories = Vec::new();
    let mut unknown = Vec::new();
    for part in text
        .split(['、', ',', '，', ';', '；', '/', ' ', '\u{3000}', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let category = match part {
            "孤寡" | "孤寡老人" | "solitary" => Some(Category::Solitary),
            "独居" | "独居老人" | "living_alone" => Some(Category::LivingAlone),
            "空巢" | "空巢老人" | "empty_nest" => Some(Category::EmptyNest),
            "留守" | "留守老人" | "left_behind" => Some(Category::LeftBehind),
            "计划生育特殊家庭"
            | "计生特殊家庭"
            | "失独"
            | "计划生育特殊家庭老人"
            | "family_planning_special" => Some(Category::FamilyPlanningSpecial),
            _ => None,
        };
        match category {
            Some(c) if !categories.contains(&c) => categories.push(c),
            Some(_) => {}
            None => unknown.push(part.to_string()),
        }
    }
    if unknown.is_empty() {
        categories.sort();
        Ok(categories)
    } else {
        Err(format!(
            "未知类别“{}”，应为 孤寡/独居/空巢/留守/计划生育特殊家庭 (unknown category)",
            unknown.join("、")
        ))
    }
}

fn parse_capability(text: &str) -> Result<Capability, String> {
    let t = text.trim();
    let value = match t {
        "能力完好" | "完好" | "自理" | "intact" => Capability::Intact,
        "轻度受损" | "轻度失能" | "轻度" | "mild" => Capability::Mild,
        "中度受损" | "中度失能" | "中度" | "moderate" => Capability::Moderate,
        "重度受损" | "重度失能" | "重度" | "severe" => Capability::Severe,
        "完全丧失" | "完全失能" | "total" => Capability::Total,
        "未评估" | "unassessed" => Capability::Unassessed,
        _ => {
            return Err(
                "应为 能力完好/轻度受损/中度受损/重度受损/完全丧失/未评估 (unknown capability)"
                    .into(),
            )
        }
    };
    Ok(value)
}

fn parse_grade(text: &str) -> Result<Option<u8>, String> {
    let t = text.trim().trim_end_matches('级').trim_start_matches('第');
    let grade = match t {
        "无" | "否" | "0" => return Ok(None),
        "1" | "一" => 1,
        "2" | "二" => 2,
        "3" | "三" => 3,
        "4" | "四" => 4,
        _ => return Err("残疾等级应为1–4级 (disability grade must be 1–4)".into()),
    };
    Ok(Some(grade))
}

fn parse_consent(text: &str) -> Result<Consent, String> {
    match text.trim() {
        "同意" | "是" | "愿意" | "accepted" => Ok(Consent::Accepted),
        "拒绝" | "不同意" | "否" | "不愿意" | "declined" => Ok(Consent::Declined),
        "待定" | "未确认" | "待确认" | "pending" => Ok(Consent::Pending),
        _ => Err("探访意愿应为 同意/拒绝/待定 (consent must be 同意, 拒绝 or 待定)".into()),
    }
}

/// The year of an ISO date string, for callers grouping by year.
pub fn year_of(date: NaiveDate) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_people_type_them() {
        for text in [
            "1943-06-01",
            "1943/6/1",
            "1943.06.01",
            "19430601",
            "1943年6月1日",
        ] {
            assert_eq!(
                parse_date_cell(text).unwrap().to_string(),
                "1943-06-01",
                "{text}"
            );
        }
        assert!(parse_date_cell("1943-02-30")
            .unwrap_err()
            .contains("不存在的日期"));
        assert!(parse_date_cell("六月一日")
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(parse_date_cell("43-6-1").is_err());
    }

    #[test]
    fn categories_and_values() {
        assert_eq!(
            parse_categories("独居、孤寡，独居").unwrap(),
            vec![Category::Solitary, Category::LivingAlone]
        );
        assert!(parse_categories("独居、五保").unwrap_err().contains("五保"));
        assert_eq!(parse_grade("二级").unwrap(), Some(2));
        assert_eq!(parse_grade("无").unwrap(), None);
        assert!(parse_grade("5").is_err());
        assert!(parse_yes_no("√").unwrap());
        assert_eq!(contact_kind("儿子"), ContactKind::Child);
        assert_eq!(contact_kind("侄子"), ContactKind::Relative);
        assert_eq!(contact_kind("社区主任"), ContactKind::Community);
    }
}
