//! sr25519 signatures and key pairs, compatible with Substrate and Bittensor wallets.
//!
//! Bittensor signs with sr25519 (Schnorr over Ristretto25519, the `schnorrkel` crate) under the
//! signing context `b"substrate"`, with no extra hashing of the message (sdk spec, "Scheme").
//! Keys come from a BIP-39 mnemonic the way `sp-core` and `bittensor_wallet` make them
//! (sdk spec, "Derivation"): the mnemonic's *entropy* (not the BIP-39 seed) goes through
//! PBKDF2-HMAC-SHA512 with salt `"mnemonic" ‖ password`, the first 32 bytes are the
//! "mini secret key" (the keyfile's `secretSeed`), and that is expanded in Ed25519 mode.
//!
//! Secret URIs follow `sp-core`: `<phrase or 0x seed>[//hard][/soft]...[///password]`, where an
//! empty phrase means the Substrate development phrase [`DEV_PHRASE`], so `//Alice` is Alice's
//! development key. A path component is turned into a 32-byte chain code by
//! [`DeriveJunction::soft`] / [`DeriveJunction::hard`].
//!
//! # Invariants
//! - [`verify`] never panics: a malformed key or signature is a failed verification.
//! - Keys derived from the same URI are the same on every machine (the public key and the
//!   signing scalar are deterministic; only a soft derivation's nonce seed is random, which
//!   changes no public key and no signature's validity).
//! - [`Keypair::sign`], soft derivation and [`generate_phrase`] draw OS randomness (through
//!   schnorrkel and `getrandom`); that is the only IO here, and they panic (inside schnorrkel)
//!   only if the OS has no randomness to give.
//! - Secret material is never printed: `Keypair`'s `Debug` shows only the public key.

use core::fmt;

use bip39::{Language, Mnemonic};
use parity_scale_codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use schnorrkel::derive::{ChainCode, Derivation};
use schnorrkel::{ExpansionMode, MiniSecretKey, SecretKey};
use thiserror::Error;

use crate::account::AccountId;
use crate::hashing::blake2_256;
use crate::hex;

/// The sr25519 signing context of Substrate, and so of Bittensor.
pub const SIGNING_CONTEXT: &[u8] = b"substrate";

/// The Substrate development mnemonic, used when a secret URI has no phrase (`//Alice`).
pub const DEV_PHRASE: &str =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// A 64-byte sr25519 signature. SCALE-encodes as the raw 64 bytes; `Display`, `Debug` and
/// `FromStr` use `0x` followed by 128 hex digits (the form of Bittensor's signature headers).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
)]
pub struct Signature(pub [u8; 64]);

crate::hex::hex_newtype!(Signature, 64);

/// Whether `sig` is `signer`'s sr25519 signature of `message` under [`SIGNING_CONTEXT`].
///
/// Returns `false` (never panics) if the public key is not a valid Ristretto point or the
/// signature is malformed (including a missing schnorrkel marker bit).
pub fn verify(signer: &AccountId, message: &[u8], sig: &Signature) -> bool {
    let Ok(public) = schnorrkel::PublicKey::from_bytes(&signer.0) else {
        return false;
    };
    let Ok(signature) = schnorrkel::Signature::from_bytes(&sig.0) else {
        return false;
    };
    public
        .verify_simple(SIGNING_CONTEXT, message, &signature)
        .is_ok()
}

