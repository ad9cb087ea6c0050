//! Genesis files: the bundled local genesis builds, and malformed files fail with errors that
//! name the offending entry.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_runtime::genesis::{self, GenesisError};
use agora_runtime::state::Overlay;
use agora_runtime::storage::{
    BALANCES_ISSUANCE, FIRST_EMISSION_BLOCK_NUMBER, KEYS, NETWORKS_ADDED, SUBNET_ALPHA_IN,
    SUBNET_EMISSION_ENABLED, SUBNET_TAO, SUBNETWORK_N, SUDO_KEY, TEMPO, TOTAL_ISSUANCE,
};
use agora_runtime::testing::account;

const LOCAL: &str = include_str!("../../../genesis/local.json");

#[test]
fn bundled_local_genesis_builds() {
    let state = genesis::from_json(LOCAL).unwrap();
    let st = Overlay::new(&state);
    assert_eq!(SUDO_KEY.get(&st), Some(account("//Alice")));
    assert!(NETWORKS_ADDED.get(&st, &0));
    assert!(NETWORKS_ADDED.get(&st, &1));
    assert_eq!(SUBNETWORK_N.get(&st, &1), 3);
    assert_eq!(KEYS.get(&st, &(1, 0)), account("//Alice//hot"));
    assert_eq!(TEMPO.get(&st, &1), 360);
    assert_eq!(FIRST_EMISSION_BLOCK_NUMBER.get(&st, &1), 1);
    assert!(SUBNET_EMISSION_ENABLED.get(&st, &1));
    // Six accounts of 1 000 000 TAO plus the subnet's pool (NetworkMinLockCost = 100 TAO)
    // minted into the subnet account.
    assert_eq!(
        TOTAL_ISSUANCE.get(&st),
        6_000_000_000_000_000 + 100_000_000_000
    );
    assert_eq!(SUBNET_TAO.get(&st, &1), 100_000_000_000);
    assert_eq!(SUBNET_ALPHA_IN.get(&st, &1), 100_000_000_000);
    assert_eq!(BALANCES_ISSUANCE.get(&st), TOTAL_ISSUANCE.get(&st));
    // Deterministic: the same file gives the same state and genesis hash.
    let again = genesis::from_json(LOCAL).unwrap();
    assert_eq!(state.root(), again.root());
    assert_eq!(genesis::genesis_hash(&state), genesis::genesis_hash(&again));
}

#[test]
fn chain_id_changes_the_genesis_hash() {
    let other = LOCAL.replace("agora-local", "agora-other");
    let a = genesis::from_json(LOCAL).unwrap();
    let b = genesis::from_json(&other).unwrap();
    assert_ne!(genesis::genesis_hash(&a), genesis::genesis_hash(&b));
}

fn err(json: &str) -> GenesisError {
    genesis::from_json(json).unwrap_err()
}

#[test]
fn malformed_files_are_refused_with_a_reason() {
    assert!(matches!(
        err(r#"{"chain_id":"x","bogus":1}"#),
        GenesisError::Parse(_)
    ));
    assert!(matches!(
        err(r#"{"chain_id":"x","balances":[["not-an-address",1]]}"#),
        GenesisError::Account(a) if a == "not-an-address"
    ));
    assert!(matches!(
        err(r#"{"chain_id":"x","params":{"NoSuchParam":1}}"#),
        GenesisError::Param(p, _) if p == "NoSuchParam"
    ));
    assert!(matches!(
        err(r#"{"chain_id":"x","params":{"MaxEpochsPerBlock":0}}"#),
        GenesisError::Param(..)
    ));
    assert!(matches!(
        err(
            r#"{"chain_id":"x","balances":[["//Alice",18446744073709551615],["//Bob",18446744073709551615]]}"#
        ),
        GenesisError::Supply
    ));
    let sn = r#"{"netuid":1,"owner_coldkey":"//Alice","owner_hotkey":"//A"}"#;
    assert!(matches!(
        err(&format!(r#"{{"chain_id":"x","subnets":[{sn},{sn}]}}"#)),
        GenesisError::Netuid(1)
    ));
    assert!(matches!(
        err(
            r#"{"chain_id":"x","subnets":[{"netuid":0,"owner_coldkey":"//Alice","owner_hotkey":"//A"}]}"#
        ),
        GenesisError::Netuid(0)
    ));
    assert!(matches!(
        err(
            r#"{"chain_id":"x","subnets":[{"netuid":1,"owner_coldkey":"//Alice","owner_hotkey":"//A","params":{"MaxAllowedUids":300}}]}"#
        ),
        GenesisError::Param(..)
    ));
}
