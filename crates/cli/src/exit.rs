//! Exit codes scripts can rely on (docs/cli.md "Exit codes") and the one-line error report.
//!
//! Every command returns `anyhow::Result`; [`code_of`] maps the error to its class by looking
//! for the typed errors in its chain ([`Fail`], the SDK's `ChainError` and `WalletError`,
//! amount parsing), so a failure deep in a helper still exits with the right code.

use std::process::ExitCode;

use agora_sdk::chain::ChainError;
use agora_sdk::chain::units::AmountError;
use agora_sdk::wallet::WalletError;

/// What went wrong, as an exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok = 0,
    /// 1: the chain refused or failed the operation (included with an error, rejected before
    /// inclusion, or refused by a pre-check that saves the fee), or any other failure.
    Failed = 1,
    /// 2: bad arguments.
    Usage = 2,
    /// 3: the node cannot be reached or did not answer in time.
    Unreachable = 3,
    /// 4: a wallet problem: wrong password, missing or unreadable key file.
    Wallet = 4,
    /// 5: something named does not exist (subnet, uid, hotkey registration, delegate).
    NotFound = 5,
    /// 6: the user declined the confirmation (or it could not be asked and `--yes` was not
    /// given).
    Aborted = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// An error with an explicit exit class and a one-line message.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Fail {
    /// The exit class.
    pub exit: Exit,
    /// The message (one line).
    pub message: String,
}

/// `Err(Fail)` with class `exit`.
pub fn fail<T>(exit: Exit, message: impl Into<String>) -> anyhow::Result<T> {
    Err(Fail {
        exit,
        message: message.into(),
    }
    .into())
}

/// The exit class of `e`.
pub fn code_of(e: &anyhow::Error) -> Exit {
    for cause in e.chain() {
        if let Some(f) = cause.downcast_ref::<Fail>() {
            return f.exit;
        }
        if let Some(c) = cause.downcast_ref::<ChainError>() {
            return match c {
                ChainError::Unreachable { .. } | ChainError::Timeout(_) => Exit::Unreachable,
                _ => Exit::Failed,
            };
        }
        if cause.downcast_ref::<WalletError>().is_some() {
            return Exit::Wallet;
        }
        if cause.downcast_ref::<AmountError>().is_some() {
            return Exit::Usage;
        }
    }
    Exit::Failed
}

/// `e` and its causes on one line (`a: b: c`), without repeating a cause its parent already
/// quotes.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string().replace('\n', " ");
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn classes_are_found_through_context() {
        let e: anyhow::Error = ChainError::Unreachable {
            endpoint: "http://x".into(),
            why: "refused".into(),
        }
        .into();
        let e = e.context("reading the balance");
        assert_eq!(code_of(&e), Exit::Unreachable);
        let e = fail::<()>(Exit::NotFound, "subnet 9 does not exist").unwrap_err();
        assert_eq!(code_of(&e), Exit::NotFound);
        assert_eq!(one_line(&e), "subnet 9 does not exist");
        let e = Err::<(), _>(std::io::Error::other("disk"))
            .context("writing")
            .unwrap_err();
        assert_eq!(code_of(&e), Exit::Failed);
        assert_eq!(one_line(&e), "writing: disk");
    }
}
