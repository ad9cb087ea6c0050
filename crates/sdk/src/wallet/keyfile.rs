//! The JSON keyfile format of btwallet (sdk spec §2): full key files (`accountId`,
//! `publicKey`, `privateKey`, `secretPhrase`, `secretSeed`, `ss58Address`, `cryptoType`) and
//! public-only files (`accountId`, `publicKey`, `ss58Address`, `cryptoType`).
//!
//! Loading follows the reference's precedence: `secretPhrase`, then `secretSeed`, then
//! `privateKey`, then `ss58Address` (then, beyond the reference, `publicKey`). Only sr25519
//! (`cryptoType` 1 or absent) is supported; btwallet 4.1's ed25519 keys are refused with a
//! clear error.
//!
//! # Invariants
//! - Serialised key material lives in [`Zeroizing`] buffers.

use agora_primitives::{AccountId, Keypair, hex};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

/// A key loaded from a keyfile.
#[expect(
    clippy::large_enum_variant,
    reason = "short-lived; boxing the secret would scatter it"
)]
pub enum LoadedKey {
    /// A key pair, and its mnemonic when the file had one.
    Pair {
        /// The key pair.
        keypair: Keypair,
        /// The `secretPhrase`.
        phrase: Option<Zeroizing<String>>,
    },
    /// Only the public key.
    Public(AccountId),
}

impl LoadedKey {
    /// The public key.
    pub fn account(&self) -> AccountId {
        match self {
            Self::Pair { keypair, .. } => keypair.public(),
            Self::Public(a) => *a,
        }
    }
}

/// Why keyfile data could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyfileError {
    /// Not a JSON object.
    #[error("keyfile is not a JSON object: {0}")]
    NotJson(String),
    /// A field has the wrong form.
    #[error("keyfile field {field} is invalid: {reason}")]
    BadField {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A key type other than sr25519.
    #[error("unsupported crypto type {0} (only sr25519 = 1 is supported)")]
    UnsupportedCrypto(i64),
    /// No usable field.
    #[error("keypair could not be created from keyfile data")]
    Empty,
}

/// The full keyfile JSON of `keypair` (with its mnemonic, if given).
pub fn serialize_keypair(keypair: &Keypair, phrase: Option<&str>) -> Zeroizing<String> {
    let public = keypair.public();
    let mut m = Map::new();
    m.insert("accountId".into(), Value::String(public.to_hex()));
    m.insert("publicKey".into(), Value::String(public.to_hex()));
    let secret = Zeroizing::new(keypair.secret_key_bytes());
    m.insert(
        "privateKey".into(),
        Value::String(hex::encode(secret.as_ref())),
    );
    if let Some(p) = phrase {
        m.insert("secretPhrase".into(), Value::String(p.to_owned()));
    }
    if let Some(seed) = keypair.secret_seed() {
        let seed = Zeroizing::new(seed);
        m.insert(
            "secretSeed".into(),
            Value::String(hex::encode(seed.as_ref())),
        );
    }
    m.insert("ss58Address".into(), Value::String(public.to_string()));
    m.insert("cryptoType".into(), Value::from(1));
    Zeroizing::new(Value::Object(m).to_string())
}

/// The public-only keyfile JSON of `account`.
pub fn serialize_public(account: &AccountId) -> String {
    let mut m = Map::new();
    m.insert("accountId".into(), Value::String(account.to_hex()));
    m.insert("publicKey".into(), Value::String(account.to_hex()));
    m.insert("ss58Address".into(), Value::String(account.to_string()));
    m.insert("cryptoType".into(), Value::from(1));
    Value::Object(m).to_string()
}

