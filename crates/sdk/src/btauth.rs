//! `btauth/1`, bittensor 11's hotkey-signed HTTP requests (sdk spec §1.14), as a reusable
//! layer: [`sign`] for clients, [`Verifier::verify`] for servers, and [`layer`], an axum
//! middleware that authenticates every request of a router and hands the handler the
//! [`Caller`] (as a request extension).
//!
//! Signed bytes: the UTF-8 lines `btauth/1`, scheme, upper-case method, path with query,
//! lower-case hex SHA-256 of the raw body, decimal nanosecond nonce, sender SS58, receiver
//! SS58 or `-`, joined by `\n`. Verification order (the reference's): version → receiver →
//! freshness (10 s back, 2 s ahead) → signature (declared scheme only) → replay store
//! (written only after the signature verifies, entries kept 60 s).
//!
//! Only sr25519 is supported; a request declaring `X-Bittensor-Crypto: ed25519` is refused
//! as malformed (bittensor 11 also accepts ed25519 hotkeys).
//!
//! # Invariants
//! - Error messages never echo the signature or the payload (safe for unauthenticated
//!   callers), as in the reference.
//! - The middleware reads at most `max_body_bytes` of a body, and the handler sees exactly
//!   the bytes that were verified.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agora_primitives::crypto::verify as sr25519_verify;
use agora_primitives::{AccountId, Keypair, Signature};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::{BodyExt, Limited};
use sha2::{Digest, Sha256};

use crate::synapse::hex_lower;
use crate::util::now_ns;

/// Protocol line.
pub const PROTOCOL: &str = "btauth/1";
/// `X-Bittensor-Version` value.
pub const VERSION: &str = "1";
/// Header names.
pub const HEADER_VERSION: &str = "X-Bittensor-Version";
/// Sender hotkey.
pub const HEADER_HOTKEY: &str = "X-Bittensor-Hotkey";
/// Receiver hotkey.
pub const HEADER_RECEIVER: &str = "X-Bittensor-Receiver";
/// Nonce (ns).
pub const HEADER_NONCE: &str = "X-Bittensor-Nonce";
/// Scheme, when not sr25519.
pub const HEADER_CRYPTO: &str = "X-Bittensor-Crypto";
/// Signature.
pub const HEADER_SIGNATURE: &str = "X-Bittensor-Signature";

/// Why a request failed authentication (the reference's error classes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A header is missing or unparsable.
    #[error("malformed: {0}")]
    Malformed(String),
    /// Signed for another (or no) receiver.
    #[error("wrong receiver: {0}")]
    WrongReceiver(String),
    /// Outside the freshness window.
    #[error("stale: {0}")]
    Stale(String),
    /// This (hotkey, nonce) was already accepted.
    #[error("replayed: this nonce was already accepted from this hotkey")]
    Replayed,
    /// The signature does not verify.
    #[error("bad signature: signature does not verify against the claimed hotkey")]
    BadSignature,
}

impl AuthError {
    /// The HTTP status a server answers with: 403 for a wrong receiver, 401 otherwise.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::WrongReceiver(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

/// The authenticated sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The sender's hotkey.
    pub hotkey: AccountId,
    /// The nonce (ns).
    pub nonce_ns: i64,
}

/// The exact signed bytes.
pub fn build_payload(
    method: &str,
    path: &str,
    body: &[u8],
    nonce_ns: i64,
    sender: &str,
    receiver: Option<&str>,
) -> Vec<u8> {
    let lines = [
        PROTOCOL.to_owned(),
        "sr25519".to_owned(),
        method.to_uppercase(),
        path.to_owned(),
        hex_lower(&Sha256::digest(body)),
        nonce_ns.to_string(),
        sender.to_owned(),
        receiver.unwrap_or("-").to_owned(),
    ];
    lines.join("\n").into_bytes()
}

/// Signs a request with `hotkey`: the headers to send (`nonce_ns` = now if `None`; every
/// retry needs a fresh one).
pub fn sign(
    hotkey: &Keypair,
    method: &str,
    path: &str,
    body: &[u8],
    receiver: Option<&str>,
    nonce_ns: Option<i64>,
) -> Vec<(&'static str, String)> {
    let nonce = nonce_ns.unwrap_or_else(now_ns);
    let sender = hotkey.public().to_string();
    let payload = build_payload(method, path, body, nonce, &sender, receiver);
    let mut h = vec![
        (HEADER_VERSION, VERSION.to_owned()),
        (HEADER_HOTKEY, sender),
        (HEADER_NONCE, nonce.to_string()),
        (HEADER_SIGNATURE, hotkey.sign(&payload).to_string()),
    ];
    if let Some(r) = receiver {
        h.push((HEADER_RECEIVER, r.to_owned()));
    }
    h
}

