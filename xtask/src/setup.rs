//! `cargo xtask setup`: install what is missing, and nothing that is present.
//!
//! Every step first checks, cheaply, whether its tool is already there at the right version,
//! so a second run takes seconds. Sources are only crates.io (`cargo install`), the npm
//! registry (`npm ci` from the committed package-lock.json) and Debian (`apt-get`): nothing is
//! downloaded from anywhere else (worker-build, trunk and wasm-pack would fetch binaries from
//! GitHub by default; we hand worker-build its tools through environment variables instead).

use std::process::Command;
use std::time::Instant;

use crate::tools::{exists, output, run, Tools};
use crate::Result;

pub const WORKER_BUILD_VERSION: &str = "0.8.7";

pub fn run_setup_steps(tools: &Tools, verbose: bool) -> Result {
    let started = Instant::now();
    wasm_target(verbose)?;
    debian_packages(verbose)?;
    npm_packages(tools, verbose)?;
    wasm_bindgen_cli(tools, verbose)?;
    worker_build(tools, verbose)?;
    if verbose {
        eprintln!(
            "setup: everything present ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// `cargo xtask setup`.
pub fn setup_command() -> Result {
    let tools = Tools::locate();
    run_setup_steps(&tools, true)
}

/// Setup, quietly when nothing is missing; returns the tools' locations.
pub fn ensure() -> Result<Tools> {
    let tools = Tools::locate();
    run_setup_steps(&tools, false)?;
    Ok(tools)
}

fn wasm_target(verbose: bool) -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        if verbose {
            eprintln!("setup: wasm32-unknown-unknown target present");
        }
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The exact `wasm-bindgen` version in Cargo.lock: the CLI must match it to the letter.
pub fn locked_wasm_bindgen_version(tools: &Tools) -> Result<String> {
    let lock = std::fs::read_to_string(tools.root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen_cli(tools: &Tools, verbose: bool) -> Result {
    let version = locked_wasm_bindgen_version(tools)?;
    let have = output(Command::new(tools.wasm_bindgen()).arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version.as_str())
        && exists(&tools.wasm_bindgen_test_runner())
    {
        if verbose {
            eprintln!("setup: wasm-bindgen-cli {version} present");
        }
        return Ok(());
    }
    run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={version}"),
        "--force",
    ]))
}

fn worker_build(tools: &Tools, verbose: bool) -> Result {
    let have = output(Command::new(tools.worker_build()).arg("--version")).unwrap_or_default();
    if have.contains(WORKER_BUILD_VERSION) {
        if verbose {
            eprintln!("setup: worker-build {WORKER_BUILD_VERSION} present");
        }
        return Ok(());
    }
    run(Command::new("cargo").args([
        "install",
        "worker-build",
        "--version",
        WORKER_BUILD_VERSION,
        "--locked",
        "--force",
    ]))
}

fn debian_packages(verbose: bool) -> Result {
    let wanted: &[(&str, &str)] = &[
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        ("/usr/bin/node", "nodejs"),
        ("/usr/bin/npm", "npm"),
        // A CJK font, so headless Chromium draws the Chinese UI (screenshots, visual review)
        // instead of empty boxes. Small (5 MB); phones have their own.
        (
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "fonts-wqy-microhei",
        ),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(path, _)| !exists(std::path::Path::new(path)) && !on_path(path))
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        if verbose {
            eprintln!("setup: chromium, chromedriver, node, npm, CJK font present");
        }
        return Ok(());
    }
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut command = Command::new(all[0]);
        command
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command)
    };
    apt(&["update"])?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(missing);
    apt(&args)
}

fn on_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    output(Command::new("sh").args(["-c", &format!("command -v {name}")])).is_some()
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u"))
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

/// `npm ci` when node_modules does not match package-lock.json.
fn npm_packages(tools: &Tools, verbose: bool) -> Result {
    let lock = tools.root.join("package-lock.json");
    let installed_marker = tools.root.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&lock),
        std::fs::metadata(&installed_marker),
    ) {
        (Ok(lock), Ok(marker)) => match (lock.modified(), marker.modified()) {
            (Ok(l), Ok(m)) => m >= l,
            _ => false,
        },
        _ => false,
    };
    let binaries_present = [
        tools.wrangler(),
        tools.wasm_opt(),
        tools.esbuild(),
        tools.playwright(),
    ]
    .iter()
    .all(|p| exists(p));
    if fresh && binaries_present {
        if verbose {
            eprintln!(
                "setup: npm packages present (wrangler, binaryen, esbuild, @playwright/test)"
            );
        }
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&tools.root)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}
