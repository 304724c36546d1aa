//! Making sure system binaries exist, installing them with `apt-get` when that is possible.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::process;

/// Set to `1` to never install anything; xtask then fails with the command to run.
const NO_INSTALL_VAR: &str = "WEIXIN_XTASK_NO_INSTALL";

/// A binary that must exist, and the Debian/Ubuntu package that provides it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Needed {
    /// Executable name, e.g. `redis-server`.
    pub(crate) binary: &'static str,
    /// Package name, e.g. `redis-server`.
    pub(crate) package: &'static str,
}

/// Finds every needed binary, installing the missing ones first when running as root with
/// `apt-get` available (and not disabled by `WEIXIN_XTASK_NO_INSTALL=1`).
///
/// Returns the paths in the order of `needed`, or a message that names the exact command to run.
pub(crate) fn ensure(needed: &[Needed]) -> Result<Vec<PathBuf>, String> {
    let missing: Vec<Needed> = needed
        .iter()
        .copied()
        .filter(|need| process::find_binary(need.binary).is_none())
        .collect();
    if !missing.is_empty() {
        install(&missing)?;
    }
    needed
        .iter()
        .map(|need| {
            process::find_binary(need.binary).ok_or_else(|| {
                format!(
                    "`{}` is still not found after installing package `{}` (looked in PATH, /usr/bin, /usr/sbin, /usr/local/bin)",
                    need.binary, need.package
                )
            })
        })
        .collect()
}

fn install(missing: &[Needed]) -> Result<(), String> {
    let binaries = missing
        .iter()
        .map(|need| need.binary)
        .collect::<Vec<_>>()
        .join(", ");
    let packages = missing
        .iter()
        .map(|need| need.package)
        .collect::<Vec<_>>()
        .join(" ");
    let root = process::is_root();
    let apt = process::find_binary("apt-get");
    let disabled = std::env::var(NO_INSTALL_VAR).is_ok_and(|value| value == "1");

    let Some(apt) = apt.filter(|_| root && !disabled) else {
        let sudo = if root { "" } else { "sudo " };
        let why = if disabled {
            format!("{NO_INSTALL_VAR}=1 forbids installing")
        } else if !root {
            "xtask installs packages only when running as root".to_owned()
        } else {
            "apt-get is not available".to_owned()
        };
        return Err(format!(
            "missing {binaries} ({why}). Install with:\n    \
             {sudo}apt-get update && {sudo}DEBIAN_FRONTEND=noninteractive apt-get install -y {packages}\n\
             (elsewhere: the same programs from your package manager, e.g. `brew install redis memcached chromium chromedriver`), then run again"
        ));
    };

    println!("xtask: {binaries} missing; installing package(s) {packages} with apt-get");
    let mut update = Command::new(&apt);
    update.arg("update").stdin(Stdio::null());
    process::run(&mut update)?;
    let mut install = Command::new(&apt);
    install
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y"])
        .args(missing.iter().map(|need| need.package))
        .stdin(Stdio::null());
    process::run(&mut install)
}