type Seen = HashSet<(AccountId, i64)>;
type Expiry = VecDeque<(Instant, (AccountId, i64))>;

/// Accepted `(hotkey, nonce)` pairs, kept for `retention`.
#[derive(Debug)]
struct ReplayStore {
    retention: Duration,
    inner: Mutex<(Seen, Expiry)>,
}

impl ReplayStore {
    fn check_and_store(&self, key: (AccountId, i64), now: Instant) -> bool {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (seen, expiry) = &mut *guard;
        while let Some((at, _)) = expiry.front() {
            if *at > now {
                break;
            }
            if let Some((_, k)) = expiry.pop_front() {
                seen.remove(&k);
            }
        }
        if !seen.insert(key) {
            return false;
        }
        expiry.push_back((now + self.retention, key));
        true
    }
}

/// A server's verifier: its own hotkey, the window, and the replay store.
#[derive(Debug)]
pub struct Verifier {
    /// This server's hotkey (SS58), which requests must be bound to.
    pub self_hotkey: String,
    /// Seconds a nonce may be old.
    pub max_age: f64,
    /// Seconds a nonce may be ahead.
    pub allowed_skew: f64,
    /// Whether `X-Bittensor-Receiver` is required.
    pub require_receiver: bool,
    /// Largest body the middleware reads.
    pub max_body_bytes: usize,
    store: ReplayStore,
}

impl Verifier {
    /// The reference's defaults: 10 s back, 2 s ahead, receiver required, 60 s retention.
    pub fn new(self_hotkey: impl Into<String>) -> Self {
        Self {
            self_hotkey: self_hotkey.into(),
            max_age: 10.0,
            allowed_skew: 2.0,
            require_receiver: true,
            max_body_bytes: 16 * 1024 * 1024,
            store: ReplayStore {
                retention: Duration::from_secs(60),
                inner: Mutex::new((HashSet::new(), VecDeque::new())),
            },
        }
    }

    /// Authenticates a request from its headers (name/value pairs, any case), raw body,
    /// method and path (with query), at `now_ns`.
    pub fn verify<'a>(
        &self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: &[u8],
        method: &str,
        path: &str,
        now_ns: i64,
    ) -> Result<Caller, AuthError> {
        let mut get = std::collections::HashMap::new();
        for (k, v) in headers {
            get.insert(k.to_ascii_lowercase(), v);
        }
        let h = |name: &str| get.get(&name.to_ascii_lowercase()).copied();
        if h(HEADER_VERSION) != Some(VERSION) {
            return Err(AuthError::Malformed(format!(
                "missing or unsupported {HEADER_VERSION} (expected '{VERSION}')"
            )));
        }
        let sender = h(HEADER_HOTKEY)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AuthError::Malformed(format!("missing {HEADER_HOTKEY}")))?;
        let nonce: i64 = h(HEADER_NONCE)
            .ok_or_else(|| AuthError::Malformed(format!("missing {HEADER_NONCE}")))?
            .trim()
            .parse()
            .map_err(|_| {
                AuthError::Malformed(format!("{HEADER_NONCE} is not a decimal integer"))
            })?;
        if let Some(c) = h(HEADER_CRYPTO)
            && c != "sr25519"
        {
            return Err(AuthError::Malformed(format!("unsupported {HEADER_CRYPTO}")));
        }
        let raw_sig = h(HEADER_SIGNATURE)
            .ok_or_else(|| AuthError::Malformed(format!("missing {HEADER_SIGNATURE}")))?;
        let sig_hex = raw_sig.strip_prefix("0x").unwrap_or(raw_sig);
        let signature: Option<Signature> = format!("0x{sig_hex}").parse().ok();
        let receiver = h(HEADER_RECEIVER);
        match receiver {
            None if self.require_receiver => {
                return Err(AuthError::WrongReceiver(format!(
                    "missing {HEADER_RECEIVER}: this server requires receiver-bound requests"
                )));
            }
            Some(r) if r != self.self_hotkey => {
                return Err(AuthError::WrongReceiver(
                    "request was signed for a different receiving hotkey".into(),
                ));
            }
            _ => {}
        }
        #[expect(clippy::cast_precision_loss, reason = "window comparison in seconds")]
        let (age, ahead) = (
            now_ns.saturating_sub(nonce) as f64,
            nonce.saturating_sub(now_ns) as f64,
        );
        if age > self.max_age * 1e9 {
            return Err(AuthError::Stale(format!(
                "nonce is older than the {}s freshness window",
                self.max_age
            )));
        }
        if ahead > self.allowed_skew * 1e9 {
            return Err(AuthError::Stale(format!(
                "nonce is more than {}s in the future",
                self.allowed_skew
            )));
        }
        let (account, _) = AccountId::from_ss58(sender).map_err(|_| {
            AuthError::Malformed("invalid hotkey address or signature encoding".into())
        })?;
        let signature = signature.ok_or_else(|| {
            AuthError::Malformed("invalid hotkey address or signature encoding".into())
        })?;
        let payload = build_payload(method, path, body, nonce, sender, receiver);
        if !sr25519_verify(&account, &payload, &signature) {
            return Err(AuthError::BadSignature);
        }
        if !self.store.check_and_store((account, nonce), Instant::now()) {
            return Err(AuthError::Replayed);
        }
        Ok(Caller {
            hotkey: account,
            nonce_ns: nonce,
        })
    }
}

