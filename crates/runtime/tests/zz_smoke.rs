#![allow(clippy::unwrap_used)]
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::storage::*;
use agora_runtime::testing::{TAO, TestChain, dev_genesis};
use agora_runtime::staking::total_hotkey_alpha;
use agora_runtime::genesis::parse_account;

#[test]
fn smoke() {
    let mut cfg = dev_genesis();
    for netuid in 1..=3u16 {
        cfg.subnets.push(GenesisSubnet {
            netuid,
            owner_coldkey: "//Alice".into(),
            owner_hotkey: format!("//Owner{netuid}"),
            started: true,
            params: [("Tempo".to_string(), 10u64), ("CommitRevealWeightsEnabled".to_string(), 0)].into(),
            neurons: vec![GenesisNeuron { hotkey: format!("//V{netuid}"), coldkey: "//Bob".into(), stake: 100 * TAO }],
            pool_tao: Some(1000 * TAO),
            pool_alpha: Some(1000 * TAO),
        });
    }
    let mut chain = TestChain::new(&cfg);
    for b in 1..=30u64 {
        chain.run_to_block(b);
        chain.read(|st| {
            let v = parse_account("//V1").unwrap();
            println!("b{b} TI={} BI={} E={} sn1 tao={} in={} out={} pend s/v/r/o={}/{}/{}/{} mp={} stakeV={} tin={} ain={} ex={}",
              TOTAL_ISSUANCE.get(st), BALANCES_ISSUANCE.get(st), BLOCK_EMISSION.get(st),
              SUBNET_TAO.get(st,&1), SUBNET_ALPHA_IN.get(st,&1), SUBNET_ALPHA_OUT.get(st,&1),
              PENDING_SERVER_EMISSION.get(st,&1), PENDING_VALIDATOR_EMISSION.get(st,&1), PENDING_ROOT_ALPHA_DIVS.get(st,&1), PENDING_OWNER_CUT.get(st,&1),
              SUBNET_MOVING_PRICE.get(st,&1), total_hotkey_alpha(st,&v,1), SUBNET_TAO_IN_EMISSION.get(st,&1), SUBNET_ALPHA_IN_EMISSION.get(st,&1), SUBNET_EXCESS_TAO.get(st,&1));
        });
    }
}
