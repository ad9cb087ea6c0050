//! Durable usage metering: every billed request is appended to a journal and `fsync`ed
//! before the buyer gets the answer; a snapshot compacts the journal now and then.
//!
//! # Files (in the gateway's data directory)
//! * `usage.snapshot` — `agora-routing-usage 1 <generation> <checksum>\n<JSON totals>`,
//!   replaced atomically ([`crate::durable::write_atomic`]).
//! * `usage.<generation>.log` — one record per line: `<16 hex: BLAKE2b-64 of the JSON> <JSON>\n`.
//!
//! Compaction writes a snapshot of generation `g + 1` holding all totals, then starts
//! `usage.<g+1>.log` and deletes the old journal. Loading reads the snapshot (generation `g`,
//! or 0 and empty totals if there is none), replays `usage.<g>.log`, and ignores journals of
//! other generations (left over by a crash during compaction). A final line without its
//! newline or with a bad checksum is a torn append: it is cut off and the journal truncated
//! to the last good record. A bad line *before* the last is damage and an error — usage is
//! never silently lost.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::{U8, U32};
use serde::{Deserialize, Serialize};

use crate::durable::{read_if_exists, sync_dir, write_atomic};

/// Requests and stops used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Billed requests.
    pub requests: u64,
    /// Stops in those requests.
    pub stops: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.requests = self.requests.saturating_add(other.requests);
        self.stops = self.stops.saturating_add(other.stops);
    }
}

/// One billed request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The key's id.
    pub key: String,
    /// The quota period it falls in.
    pub period: u64,
    /// Stops solved.
    pub stops: u64,
}

/// Totals by key: per period and overall.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// `(key, period)` → counts.
    pub by_period: BTreeMap<String, BTreeMap<u64, Counts>>,
    /// key → counts over all time.
    pub all_time: BTreeMap<String, Counts>,
}

impl Totals {
    fn apply(&mut self, r: &Record) {
        let c = Counts {
            requests: 1,
            stops: r.stops,
        };
        self.by_period
            .entry(r.key.clone())
            .or_default()
            .entry(r.period)
            .or_default()
            .add(c);
        self.all_time.entry(r.key.clone()).or_default().add(c);
    }

    /// Counts of `key` in `period`.
    pub fn in_period(&self, key: &str, period: u64) -> Counts {
        self.by_period
            .get(key)
            .and_then(|p| p.get(&period))
            .copied()
            .unwrap_or_default()
    }
}

/// A usage store error.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// File system.
    #[error("usage store {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// A damaged snapshot or journal line before the last.
    #[error("usage store {path}: damaged ({what})")]
    Damaged {
        /// The file.
        path: String,
        /// What is wrong.
        what: String,
    },
}

const MAGIC: &str = "agora-routing-usage";
const VERSION: u32 = 1;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn line_sum(json: &[u8]) -> String {
    hex(&Blake2b::<U8>::digest(json))
}

/// The store: totals in memory, journal on disk.
pub struct UsageStore {
    dir: PathBuf,
    generation: u64,
    totals: Totals,
    journal: File,
    records_in_journal: u64,
    compact_every: u64,
}

impl UsageStore {
    fn snapshot_path(dir: &Path) -> PathBuf {
        dir.join("usage.snapshot")
    }

    fn journal_path(dir: &Path, generation: u64) -> PathBuf {
        dir.join(format!("usage.{generation}.log"))
    }

