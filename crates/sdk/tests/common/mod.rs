//! Shared helpers of the interoperability tests: finding the reference's Python venvs and
//! running its scripts (`tests/py/`).
//!
//! `.ci/run` creates `target/py/bt10` (`bittensor==10.5.0`) and `target/py/bt11`
//! (`bittensor==11.3.0`); `AGORA_PY_BT10` / `AGORA_PY_BT11` may point at other interpreters.
//! Without a venv a test is skipped with a message, except under CI (`CI=true`), where a
//! missing venv is a failure.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The workspace root.
pub(crate) fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python of a venv (`bt10` or `bt11`), or `None` (after printing why) when absent
/// outside CI.
pub(crate) fn python(which: &str) -> Option<PathBuf> {
    let var = format!("AGORA_PY_{}", which.to_uppercase());
    let path = std::env::var_os(&var).map_or_else(
        || workspace().join("target/py").join(which).join("bin/python"),
        PathBuf::from,
    );
    if path.exists() {
        return Some(path);
    }
    let msg = format!(
        "Python venv {which} not found at {} (set {var} or run .ci/run); skipping this interop test",
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg} — but CI=true, so this is a failure");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// The directory of the Python scripts.
pub(crate) fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py")
}

/// A `Command` for `python script args…`, run in the scripts directory with a throwaway
/// HOME so bittensor writes nothing into the real one.
pub(crate) fn script(
    python: &PathBuf,
    name: &str,
    args: &[&str],
    home: &std::path::Path,
) -> Command {
    let mut c = Command::new(python);
    c.arg(scripts().join(name))
        .args(args)
        .current_dir(scripts())
        .env("HOME", home)
        .env("READ_ONLY", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    c
}

/// Runs a script to completion (at most `limit`) and returns its stdout; panics with its
/// stderr on failure.
pub(crate) async fn run(mut c: Command, limit: Duration) -> String {
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let out = tokio::time::timeout(limit, c.output())
        .await
        .expect("python script timed out")
        .expect("python runs");
    assert!(
        out.status.success(),
        "python script failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Spawns a long-running script and waits (at most `limit`) for it to print `ready`.
pub(crate) async fn spawn_ready(mut c: Command, limit: Duration) -> Child {
    c.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = c.spawn().expect("python spawns");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    tokio::time::timeout(limit, async {
        while let Some(line) = lines.next_line().await.expect("read") {
            if line.trim() == "ready" {
                return;
            }
        }
        panic!("python server exited before it was ready");
    })
    .await
    .expect("python server did not become ready in time");
    // Keep draining its output so the server never blocks or breaks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// A free TCP port on 127.0.0.1.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}
