//! `agora sim`: run, sweep and check through the binary, on small scenarios.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::PathBuf;
use std::process::Command;

const SCENARIO: &str = r#"
name = "cli"
seed = 1
[duration]
epochs = 4
[[subnet]]
tempo = 5
weights_rate_limit = 0
[[subnet.miners]]
name = "m"
count = 4
[[subnet.validators]]
name = "v"
count = 2
[[subnet.validators]]
name = "c"
count = 1
behaviour = "copier"
[sweep]
[[sweep.axis]]
path = "subnet.0.commit_reveal"
values = [0, 1]
"#;

fn agora() -> Command {
    Command::new(env!("CARGO_BIN_EXE_agora"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("agora-sim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn run_and_sweep_write_their_files() {
    let dir = tmp("run");
    let file = dir.join("s.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let out = agora()
        .args(["sim", "run"])
        .arg(&file)
        .arg("--out")
        .arg(dir.join("run"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "run.json",
        "epochs.csv",
        "groups.csv",
        "teams.csv",
        "report.html",
    ] {
        assert!(dir.join("run").join(f).exists(), "{f}");
    }
    let html = std::fs::read_to_string(dir.join("run/report.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("<script") && !html.contains("src="));
    let out = agora()
        .args(["sim", "sweep", "--threads", "2"])
        .arg(&file)
        .arg("--out")
        .arg(dir.join("sweep"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("sweep/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 runs"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bundled_scenarios_are_valid_and_bad_ones_are_named() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sim/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = agora().args(["sim", "check"]).arg(&path).output().unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            n += 1;
        }
    }
    assert!(n >= 4);
    let bad = tmp("bad").join("bad.toml");
    std::fs::write(
        &bad,
        SCENARIO.replace("tempo = 5", "tempo = 5\nkappa = 2.0"),
    )
    .unwrap();
    let out = agora().args(["sim", "check"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("subnet[0].kappa"));
}
