//! `agora wallet …`, `agora axon example`, `agora dendrite query`: the SDK on the command
//! line (docs/sdk.md).
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
use agora_sdk::wallet::{self, NewKey, Wallet, WalletError};
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use zeroize::Zeroizing;

/// Where the wallets are.
#[derive(Debug, Clone, Args)]
pub struct WalletPath {
    /// Wallets directory (default: $BT_WALLET_PATH or ~/.bittensor/wallets).
    #[arg(long, value_name = "DIR", global = true)]
    pub wallet_path: Option<PathBuf>,
}

impl WalletPath {
    fn root(&self) -> PathBuf {
        self.wallet_path
            .as_deref()
            .map_or_else(wallet::default_root, wallet::expand_tilde)
    }
}

/// `agora wallet …`.
#[derive(Debug, Subcommand)]
pub enum WalletCmd {
    /// Create a wallet: a new encrypted coldkey and a hotkey, from fresh mnemonics.
    Create {
        /// Wallet name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey name.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// Words per mnemonic (12, 15, 18, 21, 24).
        #[arg(long, default_value_t = 12)]
        words: usize,
        /// Replace existing key files.
        #[arg(long)]
        overwrite: bool,
    },
    /// Add a new hotkey (plaintext, as the reference) to a wallet.
    NewHotkey {
        /// Wallet name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey name.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// Words in the mnemonic.
        #[arg(long, default_value_t = 12)]
        words: usize,
        /// Replace an existing hotkey file.
        #[arg(long)]
        overwrite: bool,
    },
    /// Regenerate the coldkey from its mnemonic (prompted if not given).
    RegenColdkey {
        /// Wallet name.
        #[arg(long, default_value = "default")]
        name: String,
        /// The mnemonic (prefer the prompt: arguments are visible to other users).
        #[arg(long)]
        mnemonic: Option<String>,
        /// Replace existing key files.
        #[arg(long)]
        overwrite: bool,
    },
    /// Regenerate a hotkey from its mnemonic (prompted if not given).
    RegenHotkey {
        /// Wallet name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey name.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// The mnemonic.
        #[arg(long)]
        mnemonic: Option<String>,
        /// Replace an existing hotkey file.
        #[arg(long)]
        overwrite: bool,
    },
    /// Import a key from a 0x seed or secret URI (prompted): as the coldkey, or as HOTKEY.
    Import {
        /// Wallet name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Import as this hotkey instead of the coldkey.
        #[arg(long)]
        hotkey: Option<String>,
        /// Replace existing key files.
        #[arg(long)]
        overwrite: bool,
    },
    /// List the wallets and their addresses.
    List,
    /// Show a wallet's addresses.
    Show {
        /// Wallet name.
        #[arg(long, default_value = "default")]
        name: String,
    },
}

fn password(prompt: &str, confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var("AGORA_WALLET_PASSWORD") {
        return Ok(Zeroizing::new(p));
    }
    let p = Zeroizing::new(rpassword::prompt_password(prompt).context("cannot read password")?);
    if confirm {
        let again = Zeroizing::new(rpassword::prompt_password("Retype the password: ")?);
        if *again != *p {
            bail!("passwords do not match");
        }
    }
    Ok(p)
}

fn secret_input(prompt: &str, given: Option<String>) -> anyhow::Result<Zeroizing<String>> {
    match given {
        Some(m) => Ok(Zeroizing::new(m)),
        None => Ok(Zeroizing::new(rpassword::prompt_password(prompt)?)),
    }
}

fn show_new(role: &str, key: &NewKey, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    writeln!(out, "{role}: {}", key.keypair.public())?;
    if let Some(p) = &key.phrase {
        writeln!(
            out,
            "  mnemonic (write it down, it is shown once): {}",
            p.as_str()
        )?;
    }
    Ok(())
}

/// Runs `agora wallet …`.
pub fn wallet(
    cmd: WalletCmd,
    path: &WalletPath,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let root = path.root();
    match cmd {
        WalletCmd::Create {
            name,
            hotkey,
            words,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let cold = wallet::generate(words)?;
            let pw = password("Coldkey password: ", true)?;
            w.set_coldkey(&cold, &pw, overwrite)?;
            let hot = wallet::generate(words)?;
            w.set_hotkey(&hotkey, &hot, None, overwrite)?;
            show_new("coldkey", &cold, out)?;
            show_new(&format!("hotkey {hotkey}"), &hot, out)?;
        }
        WalletCmd::NewHotkey {
            name,
            hotkey,
            words,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let hot = wallet::generate(words)?;
            w.set_hotkey(&hotkey, &hot, None, overwrite)?;
            show_new(&format!("hotkey {hotkey}"), &hot, out)?;
        }
        WalletCmd::RegenColdkey {
            name,
            mnemonic,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let m = secret_input("Mnemonic: ", mnemonic)?;
            let key = wallet::from_mnemonic(&m)?;
            let pw = password("Coldkey password: ", true)?;
            w.set_coldkey(&key, &pw, overwrite)?;
            writeln!(out, "coldkey: {}", key.keypair.public())?;
        }
        WalletCmd::RegenHotkey {
            name,
            hotkey,
            mnemonic,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let m = secret_input("Mnemonic: ", mnemonic)?;
            let key = wallet::from_mnemonic(&m)?;
            w.set_hotkey(&hotkey, &key, None, overwrite)?;
            writeln!(out, "hotkey {hotkey}: {}", key.keypair.public())?;
        }
        WalletCmd::Import {
            name,
            hotkey,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let uri = secret_input("0x seed or secret URI: ", None)?;
            let key = wallet::from_uri(uri.trim())?;
            match hotkey {
                Some(h) => {
                    w.set_hotkey(&h, &key, None, overwrite)?;
                    writeln!(out, "hotkey {h}: {}", key.keypair.public())?;
                }
                None => {
                    let pw = password("Coldkey password: ", true)?;
                    w.set_coldkey(&key, &pw, overwrite)?;
                    writeln!(out, "coldkey: {}", key.keypair.public())?;
                }
            }
        }
        WalletCmd::List => {
            for s in wallet::list(&root)? {
                let ck = s
                    .coldkeypub
                    .map_or_else(|| "?".to_owned(), |a| a.to_string());
                writeln!(out, "{} coldkey {ck}", s.name)?;
                for (h, pk) in s.hotkeys {
                    let pk = pk.map_or_else(|| "?".to_owned(), |a| a.to_string());
                    writeln!(out, "  {h} {pk}")?;
                }
            }
        }
        WalletCmd::Show { name } => {
            let w = Wallet::new(&root, &name)?;
            writeln!(out, "coldkey: {}", w.coldkeypub()?)?;
            for h in w.hotkey_names()? {
                writeln!(out, "hotkey {h}: {}", w.hotkeypub(&h)?)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn load_hotkey(path: &WalletPath, name: &str, hotkey: &str) -> anyhow::Result<Keypair> {
    let w = Wallet::new(path.root(), name)?;
    match w.hotkey(hotkey, None) {
        Err(WalletError::NeedPassword(_)) => {
            let pw = password("Hotkey password: ", false)?;
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
