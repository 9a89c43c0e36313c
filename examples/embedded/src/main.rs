//! An application that carries its migrations in its binary and brings its database to `head`
//! at start-up.
//!
//! Usage: `aludel-embedded-example [DATABASE_URL]` (default: an in-memory SQLite database).

use std::process::ExitCode;

use aludel::embed::Embedded;

/// The migrations in `migrations/versions`, embedded by `build.rs`.
static MIGRATIONS: Embedded = aludel::embedded_migrations!();

#[tokio::main]
async fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite://".to_string());
    match MIGRATIONS.upgrade_to_head(&url).await {
        Ok(report) => {
            let heads: Vec<String> = report.heads_after.iter().map(|id| id.to_string()).collect();
            println!("applied {} migration(s)", report.steps.len());
            println!("current revision: {}", heads.join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
