//! `cargo xtask test`: every suite, one summary line each, and a closing total.
//!
//! Suites: `native` (cargo test --workspace), `wasm` (wasm-bindgen tests in headless Chromium,
//! real IndexedDB), `worker` (node's test runner over HTTP against `wrangler dev` on a fresh
//! local D1), `e2e` (Playwright against the served product, again on a fresh D1). A suite that
//! fails to build, fails a test or runs no test fails the whole run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::http::free_port;
use crate::serve::{self, ServeOptions};
use crate::tools::{describe, Tools};
use crate::{build, setup, Result};

const ALL_SUITES: &[&str] = &["native", "wasm", "worker", "e2e"];

#[derive(Default)]
struct Outcome {
    passed: u64,
    failed: u64,
    error: Option<String>,
}

pub fn run(args: &[String]) -> Result {
    let suites: Vec<&str> = if args.is_empty() {
        ALL_SUITES.to_vec()
    } else {
        for a in args {
            if !ALL_SUITES.contains(&a.as_str()) {
                return Err(format!(
                    "unknown suite `{a}` (suites: {})",
                    ALL_SUITES.join(", ")
                ));
            }
        }
        args.iter().map(String::as_str).collect()
    };
    let tools = setup::ensure()?;
    let scratch = tools.root.join("target/xtask");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;

    let mut built = false;
    let mut results = Vec::new();
    for suite in &suites {
        let started = Instant::now();
        eprintln!("\n===== suite {suite} =====");
        let outcome = match *suite {
            "native" => native(&tools),
            "wasm" => wasm(&tools),
            "worker" | "e2e" => {
                if !built {
                    if let Err(e) = build::all(&tools) {
                        results.push((
                            suite.to_string(),
                            Outcome {
                                error: Some(e),
                                ..Default::default()
                            },
                            0.0,
                        ));
                        continue;
                    }
                    built = true;
                }
                if *suite == "worker" {
                    worker(&tools, &scratch)
                } else {
                    e2e(&tools, &scratch)
                }
            }
            _ => unreachable!(),
        };
        results.push((suite.to_string(), outcome, started.elapsed().as_secs_f64()));
    }

    println!("\n===== summary =====");
    let (mut passed, mut failed, mut broken) = (0, 0, false);
    for (suite, outcome, seconds) in &results {
        let note = match (&outcome.error, outcome.passed + outcome.failed) {
            (Some(e), _) => {
                broken = true;
                format!("  [error: {e}]")
            }
            (None, 0) => {
                broken = true;
                "  [error: ran no test]".to_string()
            }
            _ => String::new(),
        };
        println!(
            "{suite:<7} {} passed, {} failed  ({seconds:.0} s){note}",
            outcome.passed, outcome.failed
        );
        passed += outcome.passed;
        failed += outcome.failed;
    }
    println!("total: {passed} passed, {failed} failed");
    if failed > 0 || broken {
        Err("some suites failed".into())
    } else {
        Ok(())
    }
}

/// Runs a command, echoing its output, and hands every line to `parse`.
fn run_and_scan(command: &mut Command, mut parse: impl FnMut(&str)) -> Result {
    eprintln!("$ {}", describe(command));
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", describe(command)))?;
    let stderr = child.stderr.take().expect("piped");
    let echo_stderr = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::result::Result::ok)
        {
            eprintln!("{line}");
            lines.push(line);
        }
        lines
    });
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout)
        .lines()
        .map_while(std::result::Result::ok)
    {
        println!("{line}");
        parse(&line);
    }
    for line in echo_stderr.join().unwrap_or_default() {
        parse(&line);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("exited with {status}"))
    }
}

/// Adds up libtest's `test result: ok. 3 passed; 1 failed; …` lines.
fn libtest_counter(outcome: &mut Outcome) -> impl FnMut(&str) + '_ {
    move |line: &str| {
        if let Some(rest) = line.trim().strip_prefix("test result: ") {
            for part in rest.split(';') {
                let words: Vec<&str> = part.split_whitespace().collect();
                match words.as_slice() {
                    [.., n, "passed"] => outcome.passed += n.parse::<u64>().unwrap_or(0),
                    [n, "failed"] => outcome.failed += n.parse::<u64>().unwrap_or(0),
                    _ => {}
                }
            }
        }
    }
}

