//! Serving endpoints: `serve_axon`, `serve_axon_tls`, `serve_prometheus` (protocol.md §7.6,
//! `ST/subnets/serving.rs`, `ST/lib.rs:174-197`).
//!
//! A registered hotkey publishes where it listens. Endpoints are rate-limited per hotkey and
//! subnet by `ServingRateLimit` (waived when the limit is 0 or nothing was served before).
//! The check orders differ between axon and prometheus exactly as in the reference.

use agora_primitives::AccountId;

use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::uids::is_registered;
use crate::storage::{AXONS, NEURON_CERTIFICATES, NetUid, PROMETHEUS, SERVING_RATE_LIMIT};
use crate::types::{AxonInfo, NeuronCertificate, PrometheusInfo};

/// Longest accepted certificate: one algorithm byte and a 64-byte public key.
const MAX_CERTIFICATE_LEN: usize = 65;

fn is_valid_ip_type(ip_type: u8) -> bool {
    ip_type == 4 || ip_type == 6
}

/// `is_valid_ip_address`: IPv4 below 2^32 − 1 and not 127.0.0.1; IPv6 not all-ones and not
/// `::1`; zero only where allowed.
fn is_valid_ip_address(ip_type: u8, addr: u128, allow_zero: bool) -> bool {
    if !allow_zero && addr == 0 {
        return false;
    }
    match ip_type {
        4 => addr < u128::from(u32::MAX) && addr != 0x7f00_0001,
        6 => addr != u128::MAX && addr != 1,
        _ => true,
    }
}

fn passes_rate_limit(rate_limit: u64, last_serve: u64, now: u64) -> bool {
    rate_limit == 0 || last_serve == 0 || now.saturating_sub(last_serve) >= rate_limit
}

/// Parses a certificate as the reference's `TryFrom<Vec<u8>>`: first byte the algorithm, the
/// rest (≤ 64 bytes) the public key; empty or longer than 65 bytes is rejected.
pub fn parse_certificate(raw: &[u8]) -> Option<NeuronCertificate> {
    if raw.len() > MAX_CERTIFICATE_LEN {
        return None;
    }
    let (algorithm, public_key) = raw.split_first()?;
    Some(NeuronCertificate {
        public_key: public_key.to_vec(),
        algorithm: *algorithm,
    })
}

/// `serve_axon` / `serve_axon_tls` (`do_serve_axon`): the hotkey must be registered on
/// `netuid` (`HotKeyNotRegisteredInNetwork`), then the ip type, the ip (zero allowed), the
/// rate limit and the port are checked. A parsable certificate is stored; an unparsable one
/// is ignored. The axon's `block` is set to the current block. Event `AxonServed`.
pub fn serve_axon(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    axon: AxonInfo,
    certificate: Option<Vec<u8>>,
) -> DispatchResult {
    let now = ctx.block;
    ensure(
        is_registered(&ctx.st, netuid, hotkey),
        Error::HotKeyNotRegisteredInNetwork,
    )?;
    ensure(is_valid_ip_type(axon.ip_type), Error::InvalidIpType)?;
    ensure(
        is_valid_ip_address(axon.ip_type, axon.ip, true),
        Error::InvalidIpAddress,
    )?;
    let prev = AXONS
        .try_get(&ctx.st, &(netuid, *hotkey))
        .unwrap_or_default();
    ensure(
        passes_rate_limit(SERVING_RATE_LIMIT.get(&ctx.st, &netuid), prev.block, now),
        Error::ServingRateLimitExceeded,
    )?;
    ensure(axon.port != 0, Error::InvalidPort)?;

    if let Some(cert) = certificate.as_deref().and_then(parse_certificate) {
        NEURON_CERTIFICATES.insert(&mut ctx.st, &(netuid, *hotkey), &cert);
    }
    let info = AxonInfo { block: now, ..axon };
    AXONS.insert(&mut ctx.st, &(netuid, *hotkey), &info);
    ctx.deposit(SubtensorEvent::AxonServed(netuid, *hotkey));
    Ok(())
}

/// `serve_prometheus` (`do_serve_prometheus`): ip type, ip (zero rejected), then
/// registration (`HotKeyNotRegisteredInNetwork`), rate limit and port. Event
/// `PrometheusServed`.
pub fn serve_prometheus(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    info: PrometheusInfo,
) -> DispatchResult {
    let now = ctx.block;
    ensure(is_valid_ip_type(info.ip_type), Error::InvalidIpType)?;
    ensure(
        is_valid_ip_address(info.ip_type, info.ip, false),
        Error::InvalidIpAddress,
    )?;
    ensure(
        is_registered(&ctx.st, netuid, hotkey),
        Error::HotKeyNotRegisteredInNetwork,
    )?;
    let prev = PROMETHEUS
        .try_get(&ctx.st, &(netuid, *hotkey))
        .unwrap_or_default();
    ensure(
        passes_rate_limit(SERVING_RATE_LIMIT.get(&ctx.st, &netuid), prev.block, now),
        Error::ServingRateLimitExceeded,
    )?;
    ensure(info.port != 0, Error::InvalidPort)?;
    let info = PrometheusInfo { block: now, ..info };
    PROMETHEUS.insert(&mut ctx.st, &(netuid, *hotkey), &info);
    ctx.deposit(SubtensorEvent::PrometheusServed(netuid, *hotkey));
    Ok(())
}
