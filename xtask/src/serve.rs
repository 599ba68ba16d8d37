//! Running the product locally: `wrangler dev` over a local D1, app and API on one origin.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::{free_port, request};
use crate::tools::{run, Tools};
use crate::{build, setup, Result};

const WRANGLER_CONFIG: &str = "worker/wrangler.toml";
const DATABASE: &str = "tanfang";

/// A running `wrangler dev`. Dropping it stops the server (tests) unless it is the
/// foreground dev server, which Ctrl-C stops together with xtask.
pub struct Server {
    child: Child,
    pub port: u16,
    own_process_group: bool,
}

impl Server {
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.own_process_group {
            // wrangler starts workerd children: stop the whole group.
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", self.child.id())])
                .status();
            std::thread::sleep(Duration::from_millis(300));
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Applies the migrations to the local D1 kept in `state_dir`.
pub fn migrate(tools: &Tools, state_dir: &Path) -> Result {
    run(tools
        .wrangler_command()
        .args([
            "d1",
            "migrations",
            "apply",
            DATABASE,
            "--local",
            "--config",
            WRANGLER_CONFIG,
        ])
        .arg("--persist-to")
        .arg(state_dir)
        .env("CI", "true")
        .stdin(Stdio::null()))
}

pub struct ServeOptions<'a> {
    pub port: u16,
    pub state_dir: &'a Path,
    /// Where wrangler's output goes; `None` inherits the terminal.
    pub log: Option<PathBuf>,
    pub own_process_group: bool,
    /// Extra `--var NAME:value` for the worker (tests set a known SETUP_TOKEN).
    pub vars: &'a [&'a str],
}

pub fn start(tools: &Tools, options: ServeOptions<'_>) -> Result<Server> {
    let mut command = tools.wrangler_command();
    command
        .args(["dev", "--config", WRANGLER_CONFIG, "--ip", "127.0.0.1"])
        .arg("--port")
        .arg(options.port.to_string())
        .arg("--inspector-port")
        .arg(free_port().to_string())
        .arg("--persist-to")
        .arg(options.state_dir)
        .args([
            "--var",
            "DEV_SEED:1",
            "--show-interactive-dev-session=false",
            // `GET /__scheduled` runs the cron trigger (SMS delivery) on demand.
            "--test-scheduled",
            "--log-level",
            "warn",
        ])
        .stdin(Stdio::null());
    for var in options.vars {
        command.arg("--var").arg(var);
    }
    if let Some(log) = &options.log {
        let file = std::fs::File::create(log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let file2 = file.try_clone().map_err(|e| e.to_string())?;
        command.stdout(file).stderr(file2);
    }
    if options.own_process_group {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start wrangler dev: {e}"))?;
    let server = Server {
        child,
        port: options.port,
        own_process_group: options.own_process_group,
    };
    wait_until_up(&server, options.log.as_deref())?;
    Ok(server)
}

fn wait_until_up(server: &Server, log: Option<&Path>) -> Result {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok(response) = request(server.port, "GET", "/api/health", "") {
            if response.status != 0 {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let tail = log
        .and_then(|l| std::fs::read_to_string(l).ok())
        .map(|t| {
            t.lines()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    Err(format!(
        "wrangler dev did not answer on port {} within 120 s\n{tail}",
        server.port
    ))
}

/// Loads the demo data set (idempotent) and returns the printed log-in table.
pub fn seed(server: &Server) -> Result<String> {
    let response = request(server.port, "POST", "/api/dev/seed", "{}")
        .map_err(|e| format!("POST /api/dev/seed: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "POST /api/dev/seed answered {}: {}",
            response.status, response.body
        ));
    }
    let value: serde_json::Value = serde_json::from_str(&response.body)
        .map_err(|e| format!("POST /api/dev/seed: bad JSON ({e}): {}", response.body))?;
    let mut table = String::new();
    for login in value["logins"].as_array().into_iter().flatten() {
        let field = |k: &str| login[k].as_str().unwrap_or("").to_string();
        table.push_str(&format!(
            "  {:<14} {:<14} {:<18} {:<13} {}\n",
            field("role"),
            field("login"),
            field("password"),
            field("mobile"),
            field("name")
        ));
    }
    Ok(table)
}

/// `cargo xtask dev`.
pub fn dev(args: &[String]) -> Result {
    let port: u16 = match args.iter().position(|a| a == "--port") {
        Some(i) => args
            .get(i + 1)
            .and_then(|p| p.parse().ok())
            .ok_or("--port needs a number")?,
        None => 8787,
    };
    let tools = setup::ensure()?;
    build::all(&tools)?;
    let state_dir = tools.root.join(".wrangler/state");
    migrate(&tools, &state_dir)?;
    let server = start(
        &tools,
        ServeOptions {
            port,
            state_dir: &state_dir,
            log: None,
            own_process_group: false,
            vars: &[],
        },
    )?;
    let logins = seed(&server)?;
    println!(
        "\n探访 Tanfang is running at {url}/\n\n  demo log-ins (role, login, password, mobile, name):\n{logins}\n\
         短信验证码登录 SMS sign-in: volunteers' codes appear in this output as `[sms:log] to <mobile>: …`.\n\
         Press Ctrl-C to stop.\n",
        url = server.base_url()
    );
    let mut server = server;
    let status = server.child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("wrangler dev stopped ({status})"))
    }
}
