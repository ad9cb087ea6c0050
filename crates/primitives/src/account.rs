//! Account identifiers: 32-byte sr25519 public keys, and their SS58 text form.
//!
//! Bittensor accounts (coldkeys and hotkeys) are Substrate `AccountId32`s: the raw 32-byte
//! sr25519 public key, SCALE-encoded as those 32 bytes with no length prefix. People see them
//! as SS58 addresses with prefix 42 (protocol stack spec §3, sdk spec "SS58"), which start with
//! `5` and are 48 characters long.
//!
//! SS58 is `base58(prefix ‖ pubkey ‖ checksum)`, where the checksum is the first 2 bytes of
//! BLAKE2b-512(`"SS58PRE"` ‖ prefix ‖ pubkey) and the prefix takes one byte for 0..=63 or two
//! bytes for 64..=16383, laid out as Substrate does:
//!
//! ```text
//! prefix p (14 bits), low byte L = p & 0xff, high byte H = p >> 8 (at most 0x3f)
//! first  = 0b01 ‖ L[7..2]          (six high bits of L)
//! second = L[1..0] ‖ H[5..0]       (two low bits of L, then the six bits of H)
//! ```
//!
//! # Invariants
//! - Decoding never panics, for any string.
//! - Decoding is the exact inverse of encoding: if [`AccountId::from_ss58`] accepts `s` and
//!   returns `(id, prefix)`, then `id.to_ss58(prefix) == s`. To keep this, the decoder rejects
//!   the two-byte form of a prefix below 64 (see [`Ss58Error::NonCanonicalPrefix`]), which
//!   Substrate's decoder accepts but no encoder produces.
//! - Unlike Substrate's `AccountId32` decoder, the reserved prefixes 46 and 47 are accepted, so
//!   that every prefix [`AccountId::to_ss58`] writes can be read back.

use core::fmt;
use core::str::FromStr;

use blake2::{Blake2b512, Digest};
use parity_scale_codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use thiserror::Error;

use crate::hex;

/// The SS58 prefix of Bittensor (the generic Substrate prefix; subtensor `SS58Prefix`).
pub const SS58_PREFIX: u16 = 42;

/// The largest SS58 prefix: prefixes are 14 bits.
pub const SS58_MAX_PREFIX: u16 = 0x3fff;

/// Length of a public key, and so of an account id, in bytes.
const KEY_LEN: usize = 32;
/// Length of the SS58 checksum in bytes.
const CHECKSUM_LEN: usize = 2;
/// The longest SS58 string for a 32-byte key: 36 bytes (with a two-byte prefix) take at most 50
/// base58 digits. Longer input is rejected before base58 decoding, whose cost is quadratic.
const MAX_SS58_CHARS: usize = 50;
/// Domain separator of the SS58 checksum hash.
const SS58_HASH_PREFIX: &[u8] = b"SS58PRE";

/// An account: the 32-byte sr25519 public key of a coldkey or hotkey (Substrate `AccountId32`).
///
/// SCALE-encodes as the raw 32 bytes. The default is the all-zero account. `Display` and `Debug`
/// print the SS58 address with prefix [`SS58_PREFIX`]; `FromStr` parses that form, or `0x`
/// followed by 64 hex digits.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
)]
pub struct AccountId(pub [u8; 32]);

/// Why a string is not a valid SS58 address (or, for `FromStr`, a hex public key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Ss58Error {
    /// The string is longer than any SS58 encoding of a 32-byte key.
    #[error("ss58 address too long: {len} bytes, at most {MAX_SS58_CHARS}")]
    TooLong {
        /// Length of the input in bytes.
        len: usize,
    },
    /// The string contains a character outside the base58 alphabet.
    #[error("invalid base58 in ss58 address")]
    InvalidBase58,
    /// The decoded bytes have the wrong length for a prefix, a 32-byte key and a checksum.
    #[error("ss58 address decodes to {len} bytes, expected 35 or 36")]
    BadLength {
        /// Number of decoded bytes.
        len: usize,
    },
    /// The first decoded byte is 128 or more, which SS58 reserves.
    #[error("ss58 prefix byte {byte:#04x} is reserved")]
    ReservedPrefixByte {
        /// The first decoded byte.
        byte: u8,
    },
    /// A prefix below 64 written in the two-byte form (the one-byte form is the only canonical
    /// encoding of these prefixes).
    #[error("ss58 prefix {prefix} is written in the two-byte form, which is for 64..=16383")]
    NonCanonicalPrefix {
        /// The prefix the two bytes encode.
        prefix: u16,
    },
    /// The checksum does not match the prefix and key (a typo, or a truncated address).
    #[error("ss58 checksum mismatch")]
    BadChecksum,
    /// The address is valid but for another network's prefix.
    #[error("ss58 prefix mismatch: got {got}, expected {expected}")]
    PrefixMismatch {
        /// The prefix found in the address.
        got: u16,
        /// The prefix the caller required.
        expected: u16,
    },
    /// A `0x` string that is not 64 hex digits (`FromStr` only).
    #[error("expected 0x followed by 64 hex digits")]
    InvalidHex,
}

