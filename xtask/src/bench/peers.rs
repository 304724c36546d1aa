//! The peers: wechatpy from PyPI in `target/bench-venv`, the `wechat` npm package in
//! `target/bench-node`. Each is installed on first use and again when its pinned requirements
//! change (a stamp file holds the requirements it was installed from).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::process;

/// The wechatpy requirements, relative to the workspace root.
const PY_REQUIREMENTS: &str = "bench/wechatpy/requirements.txt";
/// The Node package manifest, relative to the workspace root.
const NODE_PACKAGE: &str = "bench/node-wechat/package.json";

/// Makes sure `target/bench-venv` has the pinned wechatpy; returns its `python`.
pub(crate) fn python(root: &Path) -> Result<PathBuf, String> {
    let requirements = root.join(PY_REQUIREMENTS);
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|err| format!("cannot read {}: {err}", requirements.display()))?;
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("installed-requirements.txt");
    if python.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|have| have == wanted) {
        return Ok(python);
    }
    let system_python = process::find_binary("python3")
        .ok_or("python3 is not installed (needed for the wechatpy peer)")?;
    println!(
        "xtask: installing wechatpy (pinned in {PY_REQUIREMENTS}) into {}",
        venv.display()
    );
    process::run(Command::new(system_python).args(["-m", "venv"]).arg(&venv))?;
    process::run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements)
            .stdin(Stdio::null()),
    )
    .map_err(|err| format!("{err} (is PyPI reachable?)"))?;
    std::fs::write(&stamp, wanted)
        .map_err(|err| format!("cannot write {}: {err}", stamp.display()))?;
    Ok(python)
}

/// Makes sure `target/bench-node/node_modules` has the pinned `wechat`; returns `(node,
/// node_modules)`.
pub(crate) fn node(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let node =
        process::find_binary("node").ok_or("node is not installed (apt-get install nodejs npm)")?;
    let manifest = root.join(NODE_PACKAGE);
    let wanted = std::fs::read_to_string(&manifest)
        .map_err(|err| format!("cannot read {}: {err}", manifest.display()))?;
    let dir = root.join("target/bench-node");
    let modules = dir.join("node_modules");
    let installed = dir.join("package.json");
    if modules.join("wechat").is_dir()
        && std::fs::read_to_string(&installed).is_ok_and(|have| have == wanted)
    {
        return Ok((node, modules));
    }
    let npm = process::find_binary("npm").ok_or("npm is not installed (apt-get install npm)")?;
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    std::fs::write(&installed, &wanted)
        .map_err(|err| format!("cannot write {}: {err}", installed.display()))?;
    println!(
        "xtask: installing the `wechat` npm package (pinned in {NODE_PACKAGE}) into {}",
        dir.display()
    );
    process::run(
        Command::new(npm)
            .args(["install", "--no-audit", "--no-fund", "--no-save"])
            .current_dir(&dir)
            .stdin(Stdio::null()),
    )
    .map_err(|err| format!("{err} (is the npm registry reachable?)"))?;
    Ok((node, modules))
}

/// The first line of `program --version`-style output, or `unknown`.
pub(crate) fn version(program: &Path, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()
        .map(|output| {
            let text = if output.stdout.is_empty() {
                output.stderr
            } else {
                output.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .filter(|line| !line.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
