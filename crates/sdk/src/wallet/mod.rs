//! Bittensor wallets on disk (sdk spec §2): `ROOT/NAME/{coldkey, coldkeypub.txt,
//! hotkeys/HOTKEY, hotkeys/HOTKEYpub.txt}`, with `ROOT` = `~/.bittensor/wallets` by default
//! (`BT_WALLET_PATH` overrides it, as in the reference).
//!
//! The coldkey is always written `$NACL`-encrypted; hotkeys are plaintext unless a password is
//! given (neurons sign with them unattended, as in the reference). Passwords are the caller's
//! business (the CLI reads them without echo).
//!
//! # Invariants
//! - Every key file is written atomically (temporary file, fsync, rename, fsync of the
//!   directory) with mode 0600, so a crash leaves the old file or the new one, never a torn
//!   one; directories are created with mode 0700.
//! - An existing key file is never replaced unless `overwrite` is set.
//! - Mnemonics and decrypted key data are zeroised when dropped.

pub mod keyfile;
pub mod nacl;

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use agora_primitives::crypto::generate_phrase;
use agora_primitives::{AccountId, Keypair};
use zeroize::Zeroizing;

use keyfile::{KeyfileError, LoadedKey};
use nacl::NaclError;

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// File system error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The key file exists and `overwrite` was not set.
    #[error("{0} already exists (use overwrite to replace it)")]
    Exists(PathBuf),
    /// The key file does not exist.
    #[error("{0} does not exist")]
    Missing(PathBuf),
    /// Decryption failed.
    #[error("{path}: {source}")]
    Nacl {
        /// The key file.
        path: PathBuf,
        /// The error.
        source: NaclError,
    },
    /// The file is encrypted but no password was given.
    #[error("{0} is encrypted: a password is needed")]
    NeedPassword(PathBuf),
    /// An encryption format we do not read.
    #[error(
        "{0}: legacy encryption (ansible-vault or Fernet) is not supported; re-create the key from its mnemonic"
    )]
    LegacyEncryption(PathBuf),
    /// Bad keyfile content.
    #[error("{path}: {source}")]
    Keyfile {
        /// The key file.
        path: PathBuf,
        /// The error.
        source: KeyfileError,
    },
    /// The file holds only a public key where a key pair is needed.
    #[error("{0} holds no secret key")]
    PublicOnly(PathBuf),
    /// A wallet or hotkey name that is not a plain file name.
    #[error("invalid name {0:?}: use letters, digits, '-', '_' or '.' (not '.' or '..')")]
    BadName(String),
    /// Key derivation from a mnemonic or seed failed.
    #[error("{0}")]
    Key(#[from] agora_primitives::KeyError),
}

/// The default wallets directory: `$BT_WALLET_PATH`, else `~/.bittensor/wallets`.
pub fn default_root() -> PathBuf {
    if let Some(p) = std::env::var_os("BT_WALLET_PATH") {
        return expand_tilde(Path::new(&p));
    }
    home().join(".bittensor").join("wallets")
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from)
}

/// `~/x` → `$HOME/x`.
pub fn expand_tilde(p: &Path) -> PathBuf {
    match p.strip_prefix("~") {
        Ok(rest) => home().join(rest),
        Err(_) => p.to_path_buf(),
    }
}

fn check_name(name: &str) -> Result<(), WalletError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(WalletError::BadName(name.to_owned()))
    }
}

/// A wallet: a coldkey and its hotkeys under `root/name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    /// The wallets directory.
    pub root: PathBuf,
    /// The wallet name.
    pub name: String,
}

/// A new or regenerated key, with the mnemonic to show the user once.
pub struct NewKey {
    /// The key pair.
    pub keypair: Keypair,
    /// Its mnemonic, if it was made from one.
    pub phrase: Option<Zeroizing<String>>,
}

/// What [`list`] reports of a wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletSummary {
    /// Wallet name.
    pub name: String,
    /// The coldkey's public key (from `coldkeypub.txt`), if readable.
    pub coldkeypub: Option<AccountId>,
    /// Hotkeys by name, with their public key if readable.
    pub hotkeys: Vec<(String, Option<AccountId>)>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WalletError + '_ {
    move |source| WalletError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `data` to `path` atomically with mode 0600 (see the module invariants).