impl AccountId {
    /// The raw 32-byte public key.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SS58 address of this account under `prefix`.
    ///
    /// Only the low 14 bits of `prefix` are used (prefixes run up to [`SS58_MAX_PREFIX`]), as in
    /// Substrate's encoder. Bittensor addresses use [`SS58_PREFIX`].
    pub fn to_ss58(&self, prefix: u16) -> String {
        let ident = prefix & SS58_MAX_PREFIX;
        let [low, high] = ident.to_le_bytes();
        let mut data = [0u8; 2 + KEY_LEN + CHECKSUM_LEN];
        let prefix_len = if ident < 64 {
            data[0] = low;
            1
        } else {
            data[0] = 0b0100_0000 | (low >> 2);
            data[1] = ((low & 0b11) << 6) | high;
            2
        };
        let body_len = prefix_len + KEY_LEN;
        data[prefix_len..body_len].copy_from_slice(&self.0);
        let checksum = ss58_hash(&data[..body_len]);
        data[body_len..body_len + CHECKSUM_LEN].copy_from_slice(&checksum[..CHECKSUM_LEN]);
        bs58::encode(&data[..body_len + CHECKSUM_LEN]).into_string()
    }

    /// Parses an SS58 address with any prefix, returning the account and the prefix.
    pub fn from_ss58(s: &str) -> Result<(AccountId, u16), Ss58Error> {
        if s.len() > MAX_SS58_CHARS {
            return Err(Ss58Error::TooLong { len: s.len() });
        }
        let data = bs58::decode(s)
            .into_vec()
            .map_err(|_| Ss58Error::InvalidBase58)?;
        let (prefix_len, prefix) = match data.as_slice() {
            [first @ 0..=63, ..] => (1, u16::from(*first)),
            [first @ 64..=127, second, ..] => {
                let low = ((first & 0b0011_1111) << 2) | (second >> 6);
                let high = second & 0b0011_1111;
                (2, u16::from_le_bytes([low, high]))
            }
            [first @ 128..=255, ..] => {
                return Err(Ss58Error::ReservedPrefixByte { byte: *first });
            }
            _ => return Err(Ss58Error::BadLength { len: data.len() }),
        };
        let body_len = prefix_len + KEY_LEN;
        if data.len() != body_len + CHECKSUM_LEN {
            return Err(Ss58Error::BadLength { len: data.len() });
        }
        let checksum = ss58_hash(&data[..body_len]);
        if data[body_len..] != checksum[..CHECKSUM_LEN] {
            return Err(Ss58Error::BadChecksum);
        }
        if prefix_len == 2 && prefix < 64 {
            return Err(Ss58Error::NonCanonicalPrefix { prefix });
        }
        let mut key = [0u8; KEY_LEN];
        key.copy_from_slice(&data[prefix_len..body_len]);
        Ok((AccountId(key), prefix))
    }

    /// Parses an SS58 address and requires its prefix to be `expected`.
    pub fn from_ss58_with_prefix(s: &str, expected: u16) -> Result<AccountId, Ss58Error> {
        let (account, got) = Self::from_ss58(s)?;
        if got != expected {
            return Err(Ss58Error::PrefixMismatch { got, expected });
        }
        Ok(account)
    }

    /// The public key as `0x` followed by 64 lower-case hex digits (the keyfile `publicKey` form).
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }
}

/// BLAKE2b-512 over `"SS58PRE" ‖ data`; its first two bytes are the SS58 checksum.
fn ss58_hash(data: &[u8]) -> [u8; 64] {
    let mut hasher = Blake2b512::new();
    hasher.update(SS58_HASH_PREFIX);
    hasher.update(data);
    hasher.finalize().into()
}

