//! The `$NACL` coldkey encryption of btwallet (sdk spec §2), both ways:
//! `"$NACL" ‖ nonce (24) ‖ tag (16) ‖ XSalsa20-Poly1305 ciphertext` (libsodium
//! `crypto_secretbox_easy` layout), with the key derived by Argon2i v1.3 (libsodium
//! `argon2i13`, `OPSLIMIT_SENSITIVE` = 8 passes, `MEMLIMIT_SENSITIVE` = 512 MiB, one lane)
//! from the password and btwallet's fixed 16-byte salt.
//!
//! # Invariants
//! - The derived key and every plaintext are zeroised when dropped.
//! - Decryption authenticates before returning anything; a wrong password or a modified file
//!   is [`NaclError::WrongPassword`], never garbage.

use argon2::{Algorithm, Argon2, Params, Version};
use crypto_secretbox::aead::{AeadInPlace, KeyInit};
use crypto_secretbox::{Nonce, Tag, XSalsa20Poly1305};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// The file prefix.
pub const NACL_PREFIX: &[u8] = b"$NACL";
/// btwallet's fixed salt (`NACL_SALT`).
pub const NACL_SALT: [u8; 16] = [
    0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
];
/// libsodium `crypto_pwhash_argon2i_OPSLIMIT_SENSITIVE`.
pub const OPSLIMIT: u32 = 8;
/// libsodium `crypto_pwhash_argon2i_MEMLIMIT_SENSITIVE`, in KiB (512 MiB).
pub const MEMLIMIT_KIB: u32 = 512 * 1024;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Why `$NACL` data could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NaclError {
    /// Not `$NACL` data, or too short to hold a nonce and a tag.
    #[error("not NaCl-encrypted keyfile data")]
    NotNacl,
    /// Authentication failed: wrong password or modified data.
    #[error("wrong password for decryption")]
    WrongPassword,
    /// The key derivation failed (out of memory).
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// Whether `data` is `$NACL`-encrypted.
pub fn is_nacl(data: &[u8]) -> bool {
    data.starts_with(NACL_PREFIX)
}

/// Argon2i13 with btwallet's parameters: the 32-byte secretbox key of `password`.
pub fn derive_key(password: &[u8]) -> Result<Zeroizing<[u8; 32]>, NaclError> {
    let params = Params::new(MEMLIMIT_KIB, OPSLIMIT, 1, Some(32))
        .map_err(|e| NaclError::Kdf(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, &NACL_SALT, key.as_mut())
        .map_err(|e| NaclError::Kdf(e.to_string()))?;
    Ok(key)
}

/// Encrypts `plaintext` under `password` with a fresh random nonce.
pub fn encrypt(plaintext: &[u8], password: &[u8]) -> Result<Vec<u8>, NaclError> {
    let key = derive_key(password)?;
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    encrypt_with(plaintext, &key, &nonce)
}

fn encrypt_with(
    plaintext: &[u8],
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
) -> Result<Vec<u8>, NaclError> {
    let cipher = XSalsa20Poly1305::new(key.into());
    let mut buf = plaintext.to_vec();
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(nonce), b"", &mut buf)
        .map_err(|_| NaclError::Kdf("encryption failed".into()))?;
    let mut out = Vec::with_capacity(NACL_PREFIX.len() + NONCE_LEN + TAG_LEN + buf.len());
    out.extend_from_slice(NACL_PREFIX);
    out.extend_from_slice(nonce);
    out.extend_from_slice(&tag);
    out.extend_from_slice(&buf);
    Ok(out)
}

/// Decrypts `$NACL` data with `password`.
pub fn decrypt(data: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, NaclError> {
    if !is_nacl(data) || data.len() < NACL_PREFIX.len() + NONCE_LEN + TAG_LEN {
        return Err(NaclError::NotNacl);
    }
    let key = derive_key(password)?;
    decrypt_with(data, &key)
}

fn decrypt_with(data: &[u8], key: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>, NaclError> {
    let body = data.get(NACL_PREFIX.len()..).ok_or(NaclError::NotNacl)?;
    let (nonce, rest) = body.split_at_checked(NONCE_LEN).ok_or(NaclError::NotNacl)?;
    let (tag, ct) = rest.split_at_checked(TAG_LEN).ok_or(NaclError::NotNacl)?;
    let cipher = XSalsa20Poly1305::new(key.into());
    let mut buf = Zeroizing::new(ct.to_vec());
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(nonce),
            b"",
            &mut buf,
            Tag::from_slice(tag),
        )
        .map_err(|_| NaclError::WrongPassword)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secretbox_layout_round_trip() {
        // Fixed key (the KDF is tested through the wallet's interop test: it costs 512 MiB).
        let key = [7u8; 32];
        let nonce = [9u8; 24];
        let data = encrypt_with(b"{\"secretPhrase\":\"x\"}", &key, &nonce).expect("encrypt");
        assert!(data.starts_with(b"$NACL"));
        assert_eq!(&data[5..29], &nonce);
        assert_eq!(data.len(), 5 + 24 + 16 + 20);
        assert_eq!(
            &*decrypt_with(&data, &key).expect("decrypt"),
            b"{\"secretPhrase\":\"x\"}"
        );
        // Any flipped bit fails authentication.
        for i in 5..data.len() {
            let mut bad = data.clone();
            bad[i] ^= 1;
            assert_eq!(
                decrypt_with(&bad, &key),
                Err(NaclError::WrongPassword),
                "byte {i}"
            );
        }
        assert_eq!(
            decrypt_with(&data, &[8u8; 32]),
            Err(NaclError::WrongPassword)
        );
        assert_eq!(decrypt(b"$NACL short", b"pw"), Err(NaclError::NotNacl));
        assert_eq!(decrypt(b"{}", b"pw"), Err(NaclError::NotNacl));
    }

    /// Argon2i13 with btwallet's parameters, checked against libsodium (PyNaCl's
    /// `argon2i.kdf(32, b"pw", NACL_SALT, opslimit=8, memlimit=512 MiB)`).
    #[test]
    fn argon2i13_matches_libsodium() {
        let key = derive_key(b"pw").expect("kdf");
        assert_eq!(
            crate::synapse::hex_lower(key.as_ref()),
            "dd7366a7ef74d6f557dc4d5c029a98847630ea375f25a96ab233d147a8bf057e"
        );
    }

    /// NaCl's secretbox test vector (`tests/secretbox.c` of the NaCl distribution; the box
    /// checked against libsodium through PyNaCl): first and last bytes.
    #[test]
    fn nacl_secretbox_vector() {
        let key: [u8; 32] = [
            0x1b, 0x27, 0x55, 0x64, 0x73, 0xe9, 0x85, 0xd4, 0x62, 0xcd, 0x51, 0x19, 0x7a, 0x9a,
            0x46, 0xc7, 0x60, 0x09, 0x54, 0x9e, 0xac, 0x64, 0x74, 0xf2, 0x06, 0xc4, 0xee, 0x08,
            0x44, 0xf6, 0x83, 0x89,
        ];
        let nonce: [u8; 24] = [
            0x69, 0x69, 0x6e, 0xe9, 0x55, 0xb6, 0x2b, 0x73, 0xcd, 0x62, 0xbd, 0xa8, 0x75, 0xfc,
            0x73, 0xd6, 0x82, 0x19, 0xe0, 0x03, 0x6b, 0x7a, 0x0b, 0x37,
        ];
        let m: [u8; 131] = [
            0xbe, 0x07, 0x5f, 0xc5, 0x3c, 0x81, 0xf2, 0xd5, 0xcf, 0x14, 0x13, 0x16, 0xeb, 0xeb,
            0x0c, 0x7b, 0x52, 0x28, 0xc5, 0x2a, 0x4c, 0x62, 0xcb, 0xd4, 0x4b, 0x66, 0x84, 0x9b,
            0x64, 0x24, 0x4f, 0xfc, 0xe5, 0xec, 0xba, 0xaf, 0x33, 0xbd, 0x75, 0x1a, 0x1a, 0xc7,
            0x28, 0xd4, 0x5e, 0x6c, 0x61, 0x29, 0x6c, 0xdc, 0x3c, 0x01, 0x23, 0x35, 0x61, 0xf4,
            0x1d, 0xb6, 0x6c, 0xce, 0x31, 0x4a, 0xdb, 0x31, 0x0e, 0x3b, 0xe8, 0x25, 0x0c, 0x46,
            0xf0, 0x6d, 0xce, 0xea, 0x3a, 0x7f, 0xa1, 0x34, 0x80, 0x57, 0xe2, 0xf6, 0x55, 0x6a,
            0xd6, 0xb1, 0x31, 0x8a, 0x02, 0x4a, 0x83, 0x8f, 0x21, 0xaf, 0x1f, 0xde, 0x04, 0x89,
            0x77, 0xeb, 0x48, 0xf5, 0x9f, 0xfd, 0x49, 0x24, 0xca, 0x1c, 0x60, 0x90, 0x2e, 0x52,
            0xf0, 0xa0, 0x89, 0xbc, 0x76, 0x89, 0x70, 0x40, 0xe0, 0x82, 0xf9, 0x37, 0x76, 0x38,
            0x48, 0x64, 0x5e, 0x07, 0x05,
        ];
        let out = encrypt_with(&m, &key, &nonce).expect("encrypt");
        let boxed = &out[29..];
        // The tag, then the ciphertext.
        assert_eq!(&boxed[..4], &[0xf3, 0xff, 0xc7, 0x70]);
        assert_eq!(&boxed[boxed.len() - 4..], &[0x74, 0xe3, 0x55, 0xa5]);
    }
}
