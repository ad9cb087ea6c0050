//! `agora axon example`, `agora dendrite query`: the SDK's axon and dendrite on the command
//! line (docs/sdk.md). Wallet commands are in [`crate::commands::wallet`].
//!
//! Passwords are read from the terminal without echo; for scripts, `AGORA_WALLET_PASSWORD`
//! supplies one instead (it is read once and never printed).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use agora_primitives::{AccountId, Keypair};
use agora_sdk::axon::{AxonBuilder, AxonConfig, RateLimit};
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use agora_sdk::synapse::{SynapseSpec, fields_of_object};
use agora_sdk::template;
use agora_sdk::wallet::{self, Wallet, WalletError};
use anyhow::{Context as _, bail};
use clap::Args;

/// Where the wallets are.
#[derive(Debug, Clone)]
pub struct WalletPath {
    /// Wallets directory (default: $BT_WALLET_PATH or ~/.bittensor/wallets).
    pub wallet_path: Option<PathBuf>,
}

impl WalletPath {
    fn root(&self) -> PathBuf {
        self.wallet_path
            .as_deref()
            .map_or_else(wallet::default_root, wallet::expand_tilde)
    }
}

pub(crate) fn load_hotkey(path: &WalletPath, name: &str, hotkey: &str) -> anyhow::Result<Keypair> {
    let w = Wallet::new(path.root(), name)?;
    match w.hotkey(hotkey, None) {
        Err(WalletError::NeedPassword(_)) => {
            let pw = crate::context::password("Hotkey password: ")?;
            Ok(w.hotkey(hotkey, Some(&pw))?)
        }
        other => Ok(other?),
    }
}

/// `agora axon example`: serves the subnet template's `Dummy` until interrupted.
#[derive(Debug, Args)]
pub struct AxonExample {
    /// Port to listen on.
    #[arg(long)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "0.0.0.0")]
    pub ip: String,
    /// Wallet name.
    #[arg(long, default_value = "default")]
    pub wallet: String,
    /// Hotkey name.
    #[arg(long, default_value = "default")]
    pub hotkey: String,
    /// Only these hotkeys may call (others get the template's 403); repeatable.
    #[arg(long, value_name = "SS58")]
    pub allow: Vec<String>,
    /// Requests per second allowed per calling hotkey (burst twice that); 0 disables.
    #[arg(long, default_value_t = 100.0)]
    pub rate_limit: f64,
}

/// Runs `agora axon example`.
pub fn axon_example(args: AxonExample, path: &WalletPath) -> anyhow::Result<()> {
    let key = load_hotkey(path, &args.wallet, &args.hotkey)?;
    let allow = args
        .allow
        .iter()
        .map(|s| {
            AccountId::from_ss58(s)
                .map(|(a, _)| a)
                .with_context(|| format!("--allow {s}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let addr: SocketAddr = format!("{}:{}", args.ip, args.port)
        .parse()
        .with_context(|| format!("bad address {}:{}", args.ip, args.port))?;
    let hotkey = key.public();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot bind {addr}"))?;
        let config = AxonConfig {
            rate_limit: (args.rate_limit > 0.0).then_some(RateLimit {
                per_second: args.rate_limit,
                burst: 2.0 * args.rate_limit,
            }),
            ..AxonConfig::default()
        };
        let axon = template::miner(AxonBuilder::new(key).config(config), allow).build();
        let handle = axon.serve(listener)?;
        println!("serving Dummy on {} as {hotkey}", handle.local_addr);
        handle.wait().await?;
        anyhow::Ok(())
    })
}

/// `agora dendrite query`.
#[derive(Debug, Args)]
pub struct DendriteQuery {
    /// The axon's IP:PORT.
    #[arg(long)]
    pub axon: String,
    /// The axon's hotkey (SS58).
    #[arg(long)]
    pub axon_hotkey: String,
    /// The synapse class name.
    #[arg(long)]
    pub synapse: String,
    /// The synapse fields, as a JSON object.
    #[arg(long, default_value = "{}")]
    pub body: String,
    /// The synapse's `required_hash_fields`, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub hash_fields: Vec<String>,
    /// Wallet name (with --hotkey); without it a throwaway hotkey signs.
    #[arg(long)]
    pub wallet: Option<String>,
    /// Hotkey name.
    #[arg(long, default_value = "default")]
    pub hotkey: String,
    /// Timeout in seconds.
    #[arg(long, default_value_t = 12.0)]
    pub timeout: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `agora dendrite query`; returns whether the call succeeded.
pub fn dendrite_query(
    args: DendriteQuery,
    path: &WalletPath,
    out: &mut impl std::io::Write,
) -> anyhow::Result<bool> {
    let key = match &args.wallet {
        Some(w) => load_hotkey(path, w, &args.hotkey)?,
        None => Keypair::from_phrase(&agora_primitives::crypto::generate_phrase(12)?, None)?,
    };
    let (ip, port) = args
        .axon
        .rsplit_once(':')
        .context("--axon must be IP:PORT")?;
    let port: u16 = port.parse().context("--axon port")?;
    let ip = ip.trim_start_matches('[').trim_end_matches(']').to_owned();
    AccountId::from_ss58(&args.axon_hotkey).context("--axon-hotkey")?;
    // Every field of --body is a synapse field; required ones get input_obj headers as
    // empty values of their JSON type (what a Python axon needs).
    let fields = fields_of_object(&args.body).context("--body must be a JSON object")?;
    let required = fields
        .iter()
        .filter_map(|(k, v)| {
            let empty = match v.trim_start().as_bytes().first()? {
                b'"' => "\"\"",
                b'[' => "[]",
                b'{' => "{}",
                b't' | b'f' => "false",
                b'n' => return None,
                _ if v.contains(['.', 'e', 'E']) => "0.0",
                _ => "0",
            };
            Some((k.clone(), empty.to_owned()))
        })
        .collect();
    let spec = SynapseSpec {
        name: args.synapse.clone(),
        hash_fields: args.hash_fields.clone(),
        required_fields: required,
    };
    if !args.timeout.is_finite() || args.timeout <= 0.0 {
        bail!("--timeout must be a positive number of seconds");
    }
    let target = AxonTarget {
        ip,
        port,
        hotkey: args.axon_hotkey.clone(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let r = rt.block_on(async {
        Dendrite::new(key)
            .call_raw(
                &target,
                &spec,
                fields,
                Duration::from_secs_f64(args.timeout),
            )
            .await
    });
    let body: serde_json::Value = match &r.synapse {
        Some(fields) => {
            let mut m = serde_json::Map::new();
            for (k, v) in fields {
                m.insert(
                    k.clone(),
                    serde_json::from_str(v).unwrap_or(serde_json::Value::Null),
                );
            }
            serde_json::Value::Object(m)
        }
        None => serde_json::Value::Null,
    };
    let latency_ms = r.latency.as_secs_f64() * 1e3;
    if args.json {
        let j = serde_json::json!({
            "status_code": r.status_code,
            "status_message": r.status_message,
            "latency_ms": latency_ms,
            "body": body,
        });
        writeln!(out, "{j}")?;
    } else {
        writeln!(out, "status: {} {}", r.status_code, r.status_message)?;
        writeln!(out, "latency: {latency_ms:.3} ms")?;
        writeln!(out, "body: {body}")?;
    }
    Ok(r.is_success())
}
