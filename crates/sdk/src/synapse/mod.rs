//! The Synapse wire format of bittensor 10.x (sdk spec §1): typed synapses, `TerminalInfo`,
//! the body hash, the headers and the JSON body.
//!
//! A subnet declares its request/response type once, as a serde struct holding the fields of
//! its Python `Synapse` subclass (same names), and implements [`Synapse`] for it: the class
//! name, `required_hash_fields`, and which fields have no default. The same type then serves
//! the axon handler ([`crate::axon::AxonBuilder::forward`]) and the dendrite call
//! ([`crate::dendrite::Dendrite::call`]).
//!
//! On the wire the body is the whole pydantic dump (§1.3): the base fields `name`, `timeout`,
//! `total_size`, `header_size`, `dendrite`, `axon`, `computed_body_hash`, then the subclass
//! fields. [`Envelope`] is that body; [`Envelope::to_json`] writes it with the subclass fields
//! spliced in after the base fields, in the struct's declaration order, as Python does.
//!
//! # Invariants
//! - The body hash of a request is computed from the JSON text of the hash fields with
//!   Python's `str()` rules ([`pyrepr`]), so it equals the reference's hash for JSON-native
//!   field types, whichever side computes it.
//! - Nothing here panics on malformed input; decoding errors are values.

mod nonprintable;
pub mod pyrepr;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

/// The bittensor version this protocol implementation speaks, as `version_as_int`
/// (major·10⁶ + minor·10³ + patch; sdk spec §1.2): 10.5.0. Sent as
/// `bt_header_dendrite_version` / the axon's version, and ≥ 7.2.0 so that peers apply the
/// modern nonce rules (§1.6).
pub const PROTOCOL_VERSION: i64 = 10_005_000;

/// SHA3-256 of the empty string: the body hash of a synapse with no hash fields (§1.4).
pub const EMPTY_BODY_HASH: &str =
    "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";

/// A typed synapse: the subclass fields of a Python `bittensor.Synapse`.
///
/// Serialize/Deserialize must use the Python field names (a plain serde struct does) and must
/// not reject unknown fields: the body also carries the base fields. Field types should be
/// the JSON counterparts of the Python annotations (`int` → integer, `float` → `f64`, `str` →
/// `String`, `Optional[X]` → `Option<X>`, `list` → `Vec`, `dict` → a map that keeps order):
/// the body hash is Python's `str()` of each hash field's JSON.
pub trait Synapse: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The Python class name: the URL path and the `name` field.
    const NAME: &'static str;
    /// `required_hash_fields`, in order.
    const HASH_FIELDS: &'static [&'static str] = &[];
    /// The fields without a default, each with the JSON of an empty value of its Python type
    /// (`int` → `0`, `float` → `0.0`, `str` → `""`, `list` → `[]`, `dict` → `{}`, `bool` →
    /// `false`). Each becomes a `bt_header_input_obj_<field>` header, which a Python axon needs
    /// to build the synapse from headers (§1.2).
    const REQUIRED_FIELDS: &'static [(&'static str, &'static str)] = &[];
}

/// Description of a synapse known only at run time (the CLI's `dendrite query`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynapseSpec {
    /// Class name.
    pub name: String,
    /// `required_hash_fields`, in order.
    pub hash_fields: Vec<String>,
    /// Required fields and the JSON of their empty value.
    pub required_fields: Vec<(String, String)>,
}

