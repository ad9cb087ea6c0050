//! Node settings: the dev preset (`agora node --dev`) and the TOML configuration file
//! (`agora node --config FILE`), both resolved into [`Settings`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agora_consensus::ValidatorKey;
use agora_primitives::AccountId;
use agora_runtime::genesis::GenesisConfig;
use serde::Deserialize;

use crate::mempool::Limits;
use crate::rpc::RpcLimits;

/// Default block time.
pub const DEFAULT_BLOCK_TIME: Duration = Duration::from_millis(250);

/// One validator of the network.
#[derive(Clone, Debug)]
pub struct ValidatorSpec {
    /// ed25519 consensus public key.
    pub consensus_key: [u8; 32],
    /// Account credited with its blocks' fees.
    pub account: AccountId,
    /// p2p address.
    pub address: SocketAddr,
}

/// Where the node keeps its data.
#[derive(Clone, Debug)]
pub enum DataDir {
    /// A directory that survives restarts.
    Persistent(PathBuf),
    /// A fresh temporary directory, deleted when the node stops.
    Ephemeral,
}

/// Everything the node needs to run.
#[derive(Clone)]
pub struct Settings {
    /// Data directory.
    pub data_dir: DataDir,
    /// The runtime genesis.
    pub genesis: GenesisConfig,
    /// The validator set (this node included).
    pub validators: Vec<ValidatorSpec>,
    /// This node's consensus key.
    pub key: ValidatorKey,
    /// p2p listener.
    pub p2p_listen: SocketAddr,
    /// JSON-RPC (HTTP and WebSocket) listener.
    pub rpc_addr: SocketAddr,
    /// Prometheus listener, if any.
    pub metrics_addr: Option<SocketAddr>,
    /// Target block time.
    pub block_time: Duration,
    /// Mempool limits.
    pub mempool: Limits,
    /// RPC limits.
    pub rpc: RpcLimits,
    /// Development chain.
    pub dev: bool,
    /// Worker threads of the runtime.
    pub worker_threads: usize,
}

/// The dev chain's validator: the well-known key of seed 0, crediting `//Alice`.
pub fn dev_validator() -> (ValidatorKey, AccountId) {
    (
        ValidatorKey::dev(0),
        agora_runtime::testing::account("//Alice"),
    )
}

impl Settings {
    /// The dev preset: one validator (the dev key), the dev genesis (Alice is sudo; Alice,
    /// Bob, Charlie, Dave, Eve and Ferdie hold 1 000 000 TAO each), RPC on `rpc_addr`.
    pub fn dev(data_dir: DataDir, rpc_addr: SocketAddr, block_time: Duration) -> Self {
        let (key, account) = dev_validator();
        let p2p_listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self {
            data_dir,
            genesis: agora_runtime::testing::dev_genesis(),
            validators: vec![ValidatorSpec {
                consensus_key: key.public(),
                account,
                address: p2p_listen,
            }],
            key,
            p2p_listen,
            rpc_addr,
            metrics_addr: None,
            block_time,
            mempool: Limits::default(),
            rpc: RpcLimits::default(),
            dev: true,
            worker_threads: 2,
        }
    }

    /// Reads a configuration file (see `docs/node.md`); relative paths in it are relative
    /// to the file's directory.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: FileConfig =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        let genesis_path = resolve(&file.genesis);
        let genesis_text = std::fs::read_to_string(&genesis_path)
            .map_err(|e| format!("{}: {e}", genesis_path.display()))?;
        let genesis: GenesisConfig = serde_json::from_str(&genesis_text)
            .map_err(|e| format!("{}: {e}", genesis_path.display()))?;
        let data_dir = resolve(&file.data_dir);
        let key_path = resolve(
            file.key_file
                .as_deref()
                .unwrap_or(Path::new("validator.key")),
        );
        let key = load_or_create_key(&key_path)?;
        let mut validators = Vec::new();
        for v in &file.validators {
            validators.push(ValidatorSpec {
                consensus_key: parse_key(&v.consensus_key)?,
                account: v
                    .account
                    .parse()
                    .map_err(|e| format!("validator account {}: {e}", v.account))?,
                address: v.address,
            });
        }
        if !validators.iter().any(|v| v.consensus_key == key.public()) {
            return Err(format!(
                "this node's key (public 0x{}) is not in the validator set",
                crate::chain::hex(&key.public())
            ));
        }
        Ok(Self {
            data_dir: DataDir::Persistent(data_dir),
            genesis,
            validators,
            key,
            p2p_listen: file.p2p.listen,
            rpc_addr: file.rpc.addr,
            metrics_addr: file.metrics.map(|m| m.addr),
            block_time: Duration::from_millis(file.block_time_ms.unwrap_or(250).max(1)),
            mempool: Limits {
                max_txs: file
                    .mempool
                    .as_ref()
                    .and_then(|m| m.max_txs)
                    .unwrap_or(Limits::default().max_txs),
                max_per_sender: file
                    .mempool
                    .as_ref()
                    .and_then(|m| m.max_per_sender)
                    .unwrap_or(Limits::default().max_per_sender),
                ..Limits::default()
            },
            rpc: RpcLimits {
                max_connections: file
                    .rpc
                    .max_connections
                    .unwrap_or(RpcLimits::default().max_connections),
                ..RpcLimits::default()
            },
            dev: false,
            worker_threads: file.worker_threads.unwrap_or(2),
        })
    }
}

/// Reads a 32-byte hex key file, or creates one with fresh OS randomness (mode 0600).
fn load_or_create_key(path: &Path) -> Result<ValidatorKey, String> {
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let secret = parse_key(text.trim()).map_err(|e| format!("{}: {e}", path.display()))?;
        return ValidatorKey::from_bytes(&secret)
            .ok_or_else(|| format!("{}: not a valid key", path.display()));
    }
    let mut secret = [0u8; 32];
    getrandom_fill(&mut secret)?;
    let key = ValidatorKey::from_bytes(&secret).ok_or("generated key rejected")?;
    let tmp = path.with_extension("key.tmp");
    std::fs::write(&tmp, format!("0x{}\n", crate::chain::hex(&secret)))
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(key)
}

fn getrandom_fill(buf: &mut [u8]) -> Result<(), String> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .map_err(|e| format!("no OS randomness: {e}"))
}

fn parse_key(s: &str) -> Result<[u8; 32], String> {
    let h = s.strip_prefix("0x").unwrap_or(s);
    if h.len() != 64 {
        return Err("expected 32 bytes of hex".into());
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|_| "not hex".to_string())?;
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: PathBuf,
    genesis: PathBuf,
    key_file: Option<PathBuf>,
    block_time_ms: Option<u64>,
    worker_threads: Option<usize>,
    rpc: RpcSection,
    metrics: Option<MetricsSection>,
    p2p: P2pSection,
    mempool: Option<MempoolSection>,
    validators: Vec<ValidatorSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RpcSection {
    addr: SocketAddr,
    max_connections: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricsSection {
    addr: SocketAddr,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct P2pSection {
    listen: SocketAddr,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MempoolSection {
    max_txs: Option<usize>,
    max_per_sender: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidatorSection {
    consensus_key: String,
    account: String,
    address: SocketAddr,
}
