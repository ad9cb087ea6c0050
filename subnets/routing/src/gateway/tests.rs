use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::fakes::FakePool;
use super::*;
use crate::durable::scratch_dir;
use crate::generate::{Distribution, InstanceSpec, generate};
use crate::miner::Strategy;
use crate::problem::Kind;
use crate::solution::verify;
use crate::solve::Solver;

struct FixedClock(u64);

impl Clock for FixedClock {
    fn unix_secs(&self) -> u64 {
        self.0
    }
}

/// Accepts a request whose `X-Bittensor-Signature` is `good`, signed by `X-Bittensor-Hotkey`.
struct FakeBtauth;

impl SignatureAuth for FakeBtauth {
    fn verify(&self, _: &Method, _: &Uri, headers: &HeaderMap, _: &[u8]) -> Result<String, String> {
        let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
        if h("x-bittensor-signature") == "good" {
            Ok(h("x-bittensor-hotkey").to_owned())
        } else {
            Err("signature mismatch".into())
        }
    }
}

fn buyers() -> Vec<Buyer> {
    vec![
        Buyer {
            id: "acme".into(),
            key_blake2b: Some(key_hash("acme-key")),
            hotkey: None,
            quota: Quota {
                requests: 3,
                stops: 10_000,
            },
        },
        Buyer {
            id: "small".into(),
            key_blake2b: Some(key_hash("small-key")),
            hotkey: None,
            quota: Quota {
                requests: 100,
                stops: 50,
            },
        },
        Buyer {
            id: "signer".into(),
            key_blake2b: None,
            hotkey: Some("5Signer".into()),
            quota: Quota {
                requests: 100,
                stops: 10_000,
            },
        },
    ]
}

fn config() -> GatewayConfig {
    GatewayConfig {
        max_stops: 500,
        max_body_bytes: 64 * 1024,
        grace_ms: 50,
        ..GatewayConfig::default()
    }
}

fn gateway(dir: &std::path::Path, strategies: &[Strategy], btauth: bool) -> Router {
    let verifier: Option<Arc<dyn SignatureAuth>> = if btauth {
        Some(Arc::new(FakeBtauth))
    } else {
        None
    };
    let gw = Gateway::new(
        config(),
        buyers(),
        dir,
        Arc::new(FakePool::new(strategies)),
        Arc::new(FixedClock(1_000_000)),
        verifier,
    )
    .unwrap();
    router(Arc::new(gw))
}

fn problem(kind: Kind, stops: u32) -> Problem {
    generate(
        &InstanceSpec {
            kind,
            stops,
            distribution: Distribution::Clustered,
        },
        &[4; 32],
    )
}

fn solve_body(p: &Problem) -> String {
    json!({ "problem": p, "time_limit_ms": 200 }).to_string()
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {:?}", String::from_utf8_lossy(&bytes)));
    (status, v)
}

fn post(body: String, key: Option<&str>) -> Request<Body> {
    let mut b = Request::post("/v1/solve").header("content-type", "application/json");
    if let Some(k) = key {
        b = b.header("authorization", format!("Bearer {k}"));
    }
    b.body(Body::from(body)).unwrap()
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

const HONEST_AND_BAD: [Strategy; 5] = [
    Strategy::Lazy,
    Strategy::Faulty,
    Strategy::Solver(Solver::NearestNeighbour),
    Strategy::Solver(Solver::OrOpt),
    Strategy::Faulty,
];

#[tokio::test]
async fn authentication() {
    let dir = scratch_dir("gw-auth");
    let app = gateway(&dir, &HONEST_AND_BAD, false);
    let body = solve_body(&problem(Kind::Tsp, 30));
    let (s, v) = call(&app, post(body.clone(), None)).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, v) = call(&app, post(body.clone(), Some("wrong"))).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (s, _) = call(&app, post(body.clone(), Some("acme-key"))).await;
    assert_eq!(s, StatusCode::OK);
    let req = Request::post("/v1/solve")
        .header("x-api-key", "acme-key")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(call(&app, req).await.0, StatusCode::OK);
    // btauth/1 without a verifier: a clear refusal.
    let signed = |sig: &str| {
        Request::post("/v1/solve")
            .header("x-bittensor-version", "1")
            .header("x-bittensor-hotkey", "5Signer")
            .header("x-bittensor-signature", sig)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let (s, v) = call(&app, signed("good")).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNAUTHORIZED, "btauth_unavailable")
    );
    // With a verifier: the signer's hotkey is the buyer.
    let app = gateway(&scratch_dir("gw-auth2"), &HONEST_AND_BAD, true);
    assert_eq!(call(&app, signed("good")).await.0, StatusCode::OK);
    let (s, v) = call(&app, signed("bad")).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let req = Request::get("/v1/usage")
        .header("x-bittensor-version", "1")
        .header("x-bittensor-hotkey", "5Signer")
        .header("x-bittensor-signature", "good")
        .body(Body::empty())
        .unwrap();
    let (s, v) = call(&app, req).await;
    assert_eq!((s, v["buyer"].as_str()), (StatusCode::OK, Some("signer")));
    assert_eq!(v["used"]["requests"], 1);
}

