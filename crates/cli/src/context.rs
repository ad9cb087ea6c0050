//! What every chain command shares: the global flags, the connection to a node, wallet and
//! key loading with password prompts, account arguments, and submitting with a spinner and
//! an outcome line.

use std::path::PathBuf;
use std::time::Duration;

use agora_primitives::{AccountId, Keypair};
use agora_runtime::Call;
use agora_sdk::chain::{Chain, ChainError, Endpoint, RpcClient, TxOutcome, Wait};
use agora_sdk::wallet::nacl::NaclError;
use agora_sdk::wallet::{self, Wallet, WalletError};
use anyhow::Context as _;
use clap::Args;
use zeroize::Zeroizing;

use crate::exit::{Exit, fail};
use crate::ui::{self, Spinner};

/// Flags accepted by every command.
#[derive(Debug, Clone, Args)]
pub struct Globals {
    /// Wallets directory (default: $BT_WALLET_PATH or ~/.bittensor/wallets).
    #[arg(long, value_name = "DIR", global = true)]
    pub wallet_path: Option<PathBuf>,
    /// Network to talk to: `local` (ws://127.0.0.1:9944, the default).
    #[arg(long, value_name = "NAME", global = true)]
    pub network: Option<String>,
    /// Node RPC endpoint (http://HOST:PORT, ws://HOST:PORT or a port); overrides --network.
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint: Option<String>,
    /// Print one JSON document instead of tables and lines.
    #[arg(long, global = true)]
    pub json: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Seconds to wait for the node (requests, and inclusion of a transaction).
    #[arg(long, value_name = "SECONDS", global = true, default_value_t = 60.0)]
    pub timeout: f64,
}

impl Globals {
    /// The wallets directory.
    pub fn wallet_root(&self) -> PathBuf {
        self.wallet_path
            .as_deref()
            .map_or_else(wallet::default_root, wallet::expand_tilde)
    }