/// axum middleware: `router.layer(axum::middleware::from_fn_with_state(verifier, btauth::layer))`.
/// Refuses unauthenticated requests (401/403, `{"error": …}`); otherwise inserts the
/// [`Caller`] into the request's extensions and runs the handler on the verified body.
pub async fn layer(State(verifier): State<Arc<Verifier>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match Limited::new(body, verifier.max_body_bytes).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body too large or unreadable",
            );
        }
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let headers = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)));
    match verifier.verify(headers, &bytes, parts.method.as_str(), &path, now_ns()) {
        Err(e) => json_error(e.status(), &e.to_string()),
        Ok(caller) => {
            let mut req = Request::from_parts(parts, Body::from(bytes));
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
    }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    let mut r = Response::new(Body::from(
        serde_json::json!({ "error": message }).to_string(),
    ));
    *r.status_mut() = status;
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs<'a>(h: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
        h.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }

    #[test]
    fn payload_shape() {
        let p = build_payload("post", "/a?b=1", b"", 5, "S", None);
        assert_eq!(
            String::from_utf8(p).expect("utf-8"),
            "btauth/1\nsr25519\nPOST\n/a?b=1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n5\nS\n-"
        );
    }

    #[test]
    fn sign_verify_and_the_reference_checks() {
        let alice = Keypair::from_uri("//Alice").expect("uri");
        let server = Keypair::from_uri("//Bob")
            .expect("uri")
            .public()
            .to_string();
        let v = Verifier::new(server.clone());
        let now = 1_800_000_000_000_000_000;
        let h = sign(&alice, "POST", "/x?q=1", b"{}", Some(&server), Some(now));
        let c = v
            .verify(pairs(&h), b"{}", "POST", "/x?q=1", now)
            .expect("ok");
        assert_eq!(c.hotkey, alice.public());
        assert_eq!(
            v.verify(pairs(&h), b"{}", "POST", "/x?q=1", now),
            Err(AuthError::Replayed)
        );
        let h = sign(&alice, "POST", "/x", b"{}", Some(&server), Some(now + 1));
        assert_eq!(
            v.verify(pairs(&h), b"{ }", "POST", "/x", now),
            Err(AuthError::BadSignature)
        );
        // A failed signature does not poison the store: the genuine request still passes.
        assert!(v.verify(pairs(&h), b"{}", "POST", "/x", now).is_ok());
        let h = sign(
            &alice,
            "POST",
            "/x",
            b"",
            Some(&server),
            Some(now - 11_000_000_000),
        );
        assert!(matches!(
            v.verify(pairs(&h), b"", "POST", "/x", now),
            Err(AuthError::Stale(_))
        ));
        let h = sign(
            &alice,
            "POST",
            "/x",
            b"",
            Some(&server),
            Some(now + 3_000_000_000),
        );
        assert!(matches!(
            v.verify(pairs(&h), b"", "POST", "/x", now),
            Err(AuthError::Stale(_))
        ));
        let h = sign(&alice, "POST", "/x", b"", None, Some(now + 2));
        assert!(matches!(
            v.verify(pairs(&h), b"", "POST", "/x", now),
            Err(AuthError::WrongReceiver(_))
        ));
        let h = sign(&alice, "POST", "/x", b"", Some("5Other"), Some(now + 3));
        assert!(matches!(
            v.verify(pairs(&h), b"", "POST", "/x", now),
            Err(AuthError::WrongReceiver(_))
        ));
        assert!(matches!(
            v.verify([], b"", "POST", "/x", now),
            Err(AuthError::Malformed(_))
        ));
        let mut h = sign(&alice, "POST", "/x", b"", Some(&server), Some(now + 4));
        h.push((HEADER_CRYPTO, "ed25519".into()));
        assert!(matches!(
            v.verify(pairs(&h), b"", "POST", "/x", now),
            Err(AuthError::Malformed(_))
        ));
    }
}
