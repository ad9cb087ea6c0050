//! The `agora` binary: parse arguments, run, and turn errors into one line on standard error
//! and an exit status scripts can rely on (docs/cli.md "Exit codes").

use std::process::ExitCode;

use clap::Parser as _;

// The simulator and the epoch allocate and free many short-lived buffers; glibc's allocator
// returns them to the OS and pays page faults for it (ARCHITECTURE.md, "mimalloc").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match agora_cli::app::run(agora_cli::app::Cli::parse()) {
        Ok(code) => code,
        // A reader that closes our output early (`agora … | head`) ends the run quietly.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", agora_cli::exit::one_line(&e));
            agora_cli::exit::code_of(&e).into()
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
