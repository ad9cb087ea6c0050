//! The reference's limit-price maxima tests, ported with their inputs and expected figures
//! (`pallets/subtensor/src/tests/staking.rs`, `test_max_amount_*`, subtensor 14bc6f9), run on
//! Agora's `swap::get_max_amount_{add,remove,move}`.
//!
//! The reference's mock sets the swap pallet's `MinimumReserve` to 100 where production (and
//! Agora) use 10^6; cases whose output reserve lies between the two would fail with
//! `ReservesTooLow` here and are left out, each noted where it was. Tolerances are the
//! reference test's own (`v / 10 000` for adds, `v / 100` for removes, the listed precision
//! for dynamic moves).
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_runtime::error::Error;
use agora_runtime::state::{MemBackend, Overlay};
use agora_runtime::storage::*;
use agora_runtime::swap::{self, get_max_amount_add, get_max_amount_move, get_max_amount_remove};

const STABLE: NetUid = 1;
const DYN: NetUid = 2;
const DYN2: NetUid = 3;

fn with_pools(f: impl FnOnce(&mut Overlay<'_>)) {
    let b = MemBackend::new();
    let mut st = Overlay::new(&b);
    NETWORKS_ADDED.insert(&mut st, &STABLE, &true);
    for n in [DYN, DYN2] {
        NETWORKS_ADDED.insert(&mut st, &n, &true);
        SUBNET_MECHANISM.insert(&mut st, &n, &1);
    }
    f(&mut st);
}

fn set_pool(st: &mut Overlay<'_>, netuid: NetUid, tao: u64, alpha: u64) {
    SUBNET_TAO.insert(st, &netuid, &tao);
    SUBNET_ALPHA_IN.insert(st, &netuid, &alpha);
}

fn within(got: u64, want: u64, eps: u64, what: &str) {
    assert!(
        got.abs_diff(want) <= eps,
        "{what}: got {got}, reference {want} (±{eps})"
    );
}

/// `test_max_amount_add_root`, `test_max_amount_add_stable`.
#[test]
fn max_amount_add_root_and_stable() {
    with_pools(|st| {
        for netuid in [ROOT_NETUID, STABLE] {
            for (limit, want) in [
                (0, 0),
                (999_999_999, 0),
                (1_000_000_000, u64::MAX),
                (1_000_000_001, u64::MAX),
                (2_000_000_000, u64::MAX),
            ] {
                assert_eq!(get_max_amount_add(st, netuid, limit), Ok(want));
            }
        }
    });
}

/// `test_max_amount_add_dynamic` (the cases with reserves of 100, 1 000 and 10 000 are left
/// out: below Agora's minimum reserve).
#[test]
fn max_amount_add_dynamic() {
    let cases: [(u64, u64, u64, Result<u64, Error>); 14] = [
        (
            1_000_000_000,
            1_000_000_000,
            0,
            Err(Error::PriceLimitExceeded),
        ),
        (1_000_000, 1_000_000, 4_000_000_000, Ok(1_000_500)),
        (1_000_000, 1_000_000, 9_000_000_000, Ok(2_001_000)),
        (1_000_000, 1_000_000, 16_000_000_000, Ok(3_001_500)),
        (
            1_000_000_000_000,
            1_000_000_000_000,
            16_000_000_000,
            Ok(3_001_500_000_000),
        ),
        (
            150_000_000_000,
            100_000_000_000,
            0,
            Err(Error::PriceLimitExceeded),
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000,
            Err(Error::PriceLimitExceeded),
        ),
        (
            150_000_000_000,
            100_000_000_000,
            500_000_000,
            Err(Error::PriceLimitExceeded),
        ),
        (
            150_000_000_000,
            100_000_000_000,
            1_499_999_999,
            Err(Error::PriceLimitExceeded),
        ),
        (
            150_000_000_000,
            100_000_000_000,
            1_500_000_000,
            Err(Error::PriceLimitExceeded),
        ),
        (150_000_000_000, 100_000_000_000, 1_500_000_001, Ok(49)),
        (
            150_000_000_000,
            100_000_000_000,
            6_000_000_000,
            Ok(150_075_000_000),
        ),
        (u64::MAX / 2, u64::MAX, u64::MAX, Ok(u64::MAX)),
        (
            1_000_000_000,
            1_000_000_000,
            1,
            Err(Error::PriceLimitExceeded),
        ),
    ];
    for (tao, alpha, limit, want) in cases {
        with_pools(|st| {
            set_pool(st, DYN, tao, alpha);
            let got = get_max_amount_add(st, DYN, limit);
            let what = format!("add tao {tao} alpha {alpha} limit {limit}");
            match want {
                Err(e) => assert_eq!(got, Err(e), "{what}"),
                Ok(v) => within(got.unwrap(), v, v / 10_000, &what),
            }
        });
    }
}

/// `test_max_amount_remove_root`, `test_max_amount_remove_stable`.
#[test]
fn max_amount_remove_root_and_stable() {
    with_pools(|st| {
        for netuid in [ROOT_NETUID, STABLE] {
            for (limit, want) in [
                (0, u64::MAX),
                (500_000_000, u64::MAX),
                (999_999_999, u64::MAX),
                (1_000_000_000, u64::MAX),
                (1_000_000_001, 0),
                (2_000_000_000, 0),
            ] {
                assert_eq!(get_max_amount_remove(st, netuid, limit), Ok(want));
            }
        }
    });
}

/// `test_max_amount_remove_dynamic` (left out: the ten cases on pools of 1 000 and 1 001 TAO,
/// whose TAO reserve is below Agora's minimum reserve of 10^6).
#[test]
fn max_amount_remove_dynamic() {
    let cases: [(u64, u64, u64, Result<u64, Error>); 17] = [
        (0, 1_000_000_000, 100, Err(Error::ReservesTooLow)),
        (1_000_000_000, 0, 100, Err(Error::PriceLimitExceeded)),
        (10_000_000_000, 10_000_000_000, 0, Ok(10_000_000_000_000)),
        (1_000_000, 1_000_000, 250_000_000, Ok(1_010_000)),
        (1_000_000, 1_000_000, 62_500_000, Ok(3_030_000)),
        (
            1_000_000_000_000,
            1_000_000_000_000,
            62_500_000,
            Ok(3_030_000_000_000),
        ),
        (200_000_000_000, 100_000_000_000, 0, Ok(100_000_000_000_000)),
        (
            200_000_000_000,
            100_000_000_000,
            500_000_000,
            Ok(101_000_000_000),
        ),
        (
            200_000_000_000,
            100_000_000_000,
            125_000_000,
            Ok(303_000_000_000),
        ),
        (
            200_000_000_000,
            100_000_000_000,
            2_000_000_000,
            Err(Error::PriceLimitExceeded),
        ),
        (
            200_000_000_000,
            100_000_000_000,
            2_000_000_001,
            Err(Error::PriceLimitExceeded),
        ),
        (200_000_000_000, 100_000_000_000, 1_999_999_999, Ok(24)),
        (200_000_000_000, 100_000_000_000, 1_999_999_990, Ok(250)),
        (
            21_000_000_000_000_000,
            1_000_000,
            21_000_000_000_000_000,
            Ok(17_455_533),
        ),
        (21_000_000_000_000_000, 1_000_000, u64::MAX, Ok(67_000)),
        (
            21_000_000_000_000_000,
            1_000_000_000_000_000_000,
            u64::MAX,
            Err(Error::PriceLimitExceeded),
        ),
        (
            21_000_000_000_000_000,
            1_000_000_000_000_000_000,
            20_000_000,
            Ok(24_700_000_000_000_000),
        ),
    ];
    let more = [
        (
            21_000_000_000_000_000u64,
            21_000_000_000_000_000u64,
            999_999_999u64,
            Ok(10_605_000u64),
        ),
        (
            21_000_000_000_000_000,
            21_000_000_000_000_000,
            0,
            Ok(u64::MAX),
        ),
    ];
    for (tao, alpha, limit, want) in cases.into_iter().chain(more) {
        with_pools(|st| {
            set_pool(st, DYN, tao, alpha);
            let got = get_max_amount_remove(st, DYN, limit);
            let what = format!("remove tao {tao} alpha {alpha} limit {limit}");
            match want {
                Err(e) => assert_eq!(got, Err(e), "{what}"),
                Ok(v) => within(got.unwrap(), v, v / 100, &what),
            }
        });
    }
}

/// `test_max_amount_move_root_root`, `test_max_amount_move_root_stable`.
#[test]
fn max_amount_move_between_stable_subnets() {
    with_pools(|st| {
        for (o, d) in [(ROOT_NETUID, ROOT_NETUID), (ROOT_NETUID, STABLE)] {
            for (limit, want) in [
                (0, u64::MAX),
                (500_000_000, u64::MAX),
                (999_999_999, u64::MAX),
                (1_000_000_000, u64::MAX),
                (1_000_000_001, 0),
                (2_000_000_000, 0),
            ] {
                assert_eq!(get_max_amount_move(st, o, d, limit), Ok(want));
            }
        }
    });
}

/// `test_max_amount_move_stable_dynamic`: price 0.5.
#[test]
fn max_amount_move_stable_to_dynamic() {
    with_pools(|st| {
        let tao = 50_000_000_000u64;
        set_pool(st, DYN, tao, 100_000_000_000);
        assert_eq!(
            swap::current_price(st, DYN),
            agora_primitives::U64F64::from_num(0.5)
        );
        assert_eq!(get_max_amount_move(st, STABLE, DYN, 0), Ok(u64::MAX));
        for limit in [
            2_000_000_000,
            3_000_000_000,
            u64::MAX,
            u64::MAX - 1,
            u64::MAX / 2,
        ] {
            assert_eq!(
                get_max_amount_move(st, STABLE, DYN, limit),
                Err(Error::PriceLimitExceeded),
                "limit {limit}"
            );
        }
        // 2× the price: about the TAO reserve plus 0.3 %.
        let got = get_max_amount_move(st, STABLE, DYN, 500_000_000).unwrap();
        within(got, tao + tao * 3 / 1_000, tao / 100, "2x price");
        assert!(get_max_amount_move(st, STABLE, DYN, 1_999_999_000).unwrap() > 0);
    });
}

/// `test_max_amount_move_dynamic_stable`: price 1.5.
#[test]
fn max_amount_move_dynamic_to_stable() {
    with_pools(|st| {
        let alpha = 100_000_000_000u64;
        set_pool(st, DYN, 150_000_000_000, alpha);
        assert_eq!(
            swap::current_price(st, DYN),
            agora_primitives::U64F64::from_num(1.5)
        );
        assert_eq!(get_max_amount_move(st, DYN, STABLE, 0), Ok(alpha * 1_000));
        for limit in [1, 2, 3, 1_499_999_999] {
            assert!(get_max_amount_move(st, DYN, STABLE, limit).unwrap() > 0);
        }
        assert_eq!(
            get_max_amount_move(st, DYN, STABLE, 1_500_000_001),
            Err(Error::PriceLimitExceeded)
        );
        within(
            get_max_amount_move(st, DYN, STABLE, 1_500_000_000).unwrap_or(0),
            0,
            10_000,
            "at the price",
        );
        within(
            get_max_amount_move(st, DYN, STABLE, 375_000_000).unwrap(),
            alpha + alpha / 2_000,
            alpha / 10_000,
            "1/4 price",
        );
        for limit in [u64::MAX, u64::MAX - 1, u64::MAX / 2] {
            assert!(
                get_max_amount_move(st, DYN, STABLE, limit).unwrap_or(0) < 21_000_000_000_000_000
            );
        }
    });
}

/// `test_max_amount_move_dynamic_dynamic`: every case of the reference table (closed form,
/// independent of the minimum reserve).
#[test]
fn max_amount_move_dynamic_to_dynamic() {
    let cases: [(u64, u64, u64, u64, u64, u64, u64); 28] = [
        (0, 1_000_000_000, 1_000_000_000, 1_000_000_000, 100, 0, 1),
        (1_000_000_000, 0, 1_000_000_000, 1_000_000_000, 100, 0, 1),
        (1_000_000_000, 1_000_000_000, 0, 1_000_000_000, 100, 0, 1),
        (1_000_000_000, 1_000_000_000, 1_000_000_000, 0, 100, 0, 1),
        (1, 1, 1, 1, 0, u64::MAX, 1),
        (1, 1, 1, 1, 1, 500_000_000, 1),
        (1, 1, 1, 1, 2, 250_000_000, 1),
        (1, 1, 1, 1, 3, 166_666_666, 1),
        (1, 1, 1, 1, 4, 125_000_000, 1),
        (1, 1, 1, 1, 1_000, 500_000, 1),
        (1_000, 1_000, 1_000, 1_000, 500_000_000, 500, 1),
        (1_000, 1_000, 1_000, 1_000, 100_000_000, 4_500, 1),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000,
            560_000_000_000,
            1_000_000,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            500_000_000,
            80_000_000_000,
            1_000_000,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            750_000_000,
            40_000_000_000,
            1_000_000,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            1_000_000_000,
            20_000_000_000,
            1_000,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            1_250_000_000,
            8_000_000_000,
            1_000,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            1_499_999_999,
            27,
            1,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            1_500_000_000,
            0,
            1,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            1_500_000_001,
            0,
            1,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            1_500_001_000,
            0,
            1,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            2_000_000_000,
            0,
            1,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            u64::MAX,
            0,
            1,
        ),
        (
            100_000_000_000,
            200_000_000_000,
            300_000_000_000,
            400_000_000_000,
            500_000_000,
            50_000_000_000,
            1_000,
        ),
        (
            1_000_000_000,
            1_000_000_000,
            1_000_000_000,
            1_000_000_000,
            1,
            499_999_999_500_000_000,
            100_000_000,
        ),
        (
            1_000_000,
            1_000_000,
            21_000_000_000_000_000,
            1_000_000_000_000_000_000,
            1,
            48_000_000_000_000_000,
            1_000_000_000_000_000,
        ),
        (
            150_000_000_000,
            100_000_000_000,
            100_000_000_000,
            100_000_000_000,
            u64::MAX,
            0,
            1,
        ),
        (
            1_000_000,
            1_000_000,
            21_000_000_000_000_000,
            1_000_000_000_000_000_000,
            u64::MAX,
            0,
            1,
        ),
    ];
    for (t1, a1, t2, a2, limit, want, precision) in cases {
        with_pools(|st| {
            set_pool(st, DYN, t1, a1);
            set_pool(st, DYN2, t2, a2);
            let got = get_max_amount_move(st, DYN, DYN2, limit).unwrap_or(0);
            within(
                got,
                want,
                precision,
                &format!("move {t1}/{a1} -> {t2}/{a2} limit {limit}"),
            );
        });
    }
}
