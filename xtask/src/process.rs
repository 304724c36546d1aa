//! Running other programs: building commands, showing them, and turning failures into messages.
//!
//! Every child is spawned with the default [`Command`] settings, so it stays in xtask's own
//! process group: a Ctrl-C in the terminal reaches xtask and all of its children at once.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Directories searched for system binaries besides `PATH` (sbin is often not in a user's PATH).
const EXTRA_BIN_DIRS: [&str; 3] = ["/usr/bin", "/usr/sbin", "/usr/local/bin"];

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the workspace root),
/// else `target/` in the workspace.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        None => workspace_root().join("target"),
    }
}

/// A binary built by `cargo build` in `profile` (`debug` or `release`).
pub(crate) fn built_binary(profile: &str, name: &str) -> PathBuf {
    target_dir()
        .join(profile)
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Runs `command` (a program xtask built) in the foreground and turns its exit status into
/// xtask's: success only if it succeeded. `what` names it in the messages.
pub(crate) fn run_to_exit_code(command: &mut Command, what: &str) -> std::process::ExitCode {
    use std::process::ExitCode;
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("xtask: {what} did not pass ({status})");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!(
                "xtask: could not start {what} ({}): {err}",
                command.get_program().to_string_lossy()
            );
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// A `cargo` command run from the workspace root, with the same cargo that runs xtask.
pub(crate) fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(workspace_root());
    command
}

/// A `cargo +TOOLCHAIN` command run from the workspace root.
///
/// This goes through the rustup proxy (`cargo` in `PATH`), because the `+toolchain` syntax only
/// works there, not with the toolchain's own cargo in `$CARGO`.
pub(crate) fn cargo_with_toolchain(toolchain: &str) -> Command {
    let mut command = Command::new("cargo");
    command
        .arg(format!("+{toolchain}"))
        .current_dir(workspace_root());
    command
}

/// Shows a command the way a user could type it, with the environment it sets in front.
pub(crate) fn display(command: &Command) -> String {
    let envs = command.get_envs().filter_map(|(key, value)| {
        value.map(|value| format!("{}={}", key.to_string_lossy(), quote(value)))
    });
    let program = Path::new(command.get_program())
        .file_name()
        .unwrap_or(command.get_program());
    let words = std::iter::once(quote(program)).chain(command.get_args().map(quote));
    envs.chain(words).collect::<Vec<_>>().join(" ")
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=+./:,@%".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Runs a command with the terminal's stdio and fails with a message unless it exits with 0.
pub(crate) fn run(command: &mut Command) -> Result<(), String> {
    let shown = display(command);
    let status = command
        .status()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Whether a command starts and exits with 0; its output is thrown away.
pub(crate) fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether xtask runs as root (`id -u` prints 0).
pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success() && output.stdout.trim_ascii() == b"0")
}

/// Finds an executable by name in `PATH`, then in `/usr/bin`, `/usr/sbin` and `/usr/local/bin`.
pub(crate) fn find_binary(name: &str) -> Option<PathBuf> {
    let path_dirs = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    path_dirs
        .into_iter()
        .chain(EXTRA_BIN_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_empty_and_spaced_words() {
        let mut command = Command::new("/usr/bin/redis-server");
        command
            .args(["--save", "", "--dir", "/tmp/a b"])
            .env("RUSTDOCFLAGS", "-D warnings");
        assert_eq!(
            display(&command),
            "RUSTDOCFLAGS=\"-D warnings\" redis-server --save \"\" --dir \"/tmp/a b\""
        );
    }

    #[test]
    fn finds_sh_and_not_nonsense() {
        assert!(find_binary("sh").is_some());
        assert!(find_binary("no-such-binary-for-xtask").is_none());
    }

    #[test]
    fn workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("xtask").is_dir());
    }

    #[test]
    fn run_reports_the_failing_command() {
        let err = run(Command::new("sh").args(["-c", "exit 3"])).unwrap_err();
        assert!(err.contains("sh -c \"exit 3\""), "{err}");
        assert!(err.contains('3'), "{err}");
    }
}
