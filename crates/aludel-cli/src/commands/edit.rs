//! `aludel edit [REV]`: opens revision files in the user's editor.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::Project;
use crate::cli::{EditArgs, Global};

pub async fn edit(g: &Global, args: &EditArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let revision = args.revision.as_str();
    let ids = if revision == "current" {
        p.current_heads().await?
    } else {
        p.scripts.graph.resolve(revision)?
    };
    if ids.is_empty() {
        bail!("no revision files indicated by symbol '{revision}'");
    }
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    for id in ids {
        let path = &p.scripts.script(&id).path;
        // $EDITOR may carry arguments ("code --wait"), so it goes through the shell.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("aludel-edit")
            .arg(path)
            .status()
            .with_context(|| format!("cannot start the editor '{editor}'"))?;
        if !status.success() {
            bail!(
                "the editor '{editor}' exited with {status} for {}",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