impl SynapseSpec {
    /// The spec of a typed synapse.
    pub fn of<S: Synapse>() -> Self {
        Self {
            name: S::NAME.to_owned(),
            hash_fields: S::HASH_FIELDS.iter().map(|s| (*s).to_owned()).collect(),
            required_fields: S::REQUIRED_FIELDS
                .iter()
                .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}

/// One side's metadata (`TerminalInfo`, §1.12). All ten fields are optional; integers and the
/// process time also decode from numeric strings, as the reference's validators allow
/// (the reference itself puts `process_time` in bodies as a string at times).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TerminalInfo {
    /// HTTP status code of the call.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub status_code: Option<i64>,
    /// Status message.
    #[serde(default)]
    pub status_message: Option<String>,
    /// Processing time in seconds.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub process_time: Option<f64>,
    /// IP address.
    #[serde(default)]
    pub ip: Option<String>,
    /// Port.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub port: Option<i64>,
    /// Software version as `version_as_int`.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub version: Option<i64>,
    /// Nonce: Unix time in nanoseconds.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub nonce: Option<i64>,
    /// Per-process (dendrite) or per-axon uuid.
    #[serde(default)]
    pub uuid: Option<String>,
    /// Hotkey, SS58.
    #[serde(default)]
    pub hotkey: Option<String>,
    /// `0x` + 128 hex digits.
    #[serde(default)]
    pub signature: Option<String>,
}

impl TerminalInfo {
    /// The `(name, value)` pairs of the fields that are set, in field order, with the value as
    /// Python's `str()` of it: the `bt_header_<side>_<name>` headers (§1.2).
    pub fn header_values(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut int = |name, v: Option<i64>| {
            if let Some(v) = v {
                out.push((name, v.to_string()));
            }
        };
        int("status_code", self.status_code);
        let mut pairs = out;
        if let Some(m) = &self.status_message {
            pairs.push(("status_message", m.clone()));
        }
        if let Some(t) = self.process_time {
            pairs.push(("process_time", pyrepr::float_repr(t)));
        }
        if let Some(ip) = &self.ip {
            pairs.push(("ip", ip.clone()));
        }
        for (name, v) in [
            ("port", self.port),
            ("version", self.version),
            ("nonce", self.nonce),
        ] {
            if let Some(v) = v {
                pairs.push((name, v.to_string()));
            }
        }
        for (name, v) in [
            ("uuid", &self.uuid),
            ("hotkey", &self.hotkey),
            ("signature", &self.signature),
        ] {
            if let Some(v) = v {
                pairs.push((name, v.clone()));
            }
        }
        pairs
    }

    /// Sets the field `name` from a header value; unknown names and unparsable numbers are
    /// ignored (the reference logs and skips them).
    pub fn set_from_header(&mut self, name: &str, value: &str) {
        let int = || value.trim().parse::<i64>().ok();
        match name {
            "status_code" => self.status_code = int(),
            "status_message" => self.status_message = Some(value.to_owned()),
            "process_time" => self.process_time = value.trim().parse::<f64>().ok(),
            "ip" => self.ip = Some(value.to_owned()),
            "port" => self.port = int(),
            "version" => self.version = int(),
            "nonce" => self.nonce = int(),
            "uuid" => self.uuid = Some(value.to_owned()),
            "hotkey" => self.hotkey = Some(value.to_owned()),
            "signature" => self.signature = Some(value.to_owned()),
            _ => {}
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Int(i64),
    Float(f64),
    Str(String),
}

fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<NumOrStr>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrStr::Int(v)) => Ok(Some(v)),
        Some(NumOrStr::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e18 =>
        {
            #[expect(clippy::cast_possible_truncation, reason = "integral and in range")]
            Ok(Some(f as i64))
        }
        Some(NumOrStr::Str(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom("expected an integer")),
        Some(NumOrStr::Float(_)) => Err(de::Error::custom("expected an integer")),
    }
}

fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<NumOrStr>::deserialize(d)? {
        None => Ok(None),
        #[expect(clippy::cast_precision_loss, reason = "Python float() of an int")]
        Some(NumOrStr::Int(v)) => Ok(Some(v as f64)),
        Some(NumOrStr::Float(f)) => Ok(Some(f)),
        Some(NumOrStr::Str(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom("expected a number")),
    }
}

/// The base fields of every synapse body (§1.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseFields {
    /// Class name.
    #[serde(default)]
    pub name: Option<String>,
    /// Timeout in seconds.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub timeout: Option<f64>,
    /// Total size (informational).
    #[serde(default, deserialize_with = "lenient_i64")]
    pub total_size: Option<i64>,
    /// Header size (informational; 0 in bodies).
    #[serde(default, deserialize_with = "lenient_i64")]
    pub header_size: Option<i64>,
    /// Caller metadata.
    #[serde(default)]
    pub dendrite: Option<TerminalInfo>,
    /// Callee metadata.
    #[serde(default)]
    pub axon: Option<TerminalInfo>,
    /// Always `""` in bodies (the field is frozen in the reference).
    #[serde(default)]
    pub computed_body_hash: Option<String>,
}

/// A whole synapse body: the base fields and the subclass fields as JSON object text.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The base fields.
    pub base: BaseFields,
    /// The subclass fields: `(name, raw JSON)` in order.
    pub fields: Vec<(String, String)>,
}

