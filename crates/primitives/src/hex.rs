//! `0x`-prefixed hexadecimal for fixed-size byte strings (keys, signatures, hashes).
//!
//! The reference tooling prints public keys, seeds, signatures and hashes as `0x` followed by
//! lower-case hex (sdk spec: keyfile `publicKey`/`secretSeed`, `bt_header_dendrite_signature`).
//! This module is that format and nothing more, so that the crate needs no hex dependency.
//!
//! # Invariants
//! - [`encode`] emits `0x` and lower-case digits; [`decode_fixed`] accepts either case.
//! - [`decode_fixed`] accepts exactly `0x` plus `2 * N` digits, never panics, and
//!   `decode_fixed(&encode(b)) == Ok(b)` for every `b`.

use thiserror::Error;

/// Implements `From<[u8; N]>`, `AsRef<[u8]>`, and `0x`-hex `Display`, `Debug` and `FromStr`
/// for a newtype over `[u8; N]` (hashes, signatures).
macro_rules! hex_newtype {
    ($name:ident, $n:literal) => {
        impl From<[u8; $n]> for $name {
            fn from(bytes: [u8; $n]) -> Self {
                Self(bytes)
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&$crate::hex::encode(&self.0))
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Display::fmt(self, f)
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::hex::HexError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::hex::decode_fixed(s).map(Self)
            }
        }
    };
}
pub(crate) use hex_newtype;

/// A string that is not `0x` followed by the expected number of hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("expected 0x followed by {expected_digits} hex digits")]
pub struct HexError {
    /// How many hex digits (twice the byte length) were expected after `0x`.
    pub expected_digits: usize,
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Renders `bytes` as `0x` followed by two lower-case hex digits per byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Parses `0x` followed by exactly `2 * N` hex digits (either case) into `N` bytes.
pub fn decode_fixed<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    let err = HexError {
        expected_digits: 2 * N,
    };
    let digits = s.strip_prefix("0x").ok_or(err)?.as_bytes();
    if digits.len() != 2 * N {
        return Err(err);
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (Some(hi), Some(lo)) = (nibble(pair[0]), nibble(pair[1])) else {
            return Err(err);
        };
        *byte = (hi << 4) | lo;
    }
    Ok(out)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_lower_case_with_prefix() {
        assert_eq!(encode(&[]), "0x");
        assert_eq!(encode(&[0x00, 0xab, 0x0f, 0xf0]), "0x00ab0ff0");
    }

    #[test]
    fn decodes_either_case() {
        assert_eq!(decode_fixed::<2>("0xABcd"), Ok([0xab, 0xcd]));
        assert_eq!(decode_fixed::<0>("0x"), Ok([]));
    }

    #[test]
    fn rejects_malformed() {
        let err = Err(HexError { expected_digits: 4 });
        assert_eq!(decode_fixed::<2>("abcd"), err);
        assert_eq!(decode_fixed::<2>("0Xabcd"), err);
        assert_eq!(decode_fixed::<2>("0xabc"), err);
        assert_eq!(decode_fixed::<2>("0xabcde"), err);
        assert_eq!(decode_fixed::<2>("0xabcg"), err);
        assert_eq!(decode_fixed::<2>("0x+bcd"), err);
        // Multi-byte UTF-8 must be rejected, not split mid-character.
        assert_eq!(decode_fixed::<2>("0xé12"), err);
    }

    proptest! {
        #[test]
        fn round_trips(bytes in any::<[u8; 32]>()) {
            prop_assert_eq!(decode_fixed::<32>(&encode(&bytes)), Ok(bytes));
        }

        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = decode_fixed::<32>(&s);
        }
    }
}