    /// The node endpoint from `--endpoint` or `--network`.
    pub fn endpoint(&self) -> anyhow::Result<Endpoint> {
        let from_env = std::env::var("AGORA_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty());
        if let Some(e) = self.endpoint.as_ref().or(from_env.as_ref()) {
            return Endpoint::parse(e)
                .or_else(|why| fail(Exit::Usage, format!("--endpoint {why}")));
        }
        match self.network.as_deref().unwrap_or("local") {
            "local" | "localnet" | "dev" => {
                Ok(Endpoint::local(agora_api::methods::DEFAULT_RPC_PORT))
            }
            other => fail(
                Exit::Usage,
                format!(
                    "unknown network {other:?}: Agora has only local networks so far (--network local), or pass --endpoint URL"
                ),
            ),
        }
    }

    fn timeout(&self) -> anyhow::Result<Duration> {
        if !self.timeout.is_finite() || self.timeout <= 0.0 {
            return fail(
                Exit::Usage,
                "--timeout must be a positive number of seconds",
            );
        }
        Ok(Duration::from_secs_f64(self.timeout))
    }

    /// Connects to the node (reads its identity once).
    pub async fn chain(&self) -> anyhow::Result<Chain<RpcClient>> {
        let timeout = self.timeout()?;
        let client = RpcClient::new(self.endpoint()?, timeout)?;
        Ok(Chain::connect(client).await?.with_wait_timeout(timeout))
    }

    /// Opens wallet `name`.
    pub fn wallet(&self, name: &str) -> anyhow::Result<Wallet> {
        let w = Wallet::new(self.wallet_root(), name)?;
        if !w.dir().is_dir() {
            return fail(
                Exit::Wallet,
                format!(
                    "no wallet {name:?} in {} (create one with `agora wallet create --name {name}`)",
                    self.wallet_root().display()
                ),
            );
        }
        Ok(w)
    }

    /// The coldkey of wallet `name`, asking for its password if it is encrypted
    /// (`AGORA_WALLET_PASSWORD` answers for scripts).
    pub fn coldkey(&self, name: &str) -> anyhow::Result<Keypair> {
        let w = self.wallet(name)?;
        let encrypted = w
            .coldkey_is_encrypted()
            .with_context(|| format!("wallet {name:?} has no coldkey"))?;
        if !encrypted {
            return Ok(w.coldkey_plain()?);
        }
        let pw = password(&format!("Password for the coldkey of wallet {name:?}: "))?;
        match w.coldkey(&pw) {
            Err(WalletError::Nacl {
                source: NaclError::WrongPassword,
                ..
            }) => fail(
                Exit::Wallet,
                format!("wrong password for the coldkey of wallet {name:?}"),
            ),
            other => Ok(other?),
        }
    }

    /// Hotkey `hotkey` of wallet `name`.
    pub fn hotkey(&self, name: &str, hotkey: &str) -> anyhow::Result<Keypair> {
        let w = self.wallet(name)?;
        match w.hotkey(hotkey, None) {
            Err(WalletError::NeedPassword(_)) => {
                let pw = password(&format!(
                    "Password for hotkey {hotkey:?} of wallet {name:?}: "
                ))?;
                match w.hotkey(hotkey, Some(&pw)) {
                    Err(WalletError::Nacl {
                        source: NaclError::WrongPassword,
                        ..
                    }) => fail(
                        Exit::Wallet,
                        format!("wrong password for hotkey {hotkey:?} of wallet {name:?}"),
                    ),
                    other => Ok(other?),
                }
            }
            Err(WalletError::Missing(p)) => fail(
                Exit::Wallet,
                format!(
                    "wallet {name:?} has no hotkey {hotkey:?} ({} is missing)",
                    p.display()
                ),
            ),
            other => Ok(other?),
        }
    }

    /// The coldkey address of wallet `name` (no password needed).
    pub fn coldkey_pub(&self, name: &str) -> anyhow::Result<AccountId> {
        Ok(self.wallet(name)?.coldkeypub()?)
    }

    /// An account argument: an SS58 address, else the coldkey of the wallet of that name.
    pub fn account(&self, text: &str) -> anyhow::Result<AccountId> {
        if let Ok((a, _)) = AccountId::from_ss58(text) {
            return Ok(a);
        }
        if Wallet::new(self.wallet_root(), text).is_ok_and(|w| w.dir().is_dir()) {
            return self.coldkey_pub(text);
        }
        fail(
            Exit::Usage,
            format!("{text:?} is neither an SS58 address nor a wallet name"),
        )
    }

    /// A hotkey argument of wallet `name`: an SS58 address, else a hotkey name in the wallet.
    pub fn hotkey_account(&self, name: &str, hotkey: &str) -> anyhow::Result<AccountId> {
        if let Ok((a, _)) = AccountId::from_ss58(hotkey) {
            return Ok(a);
        }
        let w = self.wallet(name)?;
        match w.hotkeypub(hotkey) {
            Err(WalletError::Missing(_)) => fail(
                Exit::Wallet,
                format!("wallet {name:?} has no hotkey {hotkey:?}"),
            ),
            other => Ok(other?),
        }
    }

    /// Signs and submits `call`, showing a spinner until its block is final, then prints the
    /// outcome (a line, or JSON). A call the chain failed is an [`Exit::Failed`] error after
    /// the line is printed.
    pub async fn submit(
        &self,
        chain: &Chain<RpcClient>,
        key: &Keypair,
        call: Call,
        what: &str,
    ) -> anyhow::Result<TxOutcome> {
        let spinner = Spinner::start(&format!("{what}: waiting for inclusion"), self.json);
        let out = chain.submit(key, call, Wait::Finalized).await;
        spinner.stop();
        let out = match out {
            Ok(o) => o,
            Err(ChainError::Rejected { reason, message }) => {
                let why = agora_sdk::chain::explain_rejection(&reason);
                return fail(
                    Exit::Failed,
                    format!(
                        "{what}: rejected by the node before inclusion ({message}): {why}; no fee was charged"
                    ),
                );
            }
            Err(e) => return Err(anyhow::Error::new(e).context(what.to_string())),
        };
        if self.json {
            println!("{}", ui::outcome_json(what, &out));
        } else {
            println!("{}", ui::outcome_line(what, &out));
        }
        if let Err(f) = &out.result {
            return fail(
                Exit::Failed,
                format!("{what}: {}: {}", f.error, f.explanation),
            );
        }
        Ok(out)
    }

    /// Prints `value` as JSON (for `--json` read commands).
    pub fn print_json(&self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        println!("{}", serde_json::to_string_pretty(value)?);
        Ok(())
    }
}

/// A password from `AGORA_WALLET_PASSWORD` or the terminal (no echo).
pub fn password(prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var("AGORA_WALLET_PASSWORD") {
        return Ok(Zeroizing::new(p));
    }
    match rpassword::prompt_password(prompt) {
        Ok(p) => Ok(Zeroizing::new(p)),
        Err(e) => fail(
            Exit::Wallet,
            format!("cannot read a password ({e}); set AGORA_WALLET_PASSWORD for scripts"),
        ),
    }
}

/// Runs an async command on a small runtime.
pub fn block_on<T>(f: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f)
}
