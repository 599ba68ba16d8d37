//! Builds: the app into `dist/`, the worker into `worker/build/`.
//!
//! The app is built with plain cargo + wasm-bindgen + wasm-opt rather than trunk: three
//! well-understood steps, no extra 12-minute install, and nothing fetched at build time.

use std::path::Path;
use std::process::Command;

use crate::tools::{run, Tools};
use crate::Result;

/// The WebAssembly features rustc's wasm32 target emits by default; wasm-opt must accept them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn all(tools: &Tools) -> Result {
    app(tools)?;
    worker(tools)
}

/// The app's two wasm bundles: (bin name, cargo features). `app/static/index.html` loads the
/// office one on `/coord`, `/groups` and `/join`, the phone one everywhere else; the service
/// worker precaches only the phone one.
const APP_BUNDLES: &[(&str, &[&str])] = &[("tanfang_app", &[]), ("tanfang_office", &["office"])];

pub fn app(tools: &Tools) -> Result {
    let root = &tools.root;
    let dist = root.join("dist");
    let pkg = dist.join("pkg");
    let _ = std::fs::remove_dir_all(&pkg);
    std::fs::create_dir_all(&pkg).map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let mut sizes = Vec::new();
    let mut named = Vec::new();
    for (bin, features) in APP_BUNDLES {
        let mut cargo = Command::new("cargo");
        cargo.current_dir(root).args([
            "build",
            "-p",
            "tanfang-app",
            "--bin",
            bin,
            "--target",
            "wasm32-unknown-unknown",
            "--release",
        ]);
        if !features.is_empty() {
            cargo.arg("--features").arg(features.join(","));
        }
        run(&mut cargo)?;
        let wasm = target_dir.join(format!("wasm32-unknown-unknown/release/{bin}.wasm"));
        run(Command::new(tools.wasm_bindgen())
            .arg("--target")
            .arg("web")
            .arg("--no-typescript")
            .arg("--out-dir")
            .arg(&pkg)
            .arg("--out-name")
            .arg(bin)
            .arg(&wasm))?;
        // The JS glue is minified (esbuild, already needed by worker-build): 2.4 KB less gzip
        // for the phone's first load. It stays an ES module with the same exports.
        let glue = pkg.join(format!("{bin}.js"));
        run(Command::new(tools.esbuild())
            .arg(&glue)
            .args([
                "--minify",
                "--format=esm",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", glue.display())))?;
        let bg = pkg.join(format!("{bin}_bg.wasm"));
        run(Command::new(tools.wasm_opt())
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .args(WASM_FEATURES)
            .arg(&bg)
            .arg("-o")
            .arg(&bg))?;
        let size = std::fs::metadata(&bg).map(|m| m.len()).unwrap_or(0);
        sizes.push(format!("{bin} {} KiB", size / 1024));
        named.push(hashed_bundle(&pkg, bin)?);
    }

    copy_dir(&root.join("app/static"), &dist)?;
    // Anew, so that no earlier build's hashed copies are hashed again.
    let _ = std::fs::remove_dir_all(dist.join("styles"));
    copy_dir(&root.join("styles"), &dist.join("styles"))?;
    named.extend(hashed_styles(&dist.join("styles"))?);
    name_files(&dist, &named)?;

    // The service worker's cache name changes with every build that changes the app.
    let build_id = format!("{:016x}", fingerprint(&dist)?);
    let sw = dist.join("sw.js");
    if let Ok(text) = std::fs::read_to_string(&sw) {
        std::fs::write(&sw, text.replace("__BUILD_ID__", &build_id))
            .map_err(|e| format!("cannot write {}: {e}", sw.display()))?;
    }
    eprintln!(
        "build-app: dist/ ready (wasm: {}; build {build_id})",
        sizes.join(", ")
    );
    Ok(())
}

pub fn worker(tools: &Tools) -> Result {
    let dir = tools.root.join("worker");
    // wrangler refuses to start without its assets directory; the app may not be built yet.
    let dist = tools.root.join("dist");
    if !dist.join("index.html").exists() {
        std::fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    }
    // The worker is built for speed, not size (the workspace's release profile is `z` for the
    // phone's bundle): a Worker is billed and limited by CPU time, and its size limit (3 MB
    // compressed on the free plan) is far off — opt-level 3 takes the month's first ladder pass
    // over 100,000 elders from 5.4 to 3.0 s of worker time for 0.4 MB more compressed wasm
    // (2.2 MB; BENCHMARKS.md, "The month's first pass"). Only this build sees the override.
    run(Command::new(tools.worker_build())
        .current_dir(&dir)
        .arg("--release")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("WASM_BINDGEN_BIN", tools.wasm_bindgen())
        .env("WASM_OPT_BIN", tools.wasm_opt())
        .env("ESBUILD_BIN", tools.esbuild()))
}

/// Files named after their content: `key` is what `index.html` and `sw.js` call them
/// (`__FILE_{key}__`, and the key of `window.TANFANG_FILES`), `name` what the build named them,
/// `paths` the paths served under that name.
struct Named {
    key: String,
    name: String,
    paths: Vec<String>,
}

/// FNV-1a of the files' contents, in order.
fn content_hash(files: &[&Path]) -> Result<u64> {
    let mut hash = Fnv::new();
    for file in files {
        hash.add(&std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?);
    }
    Ok(hash.0)
}

/// Renames a bundle's two files (`{bin}.js`, `{bin}_bg.wasm` in `pkg`) after their content:
/// `{bin}-{hash}.js` and `{bin}-{hash}_bg.wasm`, named `{bin}-{hash}` under the key `{bin}`.
fn hashed_bundle(pkg: &Path, bin: &str) -> Result<Named> {
    let js = pkg.join(format!("{bin}.js"));
    let wasm = pkg.join(format!("{bin}_bg.wasm"));
    let stem = format!("{bin}-{:016x}", content_hash(&[&js, &wasm])?);
    let mut paths = Vec::new();
    for (from, file) in [
        (js, format!("{stem}.js")),
        (wasm, format!("{stem}_bg.wasm")),
    ] {
        std::fs::rename(&from, pkg.join(&file))
            .map_err(|e| format!("cannot rename {}: {e}", from.display()))?;
        paths.push(format!("/pkg/{file}"));
    }
    Ok(Named {
        key: bin.to_string(),
        name: stem,
        paths,
    })
}

/// Copies each stylesheet in `styles` (`app.css`) to a name after its content
/// (`app-{hash}.css`, under the key `app.css`), keeping the plain name too (a page of an older
/// build may still ask for it). In the order of the file names.
fn hashed_styles(styles: &Path) -> Result<Vec<Named>> {
    let mut files: Vec<String> = std::fs::read_dir(styles)
        .map_err(|e| format!("cannot read {}: {e}", styles.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".css"))
        .collect();
    files.sort();
    let mut named = Vec::new();
    for file in files {
        let path = styles.join(&file);
        let hashed = format!(
            "{}-{:016x}.css",
            file.trim_end_matches(".css"),
            content_hash(&[&path])?
        );
        std::fs::copy(&path, styles.join(&hashed))
            .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        named.push(Named {
            paths: vec![format!("/styles/{hashed}")],
            key: file,
            name: hashed,
        });
    }
    Ok(named)
}

/// Writes the hashed names into `index.html` and `sw.js` — each `__FILE_{key}__`, and in
/// `index.html` the whole table as `__FILES__` (`window.TANFANG_FILES`, which the pages read)
/// — and `_headers`, which lets browsers keep exactly these paths for a year without asking
/// again: a new build has new names. Only the names of this build are listed — a name the
/// build does not have falls back to `index.html` (the single-page fallback), which must never
/// be kept under that name.
fn name_files(dist: &Path, named: &[Named]) -> Result {
    let table: serde_json::Map<String, serde_json::Value> = named
        .iter()
        .map(|n| (n.key.clone(), n.name.clone().into()))
        .collect();
    let table = serde_json::Value::Object(table).to_string();
    for page in ["index.html", "sw.js"] {
        let path = dist.join(page);
        let mut text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .replace("__FILES__", &table);
        for n in named {
            text = text.replace(&format!("__FILE_{}__", n.key), &n.name);
        }
        if text.contains("__FILE_") {
            return Err(format!(
                "{} names a file the build does not make",
                path.display()
            ));
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut headers = String::from(
        "# Written by `cargo xtask build-app`: these names carry their content's hash.\n",
    );
    for path in named.iter().flat_map(|n| &n.paths) {
        headers.push_str(&format!(
            "{path}\n  Cache-Control: public, max-age=31536000, immutable\n"
        ));
    }
    let path = dist.join("_headers");
    std::fs::write(&path, headers).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    if !from.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?
    {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("cannot copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// FNV-1a over every file in `dir` (names and contents), in a stable order.
fn fingerprint(dir: &Path) -> Result<u64> {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, files);
                } else {
                    files.push(path);
                }
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut hash = Fnv::new();
    for file in files {
        hash.add(file.to_string_lossy().as_bytes());
        hash.add(&std::fs::read(&file).map_err(|e| e.to_string())?);
    }
    Ok(hash.0)
}

/// FNV-1a, 64 bits: a build's fingerprint and its bundles' names (not a defence, a label).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
