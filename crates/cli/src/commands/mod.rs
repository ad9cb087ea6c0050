//! The chain command groups, one module each, mirroring btcli's (sdk.md §5): `wallet`,
//! `subnet`, `register`, `stake`, `delegate`, `weights`, `metagraph`, `sudo`. Each exports its
//! clap arguments and a `run` function; `params` maps parameter names to setter calls.

pub mod delegate;
pub mod metagraph;
pub mod params;
pub mod register;
pub mod stake;
pub mod subnet;
pub mod sudo;
pub mod wallet;
pub mod weights;
