//! End to end: the real `agora` binary against a real `agora node --dev`. Each step's effect
//! is checked against the node's own state (its JSON read methods), not only against what the
//! CLI prints; every error path a user meets is checked to print one line and exit with its
//! documented code (docs/cli.md "Exit codes").
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

mod node_util;

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use node_util::*;
use serde_json::{Value, json};

const TAO: u64 = 1_000_000_000;

struct Cli {
    wallets: PathBuf,
    endpoint: String,
}

impl Cli {
    fn new(addr: SocketAddr, tag: &str) -> Self {
        let wallets = std::env::temp_dir().join(format!(
            "agora-cli-e2e-{tag}-{}-{}",
            std::process::id(),
            addr.port()
        ));
        let _ = std::fs::remove_dir_all(&wallets);
        std::fs::create_dir_all(&wallets).unwrap();
        Self {
            wallets,
            endpoint: format!("http://{addr}"),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_agora"));
        c.args(args)
            .arg("--wallet-path")
            .arg(&self.wallets)
            .arg("--endpoint")
            .arg(&self.endpoint)
            .env_remove("AGORA_WALLET_PASSWORD")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed; returns its standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "agora {args:?} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let text = self.ok(&a);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn address(&self, wallet: &str) -> String {
        self.json(&["wallet", "show", "--name", wallet])["coldkey"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn hotkey(&self, wallet: &str) -> String {
        self.json(&["wallet", "show", "--name", wallet])["hotkeys"][0]["ss58"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.wallets);
    }
}

/// A failed run: exit `code`, and exactly one `error: …` line on standard error containing
/// `needle`.
fn assert_fails(out: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {err}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(needle), "expected {needle:?} in: {err}");
}

fn free(addr: SocketAddr, who: &str) -> u64 {
    call(addr, "state_getBalance", json!([who]))["free"]
        .as_u64()
        .unwrap()
}

fn wait_blocks(addr: SocketAddr, n: u64) {
    let target = finalized_number(addr) + n;
    wait_for(Duration::from_secs(60), || {
        (finalized_number(addr) >= target).then_some(())
    });
}

fn new_wallet(cli: &Cli, name: &str) {
    cli.ok(&["wallet", "create", "--name", name, "--no-password"]);
}

#[test]
fn wallets_transfer_subnet_register_stake_weights_and_metagraph() {
    let node = start_dev(None, 100, &[]);
    let addr = node.rpc;
    let cli = Cli::new(addr, "flow");

    // Wallets: Alice imported from her URI on standard input; three fresh ones.
    let out = cli.run_stdin(
        &["wallet", "import", "--name", "alice", "--no-password"],
        "//Alice\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for w in ["owner", "val", "miner"] {
        new_wallet(&cli, w);
    }
    let list = cli.json(&["wallet", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 4);
    let alice = cli.address("alice");
    assert_eq!(
        alice,
        agora_runtime::testing::account("//Alice").to_string()
    );
    let owner = cli.address("owner");
    let val = cli.address("val");

    // Transfers, checked against the node's balances.
    let alice_before = free(addr, &alice);
    let out = cli.json(&[
        "wallet", "transfer", "--name", "alice", "--dest", "owner", "--amount", "3000", "--yes",
    ]);
    assert_eq!(out["success"], true, "{out}");
    assert!(
        out["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "Transfer")
    );
    let fee = out["fee"].as_u64().unwrap();
    assert!(fee > 0);
    assert_eq!(free(addr, &owner), 3000 * TAO);
    // The fee goes to the block's author; on the dev chain that is Alice herself.
    let proposer = call(addr, "chain_getHeader", json!([out["block"]]))["proposer"].clone();
    let refund = if proposer == alice.as_str() { fee } else { 0 };
    assert_eq!(free(addr, &alice), alice_before - 3000 * TAO - fee + refund);
    let line = cli.ok(&[
        "wallet", "transfer", "--name", "alice", "--dest", &val, "--amount", "500.5", "--yes",
    ]);
    assert!(line.starts_with("✓ transfer τ500.5000"), "{line}");
    assert!(line.contains("included in block #"), "{line}");
    cli.ok(&[
        "wallet", "transfer", "--name", "alice", "--dest", "miner", "--amount", "10", "-y",
    ]);
    assert_eq!(free(addr, &val), 500_500_000_000);
    let balances = cli.json(&["wallet", "balance", "--name", "owner", "--name", "val"]);
    assert_eq!(balances[0]["free"], 3000 * TAO);
    assert_eq!(balances[1]["free"], 500_500_000_000u64);

    // A subnet, created by the owner; its netuid from the node's subnet list.
    let out = cli.json(&["subnet", "create", "--name", "owner", "--yes"]);
    assert_eq!(out["success"], true, "{out}");
    let subnets = call(addr, "agora_subnets", json!([]));
    let mine: Vec<&Value> = subnets
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["owner"] == owner.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{subnets}");
    let netuid = mine[0]["netuid"].as_u64().unwrap();
    let n = netuid.to_string();
    let listed = cli.json(&["subnet", "list"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["netuid"] == netuid && s["owner"] == owner.as_str())
    );

    // Hyperparameters as root, then read back from the node. The admin freeze window (10
    // blocks before each epoch) would cover every block once the tempo is 5: lift it first.
    cli.ok(&[
        "sudo",
        "set",
        "--param",
        "admin_freeze_window",
        "--value",
        "0",
        "--name",
        "alice",
        "--yes",
    ]);
    let globals = cli.json(&["sudo", "get", "--param", "admin_freeze_window"]);
    assert_eq!(globals["admin_freeze_window"], 0, "{globals}");
    for (p, v) in [
        ("tempo", "5"),
        ("weights_rate_limit", "0"),
        ("commit_reveal_weights_enabled", "false"),
    ] {
        cli.ok(&[
            "sudo", "set", "--param", p, "--value", v, "--netuid", &n, "--name", "alice", "--yes",
        ]);
    }
    let hp = call(addr, "agora_hyperparameters", json!([netuid]));
    assert_eq!(hp["tempo"], 5);
    assert_eq!(hp["weights_rate_limit"], 0);
    assert_eq!(hp["commit_reveal_weights_enabled"], false);
    let got = cli.json(&["subnet", "hyperparameters", "get", "--netuid", &n]);
    let tempo = got
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "tempo")
        .unwrap();
    assert_eq!(tempo["value"]["U16"], 5, "{tempo}");
    cli.ok(&[
        "subnet", "start", "--netuid", &n, "--name", "owner", "--yes",
    ]);

    // Registration by burn, checked against the node's neuron list.
    cli.ok(&["register", "--netuid", &n, "--name", "val", "--yes"]);
    cli.ok(&["register", "--netuid", &n, "--name", "miner", "--yes"]);
    let neurons = call(addr, "agora_neurons", json!([netuid]));
    let hotkeys: Vec<&str> = neurons
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["hotkey"].as_str().unwrap())
        .collect();
    assert_eq!(hotkeys.len(), 3);
    let val_hot = cli.hotkey("val");
    let miner_hot = cli.hotkey("miner");
    let val_uid = hotkeys.iter().position(|h| *h == val_hot).unwrap();
    let miner_uid = hotkeys.iter().position(|h| *h == miner_hot).unwrap();

    // Stake: 100 TAO into a 1000 TAO pool moves the price far beyond the default 0.5%
    // tolerance, so the limit call fails on chain; with a 50% tolerance it goes through. The
    // TAO leaves the coldkey (node balance) and shows as stake.
    let out = cli.run(&[
        "stake", "add", "--netuid", &n, "--name", "val", "--amount", "100", "--yes",
    ]);
    assert_fails(&out, 1, "SlippageTooHigh");
    let before = free(addr, &val);
    let out = cli.json(&[
        "stake",
        "add",
        "--netuid",
        &n,
        "--name",
        "val",
        "--amount",
        "100",
        "--tolerance",
        "0.5",
        "--yes",
    ]);
    assert_eq!(out["success"], true, "{out}");
    let spent = before - free(addr, &val);
    assert!(
        (100 * TAO..100 * TAO + TAO / 100).contains(&spent),
        "spent {spent}"
    );
    let positions = cli.json(&["stake", "list", "--name", "val"]);
    assert_eq!(positions[0]["netuid"], netuid);
    assert!(positions[0]["stake"].as_u64().unwrap() > 0, "{positions}");

    // Stake changes hands and leaves: 1 alpha to the owner's coldkey (same hotkey), then
    // 1 alpha sold back to TAO; a removal of more than is held is refused before signing.
    let held = positions[0]["stake"].as_u64().unwrap();
    cli.ok(&[
        "stake", "transfer", "--name", "val", "--dest", "owner", "--netuid", &n, "--amount", "1",
        "--yes",
    ]);
    let theirs = cli.json(&["stake", "list", "--name", "owner"]);
    let got = theirs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["hotkey"] == val_hot.as_str())
        .unwrap_or_else(|| panic!("{theirs}"));
    assert_eq!(got["stake"], TAO, "{theirs}");
    let before = free(addr, &val);
    cli.ok(&[
        "stake",
        "remove",
        "--netuid",
        &n,
        "--name",
        "val",
        "--amount",
        "1",
        "--tolerance",
        "0.5",
        "--yes",
    ]);
    assert!(free(addr, &val) > before, "unstaking paid nothing");
    let left = cli.json(&["stake", "list", "--name", "val"])[0]["stake"]
        .as_u64()
        .unwrap();
    assert!(left < held - TAO, "{left} vs {held}");
    assert_fails(
        &cli.run(&[
            "stake", "remove", "--netuid", &n, "--name", "val", "--amount", "1000000", "--yes",
        ]),
        1,
        "not enough stake",
    );

    // The delegate take of the validator's hotkey, lowered, read back from the chain.
    cli.ok(&[
        "delegate", "take", "--name", "val", "--take", "0.05", "--yes",
    ]);
    let d = cli.json(&["delegate", "show", "--hotkey", &val_hot]);
    assert_eq!(d["take"], 3277, "{d}");

    // After an epoch the validator holds a permit; it weights the miner.
    wait_for(Duration::from_secs(60), || {
        let ns = call(addr, "agora_neurons", json!([netuid]));
        ns[val_uid]["validator_permit"]
            .as_bool()
            .unwrap()
            .then_some(())
    });
    let m_uid = miner_uid.to_string();
    cli.ok(&[
        "weights",
        "set",
        "--netuid",
        &n,
        "--name",
        "val",
        "--uids",
        &m_uid,
        "--weights",
        "1",
        "--yes",
    ]);
    let w = call(addr, "agora_weights", json!([netuid, val_uid]));
    assert_eq!(w, json!([[miner_uid, 65535]]));

    // The metagraph agrees with the node.
    wait_blocks(addr, 12);
    let m = cli.json(&["metagraph", "show", "--netuid", &n, "--full"]);
    let node_neurons = call(addr, "agora_neurons", json!([netuid]));
    assert_eq!(m["n"], 3);
    for (i, x) in node_neurons.as_array().unwrap().iter().enumerate() {
        assert_eq!(m["hotkeys"][i], x["hotkey"]);
        assert_eq!(m["coldkeys"][i], x["coldkey"]);
        assert_eq!(m["validator_permit"][i], x["validator_permit"]);
    }
    assert_eq!(m["weights"][val_uid], json!([[miner_uid, 65535]]));
    assert!(
        m["incentive"][miner_uid].as_u64().unwrap() > 0,
        "{}",
        m["incentive"]
    );
    assert!(
        m["dividends"][val_uid].as_u64().unwrap() > 0,
        "{}",
        m["dividends"]
    );
    let shown = cli.ok(&["subnet", "show", "--netuid", &n]);
    assert!(shown.contains("incentive"), "{shown}");

    // Commit-reveal: direct weights are refused; a commit is saved and revealed in its
    // reveal epoch (tempo 30 leaves time to try revealing too early first).
    for (p, v) in [
        ("commit_reveal_weights_enabled", "true"),
        ("commit_reveal_period", "1"),
        ("tempo", "30"),
    ] {
        cli.ok(&[
            "sudo", "set", "--param", p, "--value", v, "--netuid", &n, "--name", "alice", "-y",
        ]);
    }
    let out = cli.run(&[
        "weights",
        "set",
        "--netuid",
        &n,
        "--name",
        "val",
        "--uids",
        &m_uid,
        "--weights",
        "1",
        "--yes",
    ]);
    assert_fails(&out, 1, "CommitRevealEnabled");
    let targets = format!("0,{miner_uid}");
    cli.ok(&[
        "weights",
        "commit",
        "--netuid",
        &n,
        "--name",
        "val",
        "--uids",
        &targets,
        "--weights",
        "1,1",
        "--yes",
    ]);
    let pending = cli.json(&["weights", "pending", "--netuid", &n, "--name", "val"]);
    let on_chain = pending["on_chain"].as_array().unwrap();
    assert_eq!(on_chain.len(), 1, "{pending}");
    assert_eq!(on_chain[0]["saved"], true);
    let reveal_epoch = on_chain[0]["reveal_epoch"].as_u64().unwrap();
    let out = cli.run(&[
        "weights", "reveal", "--netuid", &n, "--name", "val", "--yes",
    ]);
    assert_fails(&out, 1, "too early");
    wait_for(Duration::from_secs(60), || {
        let p = cli.json(&["weights", "pending", "--netuid", &n, "--name", "val"]);
        (p["next_block_epoch"].as_u64().unwrap() >= reveal_epoch).then_some(())
    });
    cli.ok(&[
        "weights", "reveal", "--netuid", &n, "--name", "val", "--yes",
    ]);
    let w = call(addr, "agora_weights", json!([netuid, val_uid]));
    assert_eq!(w, json!([[0, 65535], [miner_uid, 65535]]));
    let pending = cli.json(&["weights", "pending", "--netuid", &n, "--name", "val"]);
    assert_eq!(pending["on_chain"], json!([]), "{pending}");
    assert_fails(
        &cli.run(&[
            "weights", "reveal", "--netuid", &n, "--name", "val", "--yes",
        ]),
        5,
        "no commit",
    );
    for (p, v) in [("commit_reveal_weights_enabled", "false"), ("tempo", "5")] {
        cli.ok(&[
            "sudo", "set", "--param", p, "--value", v, "--netuid", &n, "--name", "alice", "-y",
        ]);
    }

    // Rate limit: with a limit of 100 blocks a second update is refused by the chain.
    cli.ok(&[
        "sudo",
        "set",
        "--param",
        "weights_rate_limit",
        "--value",
        "100",
        "--netuid",
        &n,
        "--name",
        "alice",
        "-y",
    ]);
    let out = cli.run(&[
        "weights",
        "set",
        "--netuid",
        &n,
        "--name",
        "val",
        "--uids",
        &m_uid,
        "--weights",
        "1",
        "--yes",
    ]);
    assert_fails(&out, 1, "SettingWeightsTooFast");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("✗ set weights"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A call the chain refuses after inclusion: starting someone else's subnet.
    let out = cli.run(&["subnet", "start", "--netuid", &n, "--name", "val", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: start subnet"), "{err}");
}

#[test]
fn every_user_error_is_one_line_and_a_documented_exit_code() {
    let node = start_dev(None, 100, &[]);
    let addr = node.rpc;
    let cli = Cli::new(addr, "errors");
    new_wallet(&cli, "empty");
    let out = cli.run_stdin(
        &["wallet", "import", "--name", "alice", "--no-password"],
        "//Alice\n",
    );
    assert!(out.status.success());

    // Insufficient balance: refused before signing, nothing submitted.
    let out = cli.run(&[
        "wallet", "transfer", "--name", "empty", "--dest", "alice", "--amount", "5", "--yes",
    ]);
    assert_fails(&out, 1, "insufficient balance");
    assert_eq!(free(addr, &cli.address("empty")), 0);

    // Unknown netuid, for reads and writes.
    assert_fails(
        &cli.run(&["subnet", "show", "--netuid", "77"]),
        5,
        "subnet 77 does not exist",
    );
    assert_fails(
        &cli.run(&["metagraph", "show", "--netuid", "77"]),
        5,
        "subnet 77 does not exist",
    );
    assert_fails(
        &cli.run(&["register", "--netuid", "77", "--name", "empty", "--yes"]),
        5,
        "subnet 77 does not exist",
    );

    // Wrong password: an encrypted wallet opened with the wrong one.
    let out = cli
        .cmd(&["wallet", "create", "--name", "locked"])
        .env("AGORA_WALLET_PASSWORD", "right horse battery")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cli.ok(&[
        "wallet", "transfer", "--name", "alice", "--dest", "locked", "--amount", "10", "--yes",
    ]);
    let out = cli
        .cmd(&[
            "wallet", "transfer", "--name", "locked", "--dest", "alice", "--amount", "1", "--yes",
        ])
        .env("AGORA_WALLET_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_fails(&out, 4, "wrong password");
    let out = cli.run(&["wallet", "balance", "--name", "nobody"]);
    assert_fails(&out, 4, "no wallet \"nobody\"");

    // Bad amounts and arguments.
    assert_fails(
        &cli.run(&[
            "wallet",
            "transfer",
            "--name",
            "alice",
            "--dest",
            "empty",
            "--amount",
            "0.0000000001",
            "--yes",
        ]),
        2,
        "more than 9 decimals",
    );
    assert_fails(
        &cli.run(&[
            "wallet",
            "transfer",
            "--name",
            "alice",
            "--dest",
            "nobody-here",
            "--amount",
            "1",
            "--yes",
        ]),
        2,
        "neither an SS58 address nor a wallet name",
    );
    assert_fails(
        &cli.run(&[
            "sudo", "set", "--param", "nope", "--value", "1", "--name", "alice",
        ]),
        2,
        "unknown parameter",
    );

    // No confirmation possible without a terminal and without --yes.
    assert_fails(
        &cli.run(&[
            "wallet", "transfer", "--name", "alice", "--dest", "empty", "--amount", "1",
        ]),
        6,
        "pass --yes",
    );

    // The node is not reachable.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = Command::new(env!("CARGO_BIN_EXE_agora"));
    let out = c
        .args(["wallet", "balance", "--wallet-path"])
        .arg(&cli.wallets)
        .args(["--endpoint", &format!("127.0.0.1:{closed}")])
        .output()
        .unwrap();
    assert_fails(&out, 3, "cannot reach the node");
    drop(node);
    let out = cli.run(&["subnet", "list"]);
    assert_fails(&out, 3, "cannot reach the node");
}

fn localnet(dir: &Path, blocks: u64, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args([
            "localnet",
            "--port",
            "0",
            "--block-time-ms",
            "100",
            "--tempo",
            "20",
            "--json",
        ])
        .args(["--blocks", &blocks.to_string()])
        .args(extra)
        .arg("--data-dir")
        .arg(dir)
        .env("AGORA_NODE_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "localnet failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn localnet_runs_to_block_400_with_emission_to_miners_and_validators_then_resumes() {
    let dir = std::env::temp_dir().join(format!("agora-localnet-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let v = localnet(&dir, 400, &["--subnet", "echo"]);
    assert!(v["block"].as_u64().unwrap() >= 400, "{v}");
    assert!(v["first_block_ms"].as_u64().unwrap() < 30_000);
    let neurons = v["neurons"].as_array().unwrap();
    let of = |role: &str| -> Vec<&Value> { neurons.iter().filter(|n| n["role"] == role).collect() };
    let (validators, miners) = (of("validator"), of("miner"));
    assert_eq!(validators.len(), 2, "{v}");
    assert_eq!(miners.len(), 3, "{v}");
    let sum = |ns: &[&Value], f: &str| ns.iter().map(|n| n[f].as_u64().unwrap()).sum::<u64>();
    assert!(sum(&miners, "incentive") > 0, "no incentive to miners: {v}");
    assert!(
        sum(&miners, "stake_gained") > 0,
        "no emission reached miners: {v}"
    );
    assert!(
        sum(&validators, "dividends") > 0,
        "no dividends to validators: {v}"
    );
    assert!(
        sum(&validators, "stake_gained") > 0,
        "no emission reached validators: {v}"
    );
    assert!(
        validators.iter().all(|n| n["validator_permit"] == true),
        "{v}"
    );
    // The most honest miner (miner-0) earns the most.
    let inc = |name: &str| {
        neurons.iter().find(|n| n["name"] == name).unwrap()["incentive"]
            .as_u64()
            .unwrap()
    };
    assert!(inc("miner-0") > inc("miner-2"), "{v}");
    let netuid = v["netuid"].clone();

    assert_eq!(v["commit_reveal"], false);

    // A second run resumes: same subnet, same neurons, the chain continues past block 400;
    // this time the validators commit and reveal their weights.
    let w = localnet(&dir, 480, &["--subnet", "echo", "--commit-reveal"]);
    assert_eq!(w["netuid"], netuid);
    assert!(w["block"].as_u64().unwrap() >= 480);
    assert_eq!(w["commit_reveal"], true);
    let log: Vec<&str> = w["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        log.iter().any(|l| l.contains("revealed weights")),
        "{log:?}"
    );
    let names = |x: &Value| -> Vec<(String, String)> {
        x["neurons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_string(),
                    n["hotkey"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(names(&v), names(&w));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dev_node_runs_a_genesis_file() {
    let genesis = concat!(env!("CARGO_MANIFEST_DIR"), "/../../genesis/local.json");
    let node = start_dev(None, 100, &["--genesis", genesis]);
    let info = call(node.rpc, "system_info", json!([]));
    assert_eq!(info["chainId"], "agora-local");
    let cli = Cli::new(node.rpc, "genesis");
    let subnets = cli.json(&["subnet", "list"]);
    assert!(
        subnets.as_array().unwrap().iter().any(|s| s["netuid"] == 1),
        "{subnets}"
    );
    let m = cli.json(&["metagraph", "show", "--netuid", "1"]);
    assert_eq!(m["n"], 3);
    let bad = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args([
            "node",
            "--dev",
            "--rpc-addr",
            "127.0.0.1:0",
            "--genesis",
            "/nonexistent.json",
        ])
        .output()
        .unwrap();
    assert_fails(&bad, 1, "cannot read /nonexistent.json");
}

/// A child process killed when the test ends, pass or fail.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Ranks with ties averaged (1-based).
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        #[allow(clippy::cast_precision_loss, reason = "small counts")]
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson correlation of the tie-averaged ranks).
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    #[allow(clippy::cast_precision_loss, reason = "small counts")]
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn spearman_of_ranks_with_ties() {
    assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
    assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    assert_eq!(ranks(&[5.0, 1.0, 5.0, 0.0]), vec![3.5, 2.0, 3.5, 1.0]);
}

/// One HTTP/1.1 request; the status and the body (`None` if nothing listens).
fn try_http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    use std::io::Read as _;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let status = resp
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    Some((status, body))
}

fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    try_http(port, method, path, headers, body).expect("the server answers")
}

/// The default localnet runs the routing subnet: after enough epochs the miners' incentive
/// follows the quality of their solvers (as the validators measured it by verification),
/// the lazy and faulty miners earn almost nothing, and the routing gateway, run against the
/// localnet's node, answers a buyer with a route that verifies.
#[test]
fn localnet_routing_pays_for_quality_and_its_gateway_serves_a_buyer() {
    use agora_subnet_routing::generate::{Distribution, InstanceSpec, generate};
    use agora_subnet_routing::problem::Kind;
    use agora_subnet_routing::solution::{Solution, verify};

    let dir = std::env::temp_dir().join(format!("agora-localnet-routing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (rpc, gw) = (free_port(), free_port());
    let errlog = dir.with_extension("stderr");
    let localnet = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args([
            "localnet",
            "--block-time-ms",
            "100",
            "--tempo",
            "20",
            "--json",
        ])
        .args(["--port", &rpc.to_string(), "--blocks", "700", "--data-dir"])
        .arg(&dir)
        .env("AGORA_NODE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&errlog).unwrap())
        .spawn()
        .unwrap();
    let mut localnet = Killed(localnet);

    // Once the miners serve (the state file lists their ports), a gateway joins the network.
    let state = dir.join("localnet.json");
    let netuid = wait_for(Duration::from_secs(120), || {
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&state).ok()?).ok()?;
        (s["miner_ports"].as_object()?.len() == 6).then(|| s["netuid"].as_u64())?
    });
    let buyers = dir.join("buyers.json");
    std::fs::write(
        &buyers,
        json!([{ "id": "acme",
                 "key_blake2b": agora_subnet_routing::gateway::key_hash("acme-key"),
                 "quota": { "requests": 100, "stops": 100_000 } }])
        .to_string(),
    )
    .unwrap();
    let gateway = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--wallet-path")
        .arg(dir.join("wallets"))
        .args(["--endpoint", &format!("127.0.0.1:{rpc}")])
        .args([
            "subnet", "routing", "gateway", "--wallet", "owner", "--hotkey", "default",
        ])
        .args([
            "--netuid",
            &netuid.to_string(),
            "--port",
            &gw.to_string(),
            "--fan-out",
            "3",
        ])
        .arg("--buyers")
        .arg(&buyers)
        .arg("--data")
        .arg(dir.join("gateway"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _gateway = Killed(gateway);
    let problem = generate(
        &InstanceSpec {
            kind: Kind::Cvrp,
            stops: 60,
            distribution: Distribution::Clustered,
        },
        &[42; 32],
    );
    let body = json!({ "problem": problem, "time_limit_ms": 800 }).to_string();
    let answer: Value = wait_for(Duration::from_secs(90), || {
        let (status, text) =
            try_http(gw, "POST", "/v1/solve", &[("X-Api-Key", "acme-key")], &body)?;
        if status != 200 {
            std::thread::sleep(Duration::from_secs(2));
            return None;
        }
        Some(serde_json::from_str(&text).unwrap())
    });
    let solution: Solution = serde_json::from_value(answer["solution"].clone()).unwrap();
    let verified = verify(&problem, &solution).expect("the gateway's route verifies");
    assert_eq!(answer["cost"].as_u64(), Some(verified.cost), "{answer}");
    // A wrong key is refused with a 401 and nothing is charged.
    let (status, _) = http(gw, "POST", "/v1/solve", &[("X-Api-Key", "nope")], &body);
    assert_eq!(status, 401);
    let (status, usage) = http(gw, "GET", "/v1/usage", &[("X-Api-Key", "acme-key")], "");
    assert_eq!(status, 200, "{usage}");

    // `agora subnet routing validator` on the same network (the owner's hotkey, which holds
    // a permit on this small subnet): rounds over every serving miner, routes verified, and
    // weights set on chain; its state file keeps the rounds.
    let vstate = dir.join("owner-routing.json");
    let out = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("--wallet-path")
        .arg(dir.join("wallets"))
        .args(["--endpoint", &format!("127.0.0.1:{rpc}"), "--json"])
        .args([
            "subnet",
            "routing",
            "validator",
            "--wallet",
            "owner",
            "--hotkey",
            "default",
        ])
        .args([
            "--netuid",
            &netuid.to_string(),
            "--rounds",
            "3",
            "--pause-ms",
            "300",
        ])
        .args(["--time-limit-ms", "800", "--max-stops", "80", "--state"])
        .arg(&vstate)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rounds: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rounds.len(), 3, "{text}");
    for r in &rounds {
        assert!(r.get("error").is_none(), "{text}");
        let answers = r["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 6, "{text}");
        assert!(
            answers.iter().filter(|a| a["answer"] == "valid").count() >= 4,
            "{text}"
        );
    }
    // Weights go out as soon as the chain's rate limit allows (commit-reveal is off).
    assert!(
        rounds.iter().any(|r| r["weights"] == json!(["set"])),
        "{text}"
    );
    let file = std::fs::read_to_string(&vstate).unwrap();
    let (_header, body) = file.split_once('\n').unwrap();
    let saved: Value = serde_json::from_str(body).unwrap();
    assert_eq!(saved["round"], 3, "{saved}");

    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut localnet.0.stdout.take().unwrap(), &mut out).unwrap();
    let status = localnet.0.wait().unwrap();
    assert!(
        status.success(),
        "localnet: {status}\n{}",
        std::fs::read_to_string(&errlog).unwrap_or_default()
    );
    let v: Value = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)));
    assert_eq!(v["subnet"], "routing", "{v}");
    let miners: Vec<&Value> = v["neurons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["role"] == "miner")
        .collect();
    assert_eq!(miners.len(), 6, "{v}");
    let incentive: Vec<f64> = miners
        .iter()
        .map(|n| n["incentive"].as_f64().unwrap())
        .collect();
    let quality: Vec<f64> = miners
        .iter()
        .map(|n| n["quality"].as_f64().unwrap())
        .collect();
    let rho = spearman(&incentive, &quality);
    assert!(
        rho >= 0.9,
        "Spearman {rho}: incentive {incentive:?} quality {quality:?}\n{v}"
    );
    println!("Spearman {rho}: incentive {incentive:?} quality {quality:?}");
    let total: f64 = incentive.iter().sum();
    for n in &miners {
        if n["strategy"] == "lazy" || n["strategy"] == "faulty" {
            let share = n["incentive"].as_f64().unwrap() / total;
            assert!(share < 0.01, "{} earns {share}: {v}", n["strategy"]);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&errlog);
}