fn finish(mut outcome: Outcome, result: Result) -> Outcome {
    if let Err(e) = result {
        if outcome.failed == 0 {
            outcome.error = Some(e);
        }
    }
    outcome
}

fn native(tools: &Tools) -> Outcome {
    let mut outcome = Outcome::default();
    let result = run_and_scan(
        Command::new("cargo")
            .current_dir(&tools.root)
            // `office`: the console's and groups' unit tests live behind the app's feature.
            .args(["test", "--workspace", "--features", "tanfang-app/office"]),
        libtest_counter(&mut outcome),
    );
    finish(outcome, result)
}

/// Test targets (`tests/*.rs`) of a package that hold wasm-bindgen tests.
fn wasm_test_targets(package_dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(entries) = std::fs::read_dir(package_dir.join("tests")) {
        for entry in entries.flatten() {
            let path = entry.path();
            let is_wasm = path.extension().is_some_and(|e| e == "rs")
                && std::fs::read_to_string(&path).is_ok_and(|t| t.contains("wasm_bindgen_test"));
            if is_wasm {
                names.push(
                    path.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    names.sort();
    names
}

fn wasm(tools: &Tools) -> Outcome {
    let mut outcome = Outcome::default();
    let mut result = Ok(());
    let mut any = false;
    for (package, dir) in [("tanfang-domain", "domain"), ("tanfang-app", "app")] {
        let package_dir = tools.root.join(dir);
        let targets = wasm_test_targets(&package_dir);
        if targets.is_empty() {
            continue;
        }
        any = true;
        let mut command = Command::new("cargo");
        command.current_dir(&tools.root).args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            package,
        ]);
        for t in &targets {
            command.args(["--test", t]);
        }
        command
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                tools.wasm_bindgen_test_runner(),
            )
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
        let r = run_and_scan(&mut command, libtest_counter(&mut outcome));
        if result.is_ok() {
            result = r;
        }
    }
    if !any {
        result = Err("no wasm-bindgen tests found in domain/tests or app/tests".into());
    }
    finish(outcome, result)
}

/// A fresh local D1 with the migrations applied, and `wrangler dev` serving it.
fn fresh_server(tools: &Tools, scratch: &Path, name: &str) -> Result<serve::Server> {
    let state: PathBuf = scratch.join(format!("{name}-state"));
    let _ = std::fs::remove_dir_all(&state);
    serve::migrate(tools, &state)?;
    let log = scratch.join(format!("{name}-wrangler.log"));
    eprintln!("(wrangler dev output: {})", log.display());
    serve::start(
        tools,
        ServeOptions {
            port: free_port(),
            state_dir: &state,
            log: Some(log),
            own_process_group: true,
            vars: &["SETUP_TOKEN:tanfang-test-setup-token"],
        },
    )
}

/// `TANFANG_TEST_ONLY="worker/tests/groups.test.mjs e2e/login.spec.ts"`: while working on one
/// behaviour, run only these files in the worker and e2e suites (never set in CI).
fn only_files(suite_dir: &str) -> Option<Vec<String>> {
    let only = std::env::var("TANFANG_TEST_ONLY").ok()?;
    let files: Vec<String> = only
        .split_whitespace()
        .filter(|file| file.starts_with(suite_dir))
        .map(str::to_string)
        .collect();
    (!files.is_empty()).then_some(files)
}

fn worker(tools: &Tools, scratch: &Path) -> Outcome {
    let mut outcome = Outcome::default();
    let server = match fresh_server(tools, scratch, "worker") {
        Ok(s) => s,
        Err(e) => {
            return Outcome {
                error: Some(e),
                ..Default::default()
            }
        }
    };
    let result = run_and_scan(
        Command::new("node")
            .current_dir(&tools.root)
            .args(["--test", "--test-reporter=tap", "--test-concurrency=1"])
            .args(only_files("worker/").unwrap_or_else(|| vec!["worker/tests/".to_string()]))
            .env("TANFANG_BASE_URL", server.base_url()),
        |line| {
            let line = line.trim();
            if let Some(n) = line.strip_prefix("# pass ") {
                outcome.passed += n.trim().parse::<u64>().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("# fail ") {
                outcome.failed += n.trim().parse::<u64>().unwrap_or(0);
            }
        },
    );
    drop(server);
    finish(outcome, result)
}

fn e2e(tools: &Tools, scratch: &Path) -> Outcome {
    let server = match fresh_server(tools, scratch, "e2e") {
        Ok(s) => s,
        Err(e) => {
            return Outcome {
                error: Some(e),
                ..Default::default()
            }
        }
    };
    let report = scratch.join("playwright.json");
    let _ = std::fs::remove_file(&report);
    let result = run_and_scan(
        Command::new(tools.playwright())
            .current_dir(&tools.root)
            .args(["test", "--reporter=list,json"])
            .args(only_files("e2e/").unwrap_or_default())
            .env("TANFANG_BASE_URL", server.base_url())
            .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &report)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        |_| {},
    );
    drop(server);
    let mut outcome = Outcome::default();
    if let Ok(text) = std::fs::read_to_string(&report) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
            let stat = |k: &str| json["stats"][k].as_u64().unwrap_or(0);
            outcome.passed = stat("expected");
            outcome.failed = stat("unexpected") + stat("flaky");
        }
    }
    finish(outcome, result)
}