pub fn write_atomic(path: &Path, data: &[u8], overwrite: bool) -> Result<(), WalletError> {
    if !overwrite && path.exists() {
        return Err(WalletError::Exists(path.to_path_buf()));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(io(dir))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", crate::util::uuid4()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(&tmp))?;
        f.write_all(data).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        drop(f);
        fs::rename(&tmp, path).map_err(io(path))?;
        File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

impl Wallet {
    /// The wallet `name` under `root`.
    pub fn new(root: impl Into<PathBuf>, name: &str) -> Result<Self, WalletError> {
        check_name(name)?;
        Ok(Self {
            root: root.into(),
            name: name.to_owned(),
        })
    }

    /// The wallet's directory.
    pub fn dir(&self) -> PathBuf {
        self.root.join(&self.name)
    }

    /// `coldkey`.
    pub fn coldkey_path(&self) -> PathBuf {
        self.dir().join("coldkey")
    }

    /// `coldkeypub.txt`.
    pub fn coldkeypub_path(&self) -> PathBuf {
        self.dir().join("coldkeypub.txt")
    }

    /// `hotkeys/<hotkey>`.
    pub fn hotkey_path(&self, hotkey: &str) -> Result<PathBuf, WalletError> {
        check_name(hotkey)?;
        Ok(self.dir().join("hotkeys").join(hotkey))
    }

    /// `hotkeys/<hotkey>pub.txt`.
    pub fn hotkeypub_path(&self, hotkey: &str) -> Result<PathBuf, WalletError> {
        check_name(hotkey)?;
        Ok(self.dir().join("hotkeys").join(format!("{hotkey}pub.txt")))
    }

    /// Writes `key` as the coldkey, encrypted with `password`, and its public file.
    pub fn set_coldkey(
        &self,
        key: &NewKey,
        password: &str,
        overwrite: bool,
    ) -> Result<(), WalletError> {
        let path = self.coldkey_path();
        if !overwrite && path.exists() {
            return Err(WalletError::Exists(path));
        }
        let plain =
            keyfile::serialize_keypair(&key.keypair, key.phrase.as_deref().map(String::as_str));
        let sealed = nacl::encrypt(plain.as_bytes(), password.as_bytes()).map_err(|source| {
            WalletError::Nacl {
                path: path.clone(),
                source,
            }
        })?;
        write_atomic(&path, &sealed, overwrite)?;
        write_atomic(
            &self.coldkeypub_path(),
            keyfile::serialize_public(&key.keypair.public()).as_bytes(),
            true,
        )
    }

    /// Writes `key` as hotkey `hotkey` (encrypted if `password` is given) and its public file.
    pub fn set_hotkey(
        &self,
        hotkey: &str,
        key: &NewKey,
        password: Option<&str>,
        overwrite: bool,
    ) -> Result<(), WalletError> {
        let path = self.hotkey_path(hotkey)?;
        if !overwrite && path.exists() {
            return Err(WalletError::Exists(path));
        }
        let plain =
            keyfile::serialize_keypair(&key.keypair, key.phrase.as_deref().map(String::as_str));
        match password {
            Some(pw) => {
                let sealed = nacl::encrypt(plain.as_bytes(), pw.as_bytes()).map_err(|source| {
                    WalletError::Nacl {
                        path: path.clone(),
                        source,
                    }
                })?;
                write_atomic(&path, &sealed, overwrite)?;
            }
            None => write_atomic(&path, plain.as_bytes(), overwrite)?,
        }
        write_atomic(
            &self.hotkeypub_path(hotkey)?,
            keyfile::serialize_public(&key.keypair.public()).as_bytes(),
            true,
        )
    }

    /// Reads a key file, decrypting with `password` if it is encrypted.
    pub fn load(path: &Path, password: Option<&str>) -> Result<LoadedKey, WalletError> {
        if !path.exists() {
            return Err(WalletError::Missing(path.to_path_buf()));
        }
        let data = Zeroizing::new(fs::read(path).map_err(io(path))?);
        let plain: Zeroizing<Vec<u8>> = if nacl::is_nacl(&data) {
            let pw = password.ok_or_else(|| WalletError::NeedPassword(path.to_path_buf()))?;
            nacl::decrypt(&data, pw.as_bytes()).map_err(|source| WalletError::Nacl {
                path: path.to_path_buf(),
                source,
            })?
        } else if data.starts_with(b"$ANSIBLE_VAULT") || data.starts_with(b"gAAAAA") {
            return Err(WalletError::LegacyEncryption(path.to_path_buf()));
        } else {
            data
        };
        keyfile::deserialize(&plain).map_err(|source| WalletError::Keyfile {
            path: path.to_path_buf(),
            source,
        })
    }

    fn pair(path: &Path, password: Option<&str>) -> Result<Keypair, WalletError> {
        match Self::load(path, password)? {
            LoadedKey::Pair { keypair, .. } => Ok(keypair),
            LoadedKey::Public(_) => Err(WalletError::PublicOnly(path.to_path_buf())),
        }
    }

    /// Whether the coldkey file is encrypted.
    pub fn coldkey_is_encrypted(&self) -> Result<bool, WalletError> {
        let path = self.coldkey_path();
        let data = fs::read(&path).map_err(io(&path))?;
        Ok(nacl::is_nacl(&data))
    }

    /// The coldkey pair (decrypted with `password`).
    pub fn coldkey(&self, password: &str) -> Result<Keypair, WalletError> {
        Self::pair(&self.coldkey_path(), Some(password))
    }

    /// The coldkey's public key, from `coldkeypub.txt`.
    pub fn coldkeypub(&self) -> Result<AccountId, WalletError> {
        Ok(Self::load(&self.coldkeypub_path(), None)?.account())
    }

    /// Hotkey `hotkey` (decrypted with `password` if it is encrypted).
    pub fn hotkey(&self, hotkey: &str, password: Option<&str>) -> Result<Keypair, WalletError> {
        Self::pair(&self.hotkey_path(hotkey)?, password)
    }

    /// Hotkey `hotkey`'s public key: from its `pub.txt`, else from the (plaintext) key file.
    pub fn hotkeypub(&self, hotkey: &str) -> Result<AccountId, WalletError> {
        let public = self.hotkeypub_path(hotkey)?;
        if public.exists() {
            return Ok(Self::load(&public, None)?.account());
        }
        Ok(Self::load(&self.hotkey_path(hotkey)?, None)?.account())
    }

    /// Names of the wallet's hotkeys (the `hotkeys/` files without a `pub.txt` twin suffix).
    pub fn hotkey_names(&self) -> Result<Vec<String>, WalletError> {
        let dir = self.dir().join("hotkeys");
        if !dir.exists() {
            return Ok(Vec::new());
        }
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map_err(io(&dir))?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .filter(|n| !n.ends_with("pub.txt"))
            .collect();
        names.sort();
        Ok(names)
    }
}

/// A new key from a fresh mnemonic of `words` words.
pub fn generate(words: usize) -> Result<NewKey, WalletError> {
    let phrase = Zeroizing::new(generate_phrase(words)?);
    let keypair = Keypair::from_phrase(&phrase, None)?;
    Ok(NewKey {
        keypair,
        phrase: Some(phrase),
    })
}

/// The key of a mnemonic (regeneration).
pub fn from_mnemonic(phrase: &str) -> Result<NewKey, WalletError> {
    let normalized = Zeroizing::new(phrase.split_whitespace().collect::<Vec<_>>().join(" "));
    let keypair = Keypair::from_phrase(&normalized, None)?;
    Ok(NewKey {
        keypair,
        phrase: Some(normalized),
    })
}

/// The key of a `0x` seed or a secret URI (`//Alice`, `phrase//path`): import.
pub fn from_uri(uri: &str) -> Result<NewKey, WalletError> {
    Ok(NewKey {
        keypair: Keypair::from_uri(uri)?,
        phrase: None,
    })
}

/// Every wallet under `root`, sorted by name.
pub fn list(root: &Path) -> Result<Vec<WalletSummary>, WalletError> {
    if !root.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut names: Vec<String> = fs::read_dir(root)
        .map_err(io(root))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| check_name(n).is_ok())
        .collect();
    names.sort();
    for name in names {
        let w = Wallet::new(root, &name)?;
        let hotkeys = w
            .hotkey_names()?
            .into_iter()
            .map(|h| {
                let pk = w.hotkeypub(&h).ok();
                (h, pk)
            })
            .collect();
        out.push(WalletSummary {
            coldkeypub: w.coldkeypub().ok(),
            name,
            hotkeys,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn tmp() -> PathBuf {
        let d = std::env::temp_dir().join(format!("agora-wallet-{}", crate::util::uuid4()));
        fs::create_dir_all(&d).expect("mkdir");
        d
    }

    #[test]
    fn hotkeys_layout_modes_overwrite_and_list() {
        let root = tmp();
        let w = Wallet::new(&root, "w1").expect("name");
        let key = from_uri("//Alice").expect("uri");
        w.set_hotkey("h1", &key, None, false).expect("write");
        assert!(matches!(
            w.set_hotkey("h1", &key, None, false),
            Err(WalletError::Exists(_))
        ));
        let path = w.hotkey_path("h1").expect("path");
        assert_eq!(
            fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            w.hotkey("h1", None).expect("load").public(),
            key.keypair.public()
        );
        assert_eq!(w.hotkeypub("h1").expect("pub"), key.keypair.public());
        let m = from_mnemonic(agora_primitives::crypto::DEV_PHRASE).expect("phrase");
        w.set_hotkey("h2", &m, None, false).expect("write");
        assert_eq!(w.hotkey_names().expect("names"), vec!["h1", "h2"]);
        let l = list(&root).expect("list");
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].coldkeypub, None);
        assert_eq!(l[0].hotkeys[1].1, Some(m.keypair.public()));
        // No temporary files are left behind.
        let leftovers: Vec<_> = fs::read_dir(w.dir().join("hotkeys"))
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
        assert!(matches!(
            Wallet::new(&root, "../x"),
            Err(WalletError::BadName(_))
        ));
        assert!(matches!(w.hotkey_path(".."), Err(WalletError::BadName(_))));
        assert!(matches!(
            w.hotkey("nope", None),
            Err(WalletError::Missing(_))
        ));
        fs::remove_dir_all(&root).expect("cleanup");
    }
}
