//! The 10.x synapse protocol against the reference (bittensor 10.5.0), with real processes on
//! 127.0.0.1: the Python Dendrite calls an Agora axon (and, for comparison, a Python axon)
//! with the same battery of requests; the Agora dendrite calls a Python axon.

mod common;

use std::time::Duration;

use agora_primitives::Keypair;
use agora_sdk::axon::AxonBuilder;
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use agora_sdk::synapse::Synapse;
use agora_sdk::template::{self, Dummy};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The scripts' `Hashed` synapse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Hashed {
    text: String,
    n: i64,
    values: Vec<f64>,
    meta: Value,
    #[serde(default)]
    out: Option<String>,
}

impl Synapse for Hashed {
    const NAME: &'static str = "Hashed";
    const HASH_FIELDS: &'static [&'static str] = &["text", "n", "values", "meta"];
    const REQUIRED_FIELDS: &'static [(&'static str, &'static str)] = &[
        ("text", "\"\""),
        ("n", "0"),
        ("values", "[]"),
        ("meta", "{}"),
    ];
}

fn key(uri: &str) -> Keypair {
    Keypair::from_uri(uri).expect("dev uri")
}

/// Strips the parts of a message that differ per run (uuids, nonces, signatures).
fn shape(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with("Internal Server Error #") => {
            Value::String("Internal Server Error #<uuid>".into())
        }
        Value::String(s) if s.starts_with("Not Verified with error: Signature mismatch with ") => {
            Value::String(
                "Not Verified with error: Signature mismatch with <message> and <signature>".into(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        other => other.clone(),
    }
}

async fn python_dendrite_battery(py: &std::path::PathBuf, port: u16, axon_hotkey: &str) -> Value {
    let home = tempdir();
    let out = common::run(
        common::script(
            py,
            "dendrite_client.py",
            &[&port.to_string(), axon_hotkey, "//Alice", "//Bob"],
            &home,
        ),
        Duration::from_secs(120),
    )
    .await;
    serde_json::from_str(out.trim()).expect("json results")
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("agora-interop-{}", agora_sdk::util::uuid4()));
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_dendrite_to_agora_axon_matches_the_reference() {
    let Some(py) = common::python("bt10") else {
        return;
    };
    let miner = key("//Miner");
    let miner_ss58 = miner.public().to_string();
    let builder = template::miner(AxonBuilder::new(miner), vec![key("//Alice").public()]).forward(
        |caller, mut h: Hashed| async move {
            if caller.hotkey != key("//Alice").public() {
                return Err(agora_sdk::axon::ForwardError::internal());
            }
            h.out = Some(format!("{}|{}", h.text, h.n));
            Ok(h)
        },
    );
    // Hashed is blacklisted for strangers too in the Python server; do the same.
    let builder = builder.blacklist(|c| {
        if c.hotkey == key("//Alice").public() {
            Ok(())
        } else {
            Err("Unrecognized hotkey".into())
        }
    });
    let axon = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let handle = axon.serve(listener).expect("serve");
    let agora = python_dendrite_battery(&py, handle.local_addr.port(), &miner_ss58).await;
    handle.stop().await.expect("stop");

    let text = "it's a \"test\" é\u{a0}中\n";
    assert_eq!(agora["dummy"], serde_json::json!([200, "Success", 42]));
    assert_eq!(
        agora["hashed"],
        serde_json::json!([200, "Success", format!("{text}|-7")])
    );
    assert_eq!(
        agora["stranger"],
        serde_json::json!([403, "Forbidden. Key is blacklisted: Unrecognized hotkey."])
    );
    assert_eq!(
        agora["replayed"],
        serde_json::json!([
            [200, "Success"],
            [
                401,
                "Not Verified with error: Nonce is too old, a newer one was last processed"
            ]
        ])
    );

    // The same battery against the reference axon: the same codes and messages.
    let port = common::free_port();
    let home = tempdir();
    let wallets = home.join("wallets");
    let alice = key("//Alice").public().to_string();
    let child = common::spawn_ready(
        common::script(
            &py,
            "axon_server.py",
            &[
                &port.to_string(),
                "//Miner",
                wallets.to_str().expect("utf-8"),
                &alice,
            ],
            &home,
        ),
        Duration::from_secs(120),
    )
    .await;
    let reference = python_dendrite_battery(&py, port, &miner_ss58).await;
    drop(child);
    for case in ["dummy", "tampered", "bad_signature", "replayed", "stranger"] {
        assert_eq!(shape(&agora[case]), shape(&reference[case]), "case {case}");
    }
    assert_eq!(reference["hashed"][0], 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agora_dendrite_to_python_axon() {
    let Some(py) = common::python("bt10") else {
        return;
    };
    let port = common::free_port();
    let home = tempdir();
    let wallets = home.join("wallets");
    let alice = key("//Alice").public().to_string();
    let _child = common::spawn_ready(
        common::script(
            &py,
            "axon_server.py",
            &[
                &port.to_string(),
                "//Miner",
                wallets.to_str().expect("utf-8"),
                &alice,
            ],
            &home,
        ),
        Duration::from_secs(120),
    )
    .await;
    let target = AxonTarget {
        ip: "127.0.0.1".into(),
        port,
        hotkey: key("//Miner").public().to_string(),
    };
    let d = Dendrite::new(key("//Alice"));
    let r = d
        .call(
            &target,
            &Dummy {
                dummy_input: 21,
                dummy_output: None,
            },
            Duration::from_secs(10),
        )
        .await;
    assert_eq!((r.status_code, r.status_message.as_str()), (200, "Success"));
    assert_eq!(r.synapse.expect("synapse").dummy_output, Some(42));

    // Hash fields with quotes, unicode, floats and nested dicts: the Python axon recomputes
    // the hash with pydantic and str(); a mismatch would be a 500.
    let h = Hashed {
        text: "it's a \"test\" é\u{a0}中\n".into(),
        n: -7,
        values: vec![0.1, 1e16, 2.0, -0.0, 1.5e-7],
        meta: serde_json::json!({"z": [1, null, true], "a": {"nested": "x'y"}, "f": 3.25}),
        out: None,
    };
    let r = d.call(&target, &h, Duration::from_secs(10)).await;
    assert_eq!(r.status_code, 200, "{}", r.status_message);
    // serde_json's map is sorted, so the dict arrives as a, f, z.
    assert_eq!(
        r.synapse.expect("synapse").out.as_deref(),
        Some(
            "it's a \"test\" é\u{a0}中\n|-7|[0.1, 1e+16, 2.0, -0.0, 1.5e-07]|{'a': {'nested': \"x'y\"}, 'f': 3.25, 'z': [1, None, True]}"
        )
    );
    assert_eq!(r.axon.status_code, Some(200));

    let r = Dendrite::new(key("//Bob"))
        .call(
            &target,
            &Dummy {
                dummy_input: 1,
                dummy_output: None,
            },
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(
        (r.status_code, r.status_message.as_str()),
        (403, "Forbidden. Key is blacklisted: Unrecognized hotkey.")
    );

    let stale = AxonTarget {
        hotkey: key("//Other").public().to_string(),
        ..target.clone()
    };
    let r = d
        .call(
            &stale,
            &Dummy {
                dummy_input: 1,
                dummy_output: None,
            },
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(r.status_code, 401);
    assert!(
        r.status_message
            .starts_with("Not Verified with error: Signature mismatch with ")
    );
}
