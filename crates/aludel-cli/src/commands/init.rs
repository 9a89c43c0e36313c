//! `aludel init DIRECTORY`: writes aludel.toml and the migration folder.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Global, InitArgs};

pub fn init(g: &Global, args: &InitArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let written = aludel::script::init_project(&cwd, &args.directory)?;
    if !g.quiet {
        for path in written {
            eprintln!("Created {}", path.display());
        }
        eprintln!(
            "Edit aludel.toml to point at your database, then `aludel revision -m \"first\"`."
        );
    }
    Ok(ExitCode::SUCCESS)
}
