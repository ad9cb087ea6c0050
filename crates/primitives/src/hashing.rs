//! The BLAKE2b hashes the reference chain uses, and a 32-byte hash type.
//!
//! Substrate (and so opentensor/subtensor) hashes blocks, extrinsics and storage keys with
//! BLAKE2b: `BlakeTwo256` is BLAKE2b with a 32-byte digest and the `Blake2_128Concat` storage
//! hasher starts with BLAKE2b with a 16-byte digest. Both are the RFC 7693 function keyed with
//! nothing and parameterised with the output length, so they are *not* truncations of
//! BLAKE2b-512.
//!
//! # Invariants
//! - The functions here are pure and never panic.

use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::{U16, U32};
use parity_scale_codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};

/// BLAKE2b with a 32-byte digest: Substrate's `BlakeTwo256` and `sp_core::hashing::blake2_256`.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest(data).into()
}

/// BLAKE2b with a 16-byte digest: Substrate's `sp_core::hashing::blake2_128`.
pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    Blake2b::<U16>::digest(data).into()
}

/// Incremental [`blake2_256`]: feed bytes with [`Blake2b256::update`], then
/// [`Blake2b256::finalize`]. The result equals `blake2_256` of the concatenated input.
#[derive(Clone, Default)]
pub struct Blake2b256(Blake2b<U32>);

impl Blake2b256 {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self(Blake2b::<U32>::new())
    }

    /// Appends `data`.
    pub fn update(&mut self, data: &[u8]) {
        Digest::update(&mut self.0, data);
    }

    /// The digest of everything appended.
    pub fn finalize(self) -> [u8; 32] {
        Digest::finalize(self.0).into()
    }
}

/// A 32-byte hash (a block or extrinsic hash, or any [`blake2_256`] output).
///
/// SCALE-encodes as the raw 32 bytes, like Substrate's `H256`. `Display`, `Debug` and
/// `FromStr` use `0x` followed by 64 hex digits.
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
pub struct H256(pub [u8; 32]);

impl H256 {
    /// The [`blake2_256`] hash of `data`.
    pub fn blake2_256(data: &[u8]) -> Self {
        Self(blake2_256(data))
    }
}

crate::hex::hex_newtype!(H256, 32);

impl From<H256> for [u8; 32] {
    fn from(hash: H256) -> Self {
        hash.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected digests from an independent implementation (Python's `hashlib.blake2b` with
    // `digest_size` 32 and 16).
    #[test]
    fn blake2_256_known_values() {
        assert_eq!(
            H256(blake2_256(b"")).to_string(),
            "0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
        assert_eq!(
            H256::blake2_256(b"abc").to_string(),
            "0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
        );
    }

    #[test]
    fn blake2_128_known_value() {
        assert_eq!(
            crate::hex::encode(&blake2_128(b"")),
            "0xcae66941d9efbd404e4d88758ea67670"
        );
    }

    #[test]
    fn h256_text_and_scale_round_trip() {
        let h = H256::blake2_256(b"agora");
        let parsed: H256 = h.to_string().parse().expect("own output parses");
        assert_eq!(parsed, h);
        assert_eq!(format!("{h:?}"), h.to_string());
        let encoded = h.encode();
        assert_eq!(encoded, h.0.to_vec());
        assert_eq!(
            H256::decode(&mut &encoded[..]).expect("own encoding decodes"),
            h
        );
        assert_eq!(H256::max_encoded_len(), 32);
        assert!("0x00".parse::<H256>().is_err());
    }
}

#[cfg(test)]
mod incremental_tests {
    use super::*;

    #[test]
    fn incremental_equals_one_shot() {
        let mut h = Blake2b256::new();
        h.update(b"agora-");
        h.update(b"state");
        assert_eq!(h.finalize(), blake2_256(b"agora-state"));
    }
}
