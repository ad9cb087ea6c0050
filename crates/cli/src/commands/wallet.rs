//! `agora wallet …`: create, regenerate, import, list and show wallets (no node needed), and
//! `balance` / `transfer` against a node.

use agora_runtime::Call;
use agora_runtime::balances::EXISTENTIAL_DEPOSIT;
use agora_runtime::call::BalancesCall;
use agora_sdk::chain::units::{Amount, parse_amount};
use agora_sdk::chain::{Chain, RpcClient};
use agora_sdk::wallet::{self, NewKey, Wallet};
use anyhow::bail;
use clap::Subcommand;
use serde_json::json;
use zeroize::Zeroizing;

use crate::context::{Globals, block_on, password};
use crate::exit::{Exit, fail};
use crate::ui::{Table, confirm};

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
        /// Store the coldkey unencrypted (btcli's --no-use-password): only for throwaway
        /// development wallets.
        #[arg(long)]
        no_password: bool,
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
        /// Store the coldkey unencrypted.
        #[arg(long)]
        no_password: bool,
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
        /// Store an imported coldkey unencrypted.
        #[arg(long)]
        no_password: bool,
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
    /// Free and staked balance of wallets (all of them by default) or addresses.
    Balance {
        /// Only these wallets (repeatable).
        #[arg(long)]
        name: Vec<String>,
        /// Addresses to show as well (repeatable).
        #[arg(long, value_name = "SS58")]
        ss58: Vec<String>,
    },
    /// Transfer TAO from a wallet's coldkey.
    Transfer {
        /// Sending wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// Recipient: an SS58 address or a wallet name.
        #[arg(long)]
        dest: String,
        /// Amount in TAO (e.g. 1.5); exact to the rao.
        #[arg(long, required_unless_present = "all")]
        amount: Option<String>,
        /// Send everything (keeping the existential deposit unless --allow-death).
        #[arg(long, conflicts_with = "amount")]
        all: bool,
        /// Allow the sender's account to be reaped (transfer_allow_death).
        #[arg(long)]
        allow_death: bool,
    },
}

fn show_new(role: &str, key: &NewKey) {
    println!("{role}: {}", key.keypair.public());
    if let Some(p) = &key.phrase {
        println!(
            "  mnemonic (write it down, it is shown once): {}",
            p.as_str()
        );
    }
}

/// A secret from the argument, else from standard input when it is not a terminal (scripts:
/// `echo //Alice | agora wallet import …`), else prompted without echo.
fn secret_input(prompt: &str, given: Option<String>) -> anyhow::Result<Zeroizing<String>> {
    use std::io::{BufRead as _, IsTerminal as _};
    if let Some(m) = given {
        return Ok(Zeroizing::new(m));
    }
    if !std::io::stdin().is_terminal() {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin().lock().read_line(&mut line)?;
        let trimmed = Zeroizing::new(line.trim().to_string());
        if trimmed.is_empty() {
            return fail(
                Exit::Usage,
                format!(
                    "{} expected on standard input",
                    prompt.trim_end_matches(": ")
                ),
            );
        }
        return Ok(trimmed);
    }
    Ok(Zeroizing::new(rpassword::prompt_password(prompt)?))
}

fn new_password() -> anyhow::Result<Zeroizing<String>> {
    if std::env::var("AGORA_WALLET_PASSWORD").is_ok() {
        return password("");
    }
    let p = password("Coldkey password: ")?;
    let again = password("Retype the password: ")?;
    if *again != *p {
        bail!("passwords do not match");
    }
    Ok(p)
}

fn set_coldkey(w: &Wallet, key: &NewKey, plain: bool, overwrite: bool) -> anyhow::Result<()> {
    if plain {
        w.set_coldkey_plain(key, overwrite)?;
    } else {
        w.set_coldkey(key, &new_password()?, overwrite)?;
    }
    Ok(())
}