impl From<[u8; 32]> for AccountId {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl From<AccountId> for [u8; 32] {
    fn from(account: AccountId) -> Self {
        account.0
    }
}

impl AsRef<[u8]> for AccountId {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8; 32]> for AccountId {
    fn as_ref(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ss58(SS58_PREFIX))
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for AccountId {
    type Err = Ss58Error;

    /// Parses an SS58 address with prefix [`SS58_PREFIX`] (any other prefix is a
    /// [`Ss58Error::PrefixMismatch`]), or `0x` followed by the 64 hex digits of the public key.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("0x") {
            return hex::decode_fixed(s)
                .map(AccountId)
                .map_err(|_| Ss58Error::InvalidHex);
        }
        Self::from_ss58_with_prefix(s, SS58_PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(hex_str: &str) -> AccountId {
        AccountId(hex::decode_fixed(hex_str).expect("valid hex"))
    }

    // Public keys and addresses below come from Substrate's and polkadot-js's published test
    // vectors (subkey output), not from this implementation.
    const ALICE: &str = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

    #[test]
    fn known_one_byte_prefix_vectors() {
        let alice = key(ALICE);
        assert_eq!(
            alice.to_ss58(42),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        assert_eq!(
            alice.to_ss58(0),
            "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
        );
        let dev_root = key("0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a");
        assert_eq!(
            dev_root.to_string(),
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
        let other = key("0x3050f8456519829fe03302da802d22d3233a5f4037b9a3e2bcc403ccfcb2d735");
        assert_eq!(
            AccountId::from_ss58("5DA4D4GL5iakrn22h5uKoevgvo18Pqj5BcdEUv8etEDPdijA"),
            Ok((other, 42))
        );
    }

    #[test]
    fn known_two_byte_prefix_vector() {
        let account = key("0x66cd6cf085627d6c85af1aaf2bd10cf843033e929b4e3b1c2ba8e4aa46fe111b");
        let address = "yGF4JP7q5AK46d1FPCEm9sYQ4KooSjHMpyVAjLnsCSWVafPnf";
        assert_eq!(AccountId::from_ss58(address), Ok((account, 255)));
        assert_eq!(account.to_ss58(255), address);
    }

    #[test]
    fn two_byte_prefix_layout() {
        // 0x3fff is the largest prefix; 64 the smallest two-byte one.
        for prefix in [64, 65, 255, 256, 13116, SS58_MAX_PREFIX] {
            let address = AccountId([7; 32]).to_ss58(prefix);
            assert_eq!(
                AccountId::from_ss58(&address),
                Ok((AccountId([7; 32]), prefix))
            );
        }
        // Bits above the 14th are dropped, as in Substrate.
        assert_eq!(
            AccountId([7; 32]).to_ss58(0x4000 | 42),
            AccountId([7; 32]).to_ss58(42)
        );
    }

    #[test]
    fn display_debug_and_from_str() {
        let alice = key(ALICE);
        let ss58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        assert_eq!(alice.to_string(), ss58);
        assert_eq!(format!("{alice:?}"), ss58);
        assert_eq!(ss58.parse::<AccountId>(), Ok(alice));
        assert_eq!(ALICE.parse::<AccountId>(), Ok(alice));
        assert_eq!(ALICE.to_uppercase().replace("0X", "0x").parse(), Ok(alice));
        assert_eq!(alice.to_hex(), ALICE);
        assert_eq!(
            alice.to_ss58(0).parse::<AccountId>(),
            Err(Ss58Error::PrefixMismatch {
                got: 0,
                expected: 42
            })
        );
        assert_eq!("0x1234".parse::<AccountId>(), Err(Ss58Error::InvalidHex));
        assert_eq!(
            AccountId::default().to_string(),
            "5C4hrfjw9DjXZTzV3MwzrrAr9P1MJhSrvWGWqi1eSuyUpnhM"
        );
    }

    #[test]
    fn scale_is_the_raw_32_bytes() {
        let alice = key(ALICE);
        let encoded = alice.encode();
        assert_eq!(encoded, alice.0.to_vec());
        assert_eq!(AccountId::decode(&mut &encoded[..]), Ok(alice));
        assert_eq!(AccountId::max_encoded_len(), 32);
        assert!(AccountId::decode(&mut &encoded[..31]).is_err());
    }

    #[test]
    fn rejects_malformed_addresses() {
        let good = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        assert_eq!(
            AccountId::from_ss58(""),
            Err(Ss58Error::BadLength { len: 0 })
        );
        assert_eq!(
            AccountId::from_ss58("0GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
            Err(Ss58Error::InvalidBase58)
        );
        // A prefix and a 33-byte body: one byte short.
        let mut short = vec![42];
        short.extend_from_slice(&[1; 33]);
        assert_eq!(
            AccountId::from_ss58(&bs58::encode(&short).into_string()),
            Err(Ss58Error::BadLength { len: 34 })
        );
        // Dropping a character breaks the address too.
        assert!(AccountId::from_ss58(&good[..47]).is_err());
        assert_eq!(
            AccountId::from_ss58("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"),
            Err(Ss58Error::BadChecksum)
        );
        let long = "1".repeat(51);
        assert_eq!(
            AccountId::from_ss58(&long),
            Err(Ss58Error::TooLong { len: 51 })
        );
        // A first byte of 128 or more.
        let mut data = vec![0x80];
        data.extend_from_slice(&[0; 34]);
        assert_eq!(
            AccountId::from_ss58(&bs58::encode(&data).into_string()),
            Err(Ss58Error::ReservedPrefixByte { byte: 0x80 })
        );
    }

    #[test]
    fn rejects_two_byte_form_of_small_prefix() {
        // Prefix 42 written in the two-byte form, with a correct checksum.
        let [low, high] = 42u16.to_le_bytes();
        let mut data = vec![0b0100_0000 | (low >> 2), ((low & 0b11) << 6) | high];
        data.extend_from_slice(&[9; 32]);
        let checksum = ss58_hash(&data);
        data.extend_from_slice(&checksum[..2]);
        assert_eq!(
            AccountId::from_ss58(&bs58::encode(&data).into_string()),
            Err(Ss58Error::NonCanonicalPrefix { prefix: 42 })
        );
    }

    const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    proptest! {
        #[test]
        fn ss58_round_trips(bytes in any::<[u8; 32]>(), prefix in 0..=SS58_MAX_PREFIX) {
            let account = AccountId(bytes);
            let address = account.to_ss58(prefix);
            prop_assert_eq!(AccountId::from_ss58(&address), Ok((account, prefix)));
            prop_assert_eq!(
                AccountId::from_ss58_with_prefix(&address, prefix),
                Ok(account)
            );
        }

        #[test]
        fn prefix_42_addresses_look_like_bittensor_ones(bytes in any::<[u8; 32]>()) {
            let address = AccountId(bytes).to_string();
            prop_assert_eq!(address.len(), 48);
            prop_assert!(address.starts_with('5'));
            prop_assert_eq!(address.parse::<AccountId>(), Ok(AccountId(bytes)));
        }

        #[test]
        fn decoding_arbitrary_text_never_panics(s in "\\PC{0,80}") {
            if let Ok((account, prefix)) = AccountId::from_ss58(&s) {
                prop_assert_eq!(account.to_ss58(prefix), s.clone());
            }
            let _ = s.parse::<AccountId>();
        }

        #[test]
        fn decoding_base58_text_is_exact_inverse(s in "[1-9A-HJ-NP-Za-km-z]{0,52}") {
            if let Ok((account, prefix)) = AccountId::from_ss58(&s) {
                prop_assert_eq!(account.to_ss58(prefix), s);
            }
        }

        #[test]
        fn mutated_addresses_never_decode_to_something_else(
            bytes in any::<[u8; 32]>(),
            prefix in 0..=SS58_MAX_PREFIX,
            position in any::<prop::sample::Index>(),
            replacement in any::<prop::sample::Index>(),
        ) {
            let address = AccountId(bytes).to_ss58(prefix);
            let mut chars: Vec<char> = address.chars().collect();
            let i = position.index(chars.len());
            chars[i] = BASE58
                .chars()
                .nth(replacement.index(BASE58.len()))
                .expect("index is in range");
            let mutated: String = chars.into_iter().collect();
            match AccountId::from_ss58(&mutated) {
                // The 16-bit checksum catches almost every substitution; when it does not, the
                // result must still be the exact decoding of the mutated text.
                Ok((account, got)) => prop_assert_eq!(account.to_ss58(got), mutated),
                Err(_) => prop_assert_ne!(mutated, address),
            }
        }
    }
}
