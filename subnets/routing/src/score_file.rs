//! The validator's state file: smoothed scores, the round counter, the round secret and any
//! weight commit still to reveal, so a restarted validator loses nothing.
//!
//! # Format (version 1)
//! ```text
//! agora-routing-state 1 <64 hex: BLAKE2b-256 of the body>\n
//! <body: the JSON of ValidatorState>
//! ```
//! Written with [`crate::durable::write_atomic`] (temp file + fsync + rename + directory
//! fsync). Loading checks the header, the version and the checksum, so a damaged file is an
//! error, never silently an empty state; a leftover temporary file is ignored.

use std::path::Path;

use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::U32;
use serde::{Deserialize, Serialize};

use crate::durable::{read_if_exists, write_atomic};
use crate::scoring::ScoreBook;

const MAGIC: &str = "agora-routing-state";
/// The current format version.
pub const VERSION: u32 = 1;

/// A weight commit made on chain and not yet revealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCommit {
    /// The epoch the commit was made in.
    pub epoch: u64,
    /// The committed uids.
    pub uids: Vec<u16>,
    /// The committed weights.
    pub values: Vec<u16>,
    /// The salt.
    pub salt: Vec<u16>,
    /// The version key.
    pub version_key: u64,
}

/// Everything a validator persists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorState {
    /// Rounds completed.
    pub round: u64,
    /// Secret from which round seeds and salts are derived (hex).
    pub secret: String,
    /// Smoothed scores.
    pub scores: ScoreBook,
    /// Commits awaiting their reveal epoch, oldest first.
    pub pending: Vec<PendingCommit>,
    /// The last epoch in which weights were set or committed.
    pub last_weights_epoch: Option<u64>,
}

/// Why a state file could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    /// Reading or writing failed.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Not a state file (bad header).
    #[error("state file {0}: not an agora-routing state file")]
    NotAStateFile(String),
    /// Written by a newer (or unknown) format version.
    #[error("state file {path}: unsupported version {got} (this build reads {VERSION})")]
    Version {
        /// The file.
        path: String,
        /// The version found.
        got: u32,
    },
    /// The body does not match its checksum (a damaged file).
    #[error("state file {0}: checksum mismatch, the file is damaged")]
    Checksum(String),
    /// The body is not valid JSON for the state.
    #[error("state file {path}: {source}")]
    Json {
        /// The file.
        path: String,
        /// The cause.
        source: serde_json::Error,
    },
}

fn checksum(body: &[u8]) -> String {
    let digest = Blake2b::<U32>::digest(body);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Encodes a state in the file format.
pub fn encode(state: &ValidatorState) -> Vec<u8> {
    let body = serde_json::to_vec(state).unwrap_or_default();
    let mut out = format!("{MAGIC} {VERSION} {}\n", checksum(&body)).into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Decodes the file format; `path` names the file in errors.
pub fn decode(bytes: &[u8], path: &str) -> Result<ValidatorState, StateFileError> {
    let bad = || StateFileError::NotAStateFile(path.to_owned());
    let nl = bytes.iter().position(|&b| b == b'\n').ok_or_else(bad)?;
    let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| bad())?;
    let mut parts = header.split(' ');
    if parts.next() != Some(MAGIC) {
        return Err(bad());
    }
    let version: u32 = parts.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    if version != VERSION {
        return Err(StateFileError::Version {
            path: path.to_owned(),
            got: version,
        });
    }
    let sum = parts.next().ok_or_else(bad)?;
    let body = &bytes[nl + 1..];
    if checksum(body) != sum {
        return Err(StateFileError::Checksum(path.to_owned()));
    }
    serde_json::from_slice(body).map_err(|source| StateFileError::Json {
        path: path.to_owned(),
        source,
    })
}

/// Loads the state at `path`, `None` if there is none yet.
pub fn load(path: &Path) -> Result<Option<ValidatorState>, StateFileError> {
    let name = path.display().to_string();
    match read_if_exists(path) {
        Ok(Some(bytes)) => decode(&bytes, &name).map(Some),
        Ok(None) => Ok(None),
        Err(source) => Err(StateFileError::Io { path: name, source }),
    }
}

/// Saves `state` to `path` crash-safely.
pub fn save(path: &Path, state: &ValidatorState) -> Result<(), StateFileError> {
    write_atomic(path, &encode(state)).map_err(|source| StateFileError::Io {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::durable::{scratch_dir, temp_path};
    use crate::scoring::Entry;

    fn state(round: u64) -> ValidatorState {
        let mut scores = ScoreBook::default();
        scores.entries.insert(
            3,
            Entry {
                hotkey: "5Fhk".into(),
                score: 812_345,
            },
        );
        ValidatorState {
            round,
            secret: "00".repeat(32),
            scores,
            pending: vec![PendingCommit {
                epoch: 4,
                uids: vec![3],
                values: vec![65_535],
                salt: vec![1, 2, 3],
                version_key: 0,
            }],
            last_weights_epoch: Some(4),
        }
    }

    #[test]
    fn round_trip_and_missing_file() {
        let dir = scratch_dir("state");
        let path = dir.join("scores.state");
        assert!(load(&path).unwrap().is_none());
        save(&path, &state(7)).unwrap();
        assert_eq!(load(&path).unwrap(), Some(state(7)));
        save(&path, &state(8)).unwrap();
        assert_eq!(load(&path).unwrap(), Some(state(8)));
        assert!(!temp_path(&path).exists());
    }

    /// A crash while writing leaves a torn temporary file; the last good file still loads,
    /// and the next save replaces the torn file.
    #[test]
    fn torn_temp_file_never_corrupts_the_last_good_file() {
        let dir = scratch_dir("torn");
        let path = dir.join("scores.state");
        save(&path, &state(1)).unwrap();
        let full = encode(&state(2));
        for cut in [0, 1, 20, full.len() / 2, full.len() - 1, full.len()] {
            std::fs::write(temp_path(&path), &full[..cut]).unwrap();
            assert_eq!(load(&path).unwrap(), Some(state(1)), "cut at {cut}");
        }
        save(&path, &state(3)).unwrap();
        assert_eq!(load(&path).unwrap(), Some(state(3)));
    }

    #[test]
    fn damaged_files_are_errors() {
        let dir = scratch_dir("damaged");
        let path = dir.join("scores.state");
        let good = encode(&state(5));
        // Flip one byte of the body.
        let mut flipped = good.clone();
        let last = flipped.len() - 2;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(matches!(load(&path), Err(StateFileError::Checksum(_))));
        // Truncated body.
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        assert!(matches!(load(&path), Err(StateFileError::Checksum(_))));
        // Another version.
        let other = String::from_utf8(good.clone())
            .unwrap()
            .replacen(" 1 ", " 2 ", 1);
        std::fs::write(&path, other).unwrap();
        assert!(matches!(
            load(&path),
            Err(StateFileError::Version { got: 2, .. })
        ));
        std::fs::write(&path, b"hello\n{}").unwrap();
        assert!(matches!(load(&path), Err(StateFileError::NotAStateFile(_))));
    }

    #[test]
    fn a_failed_save_keeps_the_old_file() {
        let dir = scratch_dir("failsave");
        let path = dir.join("scores.state");
        save(&path, &state(1)).unwrap();
        // Make the temporary path a directory so the write fails.
        std::fs::create_dir(temp_path(&path)).unwrap();
        assert!(save(&path, &state(2)).is_err());
        assert_eq!(load(&path).unwrap(), Some(state(1)));
    }
}
