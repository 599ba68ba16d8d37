//! The seeded district-month simulation of the escalation ladder (`cargo xtask simulate`):
//! prints a Markdown report (see `tanfang_domain::sim`).
//!
//! `cargo run --release -p tanfang-domain --example simulate -- [--seed N] [--elders N] [--visitors N]`

use std::process::ExitCode;

use tanfang_domain::sim::{markdown, run, SimConfig};

fn main() -> ExitCode {
    let mut config = SimConfig::district(1);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), value) {
            ("--seed", Some(v)) => config.seed = v,
            ("--elders", Some(v)) if v > 0 => config.elders = v as usize,
            ("--visitors", Some(v)) if v > 0 => config.visitors = v as usize,
            (flag, _) => {
                eprintln!(
                    "simulate: bad argument {flag:?} (usage: [--seed N] [--elders N] [--visitors N], N a whole number)"
                );
                return ExitCode::FAILURE;
            }
        }
        i += 2;
    }
    print!("{}", markdown(&config, &run(&config)));
    ExitCode::SUCCESS
}
