//! btauth/1 against the reference (bittensor 11.3.0): requests signed by the reference verify
//! in Agora (directly and through the axum middleware over HTTP), and Agora's verify there.

mod common;

use std::sync::Arc;
use std::time::Duration;

use agora_primitives::Keypair;
use agora_sdk::btauth::{self, AuthError, Caller, Verifier};
use axum::Extension;
use http_body_util::{BodyExt, Full};
use serde_json::Value;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("agora-btauth-{}", agora_sdk::util::uuid4()));
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

async fn tool(py: &std::path::PathBuf, args: &[&str]) -> Value {
    let home = tempdir();
    let out = common::run(
        common::script(py, "btauth_tool.py", args, &home),
        Duration::from_secs(120),
    )
    .await;
    std::fs::remove_dir_all(&home).ok();
    serde_json::from_str(out.trim().lines().last().unwrap_or("")).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_signs_agora_verifies_and_back() {
    let Some(py) = common::python("bt11") else {
        return;
    };
    let server = Keypair::from_uri("//Bob").expect("uri");
    let server_ss58 = server.public().to_string();
    let body = br#"{"prompt": "hello \u00e9"}"#;
    let now = agora_sdk::util::now_ns();

    // Reference → Agora, directly.
    let headers = tool(
        &py,
        &[
            "sign",
            "//Alice",
            "post",
            "/generate?x=1",
            &hex(body),
            &server_ss58,
            &now.to_string(),
        ],
    )
    .await;
    let pairs: Vec<(String, String)> = headers
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("str").to_owned()))
        .collect();
    let v = Verifier::new(server_ss58.clone());
    let caller = v
        .verify(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            body,
            "POST",
            "/generate?x=1",
            now,
        )
        .expect("reference signature verifies");
    assert_eq!(
        caller.hotkey,
        Keypair::from_uri("//Alice").expect("uri").public()
    );
    assert_eq!(
        v.verify(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            body,
            "POST",
            "/generate?x=1",
            now
        ),
        Err(AuthError::Replayed)
    );

    // Reference → Agora through the axum middleware over HTTP.
    let verifier = Arc::new(Verifier::new(server_ss58.clone()));
    let app = axum::Router::new()
        .route(
            "/generate",
            axum::routing::post(
                |Extension(c): Extension<Caller>, body: axum::body::Bytes| async move {
                    format!("{} sent {} bytes", c.hotkey, body.len())
                },
            ),
        )
        .layer(axum::middleware::from_fn_with_state(
            verifier,
            btauth::layer,
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let now2 = agora_sdk::util::now_ns();
    let headers = tool(
        &py,
        &[
            "sign",
            "//Alice",
            "POST",
            "/generate?x=1",
            &hex(body),
            &server_ss58,
            &now2.to_string(),
        ],
    )
    .await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    let send = |tamper: bool| {
        let mut req = hyper::Request::post(format!("http://{addr}/generate?x=1"));
        for (k, v) in headers.as_object().expect("object") {
            req = req.header(k.as_str(), v.as_str().expect("str"));
        }
        let b = if tamper {
            b"{}".to_vec()
        } else {
            body.to_vec()
        };
        client.request(req.body(Full::new(bytes::Bytes::from(b))).expect("request"))
    };
    let tampered = send(true).await.expect("response");
    assert_eq!(tampered.status(), 401);
    let ok = send(false).await.expect("response");
    assert_eq!(ok.status(), 200);
    let text = ok.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(
        String::from_utf8_lossy(&text),
        format!(
            "{} sent {} bytes",
            Keypair::from_uri("//Alice").expect("uri").public(),
            body.len()
        )
    );
    assert_eq!(send(false).await.expect("response").status(), 401, "replay");

    // Agora → reference.
    let alice = Keypair::from_uri("//Alice").expect("uri");
    let signed = btauth::sign(&alice, "PUT", "/v1/x?y=2", body, Some(&server_ss58), None);
    let json: serde_json::Map<String, Value> = signed
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
        .collect();
    let json = Value::Object(json).to_string();
    let ok = tool(
        &py,
        &[
            "verify",
            &json,
            &hex(body),
            "PUT",
            "/v1/x?y=2",
            &server_ss58,
        ],
    )
    .await;
    assert_eq!(ok["ok"], alice.public().to_string());
    let bad = tool(
        &py,
        &[
            "verify",
            &json,
            &hex(b"other"),
            "PUT",
            "/v1/x?y=2",
            &server_ss58,
        ],
    )
    .await;
    assert_eq!(bad["error"], "BadSignature");
    let wrong = tool(
        &py,
        &[
            "verify",
            &json,
            &hex(body),
            "PUT",
            "/v1/x?y=2",
            &alice.public().to_string(),
        ],
    )
    .await;
    assert_eq!(wrong["error"], "WrongReceiver");
}
