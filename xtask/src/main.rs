//! `cargo xtask` — the project's own build tool, in the style of rust-analyzer's xtask.
//!
//! Everything a developer or CI does goes through here, so that the README's two commands
//! (`cargo xtask dev`, `cargo xtask test`) stay true on a fresh machine:
//!
//! - `setup`        install what is missing (idempotent; seconds when all is present)
//! - `build-app`    the Leptos app → `dist/` (cargo + wasm-bindgen + wasm-opt, no trunk)
//! - `build-worker` the Workers crate → `worker/build/` (worker-build)
//! - `dev`          setup, build, migrate the local D1, load demo data, serve on :8787
//! - `test`         every suite (native, wasm in Chromium, worker HTTP, Playwright)
//! - `bench`        criterion benchmarks and the browser/worker measurements
//! - `simulate`     the seeded district month of the escalation ladder (release build)
//!
//! Design decisions: no dependency beyond `serde_json` (a fresh machine compiles this first);
//! every external tool is found through [`tools::Tools`], which knows where `setup` put it;
//! servers started by tests live in their own process group and are killed on drop.

mod build;
mod http;
mod serve;
mod setup;
mod test;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match command {
        "setup" => setup::setup_command(),
        "build-app" => setup::ensure().and_then(|t| build::app(&t)),
        "build-worker" => setup::ensure().and_then(|t| build::worker(&t)),
        "build" => setup::ensure().and_then(|t| build::all(&t)),
        "dev" => serve::dev(rest),
        "test" => test::run(rest),
        "bench" => test::bench(rest),
        "simulate" => simulate(rest),
        "help" | "--help" | "-h" => {
            print_help();
            Ok(())
        }
        other => Err(format!(
            "unknown command `{other}` (try `cargo xtask help`)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         setup         install what is missing (wasm target, wasm-bindgen-cli, worker-build, npm tools, chromium)\n\
         build-app     build the browser app into dist/\n\
         build-worker  build the Cloudflare worker into worker/build/\n\
         build         both\n\
         dev           build, migrate local D1, load demo data, serve http://127.0.0.1:8787\n\
         test [SUITE…] run every test suite: native wasm worker e2e (or the named ones)\n\
         bench         run the benchmarks (see BENCHMARKS.md)\n\
         simulate [--seed N] [--elders N] [--visitors N]\n\
                       the escalation ladder's simulated district month (Markdown table)"
    );
}

/// `cargo xtask simulate [--seed N] …`: runs `domain/examples/simulate.rs` in a release build
/// (pure and deterministic: same seed, same table) and passes the arguments through.
fn simulate(args: &[String]) -> Result {
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(project_root())
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                "tanfang-domain",
                "--example",
                "simulate",
                "--",
            ])
            .args(args)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the simulation failed ({status})"))
    }
}

/// The repository root (xtask lives one level below it).
pub fn project_root() -> std::path::PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the process: prefer it to the path compiled in,
    // because cargo reuses a workspace member's binary across checkouts that share one
    // CARGO_TARGET_DIR (its fingerprint is relative), which would point at the other checkout.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

pub type Result<T = ()> = std::result::Result<T, String>;