/// Why a body or a field could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The body (or a typed value) is not valid JSON of the expected shape.
    #[error("invalid synapse JSON: {0}")]
    Json(String),
    /// A hash field is absent.
    #[error("hash field {0:?} is missing")]
    MissingHashField(String),
}

impl From<pyrepr::JsonError> for WireError {
    fn from(e: pyrepr::JsonError) -> Self {
        Self::Json(e.to_string())
    }
}

impl From<serde_json::Error> for WireError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e.to_string())
    }
}

const BASE_NAMES: [&str; 7] = [
    "name",
    "timeout",
    "total_size",
    "header_size",
    "dendrite",
    "axon",
    "computed_body_hash",
];

/// The subclass fields of a typed synapse as `(name, raw JSON)`, in declaration order.
pub fn fields_of<S: Serialize>(synapse: &S) -> Result<Vec<(String, String)>, WireError> {
    let json = serde_json::to_string(synapse)?;
    fields_of_object(&json)
}

/// The members of a JSON object text that are not base fields, as `(name, raw JSON)`.
pub fn fields_of_object(json: &str) -> Result<Vec<(String, String)>, WireError> {
    Ok(pyrepr::object_members(json)?
        .into_iter()
        .filter(|(k, _)| !BASE_NAMES.contains(&k.as_str()))
        .map(|(k, v)| (k, v.to_owned()))
        .collect())
}

/// The body hash (§1.4) over `hash_fields`, looked up in `fields`: SHA3-256 of the
/// concatenated lower-case hex SHA3-256 digests of Python's `str()` of each field.
pub fn body_hash<'a>(
    hash_fields: impl IntoIterator<Item = &'a str>,
    fields: &[(String, String)],
) -> Result<String, WireError> {
    let mut joined = String::new();
    for name in hash_fields {
        let raw = fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| WireError::MissingHashField(name.to_owned()))?;
        let text = pyrepr::py_str_of_json(raw)?;
        joined.push_str(&sha3_hex(text.as_bytes()));
    }
    Ok(sha3_hex(joined.as_bytes()))
}