/// Why a key could not be made from a phrase, seed or secret URI.
///
/// No variant carries the secret input itself, so errors are safe to log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The mnemonic is not a valid English BIP-39 phrase (unknown word, bad word count or bad
    /// checksum).
    #[error("invalid mnemonic phrase: {reason}")]
    InvalidPhrase {
        /// What the BIP-39 parser objected to (it never quotes the words).
        reason: String,
    },
    /// A secret URI's `0x` seed is not exactly 64 hex digits.
    #[error("invalid secret seed: expected 0x followed by 64 hex digits")]
    InvalidSeed,
    /// A secret URI's derivation path has an empty component (such as a trailing `/`).
    #[error("invalid derivation path: empty path component")]
    InvalidPath,
    /// A secret URI gives both a `0x` seed and a `///password`. `sp-core` silently ignores the
    /// password in that case; refusing it avoids deriving a key the user did not intend.
    #[error("a password cannot be used with a hex seed")]
    PasswordWithSeed,
    /// A 64-byte secret key whose scalar is not canonical.
    #[error("invalid sr25519 secret key")]
    InvalidSecretKey,
    /// A phrase length other than 12, 15, 18, 21 or 24 words was requested.
    #[error("unsupported mnemonic length: {words} words (12, 15, 18, 21 or 24)")]
    InvalidWordCount {
        /// The number of words requested.
        words: usize,
    },
}

/// One step of a derivation path: a 32-byte chain code, applied hard (`//name`) or soft
/// (`/name`), exactly as `sp-core`'s `DeriveJunction`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeriveJunction {
    /// A soft junction: the derived public key can be computed from the parent public key.
    Soft([u8; 32]),
    /// A hard junction: the derived key needs the parent secret key.
    Hard([u8; 32]),
}

impl DeriveJunction {
    /// The soft junction for a path component, e.g. `"1"` or `"stash"` in `/1` or `/stash`.
    pub fn soft(component: &str) -> Self {
        Self::Soft(chain_code(component))
    }

    /// The hard junction for a path component, e.g. `"Alice"` in `//Alice`.
    pub fn hard(component: &str) -> Self {
        Self::Hard(chain_code(component))
    }
}

impl fmt::Debug for DeriveJunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Soft(cc) => write!(f, "Soft({})", hex::encode(cc)),
            Self::Hard(cc) => write!(f, "Hard({})", hex::encode(cc)),
        }
    }
}

/// The chain code of a path component, as `sp-core` computes it: a component that parses as a
/// `u64` is SCALE-encoded as that integer (8 bytes little-endian), any other as a SCALE string
/// (compact length, then the UTF-8 bytes). An encoding of at most 32 bytes is zero-padded to
/// 32; a longer one is replaced by its BLAKE2b-256 hash.
fn chain_code(component: &str) -> [u8; 32] {
    let encoded = match component.parse::<u64>() {
        Ok(n) => n.encode(),
        Err(_) => component.encode(),
    };
    if encoded.len() > 32 {
        return blake2_256(&encoded);
    }
    let mut cc = [0u8; 32];
    cc[..encoded.len()].copy_from_slice(&encoded);
    cc
}

/// An sr25519 key pair, with the 32-byte seed it was expanded from when that is known.
///
/// The seed is known for keys made from a seed or phrase and for keys reached from one by hard
/// derivations only (as in `sp-core`); a soft derivation loses it.
#[derive(Clone)]
pub struct Keypair {
    pair: schnorrkel::Keypair,
    /// Zeroed on drop by schnorrkel.
    seed: Option<MiniSecretKey>,
}

