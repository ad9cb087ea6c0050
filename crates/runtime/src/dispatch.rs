//! Routing of a decoded [`Call`] to the module that implements it.
//!
//! Every call runs inside [`Ctx::transactional`], so whatever a failing call wrote or
//! reported is dropped. Origin rules: calls marked C/H/O in protocol.md §11 need a signed
//! origin (the module checks which key it must be); root-only calls need [`Origin::Root`],
//! which only `Sudo::sudo` produces.

use crate::balances;
use crate::call::{BalancesCall, Call, SubtensorCall, SudoCall, SwapCall};
use crate::ctx::{Ctx, ensure_root, ensure_signed};
use crate::error::{DispatchResult, Error};
use crate::event::SudoEvent;
use crate::storage::SUDO_KEY;
use crate::types::{AxonInfo, ChainIdentity, Origin, PrometheusInfo, SubnetIdentity};
use crate::{childkeys, governance, neurons, root_claims, staking, subnets, swap, weights};

/// Max nesting of `Sudo::sudo` inside itself.
const MAX_SUDO_DEPTH: usize = 4;

/// Dispatches `call` from `origin`. An error leaves state and events as they were.
pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    dispatch_at(ctx, origin, call, 0)
}

fn dispatch_at(ctx: &mut Ctx<'_>, origin: Origin, call: Call, depth: usize) -> DispatchResult {
    ctx.transactional(|ctx| {
        if let Origin::Signed(who) = origin {
            neurons::coldkey_swap_guard(&ctx.st, &who, &call)?;
        }
        match call {
            Call::Balances(c) => dispatch_balances(ctx, origin, c),
            Call::SubtensorModule(c) => dispatch_subtensor(ctx, origin, c),
            Call::Sudo(c) => dispatch_sudo(ctx, origin, c, depth),
            Call::AdminUtils(c) => governance::dispatch(ctx, origin, c),
            Call::Swap(SwapCall::set_fee_rate { netuid, rate }) => {
                swap::set_fee_rate(ctx, origin, netuid, rate)
            }
        }
    })
}

fn dispatch_balances(ctx: &mut Ctx<'_>, origin: Origin, call: BalancesCall) -> DispatchResult {
    match call {
        BalancesCall::transfer_allow_death { dest, value } => {
            let who = ensure_signed(origin)?;
            balances::transfer(ctx, &who, &dest, value, false)
        }
        BalancesCall::transfer_keep_alive { dest, value } => {
            let who = ensure_signed(origin)?;
            balances::transfer(ctx, &who, &dest, value, true)
        }
        BalancesCall::transfer_all { dest, keep_alive } => {
            let who = ensure_signed(origin)?;
            balances::transfer_all(ctx, &who, &dest, keep_alive)
        }
        BalancesCall::force_transfer {
            source,
            dest,
            value,
        } => {
            ensure_root(origin)?;
            balances::transfer(ctx, &source, &dest, value, false)
        }
    }
}

fn dispatch_sudo(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    call: SudoCall,
    depth: usize,
) -> DispatchResult {
    let who = ensure_signed(origin)?;
    if SUDO_KEY.get(&ctx.st) != Some(who) {
        return Err(Error::RequireSudo);
    }
    if depth >= MAX_SUDO_DEPTH {
        return Err(Error::CallDisabled);
    }
    match call {
        SudoCall::sudo { call } => {
            // The inner call's failure is reported in the event, not as the sudo call's error
            // (as in pallet_sudo): the sudo extrinsic itself succeeded.
            let sudo_result = dispatch_at(ctx, Origin::Root, *call, depth + 1);
            ctx.deposit(SudoEvent::Sudid { sudo_result });
            Ok(())
        }
        SudoCall::sudo_as { who: as_who, call } => {
            let sudo_result = dispatch_at(ctx, Origin::Signed(as_who), *call, depth + 1);
            ctx.deposit(SudoEvent::SudoAsDone { sudo_result });
            Ok(())
        }
        SudoCall::set_key { new } => {
            let old = SUDO_KEY.get(&ctx.st);
            SUDO_KEY.put(&mut ctx.st, &Some(new));
            ctx.deposit(SudoEvent::KeyChanged { old, new });
            Ok(())
        }
    }
}