#[tokio::test]
async fn input_limits_give_clear_json_errors() {
    let dir = scratch_dir("gw-limits");
    let app = gateway(&dir, &HONEST_AND_BAD, false);
    let key = Some("acme-key");
    let cases: Vec<(String, StatusCode, &str)> = vec![
        ("x".repeat(70 * 1024), StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        ("{not json".into(), StatusCode::BAD_REQUEST, "invalid_json"),
        (json!({"problem": problem(Kind::Tsp, 5), "extra": 1}).to_string(), StatusCode::BAD_REQUEST, "invalid_json"),
        (solve_body(&problem(Kind::Tsp, 501)), StatusCode::UNPROCESSABLE_ENTITY, "too_many_stops"),
        (
            json!({"problem": {"depot": {"x": 0, "y": 0}, "stops": [{"x": 2_000_000_000i64, "y": 0}]}}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_problem",
        ),
        (
            json!({"problem": {"depot": {"x": 0, "y": 0}, "stops": [{"x": 1, "y": 0, "demand": 9}], "capacity": 5}}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_problem",
        ),
        (json!({"problem": {"depot": {"x": 0, "y": 0}, "stops": []}}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_problem"),
        (json!({"problem": problem(Kind::Tsp, 5), "time_limit_ms": 5}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_time_limit"),
    ];
    for (body, status, want) in cases {
        let (s, v) = call(&app, post(body, key)).await;
        assert_eq!((s, code(&v)), (status, want), "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // None of those was billed.
    let req = Request::get("/v1/usage")
        .header("x-api-key", "acme-key")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, req).await.1["used"]["requests"], 0);
    let (s, v) = call(&app, Request::get("/nope").body(Body::empty()).unwrap()).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, v) = call(&app, Request::get("/v1/solve").body(Body::empty()).unwrap()).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

#[tokio::test]
async fn quotas_on_requests_and_stops() {
    let dir = scratch_dir("gw-quota");
    let app = gateway(&dir, &HONEST_AND_BAD, false);
    let body = solve_body(&problem(Kind::Cvrp, 20));
    for _ in 0..3 {
        assert_eq!(
            call(&app, post(body.clone(), Some("acme-key"))).await.0,
            StatusCode::OK
        );
    }
    let (s, v) = call(&app, post(body.clone(), Some("acme-key"))).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::TOO_MANY_REQUESTS, "quota_exceeded")
    );
    // 50 stops per period: two requests of 20 fit, a third does not.
    for _ in 0..2 {
        assert_eq!(
            call(&app, post(body.clone(), Some("small-key"))).await.0,
            StatusCode::OK
        );
    }
    let (s, v) = call(&app, post(body, Some("small-key"))).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::TOO_MANY_REQUESTS, "quota_exceeded")
    );
}

/// Usage survives a restart of the gateway (the journal is replayed), and a new period starts
/// from zero while all-time totals keep counting.
#[tokio::test]
async fn metering_persists_across_restarts() {
    let dir = scratch_dir("gw-meter");
    let body = solve_body(&problem(Kind::Tsp, 25));
    {
        let app = gateway(&dir, &HONEST_AND_BAD, false);
        for _ in 0..2 {
            assert_eq!(
                call(&app, post(body.clone(), Some("acme-key"))).await.0,
                StatusCode::OK
            );
        }
    }
    let app = gateway(&dir, &HONEST_AND_BAD, false);
    let usage = |app: Router| async move {
        let req = Request::get("/v1/usage")
            .header("authorization", "Bearer acme-key")
            .body(Body::empty())
            .unwrap();
        call(&app, req).await
    };
    let (s, v) = usage(app.clone()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["used"], json!({"requests": 2, "stops": 50}));
    assert_eq!(v["remaining"], json!({"requests": 1, "stops": 9_950}));
    assert_eq!(v["quota"], json!({"requests": 3, "stops": 10_000}));
    // Quota still enforced after the restart: one request left.
    assert_eq!(
        call(&app, post(body.clone(), Some("acme-key"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, post(body.clone(), Some("acme-key"))).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The next day.
    let gw = Gateway::new(
        config(),
        buyers(),
        &dir,
        Arc::new(FakePool::new(&HONEST_AND_BAD)),
        Arc::new(FixedClock(1_000_000 + 86_400)),
        None,
    )
    .unwrap();
    let (_, v) = usage(router(Arc::new(gw))).await;
    assert_eq!(v["used"]["requests"], 0);
    assert_eq!(v["all_time"], json!({"requests": 3, "stops": 75}));
}

/// The fan-out returns the cheapest *verified* answer: never the faulty miners' invalid ones,
/// and the or-opt miner beats the lazy and nearest-neighbour miners.
#[tokio::test]
async fn fan_out_picks_the_best_valid_answer() {
    for kind in [Kind::Tsp, Kind::Cvrp] {
        let dir = scratch_dir("gw-fan");
        let app = gateway(&dir, &HONEST_AND_BAD, false);
        let p = problem(kind, 120);
        let (s, v) = call(&app, post(solve_body(&p), Some("acme-key"))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let resp: SolveResponse = serde_json::from_value(v).unwrap();
        assert_eq!(verify(&p, &resp.solution).unwrap().cost, resp.cost);
        assert_eq!(resp.miner.uid, 4, "the or-opt miner wins");
        assert_eq!(resp.queried, 5);
        assert!(resp.valid >= 3, "lazy, NN and or-opt are valid");
        let nn = crate::solve::solve(
            &p,
            Solver::NearestNeighbour,
            &crate::solve::Budget::iterations(0),
            0,
        );
        assert!(resp.cost < verify(&p, &nn).unwrap().cost);
    }
}

#[tokio::test]
async fn no_valid_answer_and_no_miners() {
    let dir = scratch_dir("gw-none");
    let app = gateway(&dir, &[Strategy::Faulty; 4], false);
    let started = std::time::Instant::now();
    let (s, v) = call(
        &app,
        post(solve_body(&problem(Kind::Tsp, 30)), Some("acme-key")),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::BAD_GATEWAY, "no_valid_solution")
    );
    // Stalling miners are cut off at the time limit plus grace, not waited for.
    assert!(started.elapsed() < std::time::Duration::from_millis(1_000));
    let app = gateway(&scratch_dir("gw-empty"), &[], false);
    let (s, v) = call(
        &app,
        post(solve_body(&problem(Kind::Tsp, 30)), Some("acme-key")),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::SERVICE_UNAVAILABLE, "no_miners")
    );
    // Neither was billed.
    let req = Request::get("/v1/usage")
        .header("x-api-key", "acme-key")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, req).await.1["used"]["requests"], 0);
}

/// The OpenAPI document lists exactly the served routes, and each of them is routed.
#[tokio::test]
async fn openapi_matches_the_routes() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut served: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    served.sort();
    assert_eq!(documented, served);
    // Every $ref resolves.
    let text = OPENAPI;
    for part in text.split("\"$ref\": \"#/").skip(1) {
        let path = &part[..part.find('"').unwrap()];
        let mut node = &doc;
        for seg in path.split('/') {
            node = &node[seg];
        }
        assert!(!node.is_null(), "dangling $ref {path}");
    }
    // Every error code the gateway emits is in the document's enum.
    let codes: Vec<&str> =
        doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
    let mut listed: Vec<&str> = error::ERROR_CODES.to_vec();
    listed.sort_unstable();
    let mut documented_codes = codes.clone();
    documented_codes.sort_unstable();
    assert_eq!(listed, documented_codes);
    let app = gateway(&scratch_dir("gw-openapi"), &HONEST_AND_BAD, false);
    for (method, path) in ROUTES {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let (s, v) = call(&app, req).await;
        assert!(
            s != StatusCode::NOT_FOUND && s != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {s}"
        );
        if path == "/v1/openapi.json" {
            assert_eq!(v, doc);
        }
    }
}