    /// Opens (or creates) the store in `dir`; compacts after `compact_every` records.
    pub fn open(dir: &Path, compact_every: u64) -> Result<Self, UsageError> {
        let io_err = |p: &Path| {
            let path = p.display().to_string();
            move |source| UsageError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let snap = Self::snapshot_path(dir);
        let (generation, mut totals) = match read_if_exists(&snap).map_err(io_err(&snap))? {
            None => (0, Totals::default()),
            Some(bytes) => decode_snapshot(&bytes).ok_or_else(|| UsageError::Damaged {
                path: snap.display().to_string(),
                what: "bad snapshot".into(),
            })?,
        };
        let jpath = Self::journal_path(dir, generation);
        let mut records = 0u64;
        if let Some(bytes) = read_if_exists(&jpath).map_err(io_err(&jpath))? {
            let mut good_len = 0usize;
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let (line, complete) = match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => (&rest[..i], true),
                    None => (rest, false),
                };
                let parsed = complete.then(|| parse_line(line)).flatten();
                let is_last = !complete || line.len() + 1 == rest.len();
                match parsed {
                    Some(r) => {
                        totals.apply(&r);
                        records += 1;
                        good_len += line.len() + 1;
                        rest = &rest[line.len() + 1..];
                    }
                    None if is_last => break,
                    None => {
                        return Err(UsageError::Damaged {
                            path: jpath.display().to_string(),
                            what: format!("bad record at byte {good_len}"),
                        });
                    }
                }
            }
            if good_len < bytes.len() {
                let f = OpenOptions::new()
                    .write(true)
                    .open(&jpath)
                    .map_err(io_err(&jpath))?;
                f.set_len(good_len as u64).map_err(io_err(&jpath))?;
                f.sync_all().map_err(io_err(&jpath))?;
            }
        }
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&jpath)
            .map_err(io_err(&jpath))?;
        sync_dir(&jpath).map_err(io_err(&jpath))?;
        // Journals of other generations are leftovers of an interrupted compaction.
        if let Ok(entries) = fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("usage.") && name.ends_with(".log") && e.path() != jpath {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        Ok(Self {
            dir: dir.to_owned(),
            generation,
            totals,
            journal,
            records_in_journal: records,
            compact_every: compact_every.max(1),
        })
    }

    /// The totals.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Appends `record` durably (written and `fdatasync`ed) and counts it. On error nothing
    /// is counted.
    pub fn append(&mut self, record: &Record) -> Result<(), UsageError> {
        let jpath = Self::journal_path(&self.dir, self.generation);
        let io_err = |source| UsageError::Io {
            path: jpath.display().to_string(),
            source,
        };
        let json = serde_json::to_vec(record).unwrap_or_default();
        let mut line = format!("{} ", line_sum(&json)).into_bytes();
        line.extend_from_slice(&json);
        line.push(b'\n');
        self.journal.write_all(&line).map_err(io_err)?;
        self.journal.sync_data().map_err(io_err)?;
        self.totals.apply(record);
        self.records_in_journal += 1;
        if self.records_in_journal >= self.compact_every {
            // A failed compaction loses nothing: the journal still holds every record.
            let _ = self.compact();
        }
        Ok(())
    }

    /// Writes a snapshot of the next generation and starts a fresh journal.
    pub fn compact(&mut self) -> Result<(), UsageError> {
        let next = self.generation + 1;
        let snap = Self::snapshot_path(&self.dir);
        let io_err = |p: &Path| {
            let path = p.display().to_string();
            move |source| UsageError::Io { path, source }
        };
        write_atomic(&snap, &encode_snapshot(next, &self.totals)).map_err(io_err(&snap))?;
        let jpath = Self::journal_path(&self.dir, next);
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&jpath)
            .map_err(io_err(&jpath))?;
        let old = Self::journal_path(&self.dir, self.generation);
        self.journal = journal;
        self.generation = next;
        self.records_in_journal = 0;
        let _ = fs::remove_file(old);
        sync_dir(&jpath).map_err(io_err(&jpath))
    }
}

fn parse_line(line: &[u8]) -> Option<Record> {
    let (sum, json) = line.split_at(line.iter().position(|&b| b == b' ')?);
    let json = &json[1..];
    (std::str::from_utf8(sum).ok()? == line_sum(json)).then_some(())?;
    serde_json::from_slice(json).ok()
}

fn encode_snapshot(generation: u64, totals: &Totals) -> Vec<u8> {
    let body = serde_json::to_vec(totals).unwrap_or_default();
    let sum = hex(&Blake2b::<U32>::digest(&body));
    let mut out = format!("{MAGIC} {VERSION} {generation} {sum}\n").into_bytes();
    out.extend_from_slice(&body);
    out
}