fn dispatch_subtensor(ctx: &mut Ctx<'_>, origin: Origin, call: SubtensorCall) -> DispatchResult {
    use SubtensorCall as C;
    match call {
        // ---- weights (hotkey-signed)
        C::set_weights {
            netuid,
            dests,
            weights: values,
            version_key,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::set_weights(ctx, &hotkey, netuid, 0, &dests, &values, version_key)
        }
        C::set_mechanism_weights {
            netuid,
            mecid,
            dests,
            weights: values,
            version_key,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::set_weights(ctx, &hotkey, netuid, mecid, &dests, &values, version_key)
        }
        C::batch_set_weights {
            netuids,
            weights: values,
            version_keys,
        } => {
            let hotkey = ensure_signed(origin)?;
            let netuids: Vec<u16> = netuids.into_iter().map(|c| c.0).collect();
            let values: Vec<Vec<(u16, u16)>> = values
                .into_iter()
                .map(|row| row.into_iter().map(|(u, v)| (u.0, v.0)).collect())
                .collect();
            let version_keys: Vec<u64> = version_keys.into_iter().map(|c| c.0).collect();
            weights::batch_set_weights(ctx, &hotkey, &netuids, &values, &version_keys)
        }
        C::commit_weights {
            netuid,
            commit_hash,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::commit_weights(ctx, &hotkey, netuid, 0, commit_hash)
        }
        C::commit_mechanism_weights {
            netuid,
            mecid,
            commit_hash,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::commit_weights(ctx, &hotkey, netuid, mecid, commit_hash)
        }
        C::batch_commit_weights {
            netuids,
            commit_hashes,
        } => {
            let hotkey = ensure_signed(origin)?;
            let netuids: Vec<u16> = netuids.into_iter().map(|c| c.0).collect();
            weights::batch_commit_weights(ctx, &hotkey, &netuids, &commit_hashes)
        }
        C::reveal_weights {
            netuid,
            uids,
            values,
            salt,
            version_key,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::reveal_weights(ctx, &hotkey, netuid, 0, &uids, &values, &salt, version_key)
        }
        C::reveal_mechanism_weights {
            netuid,
            mecid,
            uids,
            values,
            salt,
            version_key,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::reveal_weights(
                ctx,
                &hotkey,
                netuid,
                mecid,
                &uids,
                &values,
                &salt,
                version_key,
            )
        }
        C::batch_reveal_weights {
            netuid,
            uids_list,
            values_list,
            salts_list,
            version_keys,
        } => {
            let hotkey = ensure_signed(origin)?;
            weights::batch_reveal_weights(
                ctx,
                &hotkey,
                netuid,
                &uids_list,
                &values_list,
                &salts_list,
                &version_keys,
            )
        }
        // ---- serving (hotkey-signed)
        C::serve_axon {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
            placeholder1,
            placeholder2,
        } => {
            let hotkey = ensure_signed(origin)?;
            let axon = axon_info(
                version,
                ip,
                port,
                ip_type,
                [protocol, placeholder1, placeholder2],
            );
            neurons::serve_axon(ctx, &hotkey, netuid, axon, None)
        }
        C::serve_axon_tls {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
            placeholder1,
            placeholder2,
            certificate,
        } => {
            let hotkey = ensure_signed(origin)?;
            let axon = axon_info(
                version,
                ip,
                port,
                ip_type,
                [protocol, placeholder1, placeholder2],
            );
            neurons::serve_axon(ctx, &hotkey, netuid, axon, Some(certificate))
        }
        C::serve_prometheus {
            netuid,
            version,
            ip,
            port,
            ip_type,
        } => {
            let hotkey = ensure_signed(origin)?;
            let info = PrometheusInfo {
                block: 0,
                version,
                ip,
                port,
                ip_type,
            };
            neurons::serve_prometheus(ctx, &hotkey, netuid, info)
        }
        // ---- registration (coldkey-signed)
        C::burned_register { netuid, hotkey } | C::register { netuid, hotkey, .. } => {
            let coldkey = ensure_signed(origin)?;
            neurons::burned_register(ctx, &coldkey, netuid, &hotkey, None)
        }
        C::register_limit {
            netuid,
            hotkey,
            limit_price,
        } => {
            let coldkey = ensure_signed(origin)?;
            neurons::burned_register(ctx, &coldkey, netuid, &hotkey, Some(limit_price))
        }
        C::try_associate_hotkey { hotkey } => {
            let coldkey = ensure_signed(origin)?;
            neurons::try_associate_hotkey(ctx, &coldkey, &hotkey)
        }
        C::set_identity {
            name,
            url,
            github_repo,
            image,
            discord,
            description,
            additional,
        } => {
            let coldkey = ensure_signed(origin)?;
            let identity = ChainIdentity {
                name,
                url,
                github_repo,
                image,
                discord,
                description,
                additional,
            };
            neurons::set_identity(ctx, &coldkey, identity)
        }
        C::increase_take { hotkey, take } => {
            let coldkey = ensure_signed(origin)?;
            neurons::increase_take(ctx, &coldkey, &hotkey, take)
        }
        C::decrease_take { hotkey, take } => {
            let coldkey = ensure_signed(origin)?;
            neurons::decrease_take(ctx, &coldkey, &hotkey, take)
        }
        // ---- root registration and childkeys (coldkey-signed unless root-only)
        C::root_register { hotkey } => {
            let coldkey = ensure_signed(origin)?;
            neurons::root_register(ctx, &coldkey, &hotkey)
        }
        C::set_children {
            hotkey,
            netuid,
            children,
        } => {
            let coldkey = ensure_signed(origin)?;
            childkeys::set_children(ctx, &coldkey, &hotkey, netuid, children)
        }
        C::set_childkey_take {
            hotkey,
            netuid,
            take,
        } => {
            let coldkey = ensure_signed(origin)?;
            childkeys::set_childkey_take(ctx, &coldkey, &hotkey, netuid, take)
        }
        C::set_auto_parent_delegation_enabled { hotkey, enabled } => {
            let coldkey = ensure_signed(origin)?;
            childkeys::set_auto_parent_delegation_enabled(ctx, &coldkey, &hotkey, enabled)
        }
        C::sudo_set_tx_childkey_take_rate_limit { tx_rate_limit } => {
            ensure_root(origin)?;
            childkeys::sudo_set_tx_childkey_take_rate_limit(ctx, tx_rate_limit);
            Ok(())
        }
        C::sudo_set_min_childkey_take { take } => {
            ensure_root(origin)?;
            childkeys::sudo_set_min_childkey_take(ctx, take);
            Ok(())
        }
        C::sudo_set_max_childkey_take { take } => {
            ensure_root(origin)?;
            childkeys::sudo_set_max_childkey_take(ctx, take);
            Ok(())
        }
        C::set_pending_childkey_cooldown { cooldown } => {
            ensure_root(origin)?;
            childkeys::set_pending_childkey_cooldown(ctx, cooldown);
            Ok(())
        }
        // ---- key swaps
        C::swap_hotkey {
            hotkey,
            new_hotkey,
            netuid,
        } => {
            let coldkey = ensure_signed(origin)?;
            neurons::swap_hotkey(ctx, &coldkey, &hotkey, &new_hotkey, netuid, false)
        }
        C::swap_hotkey_v2 {
            hotkey,
            new_hotkey,
            netuid,
            keep_stake,
        } => {
            let coldkey = ensure_signed(origin)?;
            neurons::swap_hotkey(ctx, &coldkey, &hotkey, &new_hotkey, netuid, keep_stake)
        }
        C::announce_coldkey_swap { new_coldkey_hash } => {
            let who = ensure_signed(origin)?;
            neurons::announce_coldkey_swap(ctx, &who, new_coldkey_hash)
        }
        C::swap_coldkey_announced { new_coldkey } => {
            let who = ensure_signed(origin)?;
            neurons::swap_coldkey_announced(ctx, &who, &new_coldkey)
        }
        C::dispute_coldkey_swap => {
            let who = ensure_signed(origin)?;
            neurons::dispute_coldkey_swap(ctx, &who)
        }
        C::clear_coldkey_swap_announcement => {
            let who = ensure_signed(origin)?;
            neurons::clear_coldkey_swap_announcement(ctx, &who)
        }
        C::swap_coldkey {
            old_coldkey,
            new_coldkey,
            swap_cost,
        } => {
            ensure_root(origin)?;
            neurons::swap_coldkey(ctx, &old_coldkey, &new_coldkey, swap_cost)
        }
        C::reset_coldkey_swap { coldkey } => {
            ensure_root(origin)?;
            neurons::reset_coldkey_swap(ctx, &coldkey)
        }
        // ---- subnets
        C::register_network { hotkey } => {
            let coldkey = ensure_signed(origin)?;
            subnets::register_network(ctx, &coldkey, &hotkey, None)
        }
        C::register_network_with_identity { hotkey, identity } => {
            let coldkey = ensure_signed(origin)?;
            subnets::register_network(ctx, &coldkey, &hotkey, identity)
        }
        C::dissolve_network { netuid, .. } | C::root_dissolve_network { netuid } => {
            ensure_root(origin)?;
            subnets::dissolve_network(ctx, netuid)
        }
        C::start_call { netuid } => {
            let who = ensure_signed(origin)?;
            subnets::start_call(ctx, &who, netuid)
        }
        C::set_subnet_identity {
            netuid,
            subnet_name,
            github_repo,
            subnet_contact,
            subnet_url,
            discord,
            description,
            logo_url,
            additional,
        } => {
            let who = ensure_signed(origin)?;
            let identity = SubnetIdentity {
                subnet_name,
                github_repo,
                subnet_contact,
                subnet_url,
                discord,
                description,
                logo_url,
                additional,
            };
            subnets::set_subnet_identity(ctx, &who, netuid, identity)
        }
        C::update_symbol { netuid, symbol } => subnets::update_symbol(ctx, origin, netuid, symbol),
        C::set_tempo { netuid, tempo } => {
            let who = ensure_signed(origin)?;
            subnets::set_tempo(ctx, &who, netuid, tempo)
        }
        C::set_activity_cutoff_factor {
            netuid,
            factor_milli,
        } => subnets::set_activity_cutoff_factor(ctx, origin, netuid, factor_milli),
        C::trigger_epoch { netuid } => {
            let who = ensure_signed(origin)?;
            subnets::trigger_epoch(ctx, &who, netuid)
        }
        // ---- root claims
        C::claim_root { subnets } => root_claims::claim_root(ctx, origin, &subnets),
        C::set_root_claim_type {
            new_root_claim_type,
        } => root_claims::set_root_claim_type(ctx, origin, new_root_claim_type),
        C::sudo_set_num_root_claims { new_value } => {
            root_claims::sudo_set_num_root_claims(ctx, origin, new_value)
        }
        C::sudo_set_root_claim_threshold { netuid, new_value } => {
            root_claims::sudo_set_root_claim_threshold(ctx, origin, netuid, new_value)
        }
        // ---- staking (coldkey-signed)
        call => dispatch_staking(ctx, origin, call),
    }
}

