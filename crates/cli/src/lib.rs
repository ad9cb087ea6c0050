//! The `agora` command-line tool: `main.rs` parses and exits, [`app`] holds the command tree,
//! and the work lives in one module per command group.
//!
//! # Design
//! - [`commands`]: the chain command groups (btcli's, sdk.md §5) over the SDK's `Chain`
//!   client; [`context`] holds what they share (global flags, connecting, keys, submitting),
//!   [`ui`] the tables, spinner and outcome lines, [`exit`] the exit codes.
//! - [`localnet`]: a whole local network in one command.
//! - [`node_cmd`], [`epoch_cmd`], [`genesis_cmd`], [`sim_cmd`], [`sdk_cmds`]: the node, the
//!   epoch on saved states, genesis checks, the simulator, and the axon/dendrite tools.
//!
//! File formats shared with other tools (the epoch case schema of
//! `shared/spec/epoch-io.md`) are decoded in [`epoch_io`] with errors that name the offending
//! field.

pub mod app;
pub mod commands;
pub mod context;
pub mod epoch_cmd;
pub mod epoch_io;
pub mod exit;
pub mod genesis_cmd;
pub mod localnet;
pub mod node_cmd;
pub mod routing_cmds;
pub mod sdk_cmds;
pub mod sim_cmd;
pub mod ui;
