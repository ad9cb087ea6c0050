//! Gateway throughput: `POST /v1/solve` through the whole axum router in-process (JSON
//! parsing, authentication, quota reservation, fan-out to 4 in-process miners, verification
//! of every answer, durable metering with `fdatasync`, JSON response).
//!
//! `cargo bench -p agora-subnet-routing --bench gateway`. `gateway_solve/N`: one request at
//! a time (requests per second = 1 / time); `gateway_solve_32_concurrent/N`: 32 requests in
//! flight at once (requests per second = 32 / time).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use agora_subnet_routing::durable::scratch_dir;
use agora_subnet_routing::gateway::fakes::FakePool;
use agora_subnet_routing::gateway::{
    Buyer, Gateway, GatewayConfig, Quota, SystemClock, key_hash, router,
};
use agora_subnet_routing::generate::{Distribution, InstanceSpec, generate};
use agora_subnet_routing::miner::Strategy;
use agora_subnet_routing::problem::Kind;
use agora_subnet_routing::solve::Solver;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("gateway_solve");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    for n in [20u32, 100, 500] {
        let dir = scratch_dir("bench-gw");
        let pool = FakePool::new(&[Strategy::Solver(Solver::NearestNeighbour); 4]);
        let gw = Gateway::new(
            GatewayConfig::default(),
            vec![Buyer {
                id: "bench".into(),
                key_blake2b: Some(key_hash("k")),
                hotkey: None,
                quota: Quota {
                    requests: u64::MAX,
                    stops: u64::MAX,
                },
            }],
            &dir,
            Arc::new(pool),
            Arc::new(SystemClock),
            None,
        )
        .expect("gateway");
        let app = router(Arc::new(gw));
        let p = generate(
            &InstanceSpec {
                kind: Kind::Cvrp,
                stops: n,
                distribution: Distribution::Mixed,
            },
            &[1; 32],
        );
        let body = serde_json::json!({ "problem": p, "time_limit_ms": 1000 }).to_string();
        let app_c = app.clone();
        let body_c = body.clone();
        g.bench_with_input(BenchmarkId::new("32_concurrent", n), &body_c, |b, body| {
            b.iter(|| {
                rt.block_on(async {
                    let mut set = tokio::task::JoinSet::new();
                    for _ in 0..32 {
                        let app = app_c.clone();
                        let body = body.clone();
                        set.spawn(async move {
                            let req = Request::post("/v1/solve")
                                .header("authorization", "Bearer k")
                                .body(Body::from(body))
                                .expect("request");
                            let resp = app.oneshot(req).await.expect("response");
                            assert_eq!(resp.status(), StatusCode::OK);
                            black_box(resp.into_body().collect().await.expect("body"));
                        });
                    }
                    while set.join_next().await.is_some() {}
                });
            });
        });
        g.bench_with_input(BenchmarkId::from_parameter(n), &body, |b, body| {
            b.iter(|| {
                rt.block_on(async {
                    let req = Request::post("/v1/solve")
                        .header("authorization", "Bearer k")
                        .body(Body::from(body.clone()))
                        .expect("request");
                    let resp = app.clone().oneshot(req).await.expect("response");
                    assert_eq!(resp.status(), StatusCode::OK);
                    black_box(resp.into_body().collect().await.expect("body"));
                });
            });
        });
        let _ = std::fs::remove_dir_all(dir);
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
