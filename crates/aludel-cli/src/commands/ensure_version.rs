//! `aludel ensure_version`: creates the version table (and history log) if missing.

use std::process::ExitCode;

use anyhow::Result;

use super::Project;
use crate::cli::{EnsureVersionArgs, Global};

pub async fn ensure_version(g: &Global, args: &EnsureVersionArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let migrator = p.migrator();
    if args.sql {
        out!("{}", migrator.ensure_version_sql(p.config.url()?.backend()));
        return Ok(ExitCode::SUCCESS);
    }
    let mut db = p.connect().await?;
    let result = migrator.ensure_version(&mut db).await;
    db.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
