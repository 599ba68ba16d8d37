//! `tanfang`: the command line over the domain crate (contract: shared/spec/cli-contract.md).
//!
//! Every command reads JSON Lines (stdin, or `--input FILE`) and writes JSON Lines to stdout.
//! A bad line yields an error object at its position and the batch goes on. Exit status: 0 all
//! lines fine, 1 some line failed, 2 usage error (message on stderr; clap's own errors exit 2).
//! Blank lines are skipped without output.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;
use serde_json::Value;
use tanfang_domain::classify::{classify, Classification, ClassifyError, ErrorCode};
use tanfang_domain::date::{parse_date, Month, NaiveDate};
use tanfang_domain::elder::{ElderFacts, ElderFile, FieldError};
use tanfang_domain::policy::{PolicyId, PolicyProfile, Requirement};
use tanfang_domain::rate::{elder_month_status, MonthlyTally};
use tanfang_domain::region::code_in_subtree;
use tanfang_domain::schedule::{schedule, RequirementStatus, Surge, VisitFact};

#[derive(Parser)]
#[command(
    name = "tanfang",
    version,
    about = "探访关爱 Tanfang: classify, schedule, report and validate special-needs elders (JSON Lines; validate also reads .xlsx/.csv rosters)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tier and requirements of each elder on a date.
    Classify {
        #[arg(long, value_parser = parse_policy)]
        policy: PolicyId,
        #[arg(long, value_parser = parse_day)]
        date: NaiveDate,
        /// Read this file instead of stdin.
        #[arg(long)]
        input: Option<PathBuf>,
    },
    /// Classification plus the status of each requirement in the period containing `today`.
    Schedule {
        #[arg(long, value_parser = parse_policy)]
        policy: PolicyId,
        #[arg(long, value_parser = parse_day)]
        today: NaiveDate,
        #[arg(long)]
        input: Option<PathBuf>,
        /// Surges (加密探访) in force: a JSON array or JSON Lines of surge objects
        /// (`{"id","region_prefix","start","end","tiers","categories","requirement","reason"}`).
        #[arg(long)]
        surges: Option<PathBuf>,
    },
    /// Monthly visit rate (月探访率) over all input lines.
    Report {
        #[arg(long, value_parser = parse_policy)]
        policy: PolicyId,
        #[arg(long, value_parser = parse_month)]
        month: Month,
        /// Only elders whose `region_code` lies in this subtree (code or prefix).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        input: Option<PathBuf>,
    },
    /// Print a built-in policy profile as JSON, or (`--check FILE`) check that a local profile
    /// is never weaker than it.
    Profile {
        #[arg(long, value_parser = parse_policy)]
        policy: PolicyId,
        /// A local profile (JSON) to check against the built-in one.
        #[arg(long)]
        check: Option<PathBuf>,
    },
    /// Check a roster before import: every bad field of every line. Lines with a `name` are
    /// full files (一人一档), others are elder facts. An `--input` ending in `.xlsx` or `.csv`
    /// (UTF-8 or GBK) is read as a spreadsheet — the same checks as the console's import
    /// preview: the header row is found under a title row, columns are matched to fields by
    /// their Chinese headers (姓名, 身份证号, 出生日期, 区划代码, 类别, …), and one line is
    /// printed per data row:
    /// `{"row":5,"id":"A2","ok":false,"errors":[{"row","column","cell","field","code","message"}]}`
    /// (`row`: the spreadsheet row number; `id`: the row's 编号 cell when the sheet has one).
    /// Nothing is written anywhere.
    #[command(
        after_help = "Examples:\n  tanfang validate --today 2025-03-15 < roster.jsonl\n  tanfang validate --input 摸底排查表.xlsx --region 120101001\n  tanfang validate --input roster.csv --mapping mapping.json   # mapping.json: {\"家属手机\": \"contact_phone\", \"序号\": \"external_id\"}"
    )]
    Validate {
        /// The date the roster is checked on (default: today in China Standard Time).
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
        /// Read this file instead of stdin: JSON Lines, or a spreadsheet when it ends in .xlsx
        /// or .csv (CSV in UTF-8, with or without BOM, or GBK as Excel saves it).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Spreadsheets only: a column mapping (JSON object, header → field key or null) over
        /// the one guessed from the headers.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Spreadsheets only: rows outside this region subtree (code or prefix) are errors.
        #[arg(long)]
        region: Option<String>,
    },
}

fn parse_policy(text: &str) -> Result<PolicyId, String> {
    text.parse()
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    parse_date(text).map_err(|e| e.to_string())
}