/// Lower-case hex SHA3-256.
pub fn sha3_hex(data: &[u8]) -> String {
    hex_lower(&Sha3_256::digest(data))
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

impl Envelope {
    /// Parses a body: the base fields, and the remaining members as raw JSON.
    pub fn parse(body: &str) -> Result<Self, WireError> {
        let members = pyrepr::object_members(body)?;
        let mut base_json = String::from("{");
        let mut fields = Vec::new();
        for (k, v) in members {
            if BASE_NAMES.contains(&k.as_str()) {
                if base_json.len() > 1 {
                    base_json.push(',');
                }
                base_json.push_str(&serde_json::to_string(&k)?);
                base_json.push(':');
                base_json.push_str(v);
            } else {
                fields.push((k, v.to_owned()));
            }
        }
        base_json.push('}');
        let base: BaseFields = serde_json::from_str(&base_json)?;
        Ok(Self { base, fields })
    }

    /// The subclass fields decoded as a typed synapse.
    pub fn decode<S: DeserializeOwned>(&self) -> Result<S, WireError> {
        Ok(serde_json::from_str(&self.fields_json())?)
    }

    /// The subclass fields as one JSON object.
    pub fn fields_json(&self) -> String {
        let mut s = String::from("{");
        for (n, (k, v)) in self.fields.iter().enumerate() {
            if n > 0 {
                s.push(',');
            }
            s.push_str(&serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into()));
            s.push(':');
            s.push_str(v);
        }
        s.push('}');
        s
    }

    /// The body: base fields (nulls included, as pydantic dumps them), then the subclass
    /// fields.
    pub fn to_json(&self) -> Result<String, WireError> {
        let base = serde_json::to_string(&self.base)?;
        let inner = base.strip_suffix('}').unwrap_or(&base);
        let mut s = String::with_capacity(base.len() + 64);
        s.push_str(inner);
        for (k, v) in &self.fields {
            s.push(',');
            s.push_str(&serde_json::to_string(k)?);
            s.push(':');
            s.push_str(v);
        }
        s.push('}');
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Echo {
        text: String,
        n: i64,
        out: Option<String>,
    }

    #[test]
    fn empty_hash() {
        assert_eq!(body_hash([], &[]).expect("hash"), EMPTY_BODY_HASH);
        assert_eq!(sha3_hex(b""), EMPTY_BODY_HASH);
    }

    #[test]
    fn hash_uses_python_str() {
        let fields = fields_of(&Echo {
            text: "hello".into(),
            n: 7,
            out: None,
        })
        .expect("fields");
        let h = body_hash(["text", "n", "out"], &fields).expect("hash");
        let expect = sha3_hex(
            format!(
                "{}{}{}",
                sha3_hex(b"hello"),
                sha3_hex(b"7"),
                sha3_hex(b"None")
            )
            .as_bytes(),
        );
        assert_eq!(h, expect);
        assert!(matches!(
            body_hash(["nope"], &fields),
            Err(WireError::MissingHashField(_))
        ));
    }

    #[test]
    fn envelope_round_trip() {
        let env = Envelope {
            base: BaseFields {
                name: Some("Echo".into()),
                timeout: Some(5.0),
                total_size: Some(0),
                header_size: Some(0),
                dendrite: Some(TerminalInfo {
                    nonce: Some(1_795_569_655_724_472_774),
                    ..TerminalInfo::default()
                }),
                axon: Some(TerminalInfo::default()),
                computed_body_hash: Some(String::new()),
            },
            fields: fields_of(&Echo {
                text: "hi".into(),
                n: 1,
                out: None,
            })
            .expect("fields"),
        };
        let json = env.to_json().expect("json");
        assert!(json.starts_with(r#"{"name":"Echo","timeout":5.0,"total_size":0"#));
        assert!(json.ends_with(r#""computed_body_hash":"","text":"hi","n":1,"out":null}"#));
        let back = Envelope::parse(&json).expect("parse");
        assert_eq!(back, env);
        let echo: Echo = back.decode().expect("typed");
        assert_eq!(echo.text, "hi");
    }

    #[test]
    fn terminal_info_is_lenient_and_renders_headers() {
        let t: TerminalInfo = serde_json::from_str(
            r#"{"status_code":"200","process_time":"0.25","port":8091,"nonce":"17","ip":null}"#,
        )
        .expect("lenient");
        assert_eq!(t.status_code, Some(200));
        assert_eq!(t.process_time, Some(0.25));
        assert_eq!(t.nonce, Some(17));
        assert_eq!(
            t.header_values(),
            vec![
                ("status_code", "200".to_string()),
                ("process_time", "0.25".to_string()),
                ("port", "8091".to_string()),
                ("nonce", "17".to_string()),
            ]
        );
        let mut u = TerminalInfo::default();
        u.set_from_header("port", "x");
        u.set_from_header("hotkey", "5G");
        assert_eq!(u.port, None);
        assert_eq!(u.hotkey.as_deref(), Some("5G"));
    }
}
