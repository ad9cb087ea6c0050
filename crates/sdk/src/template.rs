//! The bittensor subnet template's `Dummy` synapse (sdk spec §6): `dummy_input: int`
//! (required) in, `dummy_output: Optional[int]` out, answered with twice the input.

use serde::{Deserialize, Serialize};

use crate::axon::{AxonBuilder, Caller, ForwardError};
use crate::synapse::Synapse;

/// `template.protocol.Dummy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dummy {
    /// The validator's input.
    pub dummy_input: i64,
    /// The miner's answer.
    #[serde(default)]
    pub dummy_output: Option<i64>,
}

impl Synapse for Dummy {
    const NAME: &'static str = "Dummy";
    const REQUIRED_FIELDS: &'static [(&'static str, &'static str)] = &[("dummy_input", "0")];
}

/// The template miner's forward: `dummy_output = dummy_input * 2` (saturating; a Python int
/// would grow, but the field is an `int` a JSON integer of 64 bits carries in practice).
pub async fn forward(_caller: Caller, mut synapse: Dummy) -> Result<Dummy, ForwardError> {
    synapse.dummy_output = Some(synapse.dummy_input.saturating_mul(2));
    Ok(synapse)
}

/// An axon builder that serves `Dummy`, refusing callers outside `allow` (when it is not
/// empty) with the template's blacklist reason.
pub fn miner(builder: AxonBuilder, allow: Vec<agora_primitives::AccountId>) -> AxonBuilder {
    let builder = builder.forward(forward);
    if allow.is_empty() {
        builder
    } else {
        builder.blacklist(move |caller| {
            if allow.contains(&caller.hotkey) {
                Ok(())
            } else {
                Err("Unrecognized hotkey".to_owned())
            }
        })
    }
}