impl Keypair {
    /// The key pair of a 32-byte seed (the keyfile's `secretSeed`, `sp-core`'s
    /// `Pair::from_seed`), expanded in Ed25519 mode.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_mini_secret(mini_secret_from_bytes(seed))
    }

    /// The key pair of an English BIP-39 mnemonic and optional password, as `sp-core`'s
    /// `Pair::from_phrase` and Bittensor wallets make it (no password is the same as `""`).
    pub fn from_phrase(phrase: &str, password: Option<&str>) -> Result<Self, KeyError> {
        let mnemonic =
            Mnemonic::parse_in(Language::English, phrase).map_err(|e| KeyError::InvalidPhrase {
                reason: e.to_string(),
            })?;
        let (entropy, len) = mnemonic.to_entropy_array();
        let mini = substrate_bip39::mini_secret_from_entropy(
            entropy.get(..len).unwrap_or_default(),
            password.unwrap_or(""),
        )
        .map_err(|e| KeyError::InvalidPhrase {
            reason: format!("{e:?}"),
        })?;
        Ok(Self::from_mini_secret(mini))
    }

    /// The key pair of a secret URI: `<phrase or 0x seed>[//hard][/soft]...[///password]`.
    ///
    /// An empty phrase stands for [`DEV_PHRASE`], so `//Alice` is the development account
    /// Alice. The password applies to the phrase (it cannot be combined with a `0x` seed). A
    /// path component that parses as a `u64` is a number, any other is a string (see
    /// [`DeriveJunction`]).
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        // A path component never contains `///` (it is `/` or `//` then at least one non-`/`
        // character), and neither does a phrase, so the first `///` starts the password.
        let (secret_and_path, password) = match uri.split_once("///") {
            Some((before, password)) => (before, Some(password)),
            None => (uri, None),
        };
        let (secret, mut path) = match secret_and_path.find('/') {
            Some(i) => secret_and_path.split_at(i),
            None => (secret_and_path, ""),
        };

        let mut junctions = Vec::new();
        while !path.is_empty() {
            let (hard, rest) = if let Some(rest) = path.strip_prefix("//") {
                (true, rest)
            } else if let Some(rest) = path.strip_prefix('/') {
                (false, rest)
            } else {
                return Err(KeyError::InvalidPath);
            };
            let end = rest.find('/').unwrap_or(rest.len());
            let (component, remainder) = rest.split_at(end);
            if component.is_empty() {
                return Err(KeyError::InvalidPath);
            }
            junctions.push(if hard {
                DeriveJunction::hard(component)
            } else {
                DeriveJunction::soft(component)
            });
            path = remainder;
        }

        let root = if secret.starts_with("0x") {
            if password.is_some() {
                return Err(KeyError::PasswordWithSeed);
            }
            let seed = hex::decode_fixed::<32>(secret).map_err(|_| KeyError::InvalidSeed)?;
            Self::from_seed(&seed)
        } else if secret.is_empty() {
            Self::from_phrase(DEV_PHRASE, password)?
        } else {
            Self::from_phrase(secret, password)?
        };
        Ok(root.derive(&junctions))
    }

    /// The key pair reached from this one by `path`, as `sp-core`'s `Pair::derive`.
    ///
    /// A hard junction derives a new seed with schnorrkel's `hard_derive_mini_secret_key`
    /// (the junction as chain code, an empty message) and expands it in Ed25519 mode; a soft
    /// junction uses schnorrkel's `derived_key_simple` (the junction as chain code, an empty
    /// message).
    pub fn derive(&self, path: &[DeriveJunction]) -> Self {
        let mut secret: SecretKey = self.pair.secret.clone();
        let mut seed = self.seed.clone();
        for junction in path {
            match junction {
                DeriveJunction::Soft(cc) => {
                    secret = secret.derived_key_simple(ChainCode(*cc), []).0;
                    seed = None;
                }
                DeriveJunction::Hard(cc) => {
                    let (mini, _) = secret.hard_derive_mini_secret_key(Some(ChainCode(*cc)), b"");
                    secret = mini.expand(ExpansionMode::Ed25519);
                    seed = seed.map(|_| mini);
                }
            }
        }
        Self {
            pair: secret.to_keypair(),
            seed,
        }
    }

    /// The account (public key) of this key pair.
    pub fn public(&self) -> AccountId {
        AccountId(self.pair.public.to_bytes())
    }

    /// Signs `message` under [`SIGNING_CONTEXT`]. Signatures are randomised: signing the same
    /// message twice gives different signatures, both valid.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.pair.sign_simple(SIGNING_CONTEXT, message).to_bytes())
    }

    /// The key pair of a 64-byte sr25519 secret key (scalar ‖ nonce), the keyfile's
    /// `privateKey`, as `sp-core`'s `Pair::from_seed_slice` reads 64 bytes. The seed is not
    /// known.
    pub fn from_secret_key_bytes(bytes: &[u8; 64]) -> Result<Self, KeyError> {
        let secret = SecretKey::from_bytes(bytes).map_err(|_| KeyError::InvalidSecretKey)?;
        Ok(Self {
            pair: secret.to_keypair(),
            seed: None,
        })
    }

    /// The 64-byte secret key (scalar ‖ nonce) as `sp-core`'s `to_raw_vec`: the keyfile's
    /// `privateKey`. The caller should zeroise the copy when done.
    pub fn secret_key_bytes(&self) -> [u8; 64] {
        self.pair.secret.to_bytes()
    }

    /// The 32-byte seed (mini secret key) of this pair, if known: the keyfile's `secretSeed`.
    pub fn secret_seed(&self) -> Option<[u8; 32]> {
        self.seed.as_ref().map(MiniSecretKey::to_bytes)
    }

    fn from_mini_secret(mini: MiniSecretKey) -> Self {
        Self {
            pair: mini.expand_to_keypair(ExpansionMode::Ed25519),
            seed: Some(mini),
        }
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keypair")
            .field("public", &self.public())
            .finish_non_exhaustive()
    }
}

