//! `aludel upgrade`, `downgrade` and `stamp`: the three commands that move the version table,
//! online through the library's `Migrator` or, with `--sql`, as an offline script.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aludel::dialect::Canceller;
use aludel::runtime::RunOptions;
use anyhow::Result;

use super::Project;
use crate::cli::{DowngradeArgs, Global, StampArgs, UpgradeArgs};
use crate::output::Progress;

/// Which of the three commands runs, with its target.
enum Run {
    Upgrade(String),
    Downgrade(String),
    Stamp { targets: Vec<String>, purge: bool },
}

pub async fn upgrade(g: &Global, args: UpgradeArgs) -> Result<ExitCode> {
    let options = RunOptions {
        no_lock: args.no_lock,
        backup: args.backup,
        tag: args.tag,
        ..RunOptions::default()
    };
    run(g, Run::Upgrade(args.revision), args.sql, options).await
}

pub async fn downgrade(g: &Global, args: DowngradeArgs) -> Result<ExitCode> {
    let options = RunOptions {
        no_lock: args.no_lock,
        tag: args.tag,
        ..RunOptions::default()
    };
    run(g, Run::Downgrade(args.revision), args.sql, options).await
}

pub async fn stamp(g: &Global, args: StampArgs) -> Result<ExitCode> {
    let options = RunOptions {
        no_lock: args.no_lock,
        ..RunOptions::default()
    };
    let what = Run::Stamp {
        targets: args.revisions,
        purge: args.purge,
    };
    run(g, what, args.sql, options).await
}

async fn run(g: &Global, what: Run, sql: bool, mut options: RunOptions) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let migrator = p.migrator();
    if sql {
        let backend = p.config.url()?.backend();
        let script = match &what {
            Run::Upgrade(range) => migrator.upgrade_sql(backend, range)?,
            Run::Downgrade(range) => migrator.downgrade_sql(backend, range)?,
            Run::Stamp { targets, purge } => migrator.stamp_sql(backend, targets, *purge)?,
        };
        print!("{}", script.sql);
        return Ok(ExitCode::SUCCESS);
    }
    let mut db = p.connect().await?;
    let cancelled = Arc::new(AtomicBool::new(false));
    options.cancelled = Some(cancelled.clone());
    watch_for_ctrl_c(db.canceller(), cancelled);
    let mut progress = Progress::new(g.quiet);
    let report = {
        let mut on_event = |e| progress.event(e);
        let report = match &what {
            Run::Upgrade(target) => {
                migrator
                    .upgrade(&mut db, target, &options, &mut on_event)
                    .await
            }
            Run::Downgrade(target) => {
                migrator
                    .downgrade(&mut db, target, &options, &mut on_event)
                    .await
            }
            Run::Stamp { targets, purge } => {
                migrator
                    .stamp(&mut db, targets, *purge, &options, &mut on_event)
                    .await
            }
        };
        db.close().await;
        report
    };
    progress.finish();
    let report = report?;
    if !g.quiet && report.steps.is_empty() {
        eprintln!("Nothing to do: the database is already at the target.");
    }
    Ok(ExitCode::SUCCESS)
}

/// On Ctrl-C, stops the run from a thread of its own: the flag keeps further statements from
/// starting and the canceller stops the one in flight (SQLite interrupts it; a server ends its
/// session), so the run rolls back through its ordinary failure path and releases its lock
/// after that. A second Ctrl-C exits at once.
fn watch_for_ctrl_c(canceller: Canceller, cancelled: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            cancelled.store(true, Ordering::SeqCst);
            canceller.cancel().await;
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
    });
}