fn parse_month(text: &str) -> Result<Month, String> {
    text.parse::<Month>().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("tanfang: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs a command; `Ok(all_lines_ok)`, or `Err` for a usage error.
fn run(cli: Cli) -> Result<bool, String> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Classify {
            policy,
            date,
            input,
        } => {
            let profile = PolicyProfile::builtin(policy);
            for_each_line(input, &mut out, |value| {
                let facts = ElderFacts::from_json(value)?;
                let classification = classify(&facts, &profile, date)?;
                Ok(to_json(&ClassifyLine::new(&facts.id, &classification)))
            })
            .map(|errors| errors == 0)
        }
        Command::Schedule {
            policy,
            today,
            input,
            surges,
        } => {
            let profile = PolicyProfile::builtin(policy);
            let surges = match surges {
                None => Vec::new(),
                Some(path) => read_surges(&path)?,
            };
            for_each_line(input, &mut out, |value| {
                let (facts, visits) = read_elder_with_visits(value)?;
                let classification = classify(&facts, &profile, today)?;
                let status = schedule(&classification, &visits, &surges, today);
                Ok(to_json(&ScheduleLine {
                    line: ClassifyLine::new(&facts.id, &classification),
                    status,
                }))
            })
            .map(|errors| errors == 0)
        }
        Command::Report {
            policy,
            month,
            region,
            input,
        } => {
            let profile = PolicyProfile::builtin(policy);
            let mut tally = MonthlyTally::default();
            // Error lines are not written: they are counted in the report's `errors`.
            let mut sink = io::sink();
            let errors = for_each_line(input, &mut sink, |value| {
                let (facts, visits) = read_elder_with_visits(value)?;
                if let Some(region) = &region {
                    if !facts
                        .region_code
                        .as_deref()
                        .is_some_and(|code| code_in_subtree(code, region))
                    {
                        return Ok(String::new());
                    }
                }
                // The contract counts every line that `classify` would answer with an error
                // — including not elderly on the month's last day and not special-needs — as
                // an error, where the worker's tally just leaves such files out of scope.
                classify(&facts, &profile, month.last_day())?;
                let status = elder_month_status(&facts, &visits, &profile, month)?;
                tally.update(None, status.as_ref());
                Ok(String::new())
            })?;
            let mut report = tally.report(month, "");
            report.errors = errors;
            writeln!(out, "{}", to_json(&report)).map_err(|e| e.to_string())?;
            Ok(errors == 0)
        }
        Command::Profile { policy, check } => {
            let base = PolicyProfile::builtin(policy);
            match check {
                None => {
                    write_line(&mut out, &to_json(&base))?;
                    Ok(true)
                }
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        format!(
                            "无法读取配置文件 {} (cannot read profile): {e}",
                            path.display()
                        )
                    })?;
                    let errors: Vec<String> = match serde_json::from_str::<PolicyProfile>(&text) {
                        Err(e) => vec![format!("配置文件格式错误 (bad profile JSON): {e}")],
                        Ok(local) => local
                            .check_not_weaker_than(&base)
                            .err()
                            .unwrap_or_default()
                            .iter()
                            .map(ToString::to_string)
                            .collect(),
                    };
                    write_line(
                        &mut out,
                        &to_json(&ProfileCheck {
                            ok: errors.is_empty(),
                            errors: &errors,
                        }),
                    )?;
                    Ok(errors.is_empty())
                }
            }
        }
        Command::Validate {
            today,
            input,
            mapping,
            region,
        } => {
            let today = today.unwrap_or_else(today_in_china);
            match input.as_deref().filter(|p| is_spreadsheet(p)) {
                Some(path) => validate_sheet(path, mapping, region, today, &mut out),
                None => {
                    if mapping.is_some() || region.is_some() {
                        return Err(
                            "--mapping 和 --region 只用于 .xlsx/.csv 文件 (--mapping and --region need a .xlsx or .csv --input)"
                                .into(),
                        );
                    }
                    for_each_validation(input, &mut out, today)
                }
            }
        }
    };
    out.flush().map_err(|e| e.to_string())?;
    result
}

/// Reads and checks surges; any bad surge is a usage error (the whole run depends on them).
fn read_surges(path: &std::path::Path) -> Result<Vec<Surge>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "无法读取加密探访文件 {} (cannot read surges): {e}",
            path.display()
        )
    })?;
    let values: Vec<Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(&text)
            .map_err(|e| format!("加密探访文件格式错误 (bad surges JSON): {e}"))?
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("加密探访文件格式错误 (bad surges JSON): {e}"))?
    };
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let surge: Surge = serde_path_to_error::deserialize(value).map_err(|e| {
                format!(
                    "加密探访第{}项字段 {} 无效 (bad surge field): {}",
                    index + 1,
                    e.path(),
                    e.inner()
                )
            })?;
            surge.validate().map_err(|errors| {
                let fields: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                format!(
                    "加密探访 {} 无效 (bad surge): {}",
                    surge.id,
                    fields.join("; ")
                )
            })?;
            Ok(surge)
        })
        .collect()
}