fn dispatch_staking(ctx: &mut Ctx<'_>, origin: Origin, call: SubtensorCall) -> DispatchResult {
    use SubtensorCall as C;
    use staking::calls as s;
    let coldkey = ensure_signed(origin)?;
    let c = &coldkey;
    match call {
        C::add_stake {
            hotkey,
            netuid,
            amount_staked,
        } => s::add_stake(ctx, c, &hotkey, netuid, amount_staked).map(|_| ()),
        C::add_stake_limit {
            hotkey,
            netuid,
            amount_staked,
            limit_price,
            allow_partial,
        } => s::add_stake_limit(
            ctx,
            c,
            &hotkey,
            netuid,
            amount_staked,
            limit_price,
            allow_partial,
        )
        .map(|_| ()),
        C::remove_stake {
            hotkey,
            netuid,
            amount_unstaked,
        } => s::remove_stake(ctx, c, &hotkey, netuid, amount_unstaked),
        C::remove_stake_limit {
            hotkey,
            netuid,
            amount_unstaked,
            limit_price,
            allow_partial,
        } => s::remove_stake_limit(
            ctx,
            c,
            &hotkey,
            netuid,
            amount_unstaked,
            limit_price,
            allow_partial,
        ),
        C::remove_stake_full_limit {
            hotkey,
            netuid,
            limit_price,
        } => s::remove_stake_full_limit(ctx, c, &hotkey, netuid, limit_price),
        C::unstake_all { hotkey } => s::unstake_all(ctx, c, &hotkey),
        C::unstake_all_alpha { hotkey } => s::unstake_all_alpha(ctx, c, &hotkey),
        C::move_stake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => s::move_stake(
            ctx,
            c,
            (&origin_hotkey, &destination_hotkey),
            (origin_netuid, destination_netuid),
            alpha_amount,
        ),
        C::transfer_stake {
            destination_coldkey,
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => s::transfer_stake(
            ctx,
            c,
            &destination_coldkey,
            &hotkey,
            (origin_netuid, destination_netuid),
            alpha_amount,
        ),
        C::swap_stake {
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
        } => s::swap_stake(
            ctx,
            c,
            &hotkey,
            (origin_netuid, destination_netuid),
            alpha_amount,
            None,
        ),
        C::swap_stake_limit {
            hotkey,
            origin_netuid,
            destination_netuid,
            alpha_amount,
            limit_price,
            allow_partial,
        } => s::swap_stake(
            ctx,
            c,
            &hotkey,
            (origin_netuid, destination_netuid),
            alpha_amount,
            Some((limit_price, allow_partial)),
        ),
        C::recycle_alpha {
            hotkey,
            amount,
            netuid,
        } => s::recycle_alpha(ctx, c, &hotkey, amount, netuid).map(|_| ()),
        C::burn_alpha {
            hotkey,
            amount,
            netuid,
        } => s::burn_alpha(ctx, c, &hotkey, amount, netuid).map(|_| ()),
        C::add_stake_burn {
            hotkey,
            netuid,
            amount,
            limit,
        } => s::add_stake_burn(ctx, c, &hotkey, netuid, amount, limit),
        C::set_coldkey_auto_stake_hotkey { netuid, hotkey } => {
            s::set_coldkey_auto_stake_hotkey(ctx, c, netuid, &hotkey)
        }
        // Every other call is routed by `dispatch_subtensor`.
        _ => Err(Error::CallDisabled),
    }
}

/// The axon a `serve_axon[_tls]` call describes; the block is set when it is stored.
fn axon_info(version: u32, ip: u128, port: u16, ip_type: u8, tags: [u8; 3]) -> AxonInfo {
    let [protocol, placeholder1, placeholder2] = tags;
    AxonInfo {
        block: 0,
        version,
        ip,
        port,
        ip_type,
        protocol,
        placeholder1,
        placeholder2,
    }
}
