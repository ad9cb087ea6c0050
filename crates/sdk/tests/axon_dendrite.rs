//! Agora dendrite ↔ Agora axon over real sockets on 127.0.0.1.

use std::time::Duration;

use agora_primitives::Keypair;
use agora_sdk::axon::{AxonBuilder, AxonConfig, ForwardError, RateLimit, StreamSender};
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use agora_sdk::synapse::{Synapse, SynapseSpec};
use agora_sdk::template::{self, Dummy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Echo {
    text: String,
    n: i64,
    values: Vec<f64>,
    out: Option<String>,
}

impl Synapse for Echo {
    const NAME: &'static str = "Echo";
    const HASH_FIELDS: &'static [&'static str] = &["text", "n", "values"];
    const REQUIRED_FIELDS: &'static [(&'static str, &'static str)] =
        &[("text", "\"\""), ("n", "0"), ("values", "[]")];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Slow {
    ms: u64,
}

impl Synapse for Slow {
    const NAME: &'static str = "Slow";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tokens {
    words: Vec<String>,
}

impl Synapse for Tokens {
    const NAME: &'static str = "Tokens";
}

fn key(uri: &str) -> Keypair {
    Keypair::from_uri(uri).expect("dev uri")
}

async fn start(builder: AxonBuilder) -> (agora_sdk::axon::AxonHandle, AxonTarget) {
    let axon = builder.build();
    let hotkey = axon.hotkey().to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let handle = axon.serve(listener).expect("serve");
    let target = AxonTarget {
        ip: "127.0.0.1".into(),
        port: handle.local_addr.port(),
        hotkey,
    };
    (handle, target)
}

#[tokio::test]
async fn dummy_echo_blacklist_and_errors() {
    let alice = key("//Alice");
    let bob = key("//Bob");
    let builder = template::miner(AxonBuilder::new(key("//Miner")), vec![alice.public()])
        .forward(|_c, mut e: Echo| async move {
            e.out = Some(format!("{}x{}", e.text, e.n));
            Ok(e)
        })
        .forward(|_c, s: Slow| async move {
            tokio::time::sleep(Duration::from_millis(s.ms)).await;
            Ok(s)
        });
    let (handle, target) = start(builder).await;

    let d = Dendrite::new(alice);
    let r = d
        .call(
            &target,
            &Dummy {
                dummy_input: 21,
                dummy_output: None,
            },
            Duration::from_secs(5),
        )
        .await;
    assert_eq!((r.status_code, r.status_message.as_str()), (200, "Success"));
    assert_eq!(r.synapse.expect("body").dummy_output, Some(42));
    assert_eq!(r.axon.status_code, Some(200));
    assert!(r.latency > Duration::ZERO);

    let echo = Echo {
        text: "it's \"q\"".into(),
        n: -3,
        values: vec![0.1, 1e16, 2.0],
        out: None,
    };
    let r = d.call(&target, &echo, Duration::from_secs(5)).await;
    assert_eq!(r.status_code, 200, "{}", r.status_message);
    assert_eq!(
        r.synapse.expect("body").out.as_deref(),
        Some("it's \"q\"x-3")
    );

    // Not on the allow list: the template's blacklist answer.
    let r = Dendrite::new(bob)
        .call(
            &target,
            &Dummy {
                dummy_input: 1,
                dummy_output: None,
            },
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(r.status_code, 403);
    assert_eq!(
        r.status_message,
        "Forbidden. Key is blacklisted: Unrecognized hotkey."
    );

    // Addressed to another hotkey: the signature does not verify for this axon.
    let wrong = AxonTarget {
        hotkey: key("//Other").public().to_string(),
        ..target.clone()
    };
    let r = d
        .call(
            &wrong,
            &Dummy {
                dummy_input: 1,
                dummy_output: None,
            },
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(r.status_code, 401);
    assert!(
        r.status_message
            .starts_with("Not Verified with error: Signature mismatch with ")
    );

    // Unknown synapse.
    let spec = SynapseSpec {
        name: "Nope".into(),
        ..SynapseSpec::default()
    };
    let r = d
        .call_raw(&target, &spec, vec![], Duration::from_secs(5))
        .await;
    assert_eq!(r.status_code, 404);
    assert_eq!(
        r.status_message,
        "Synapse name 'Nope' not found. Available synapses ['Synapse', 'Dummy', 'Echo', 'Slow']"
    );

    // The server enforces the timeout; the client's own timeout is later.
    let r = d
        .call(&target, &Slow { ms: 3_000 }, Duration::from_millis(300))
        .await;
    assert_eq!(r.status_code, 408, "{}", r.status_message);

    // Concurrent queries to many axons, each with its own result.
    let dead = AxonTarget {
        port: 1,
        ..target.clone()
    };
    let rs = d
        .query(
            &[target.clone(), dead, target.clone()],
            &Dummy {
                dummy_input: 2,
                dummy_output: None,
            },
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        rs.iter().map(|r| r.status_code).collect::<Vec<_>>(),
        vec![200, 503, 200]
    );
    assert!(
        rs[1]
            .status_message
            .starts_with("Service unavailable at 127.0.0.1:1/Dummy")
    );

    handle.stop().await.expect("stop");
}

#[tokio::test]
async fn bounds_rate_limit_and_body_size() {
    let config = AxonConfig {
        max_body_bytes: 2048,
        rate_limit: Some(RateLimit {
            per_second: 0.001,
            burst: 2.0,
        }),
        ..AxonConfig::default()
    };
    let builder = AxonBuilder::new(key("//Miner"))
        .config(config)
        .forward(template::forward);
    let (handle, target) = start(builder).await;
    let d = Dendrite::new(key("//Alice"));
    let big = Echo {
        text: "x".repeat(4096),
        n: 0,
        values: vec![],
        out: None,
    };
    // Echo is not served: 404 before anything else (and before the rate limit).
    let r = d.call(&target, &big, Duration::from_secs(5)).await;
    assert_eq!(r.status_code, 404);
    let ok = d
        .call(&target, &Dummy::default(), Duration::from_secs(5))
        .await;
    assert_eq!(ok.status_code, 200);
    let spec = SynapseSpec::of::<Dummy>();
    let r = d
        .call_raw(
            &target,
            &spec,
            vec![
                ("dummy_input".into(), "1".into()),
                ("pad".into(), format!("\"{}\"", "y".repeat(4096))),
            ],
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(r.status_code, 413, "{}", r.status_message);
    let limited = d
        .call(&target, &Dummy::default(), Duration::from_secs(5))
        .await;
    assert_eq!(limited.status_code, 429);
    handle.stop().await.expect("stop");
}

#[tokio::test]
async fn streaming() {
    let builder = AxonBuilder::new(key("//Miner")).forward_stream(
        |_c, t: Tokens, tx: StreamSender| async move {
            for w in t.words {
                tx.send(format!("{w} "))
                    .await
                    .map_err(|_| ForwardError::internal())?;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Ok(())
        },
    );
    let (handle, target) = start(builder).await;
    let d = Dendrite::new(key("//Alice"));
    let mut s = d
        .call_stream(
            &target,
            &Tokens {
                words: vec!["p".into(), "q".into()],
            },
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(s.response.status_code, 200);
    let mut got = Vec::new();
    while let Some(c) = s.next_chunk().await {
        got.extend_from_slice(&c);
    }
    assert_eq!(got, b"p q ");
    handle.stop().await.expect("stop");
}
