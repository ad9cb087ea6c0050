//! The `agora` command-line tool: argument parsing lives in `main.rs`, the work here.
//!
//! # Design
//! Each command is a function from parsed arguments and IO handles to an exit status, so it
//! can be tested without spawning a process. File formats shared with other tools (the epoch
//! case schema of `shared/spec/epoch-io.md`) are decoded in [`epoch_io`] with errors that name
//! the offending field.

pub mod epoch_cmd;
pub mod epoch_io;
pub mod genesis_cmd;
pub mod node_cmd;
pub mod routing_cmds;
pub mod sdk_cmds;
pub mod sim_cmd;