/// A new random English BIP-39 mnemonic of `words` words (12, 15, 18, 21 or 24), from OS
/// randomness.
pub fn generate_phrase(words: usize) -> Result<String, KeyError> {
    let entropy_len = match words {
        12 => 16,
        15 => 20,
        18 => 24,
        21 => 28,
        24 => 32,
        _ => return Err(KeyError::InvalidWordCount { words }),
    };
    // 32 uniformly random bytes from the OS, zeroed when `random` drops.
    let random = MiniSecretKey::generate();
    let bytes = random.to_bytes();
    let mnemonic = Mnemonic::from_entropy_in(
        Language::English,
        bytes.get(..entropy_len).unwrap_or_default(),
    )
    .map_err(|e| KeyError::InvalidPhrase {
        reason: e.to_string(),
    })?;
    Ok(mnemonic.to_string())
}

/// A `MiniSecretKey` holding exactly `bytes`, without a fallible conversion.
///
/// schnorrkel's only public byte constructor, `MiniSecretKey::from_bytes`, takes a slice and so
/// returns a `Result` even for 32 bytes. `MiniSecretKey::generate_with` instead fills the key
/// with the bytes of the generator it is given, so a "generator" that yields `bytes` once
/// makes the key with no error path and no panic.
fn mini_secret_from_bytes(bytes: &[u8; 32]) -> MiniSecretKey {
    MiniSecretKey::generate_with(FixedBytes {
        bytes: *bytes,
        pos: 0,
    })
}

/// Yields the given bytes, then zeros. Only used by [`mini_secret_from_bytes`].
struct FixedBytes {
    bytes: [u8; 32],
    pos: usize,
}

impl rand_core::RngCore for FixedBytes {
    fn next_u32(&mut self) -> u32 {
        let mut buf = [0u8; 4];
        self.fill_bytes(&mut buf);
        u32::from_le_bytes(buf)
    }

