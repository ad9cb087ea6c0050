//! End-to-end: a real `agora node --dev` driven and queried over JSON-RPC (HTTP and
//! WebSocket): submit, watch, query, subscribe, reject, metrics.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod node_util;

use std::io::{Read, Write};
use std::time::Duration;

use agora_runtime::Call;
use agora_runtime::call::BalancesCall;
use agora_runtime::testing::{TAO, account};
use jsonrpsee_core::client::{ClientT, SubscriptionClientT};
use jsonrpsee_core::rpc_params;
use jsonrpsee_ws_client::WsClientBuilder;
use node_util::*;
use serde_json::{Value, json};

fn transfer(to: &str, value: u64) -> Call {
    Call::Balances(BalancesCall::transfer_keep_alive {
        dest: account(to),
        value,
    })
}

#[test]
fn dev_node_serves_submit_watch_query_and_subscriptions() {
    let metrics_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let node = start_dev(None, 100, &["--metrics-addr", &metrics_addr]);
    let addr = node.rpc;

    // Static info and the first blocks (the first within a second of start).
    let info = call(addr, "system_info", json!([]));
    assert_eq!(info["ss58Format"], 42);
    assert_eq!(info["dev"], true);
    assert_eq!(info["blockTimeMs"], 100);
    wait_for(Duration::from_secs(10), || {
        (finalized_number(addr) >= 2).then_some(())
    });
    let genesis = genesis_hash(addr);

    // Reads.
    let alice = account("//Alice").to_string();
    let bob = account("//Bob").to_string();
    let bal = call(addr, "state_getBalance", json!([alice]));
    assert_eq!(bal["free"], 1_000_000 * TAO);
    assert_eq!(call(addr, "state_getNonce", json!([alice])), 0);
    let subnets = call(addr, "agora_subnets", json!([]));
    assert_eq!(subnets[0]["netuid"], 0);
    assert!(call(addr, "agora_hyperparameters", json!([0]))["tempo"].is_number());
    assert_eq!(
        call(addr, "agora_hyperparameters", json!([77])),
        Value::Null
    );
    let bad = http_call(addr, "state_getBalance", json!(["not-an-account"]));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let block1 = call(addr, "chain_getBlock", json!([1]));
    assert_eq!(block1["header"]["number"], 1);
    let by_hash = call(addr, "chain_getBlock", json!([block1["header"]["hash"]]));
    assert_eq!(by_hash["header"], block1["header"]);
    assert_eq!(
        call(addr, "chain_getBlockHash", json!([1])),
        block1["header"]["hash"]
    );

    // Rejections carry the reason.
    let garbage = http_call(addr, "author_submitExtrinsic", json!(["0x0102"]));
    assert_eq!(garbage["error"]["code"], 1010, "{garbage}");
    assert_eq!(garbage["error"]["data"]["reason"], "BadEncoding");
    let wrong_chain = sign("//Alice", &[7; 32], 0, transfer("//Bob", TAO));
    let r = http_call(addr, "author_submitExtrinsic", json!([wrong_chain]));
    assert_eq!(r["error"]["data"]["reason"], "BadSignature");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ws = WsClientBuilder::default()
            .build(format!("ws://{addr}"))
            .await
            .unwrap();
        let mut finalized = ws
            .subscribe::<Value, _>(
                "chain_subscribeFinalizedHeads",
                rpc_params![],
                "chain_unsubscribeFinalizedHeads",
            )
            .await
            .unwrap();
        let mut heads = ws
            .subscribe::<Value, _>(
                "chain_subscribeNewHeads",
                rpc_params![],
                "chain_unsubscribeNewHeads",
            )
            .await
            .unwrap();
        let mut events = ws
            .subscribe::<Value, _>(
                "chain_subscribeEvents",
                rpc_params![],
                "chain_unsubscribeEvents",
            )
            .await
            .unwrap();
        let a = finalized.next().await.unwrap().unwrap();
        let b = finalized.next().await.unwrap().unwrap();
        assert_eq!(
            b["number"].as_u64().unwrap(),
            a["number"].as_u64().unwrap() + 1
        );
        assert_eq!(b["parentHash"], a["hash"]);
        assert!(heads.next().await.unwrap().unwrap()["number"].is_number());

        // Submit and watch a transfer: ready → inBlock → finalized.
        let xt = sign("//Alice", &genesis, 0, transfer("//Bob", 5 * TAO));
        let mut watch = ws
            .subscribe::<Value, _>(
                "author_submitAndWatchExtrinsic",
                rpc_params![xt],
                "author_unwatchExtrinsic",
            )
            .await
            .unwrap();
        let mut statuses = Vec::new();
        loop {
            let s = tokio::time::timeout(Duration::from_secs(20), watch.next())
                .await
                .expect("status in time")
                .unwrap()
                .unwrap();
            let name = s["status"].as_str().unwrap().to_string();
            statuses.push(s.clone());
            if name == "finalized" || name == "failed" || name == "dropped" {
                break;
            }
        }
        let names: Vec<&str> = statuses
            .iter()
            .map(|s| s["status"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ready", "inBlock", "finalized"], "{statuses:?}");
        let fin = statuses.last().unwrap();
        let tx_hash = fin["hash"].as_str().unwrap().to_string();

        // Its events arrive on the events subscription.
        let found = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let e = events.next().await.unwrap().unwrap();
                if e["block"]["hash"] == fin["block"] {
                    return e;
                }
            }
        })
        .await
        .unwrap();
        let names: Vec<String> = found["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}.{}",
                    e["pallet"].as_str().unwrap(),
                    e["name"].as_str().unwrap()
                )
            })
            .collect();
        assert!(
            names.contains(&"Balances.Transfer".to_string()),
            "{names:?}"
        );

        // Queries over WebSocket see the new state.
        let bob_bal: Value = ws
            .request("state_getBalance", rpc_params![bob.clone()])
            .await
            .unwrap();
        assert_eq!(bob_bal["free"], 1_000_005 * TAO);
        let nonce: u32 = ws
            .request("state_getNonce", rpc_params![alice.clone()])
            .await
            .unwrap();
        assert_eq!(nonce, 1);
        let receipt: Value = ws
            .request("chain_getTransaction", rpc_params![tx_hash])
            .await
            .unwrap();
        assert_eq!(receipt["success"], true);
        assert!(receipt["fee"].as_u64().unwrap() > 0);

        // A call that fails at dispatch: included, fee paid, reported with the error's name.
        let too_much = sign("//Alice", &genesis, 1, transfer("//Bob", 10_000_000 * TAO));
        let mut watch = ws
            .subscribe::<Value, _>(
                "author_submitAndWatchExtrinsic",
                rpc_params![too_much],
                "author_unwatchExtrinsic",
            )
            .await
            .unwrap();
        let last = loop {
            let s = tokio::time::timeout(Duration::from_secs(20), watch.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            if s["status"] != "ready" && s["status"] != "inBlock" {
                break s;
            }
        };
        assert_eq!(last["status"], "failed", "{last}");
        assert_eq!(last["error"], "InsufficientBalance");
        // A stale nonce is refused at submission.
        let stale = sign("//Alice", &genesis, 0, transfer("//Bob", TAO));
        let r: Result<Value, _> = ws
            .request("author_submitExtrinsic", rpc_params![stale])
            .await;
        assert!(format!("{r:?}").contains("Stale"), "{r:?}");
    });

    // Oversized requests are refused before parsing (limit 2 MiB).
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"author_submitExtrinsic\",\"params\":[\"0x{}\"]}}",
        "ab".repeat(1_500_000)
    );
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        big.len()
    )
    .unwrap();
    let _ = s.write_all(big.as_bytes());
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    assert!(
        resp.starts_with("HTTP/1.1 413"),
        "{}",
        &resp[..resp.len().min(200)]
    );

    // Proofs verify against the reported root.
    let head = call(addr, "chain_getHead", json!([]));
    assert!(head["finalized"]["stateRoot"].is_string());

    // Prometheus metrics.
    let mut s = std::net::TcpStream::connect(&metrics_addr).unwrap();
    write!(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    for m in [
        "agora_block_height",
        "agora_finalized_height",
        "agora_mempool_size",
        "agora_block_time_seconds_bucket",
        "agora_rpc_latency_seconds_bucket{method=\"state_getBalance\"",
    ] {
        assert!(text.contains(m), "missing {m}");
    }
}