/// `cargo xtask bench`: criterion benchmarks of the domain, then the browser and worker
/// measurements when their scripts exist. Figures go to BENCHMARKS.md by hand, with the machine.
pub fn bench(args: &[String]) -> Result {
    let tools = setup::ensure()?;
    let mut command = Command::new("cargo");
    command.current_dir(&tools.root).args([
        "bench",
        "-p",
        "tanfang-domain",
        "-p",
        "tanfang-roster",
    ]);
    if !args.is_empty() {
        command.arg("--").args(args);
    }
    crate::tools::run(&mut command)?;
    let scratch = tools.root.join("target/xtask");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let worker_bench = tools.root.join("worker/bench");
    let app_bench = tools.root.join("e2e/bench");
    if worker_bench.exists() || app_bench.exists() {
        build::all(&tools)?;
        let server = fresh_server(&tools, &scratch, "bench")?;
        // Scripts that bulk-load a city (`*-scale.mjs`) get a server of their own, after the
        // others, so they do not change the data the others measure.
        let is_scale = |p: &Path| p.to_string_lossy().ends_with("-scale.mjs");
        let mut scale_scripts = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&worker_bench) {
            let mut scripts: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            scripts.sort();
            for script in scripts
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "mjs"))
            {
                if is_scale(script) {
                    scale_scripts.push(script.clone());
                    continue;
                }
                crate::tools::run(
                    Command::new("node")
                        .arg(script)
                        .current_dir(&tools.root)
                        .env("TANFANG_BASE_URL", server.base_url()),
                )?;
            }
        }
        // The browser benchmarks (every e2e/bench/*.mjs: app-bench, import-bench, …) on the same
        // server, except the console at scale (console-bench.mjs), which runs with the scale
        // scripts below.
        if let Ok(entries) = std::fs::read_dir(&app_bench) {
            let mut scripts: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            scripts.sort();
            for script in scripts.iter().filter(|p| {
                p.extension().is_some_and(|e| e == "mjs") && !p.ends_with("console-bench.mjs")
            }) {
                crate::tools::run(
                    Command::new("node")
                        .arg(script)
                        .current_dir(&tools.root)
                        .env("TANFANG_BASE_URL", server.base_url())
                        .env("TANFANG_DIST", tools.root.join("dist")),
                )?;
            }
        }
        drop(server);
        let console_script = app_bench.join("console-bench.mjs");
        if console_script.exists() || !scale_scripts.is_empty() {
            let server = fresh_server(&tools, &scratch, "bench-scale")?;
            let scripts = std::iter::once(console_script)
                .filter(|p| p.exists())
                .chain(scale_scripts);
            for script in scripts {
                crate::tools::run(
                    Command::new("node")
                        .arg(&script)
                        .current_dir(&tools.root)
                        .env("TANFANG_BASE_URL", server.base_url()),
                )?;
            }
        }
    }
    Ok(())
}
