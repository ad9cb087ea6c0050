//! What `agora localnet` keeps between runs besides the chain and the wallets
//! (`<data>/localnet.json`): which subnet it made, on which chain, the miners' ports, and the
//! validators' unrevealed weight commits — so a second run resumes instead of starting over.
//! Written atomically (temporary file, fsync, rename).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use agora_sdk::chain::weights::PendingCommit;
use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// The persisted state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The chain's genesis hash (a different chain in the directory means starting over).
    pub genesis_hash: String,
    /// The subnet localnet registered.
    pub netuid: Option<u16>,
    /// Which built-in subnet runs on it.
    pub subnet: String,
    /// Miner name → axon port.
    pub miner_ports: BTreeMap<String, u16>,
    /// Validator name → its commits not yet revealed.
    pub commits: BTreeMap<String, Vec<PendingCommit>>,
}

/// Where the state file is.
pub fn path(dir: &Path) -> PathBuf {
    dir.join("localnet.json")
}

impl State {
    /// Reads the state, or the default when there is none yet.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let p = path(dir);
        match std::fs::read_to_string(&p) {
            Ok(text) => serde_json::from_str(&text)
                .with_context(|| format!("{} is damaged; remove it or use --fresh", p.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", p.display())),
        }
    }

    /// Writes the state atomically.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        agora_sdk::wallet::write_atomic(&path(dir), text.as_bytes(), true)?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults() {
        let dir = std::env::temp_dir().join(format!("agora-ln-state-{}", agora_sdk::util::uuid4()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(State::load(&dir).unwrap(), State::default());
        let mut s = State {
            genesis_hash: "0x01".into(),
            netuid: Some(2),
            subnet: "echo".into(),
            ..State::default()
        };
        s.miner_ports.insert("miner-0".into(), 4000);
        s.save(&dir).unwrap();
        assert_eq!(State::load(&dir).unwrap(), s);
        std::fs::write(path(&dir), "{").unwrap();
        assert!(State::load(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
