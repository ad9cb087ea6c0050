//! Units and identifiers shared by every Agora crate.
//!
//! Amounts are plain integers in the smallest unit (RAO for TAO, and the same 10^-9 scale for a
//! subnet's alpha token), exactly as the reference chain stores them (protocol spec §1.4).

/// Number of RAO in one TAO (and of alpha base units in one alpha).
pub const RAO_PER_TAO: u64 = 1_000_000_000;

/// An amount of TAO in RAO.
pub type Rao = u64;

/// An amount of a subnet's alpha token, in its base unit (10^-9 alpha).
pub type AlphaRao = u64;

/// A subnet identifier (`NetUid` in the reference).
pub type NetUid = u16;

/// A neuron's position within a subnet (`uid` in the reference).
pub type Uid = u16;

/// A block number.
pub type BlockNumber = u64;