    fn next_u64(&mut self) -> u64 {
        let mut buf = [0u8; 8];
        self.fill_bytes(&mut buf);
        u64::from_le_bytes(buf)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for out in dest {
            *out = self.bytes.get(self.pos).copied().unwrap_or(0);
            self.pos = self.pos.saturating_add(1);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

// Not cryptographically random at all: the marker only satisfies `generate_with`'s bound, and
// the "randomness" is the caller's secret seed.
impl rand_core::CryptoRng for FixedBytes {}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV_ROOT: &str = "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a";

    fn uri_ss58(uri: &str) -> String {
        Keypair::from_uri(uri)
            .expect("valid uri")
            .public()
            .to_string()
    }

    #[test]
    fn dev_phrase_root_key() {
        let pair = Keypair::from_phrase(DEV_PHRASE, None).expect("valid phrase");
        assert_eq!(pair.public().to_hex(), DEV_ROOT);
        assert_eq!(
            pair.public().to_string(),
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
        // The empty URI and the phrase itself as a URI are the same key.
        assert_eq!(
            Keypair::from_uri("").expect("valid uri").public(),
            pair.public()
        );
        assert_eq!(
            Keypair::from_uri(DEV_PHRASE).expect("valid uri").public(),
            pair.public()
        );
        // From its seed, the same key again.
        let seed = pair.secret_seed().expect("seed is known");
        assert_eq!(Keypair::from_seed(&seed).public(), pair.public());
        assert_eq!(
            Keypair::from_uri(&hex::encode(&seed))
                .expect("valid uri")
                .public(),
            pair.public()
        );
    }

    #[test]
    fn dev_accounts() {
        assert_eq!(
            uri_ss58("//Alice"),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        assert_eq!(
            Keypair::from_uri("//Alice")
                .expect("valid uri")
                .public()
                .to_hex(),
            "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
        );
        assert_eq!(
            uri_ss58("//Bob"),
            "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
        );
        assert_eq!(
            uri_ss58(&format!("{DEV_PHRASE}//Alice")),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
    }

    #[test]
    fn hard_derivation_keeps_the_seed_and_soft_loses_it() {
        let alice = Keypair::from_uri("//Alice").expect("valid uri");
        let seed = alice.secret_seed().expect("seed is known");
        assert_eq!(Keypair::from_seed(&seed).public(), alice.public());
        // `0x<seed>` of a derived key reproduces it.
        assert_eq!(
            Keypair::from_uri(&hex::encode(&seed))
                .expect("valid uri")
                .public(),
            alice.public()
        );

        let soft = Keypair::from_uri("//Alice/1").expect("valid uri");
        assert_eq!(soft.secret_seed(), None);
        assert_ne!(soft.public(), alice.public());
        // Soft then hard: still no seed, as in sp-core.
        assert_eq!(
            Keypair::from_uri("/1//Alice")
                .expect("valid uri")
                .secret_seed(),
            None
        );
        // Derivation is deterministic in its public key.
        assert_eq!(
            Keypair::from_uri("//Alice/1").expect("valid uri").public(),
            soft.public()
        );
        // derive() with explicit junctions is the URI path.
        let root = Keypair::from_phrase(DEV_PHRASE, None).expect("valid phrase");
        let via_derive = root.derive(&[DeriveJunction::hard("Alice"), DeriveJunction::soft("1")]);
        assert_eq!(via_derive.public(), soft.public());
    }

    #[test]
    fn path_components_and_password() {
        // A number and its string form are different junctions.
        assert_eq!(
            DeriveJunction::hard("1"),
            DeriveJunction::Hard({
                let mut cc = [0; 32];
                cc[0] = 1;
                cc
            })
        );
        assert_eq!(
            DeriveJunction::soft("Alice"),
            DeriveJunction::Soft({
                let mut cc = [0; 32];
                cc[..6].copy_from_slice(&[20, b'A', b'l', b'i', b'c', b'e']);
                cc
            })
        );
        // More than 32 encoded bytes: hashed.
        let long = "x".repeat(40);
        let mut encoded = long.as_str().encode();
        assert_eq!(encoded.len(), 41);
        assert_eq!(
            DeriveJunction::hard(&long),
            DeriveJunction::Hard(blake2_256(&encoded))
        );
        // 31 characters encode to exactly 32 bytes: padded, not hashed.
        let edge = "y".repeat(31);
        encoded = edge.as_str().encode();
        assert_eq!(
            DeriveJunction::soft(&edge),
            DeriveJunction::Soft({
                let mut cc = [0; 32];
                cc.copy_from_slice(&encoded);
                cc
            })
        );

        // A password changes the root key, and `///` with an empty password does not.
        let with_pw = Keypair::from_uri("//Alice///secret").expect("valid uri");
        assert_ne!(
            with_pw.public(),
            Keypair::from_uri("//Alice").expect("valid uri").public()
        );
        assert_eq!(
            with_pw.public(),
            Keypair::from_phrase(DEV_PHRASE, Some("secret"))
                .expect("valid phrase")
                .derive(&[DeriveJunction::hard("Alice")])
                .public()
        );
        assert_eq!(uri_ss58("//Alice///"), uri_ss58("//Alice"));
        // A password may contain slashes.
        assert_eq!(
            Keypair::from_uri("//Alice///a/b")
                .expect("valid uri")
                .public(),
            Keypair::from_phrase(DEV_PHRASE, Some("a/b"))
                .expect("valid phrase")
                .derive(&[DeriveJunction::hard("Alice")])
                .public()
        );
    }

    #[test]
    fn malformed_uris_are_errors() {
        assert_eq!(
            Keypair::from_uri("//Alice/").expect_err("must fail"),
            KeyError::InvalidPath
        );
        assert_eq!(
            Keypair::from_uri("//Alice//").expect_err("must fail"),
            KeyError::InvalidPath
        );
        assert_eq!(
            Keypair::from_uri("0x1234").expect_err("must fail"),
            KeyError::InvalidSeed
        );
        assert_eq!(
            Keypair::from_uri(&format!("{DEV_ROOT}///pw")).expect_err("must fail"),
            KeyError::PasswordWithSeed
        );
        assert!(matches!(
            Keypair::from_uri("not a real phrase//Alice").expect_err("must fail"),
            KeyError::InvalidPhrase { .. }
        ));
        // Valid words, bad checksum.
        assert!(matches!(
            Keypair::from_phrase(
                "bottom drive obey lake curtain smoke basket hold race lonely fit fit",
                None
            )
            .expect_err("must fail"),
            KeyError::InvalidPhrase { .. }
        ));
    }

    #[test]
    fn sign_and_verify() {
        let alice = Keypair::from_uri("//Alice").expect("valid uri");
        let bob = Keypair::from_uri("//Bob").expect("valid uri");
        let message = b"1700000000.5Grw.5FHn.uuid.hash";
        let sig = alice.sign(message);
        assert!(verify(&alice.public(), message, &sig));
        assert!(!verify(
            &alice.public(),
            b"1700000000.5Grw.5FHn.uuid.hasH",
            &sig
        ));
        assert!(!verify(&bob.public(), message, &sig));
        let mut tampered = sig;
        tampered.0[10] ^= 1;
        assert!(!verify(&alice.public(), message, &tampered));
        // Randomised signatures, both valid.
        let again = alice.sign(message);
        assert_ne!(again, sig);
        assert!(verify(&alice.public(), message, &again));
        // Malformed inputs are false, not panics: no marker bit, an invalid point.
        assert!(!verify(&alice.public(), message, &Signature([0; 64])));
        assert!(!verify(&AccountId([0xff; 32]), message, &sig));
        // A soft-derived key (random nonce seed) signs verifiably too.
        let soft = Keypair::from_uri("//Alice/soft").expect("valid uri");
        assert!(verify(&soft.public(), message, &soft.sign(message)));
    }

    #[test]
    fn signature_text_and_scale() {
        let sig = Keypair::from_uri("//Alice").expect("valid uri").sign(b"m");
        let text = sig.to_string();
        assert_eq!(text.len(), 2 + 128);
        assert_eq!(text.parse::<Signature>(), Ok(sig));
        assert_eq!(format!("{sig:?}"), text);
        let encoded = sig.encode();
        assert_eq!(encoded, sig.0.to_vec());
        assert_eq!(Signature::decode(&mut &encoded[..]), Ok(sig));
        assert_eq!(Signature::max_encoded_len(), 64);
    }

    #[test]
    fn secret_key_bytes_round_trip() {
        let alice = Keypair::from_uri("//Alice").expect("valid uri");
        let raw = alice.secret_key_bytes();
        let back = Keypair::from_secret_key_bytes(&raw).expect("canonical");
        assert_eq!(back.public(), alice.public());
        assert_eq!(back.secret_seed(), None);
        assert!(verify(&back.public(), b"m", &back.sign(b"m")));
        // A non-canonical scalar (top bits set) is refused.
        let mut bad = raw;
        bad[31] = 0xff;
        assert_eq!(
            Keypair::from_secret_key_bytes(&bad).expect_err("must fail"),
            KeyError::InvalidSecretKey
        );
    }

    #[test]
    fn keypair_debug_shows_no_secret() {
        let alice = Keypair::from_uri("//Alice").expect("valid uri");
        let seed_hex = hex::encode(&alice.secret_seed().expect("seed is known"));
        let debug = format!("{alice:?}");
        assert!(debug.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"));
        assert!(!debug.contains(&seed_hex[2..]));
    }

    #[test]
    fn generated_phrases_make_keys() {
        for words in [12, 15, 18, 21, 24] {
            let phrase = generate_phrase(words).expect("supported length");
            assert_eq!(phrase.split(' ').count(), words);
            let pair = Keypair::from_phrase(&phrase, None).expect("valid phrase");
            assert!(verify(&pair.public(), b"x", &pair.sign(b"x")));
        }
        assert_eq!(
            generate_phrase(13).expect_err("must fail"),
            KeyError::InvalidWordCount { words: 13 }
        );
    }

    // Published vectors from sp-core's sr25519 tests and subkey (values, not code).
    #[test]
    fn published_seed_and_soft_derivation_vectors() {
        let seed = hex::decode_fixed::<32>(
            "0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        )
        .expect("valid hex");
        assert_eq!(
            Keypair::from_seed(&seed).public().to_hex(),
            "0x44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f"
        );
        assert_eq!(
            Keypair::from_seed(b"12345678901234567890123456789012")
                .public()
                .to_hex(),
            "0x741c08a06f41c596608f6774259bd9043304adfa5d3eea62760bd9be97634d63"
        );
        // Soft derivation: `/Alice` from the dev phrase.
        let soft = Keypair::from_uri("/Alice").expect("valid uri");
        assert_eq!(
            soft.public().to_hex(),
            "0xd6c71059dbbe9ad2b0ed3f289738b800836eb425544ce694825285b958ca755e"
        );
        assert_eq!(
            soft.public().to_string(),
            "5GvKEoc787uDV8etY1AM8vF385edu2iyqD1WfCjDugzLUiAL"
        );
    }

    #[test]
    fn verifies_a_signature_made_elsewhere() {
        // Made by polkadot-js for this address over the raw message (published in a test suite).
        let signer: AccountId = "5Gv8YYFu8H1btvmrJy9FjjAWfb99wrhV3uhPFoNEr918utyR"
            .parse()
            .expect("valid address");
        let sig: Signature = "0x22f91b41ba12f8663ddce26bfc90dbfe6a51683fd3782ad679ab2a5fdbe7d44c2a119f22c74eea22555e5483eb7f42b828f189a38379d59c3b607d2461f0858e"
            .parse()
            .expect("valid hex");
        assert!(verify(&signer, b"test message\n", &sig));
        assert!(!verify(&signer, b"another message\n", &sig));
    }

    #[test]
    fn rejects_pre_audit_signatures() {
        // schnorrkel-js (pre-audit) signature by seed 0 over "SUBSTRATE": sp-core only accepts it
        // in `verify_deprecated`, and so it must fail here.
        let pair = Keypair::from_seed(&[0; 32]);
        let sig: Signature = "0x28a854d54903e056f89581c691c1f7d2ff39f8f896c9e9c22475e60902cc2b3547199e0e91fa32902028f2ca2355e8cdd16cfe19ba5e8b658c94aa80f3b81a00"
            .parse()
            .expect("valid hex");
        assert!(!verify(&pair.public(), b"SUBSTRATE", &sig));
    }

    #[test]
    fn from_seed_uses_exactly_the_seed() {
        let seed = [0x5a; 32];
        let pair = Keypair::from_seed(&seed);
        assert_eq!(pair.secret_seed(), Some(seed));
        let reference = MiniSecretKey::from_bytes(&seed)
            .expect("32 bytes")
            .expand_to_keypair(ExpansionMode::Ed25519);
        assert_eq!(pair.public().0, reference.public.to_bytes());
    }
}
