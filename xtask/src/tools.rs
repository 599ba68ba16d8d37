//! Where the external tools live and how to run them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{project_root, Result};

/// Paths of the tools `setup` installs. Built by [`crate::setup::ensure`].
pub struct Tools {
    pub root: PathBuf,
    pub cargo_bin: PathBuf,
    pub node_bin: PathBuf,
}

impl Tools {
    pub fn locate() -> Tools {
        let root = project_root();
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home().join(".cargo"));
        Tools {
            node_bin: root.join("node_modules/.bin"),
            cargo_bin: cargo_home.join("bin"),
            root,
        }
    }

    pub fn wasm_bindgen(&self) -> PathBuf {
        self.cargo_bin.join("wasm-bindgen")
    }
    pub fn wasm_bindgen_test_runner(&self) -> PathBuf {
        self.cargo_bin.join("wasm-bindgen-test-runner")
    }
    pub fn worker_build(&self) -> PathBuf {
        self.cargo_bin.join("worker-build")
    }
    pub fn wasm_opt(&self) -> PathBuf {
        self.node_bin.join("wasm-opt")
    }
    pub fn esbuild(&self) -> PathBuf {
        self.node_bin.join("esbuild")
    }
    pub fn wrangler(&self) -> PathBuf {
        self.node_bin.join("wrangler")
    }
    pub fn playwright(&self) -> PathBuf {
        self.node_bin.join("playwright")
    }

    /// A command for `wrangler` with the offline settings this workplace needs.
    pub fn wrangler_command(&self) -> Command {
        let mut command = Command::new(self.wrangler());
        command
            .current_dir(&self.root)
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_LOG", "warn")
            .env("NO_UPDATE_NOTIFIER", "1");
        command
    }
}

pub fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

/// Runs a command to completion, echoing it; an error names the command.
pub fn run(command: &mut Command) -> Result {
    eprintln!("$ {}", describe(command));
    let status = command
        .status()
        .map_err(|e| format!("cannot start {}: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Runs a command quietly and returns its stdout, or None when it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
