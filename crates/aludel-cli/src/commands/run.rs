//! `aludel upgrade`, `downgrade` and `stamp`: the three commands that move the version table,
//! online through the library's `Migrator` or, with `--sql`, as an offline script.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use aludel::dialect::Canceller;
use aludel::runtime::RunOptions;
use anyhow::Result;

use super::Project;
use crate::cli::{DowngradeArgs, Global, StampArgs, UpgradeArgs};
use crate::output::{self, Progress};

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
        out!("{}", script.sql);
        return Ok(ExitCode::SUCCESS);
    }
    let stop = Stop::install()?;
    options.cancelled = Some(stop.cancelled.clone());
    let mut db = p.connect().await?;
    stop.arm(db.canceller());
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
    let report = match (report, stop.exit_code()) {
        (Err(error), Some(code)) => {
            output::print_error(&error.into());
            return Ok(ExitCode::from(code));
        }
        (report, _) => report?,
    };
    if !g.quiet && report.steps.is_empty() {
        eprintln!("Nothing to do: the database is already at the target.");
    }
    Ok(ExitCode::SUCCESS)
}

/// Stops a run on SIGINT (Ctrl-C) or SIGTERM, from a thread of its own, since a SQLite
/// statement holds the run's thread while it runs. The flag keeps further statements and lock
/// waits from going on, and the canceller stops the statement in flight (SQLite interrupts
/// it; a server ends its session), so the run rolls back through its ordinary failure path
/// and releases its lock after that. A second signal exits at once.
struct Stop {
    cancelled: Arc<AtomicBool>,
    /// The exit code of the signal received (130 for SIGINT, 143 for SIGTERM), 0 before.
    code: Arc<AtomicU8>,
    /// The connection's canceller, once connected.
    canceller: Arc<Mutex<Option<Canceller>>>,
}

impl Stop {
    /// Installs the handlers now, before anything touches the database, so that a signal
    /// never finds the default disposition (which would end the process mid-run).
    fn install() -> Result<Stop> {
        let stop = Stop {
            cancelled: Arc::new(AtomicBool::new(false)),
            code: Arc::new(AtomicU8::new(0)),
            canceller: Arc::new(Mutex::new(None)),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let mut signals = {
            let _entered = runtime.enter();
            Signals::new()?
        };
        let (cancelled, code, canceller) = (
            stop.cancelled.clone(),
            stop.code.clone(),
            stop.canceller.clone(),
        );
        std::thread::spawn(move || {
            runtime.block_on(async {
                let first = signals.next().await;
                code.store(first, Ordering::SeqCst);
                cancelled.store(true, Ordering::SeqCst);
                let taken = canceller
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(canceller) = taken {
                    canceller.cancel().await;
                }
                let second = signals.next().await;
                std::process::exit(i32::from(second));
            });
        });
        Ok(stop)
    }

    /// Hands over the connection's canceller. A signal that came before finds none: the flag
    /// alone stops the run then, since nothing is in flight yet.
    fn arm(&self, canceller: Canceller) {
        *self
            .canceller
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(canceller);
    }

    /// The exit code of the signal that stopped the run, if one came.
    fn exit_code(&self) -> Option<u8> {
        Some(self.code.load(Ordering::SeqCst)).filter(|code| *code != 0)
    }
}

/// SIGINT and SIGTERM, registered when made; `next` gives the exit code of the one received
/// (128 plus its number).
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) -> u8 {
        tokio::select! {
            _ = self.interrupt.recv() => 130,
            _ = self.terminate.recv() => 143,
        }
    }
}

/// Ctrl-C alone where there are no Unix signals.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> u8 {
        match tokio::signal::ctrl_c().await {
            Ok(()) => 130,
            Err(_) => std::future::pending().await,
        }
    }
}