fn field<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    m.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Reads (decrypted) keyfile data.
pub fn deserialize(data: &[u8]) -> Result<LoadedKey, KeyfileError> {
    let value: Zeroizing<Vec<u8>> = Zeroizing::new(data.to_vec());
    let parsed: Value =
        serde_json::from_slice(&value).map_err(|e| KeyfileError::NotJson(e.to_string()))?;
    let Value::Object(m) = parsed else {
        return Err(KeyfileError::NotJson("not an object".into()));
    };
    if let Some(t) = m.get("cryptoType").and_then(Value::as_i64)
        && t != 1
    {
        return Err(KeyfileError::UnsupportedCrypto(t));
    }
    if let Some(phrase) = field(&m, "secretPhrase") {
        let keypair = Keypair::from_phrase(phrase, None).map_err(|e| KeyfileError::BadField {
            field: "secretPhrase",
            reason: e.to_string(),
        })?;
        return Ok(LoadedKey::Pair {
            keypair,
            phrase: Some(Zeroizing::new(phrase.to_owned())),
        });
    }
    if let Some(seed) = field(&m, "secretSeed") {
        let seed =
            Zeroizing::new(
                hex::decode_fixed::<32>(seed).map_err(|e| KeyfileError::BadField {
                    field: "secretSeed",
                    reason: e.to_string(),
                })?,
            );
        return Ok(LoadedKey::Pair {
            keypair: Keypair::from_seed(&seed),
            phrase: None,
        });
    }
    if let Some(sk) = field(&m, "privateKey") {
        let bad = |reason: String| KeyfileError::BadField {
            field: "privateKey",
            reason,
        };
        let bytes = Zeroizing::new(hex::decode_fixed::<64>(sk).map_err(|e| bad(e.to_string()))?);
        let keypair = Keypair::from_secret_key_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
        return Ok(LoadedKey::Pair {
            keypair,
            phrase: None,
        });
    }
    if let Some(ss58) = field(&m, "ss58Address") {
        let (a, _) = AccountId::from_ss58(ss58).map_err(|e| KeyfileError::BadField {
            field: "ss58Address",
            reason: e.to_string(),
        })?;
        return Ok(LoadedKey::Public(a));
    }
    if let Some(pk) = field(&m, "publicKey") {
        let a = hex::decode_fixed::<32>(pk).map_err(|e| KeyfileError::BadField {
            field: "publicKey",
            reason: e.to_string(),
        })?;
        return Ok(LoadedKey::Public(AccountId(a)));
    }
    Err(KeyfileError::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_precedence() {
        let phrase = agora_primitives::crypto::DEV_PHRASE;
        let kp = Keypair::from_phrase(phrase, None).expect("phrase");
        let json = serialize_keypair(&kp, Some(phrase));
        let LoadedKey::Pair { keypair, phrase: p } = deserialize(json.as_bytes()).expect("load")
        else {
            panic!("expected a pair")
        };
        assert_eq!(keypair.public(), kp.public());
        assert_eq!(p.as_deref().map(String::as_str), Some(phrase));
        let v: Value = serde_json::from_str(&json).expect("json");
        assert_eq!(
            v["ss58Address"],
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
        assert_eq!(v["privateKey"].as_str().map(str::len), Some(130));

        // Seed only; private key only; public only.
        let seed = serde_json::json!({"secretSeed": v["secretSeed"]}).to_string();
        assert_eq!(
            deserialize(seed.as_bytes()).expect("seed").account(),
            kp.public()
        );
        let sk = serde_json::json!({"privateKey": v["privateKey"], "secretSeed": null}).to_string();
        assert_eq!(
            deserialize(sk.as_bytes()).expect("sk").account(),
            kp.public()
        );
        let public = serialize_public(&kp.public());
        assert!(matches!(
            deserialize(public.as_bytes()).expect("pub"),
            LoadedKey::Public(a) if a == kp.public()
        ));
        // The phrase wins over a contradicting seed.
        let mixed = serde_json::json!({"secretPhrase": phrase, "secretSeed": format!("0x{}", "11".repeat(32))}).to_string();
        assert_eq!(
            deserialize(mixed.as_bytes()).expect("mixed").account(),
            kp.public()
        );
    }

    #[test]
    fn errors() {
        assert!(matches!(
            deserialize(b"nope"),
            Err(KeyfileError::NotJson(_))
        ));
        assert_eq!(deserialize(b"{}").err(), Some(KeyfileError::Empty));
        assert_eq!(
            deserialize(br#"{"cryptoType":0,"ss58Address":"x"}"#).err(),
            Some(KeyfileError::UnsupportedCrypto(0))
        );
        assert!(matches!(
            deserialize(br#"{"secretSeed":"0x12"}"#),
            Err(KeyfileError::BadField {
                field: "secretSeed",
                ..
            })
        ));
        assert!(matches!(
            deserialize(br#"{"secretPhrase":"not a phrase"}"#),
            Err(KeyfileError::BadField {
                field: "secretPhrase",
                ..
            })
        ));
    }
}