fn today_in_china() -> NaiveDate {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    tanfang_domain::date::cst_date_from_unix_millis(millis)
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("output types serialise")
}

fn open_input(input: Option<PathBuf>) -> Result<Box<dyn BufRead>, String> {
    match input {
        None => Ok(Box::new(BufReader::new(io::stdin()))),
        Some(path) => std::fs::File::open(&path)
            .map(|f| Box::new(BufReader::new(f)) as Box<dyn BufRead>)
            .map_err(|e| {
                format!(
                    "无法读取输入文件 {} (cannot read input): {e}",
                    path.display()
                )
            }),
    }
}

/// Reads raw lines (bytes, so invalid UTF-8 is a line error, not a crash).
fn read_lines(input: Option<PathBuf>) -> Result<Vec<Vec<u8>>, String> {
    let mut reader = open_input(input)?;
    let mut all = Vec::new();
    reader
        .read_to_end(&mut all)
        .map_err(|e| format!("读取输入失败 (cannot read input): {e}"))?;
    let mut lines: Vec<Vec<u8>> = all.split(|b| *b == b'\n').map(|l| l.to_vec()).collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    Ok(lines)
}

/// Parses each non-blank line as JSON and runs `handle`; writes its output line (when not
/// empty) or an error object. Returns the number of lines that failed.
fn for_each_line(
    input: Option<PathBuf>,
    out: &mut dyn Write,
    mut handle: impl FnMut(&Value) -> Result<String, ClassifyError>,
) -> Result<u32, String> {
    let mut errors = 0u32;
    for raw in read_lines(input)? {
        let text = match std::str::from_utf8(&raw) {
            Ok(t) => t.trim_end_matches('\r'),
            Err(_) => {
                errors += 1;
                write_line(
                    out,
                    &error_line(
                        None,
                        &ClassifyError::new(
                            ErrorCode::BadJson,
                            None,
                            "该行不是有效的 UTF-8 (line is not valid UTF-8)".into(),
                        ),
                    ),
                )?;
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<Value>(text) {
            Err(e) => Err((
                None,
                ClassifyError::new(
                    ErrorCode::BadJson,
                    None,
                    format!("该行不是有效的 JSON (bad JSON): {e}"),
                ),
            )),
            Ok(value) => handle(&value).map_err(|e| (line_id(&value), e)),
        };
        match result {
            Ok(line) if line.is_empty() => {}
            Ok(line) => write_line(out, &line)?,
            Err((id, e)) => {
                errors += 1;
                write_line(out, &error_line(id, &e))?;
            }
        }
    }
    Ok(errors)
}

fn write_line(out: &mut dyn Write, line: &str) -> Result<(), String> {
    writeln!(out, "{line}").map_err(|e| format!("写出失败 (cannot write output): {e}"))
}

/// The `id` of a line for its error object: the elder's id (top level, or under `elder`).
fn line_id(value: &Value) -> Option<String> {
    let from = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_string);
    from(value).or_else(|| value.get("elder").and_then(from))
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: ErrorCode,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: Option<String>,
    error: ErrorBody<'a>,
}

fn error_line(id: Option<String>, error: &ClassifyError) -> String {
    to_json(&ErrorLine {
        id,
        error: ErrorBody {
            code: error.code,
            message: &error.message,
            field: error.field.as_deref(),
        },
    })
}

#[derive(Serialize)]
struct ClassifyLine<'a> {
    id: &'a str,
    policy: PolicyId,
    age: u32,
    impaired: bool,
    severely_handicapped: bool,
    tier: &'a str,
    requirements: &'a [Requirement],
}

impl<'a> ClassifyLine<'a> {
    fn new(id: &'a str, c: &'a Classification) -> Self {
        ClassifyLine {
            id,
            policy: c.policy,
            age: c.age,
            impaired: c.impaired,
            severely_handicapped: c.severely_handicapped,
            tier: &c.tier,
            requirements: &c.requirements,
        }
    }
}

#[derive(Serialize)]
struct ScheduleLine<'a> {
    #[serde(flatten)]
    line: ClassifyLine<'a>,
    status: Vec<RequirementStatus>,
}

/// `{"elder": {...facts...}, "visits": [...]}`.
fn read_elder_with_visits(value: &Value) -> Result<(ElderFacts, Vec<VisitFact>), ClassifyError> {
    let object = value.as_object().ok_or_else(|| {
        ClassifyError::new(
            ErrorCode::BadJson,
            None,
            "每行应为一个 JSON 对象 (each line must be a JSON object)".into(),
        )
    })?;
    let elder = match object.get("elder") {
        None | Some(Value::Null) => {
            return Err(ClassifyError::new(
                ErrorCode::MissingField,
                Some("elder"),
                "缺少 elder 对象 (elder is required)".into(),
            ))
        }
        Some(elder) => elder,
    };
    let facts = ElderFacts::from_json(elder).map_err(|mut e| {
        if e.code == ErrorCode::BadJson {
            e.code = ErrorCode::BadValue;
            e.field = Some("elder".into());
        } else if let Some(field) = &e.field {
            e.field = Some(format!("elder.{field}"));
        }
        e
    })?;
    let visits = VisitFact::list_from_json(object.get("visits"), "visits")?;
    Ok((facts, visits))
}

