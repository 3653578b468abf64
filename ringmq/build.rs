//! Prepares what the inspector server embeds (feature `inspector`), in
//! `OUT_DIR` so the crate compiles whether or not they exist:
//! - `inspector-dist/`: a copy of `inspector-web/dist` (the dashboard that
//!   `scripts/build-inspector` builds), or an empty folder — the server then
//!   serves a "dashboard not built" page. The environment variable
//!   `RINGMQ_INSPECTOR_DIST` names another folder to embed (empty: none);
//! - `perf-history.jsonl`: a copy of `perf/history.jsonl`, or empty.
//!
//! Paths that do not exist are never passed to `rerun-if-changed` (cargo
//! would rerun this script on every build); their parent folder is watched
//! instead, so their appearance is noticed.

use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest.parent().unwrap_or(&manifest).to_path_buf();

    let stage = out.join("inspector-dist");
    let _ = fs::remove_dir_all(&stage);
    fs::create_dir_all(&stage).expect("create OUT_DIR/inspector-dist");
    println!("cargo:rerun-if-env-changed=RINGMQ_INSPECTOR_DIST");
    let app = root.join("inspector-web");
    let dist = match env::var_os("RINGMQ_INSPECTOR_DIST") {
        Some(d) if d.is_empty() => PathBuf::new(),
        Some(d) => PathBuf::from(d),
        None => app.join("dist"),
    };
    if dist.as_os_str().is_empty() {
        // Explicitly none.
    } else if dist.join("index.html").is_file() {
        copy_dir(&dist, &stage).expect("copy inspector-web/dist");
        watch(&dist);
    } else if dist.is_dir() {
        watch(&dist);
    } else if let Some(parent) = dist.parent().filter(|p| p.is_dir()) {
        watch(parent);
    }

    let history = root.join("perf").join("history.jsonl");
    let staged = out.join("perf-history.jsonl");
    if history.is_file() {
        fs::copy(&history, &staged).expect("copy perf/history.jsonl");
        watch(&history);
    } else {
        fs::write(&staged, "").expect("write OUT_DIR/perf-history.jsonl");
        if let Some(dir) = history.parent().filter(|d| d.is_dir()) {
            watch(dir);
        }
    }
}

fn watch(p: &Path) {
    println!("cargo:rerun-if-changed={}", p.display());
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            fs::create_dir_all(&target)?;
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
