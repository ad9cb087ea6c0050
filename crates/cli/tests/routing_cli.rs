//! `agora subnet routing solve` and `key-hash` through the real binary.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::Command;

fn agora(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn solve_prints_a_verified_solution() {
    let dir = std::env::temp_dir().join(format!("agora-routing-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("p.json");
    // A 3-4-5 box: the optimal tour 0 -> (3,0) -> (3,4) -> (0,4) -> 0 costs 14.
    std::fs::write(
        &file,
        r#"{"depot":{"x":0,"y":0},"stops":[{"x":3,"y":4},{"x":0,"y":4},{"x":3,"y":0}]}"#,
    )
    .unwrap();
    for solver in ["nearest-neighbour", "two-opt", "or-opt", "strong"] {
        let (ok, out, err) = agora(&[
            "subnet",
            "routing",
            "solve",
            file.to_str().unwrap(),
            "--solver",
            solver,
            "--time-ms",
            "100",
        ]);
        assert!(ok, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["cost"], 14, "{solver}: {out}");
        assert_eq!(v["solver"], solver);
    }
    let (ok, _, err) = agora(&[
        "subnet",
        "routing",
        "solve",
        file.to_str().unwrap(),
        "--solver",
        "best",
    ]);
    assert!(!ok && err.contains("unknown solver"), "{err}");
    std::fs::write(&file, r#"{"depot":{"x":0,"y":0},"stops":[]}"#).unwrap();
    let (ok, _, err) = agora(&["subnet", "routing", "solve", file.to_str().unwrap()]);
    assert!(!ok && err.contains("invalid problem"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn key_hash_is_blake2b_256() {
    let (ok, out, _) = agora(&["subnet", "routing", "key-hash", "abc"]);
    assert!(ok);
    // BLAKE2b-256("abc"), RFC 7693 family test value.
    assert_eq!(
        out.trim(),
        "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
    );
}