fn decode_snapshot(bytes: &[u8]) -> Option<(u64, Totals)> {
    let nl = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..nl]).ok()?;
    let mut parts = header.split(' ');
    (parts.next()? == MAGIC).then_some(())?;
    (parts.next()?.parse::<u32>().ok()? == VERSION).then_some(())?;
    let generation = parts.next()?.parse().ok()?;
    let sum = parts.next()?;
    let body = &bytes[nl + 1..];
    (hex(&Blake2b::<U32>::digest(body)) == sum).then_some(())?;
    Some((generation, serde_json::from_slice(body).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::durable::scratch_dir;

    fn rec(key: &str, period: u64, stops: u64) -> Record {
        Record {
            key: key.into(),
            period,
            stops,
        }
    }

    #[test]
    fn survives_reopen_and_compaction() {
        let dir = scratch_dir("usage");
        let mut s = UsageStore::open(&dir, 3).unwrap();
        for i in 0..7 {
            s.append(&rec(if i % 2 == 0 { "a" } else { "b" }, 1, 10))
                .unwrap();
        }
        let totals = s.totals().clone();
        assert_eq!(
            totals.in_period("a", 1),
            Counts {
                requests: 4,
                stops: 40
            }
        );
        assert_eq!(
            totals.all_time["b"],
            Counts {
                requests: 3,
                stops: 30
            }
        );
        drop(s);
        let s = UsageStore::open(&dir, 3).unwrap();
        assert_eq!(s.totals(), &totals);
        assert_eq!(s.generation, 2);
    }

    /// A torn final append is dropped and the journal repaired; earlier records survive.
    #[test]
    fn torn_append_is_cut_off() {
        let dir = scratch_dir("usage-torn");
        let mut s = UsageStore::open(&dir, 100).unwrap();
        s.append(&rec("a", 1, 5)).unwrap();
        s.append(&rec("a", 1, 6)).unwrap();
        drop(s);
        let j = UsageStore::journal_path(&dir, 0);
        let good = fs::read(&j).unwrap();
        for torn in [
            &b"0123"[..],
            b"deadbeefdeadbeef {\"key\":\"a\",\"period\":1,\"stops\":7}\n",
            b"zz",
        ] {
            let mut bytes = good.clone();
            bytes.extend_from_slice(torn);
            fs::write(&j, &bytes).unwrap();
            let mut s = UsageStore::open(&dir, 100).unwrap();
            assert_eq!(
                s.totals().in_period("a", 1),
                Counts {
                    requests: 2,
                    stops: 11
                }
            );
            assert_eq!(fs::read(&j).unwrap(), good);
            s.append(&rec("a", 1, 1)).unwrap();
            drop(s);
            let s = UsageStore::open(&dir, 100).unwrap();
            assert_eq!(
                s.totals().in_period("a", 1),
                Counts {
                    requests: 3,
                    stops: 12
                }
            );
            drop(s);
            fs::write(&j, &good).unwrap();
        }
    }

    #[test]
    fn damage_before_the_last_record_is_an_error() {
        let dir = scratch_dir("usage-damaged");
        let mut s = UsageStore::open(&dir, 100).unwrap();
        s.append(&rec("a", 1, 5)).unwrap();
        s.append(&rec("a", 1, 6)).unwrap();
        drop(s);
        let j = UsageStore::journal_path(&dir, 0);
        let mut bytes = fs::read(&j).unwrap();
        bytes[20] ^= 1;
        fs::write(&j, &bytes).unwrap();
        assert!(matches!(
            UsageStore::open(&dir, 100),
            Err(UsageError::Damaged { .. })
        ));
        fs::write(UsageStore::snapshot_path(&dir), b"garbage\n").unwrap();
        assert!(matches!(
            UsageStore::open(&dir, 100),
            Err(UsageError::Damaged { .. })
        ));
    }

    /// A crash after the new snapshot but before the old journal was removed: the old journal
    /// is ignored (its records are in the snapshot) and cleaned up.
    #[test]
    fn interrupted_compaction_does_not_double_count() {
        let dir = scratch_dir("usage-compact");
        let mut s = UsageStore::open(&dir, 100).unwrap();
        s.append(&rec("a", 1, 5)).unwrap();
        drop(s);
        let old = fs::read(UsageStore::journal_path(&dir, 0)).unwrap();
        let mut s = UsageStore::open(&dir, 100).unwrap();
        s.compact().unwrap();
        drop(s);
        fs::write(UsageStore::journal_path(&dir, 0), &old).unwrap();
        let s = UsageStore::open(&dir, 100).unwrap();
        assert_eq!(
            s.totals().in_period("a", 1),
            Counts {
                requests: 1,
                stops: 5
            }
        );
        assert!(!UsageStore::journal_path(&dir, 0).exists());
    }
}