#[derive(Serialize)]
struct ProfileCheck<'a> {
    ok: bool,
    errors: &'a [String],
}

#[derive(Serialize)]
struct ValidationLine<'a> {
    id: Option<String>,
    ok: bool,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

fn for_each_validation(
    input: Option<PathBuf>,
    out: &mut dyn Write,
    today: NaiveDate,
) -> Result<bool, String> {
    let mut all_ok = true;
    for raw in read_lines(input)? {
        let Ok(text) = std::str::from_utf8(&raw) else {
            all_ok = false;
            let errors = [FieldError::with_code(
                "",
                ErrorCode::BadJson,
                "该行不是有效的 UTF-8 (line is not valid UTF-8)",
            )];
            write_line(
                out,
                &to_json(&ValidationLine {
                    id: None,
                    ok: false,
                    errors: &errors,
                }),
            )?;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let (id, errors) = match serde_json::from_str::<Value>(text) {
            Err(e) => (
                None,
                vec![FieldError::with_code(
                    "",
                    ErrorCode::BadJson,
                    format!("该行不是有效的 JSON (bad JSON): {e}"),
                )],
            ),
            Ok(value) => (line_id(&value), validate_value(text, &value, today)),
        };
        all_ok &= errors.is_empty();
        write_line(
            out,
            &to_json(&ValidationLine {
                id,
                ok: errors.is_empty(),
                errors: &errors,
            }),
        )?;
    }
    Ok(all_ok)
}

fn validate_value(text: &str, value: &Value, today: NaiveDate) -> Vec<FieldError> {
    if !value.is_object() {
        return vec![FieldError::with_code(
            "",
            ErrorCode::BadJson,
            "每行应为一个 JSON 对象 (each line must be a JSON object)",
        )];
    }
    if value.get("name").is_some() {
        match ElderFile::from_json_str(text) {
            Err(e) => vec![e],
            Ok(file) => file.validate(today).err().unwrap_or_default(),
        }
    } else {
        match ElderFacts::from_json(value) {
            Err(e) => vec![FieldError::from(e)],
            Ok(facts) => facts.validate(today).err().unwrap_or_default(),
        }
    }
}

fn is_spreadsheet(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("csv"))
}

#[derive(Serialize)]
struct SheetLine<'a> {
    row: usize,
    id: Option<&'a str>,
    ok: bool,
    #[serde(skip_serializing_if = "<[tanfang_roster::CellError]>::is_empty")]
    errors: &'a [tanfang_roster::CellError],
}

/// `validate` over a spreadsheet: one line per data row (`row` is the spreadsheet row number).
/// An unreadable file or an unusable mapping is a usage error (exit 2).
fn validate_sheet(
    path: &std::path::Path,
    mapping: Option<PathBuf>,
    region: Option<String>,
    today: NaiveDate,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "无法读取输入文件 {} (cannot read input): {e}",
            path.display()
        )
    })?;
    let sheet = tanfang_roster::read_bytes(&bytes).map_err(|e| e.message)?;
    let mapping = match mapping {
        None => tanfang_roster::Mapping::guess(&sheet.headers),
        Some(file) => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                format!(
                    "无法读取列对应文件 {} (cannot read mapping): {e}",
                    file.display()
                )
            })?;
            let remembered: tanfang_roster::Mapping = serde_json::from_str(&text)
                .map_err(|e| format!("列对应文件格式错误 (bad mapping JSON): {e}"))?;
            tanfang_roster::Mapping::guess_with(&sheet.headers, &remembered)
        }
    };
    let mut options = tanfang_roster::CheckOptions::new(today);
    options.scope = region;
    let checks = tanfang_roster::check_sheet(&sheet, &mapping, &[], &options, &mut |row| {
        format!("row-{row}")
    })?;
    let mut all_ok = true;
    for check in &checks {
        all_ok &= check.errors.is_empty();
        // A good row's file id (its 编号, else `row-N`); a bad row's 编号, so it can be found.
        let id = check
            .file
            .as_ref()
            .map(|f| f.id.as_str())
            .filter(|id| !id.is_empty())
            .or(check.serial.as_deref());
        write_line(
            out,
            &to_json(&SheetLine {
                row: check.row,
                id,
                ok: check.errors.is_empty(),
                errors: &check.errors,
            }),
        )?;
    }
    Ok(all_ok)
}
