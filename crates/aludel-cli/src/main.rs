//! The `aludel` binary: parses the command line, calls the library, renders its results and
//! events, and maps errors to exit codes (0 success, 1 failure, 2 usage, and for a run stopped
//! by a signal 130 after SIGINT, 143 after SIGTERM).

#[macro_use]
mod output;
mod cli;
mod commands;
mod format;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(code) => code,
        Err(err) => {
            output::print_error(&err);
            ExitCode::FAILURE
        }
    }
}