/// Runs `agora wallet …`.
pub fn run(cmd: WalletCmd, g: &Globals) -> anyhow::Result<()> {
    let root = g.wallet_root();
    match cmd {
        WalletCmd::Create {
            name,
            hotkey,
            words,
            no_password,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let cold = wallet::generate(words)?;
            set_coldkey(&w, &cold, no_password, overwrite)?;
            let hot = wallet::generate(words)?;
            w.set_hotkey(&hotkey, &hot, None, overwrite)?;
            show_new("coldkey", &cold);
            show_new(&format!("hotkey {hotkey}"), &hot);
        }
        WalletCmd::NewHotkey {
            name,
            hotkey,
            words,
            overwrite,
        } => {
            let w = g.wallet(&name)?;
            let hot = wallet::generate(words)?;
            w.set_hotkey(&hotkey, &hot, None, overwrite)?;
            show_new(&format!("hotkey {hotkey}"), &hot);
        }
        WalletCmd::RegenColdkey {
            name,
            mnemonic,
            no_password,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let m = secret_input("Mnemonic: ", mnemonic)?;
            let key = wallet::from_mnemonic(&m)?;
            set_coldkey(&w, &key, no_password, overwrite)?;
            println!("coldkey: {}", key.keypair.public());
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
            println!("hotkey {hotkey}: {}", key.keypair.public());
        }
        WalletCmd::Import {
            name,
            hotkey,
            no_password,
            overwrite,
        } => {
            let w = Wallet::new(&root, &name)?;
            let uri = secret_input("0x seed or secret URI: ", None)?;
            let key = wallet::from_uri(uri.trim())?;
            match hotkey {
                Some(h) => {
                    w.set_hotkey(&h, &key, None, overwrite)?;
                    println!("hotkey {h}: {}", key.keypair.public());
                }
                None => {
                    set_coldkey(&w, &key, no_password, overwrite)?;
                    println!("coldkey: {}", key.keypair.public());
                }
            }
        }
        WalletCmd::List => {
            let list = wallet::list(&root)?;
            if g.json {
                let v: Vec<_> = list
                    .iter()
                    .map(|s| {
                        json!({
                            "name": s.name,
                            "coldkey": s.coldkeypub.map(|a| a.to_string()),
                            "hotkeys": s.hotkeys.iter().map(|(h, pk)| json!({
                                "name": h, "ss58": pk.map(|a| a.to_string())
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                return g.print_json(&v);
            }
            for s in list {
                let ck = s
                    .coldkeypub
                    .map_or_else(|| "?".to_owned(), |a| a.to_string());
                println!("{} coldkey {ck}", s.name);
                for (h, pk) in s.hotkeys {
                    let pk = pk.map_or_else(|| "?".to_owned(), |a| a.to_string());
                    println!("  {h} {pk}");
                }
            }
        }
        WalletCmd::Show { name } => {
            let w = g.wallet(&name)?;
            let cold = w.coldkeypub()?;
            let hot: Vec<(String, String)> = w
                .hotkey_names()?
                .into_iter()
                .map(|h| {
                    let pk = w
                        .hotkeypub(&h)
                        .map_or_else(|_| "?".into(), |a| a.to_string());
                    (h, pk)
                })
                .collect();
            if g.json {
                return g.print_json(&json!({
                    "name": name,
                    "coldkey": cold.to_string(),
                    "hotkeys": hot.iter().map(|(h, pk)| json!({"name": h, "ss58": pk})).collect::<Vec<_>>(),
                }));
            }
            println!("coldkey: {cold}");
            for (h, pk) in hot {
                println!("hotkey {h}: {pk}");
            }
        }
        WalletCmd::Balance { name, ss58 } => block_on(balance(g, name, ss58))?,
        WalletCmd::Transfer {
            name,
            dest,
            amount,
            all,
            allow_death,
        } => block_on(transfer(
            g,
            &name,
            &dest,
            amount.as_deref(),
            all,
            allow_death,
        ))?,
    }
    Ok(())
}

/// The TAO value of every stake position of `coldkey` at spot prices (rao).
pub async fn staked_value(
    chain: &Chain<RpcClient>,
    coldkey: &agora_primitives::AccountId,
) -> anyhow::Result<u64> {
    let mut total: u128 = 0;
    let mut prices = std::collections::BTreeMap::new();
    for p in chain.stake_info(coldkey).await? {
        let price = match prices.get(&p.netuid) {
            Some(x) => *x,
            None => {
                let x = chain
                    .api::<agora_api::runtime_api::CurrentAlphaPrice>((p.netuid,))
                    .await?;
                prices.insert(p.netuid, x);
                x
            }
        };
        total += u128::from(p.stake) * u128::from(price) / 1_000_000_000;
    }
    Ok(u64::try_from(total).unwrap_or(u64::MAX))
}

async fn balance(g: &Globals, names: Vec<String>, ss58: Vec<String>) -> anyhow::Result<()> {
    let mut targets: Vec<(String, agora_primitives::AccountId)> = Vec::new();
    if names.is_empty() && ss58.is_empty() {
        for s in wallet::list(&g.wallet_root())? {
            if let Some(a) = s.coldkeypub {
                targets.push((s.name, a));
            }
        }
    }
    for n in names {
        let a = g.coldkey_pub(&n)?;
        targets.push((n, a));
    }
    for s in ss58 {
        let a = g.account(&s)?;
        targets.push((String::new(), a));
    }
    let chain = g.chain().await?;
    let mut rows = Vec::new();
    for (name, account) in targets {
        let free = chain.balance(&account).await?;
        let staked = staked_value(&chain, &account).await?;
        rows.push((name, account, free, staked));
    }
    if g.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(n, a, free, staked)| {
                json!({
                    "wallet": if n.is_empty() { None } else { Some(n) },
                    "coldkey": a.to_string(),
                    "free": free,
                    "staked": staked,
                    "total": free.saturating_add(*staked),
                })
            })
            .collect();
        return g.print_json(&v);
    }
    let mut t =
        Table::new(&["wallet", "coldkey", "free", "staked (TAO value)", "total"]).right(&[2, 3, 4]);
    let (mut tf, mut ts) = (0u64, 0u64);
    for (n, a, free, staked) in &rows {
        tf = tf.saturating_add(*free);
        ts = ts.saturating_add(*staked);
        t.row(vec![
            n.clone(),
            a.to_string(),
            Amount::tao(*free).to_string(),
            Amount::tao(*staked).to_string(),
            Amount::tao(free.saturating_add(*staked)).to_string(),
        ]);
    }
    if rows.len() > 1 {
        t.row(vec![
            "total".into(),
            String::new(),
            Amount::tao(tf).to_string(),
            Amount::tao(ts).to_string(),
            Amount::tao(tf.saturating_add(ts)).to_string(),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}

async fn transfer(
    g: &Globals,
    name: &str,
    dest: &str,
    amount: Option<&str>,
    all: bool,
    allow_death: bool,
) -> anyhow::Result<()> {
    let dest = g.account(dest)?;
    let from = g.coldkey_pub(name)?;
    let chain = g.chain().await?;
    let free = chain.balance(&from).await?;
    let (call, shown) = if all {
        let call = Call::Balances(BalancesCall::transfer_all {
            dest,
            keep_alive: !allow_death,
        });
        (call, "everything".to_string())
    } else {
        let value = parse_amount(amount.unwrap_or_default())?;
        if value == 0 {
            return fail(Exit::Usage, "--amount must be more than zero");
        }
        let call = if allow_death {
            Call::Balances(BalancesCall::transfer_allow_death { dest, value })
        } else {
            Call::Balances(BalancesCall::transfer_keep_alive { dest, value })
        };
        let fee = Chain::<RpcClient>::fee_estimate(&call);
        let keep = if allow_death { 0 } else { EXISTENTIAL_DEPOSIT };
        let needed = value.saturating_add(fee).saturating_add(keep);
        if needed > free {
            return fail(
                Exit::Failed,
                format!(
                    "insufficient balance: wallet {name:?} has {} free; sending {} needs {} (the amount, a fee of at most {}{})",
                    Amount::tao(free),
                    Amount::tao(value),
                    Amount::tao(needed),
                    Amount::tao(fee),
                    if keep > 0 {
                        " and the existential deposit that keeps the account alive"
                    } else {
                        ""
                    }
                ),
            );
        }
        (call, Amount::tao(value).to_string())
    };
    confirm(
        &format!("Transfer {shown} from wallet {name:?} ({from}) to {dest}?"),
        g.yes,
    )?;
    let key = g.coldkey(name)?;
    g.submit(&chain, &key, call, &format!("transfer {shown} to {dest}"))
        .await?;
    Ok(())
}
