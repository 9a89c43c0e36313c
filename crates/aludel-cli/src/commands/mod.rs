//! One file per command, as uv lays out its commands: each turns its parsed flags into library
//! calls and renders what comes back. The rules themselves (which parents a revision gets,
//! where its file goes, what a range covers, when the database must be at head, the shape of
//! `--json`) live in the library; what is shared here is only loading the project and
//! connecting to its database.

mod branches;
mod check;
mod current;
mod edit;
mod ensure_version;
mod graph;
mod heads;
mod history;
mod import;
mod init;
mod lint;
mod repair;
mod revision;
mod run;
mod show;
mod status;
mod test;

use std::collections::BTreeMap;
use std::process::ExitCode;

use aludel::config::{Config, LoadOptions};
use aludel::dialect::Database;
use aludel::revision::RevisionId;
use aludel::runtime::Migrator;
use aludel::script::ScriptDirectory;
use anyhow::{Context, Result, bail};

use crate::cli::{Cli, Command, Global};

/// Runs the command and returns the exit code for a run without errors.
pub async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let g = &cli.global;
    match cli.command {
        Command::Init(args) => init::init(g, &args),
        Command::Revision(args) => revision::revision(g, args).await,
        Command::Merge(args) => revision::merge(g, args).await,
        Command::Upgrade(args) => run::upgrade(g, args).await,
        Command::Downgrade(args) => run::downgrade(g, args).await,
        Command::Stamp(args) => run::stamp(g, args).await,
        Command::Current(args) => current::current(g, &args).await,
        Command::History(args) => history::history(g, &args).await,
        Command::Heads(args) => heads::heads(g, &args),
        Command::Branches(args) => branches::branches(g, &args),
        Command::Show(args) => show::show(g, &args).await,
        Command::Check(args) => check::check(g, &args).await,
        Command::Edit(args) => edit::edit(g, &args).await,
        Command::EnsureVersion(args) => ensure_version::ensure_version(g, &args).await,
        Command::Status(args) => status::status(g, &args).await,
        Command::Repair(args) => repair::repair(g, &args).await,
        Command::Graph(args) => graph::graph(g, &args).await,
        Command::Test => test::stairway(g).await,
        Command::Lint(args) => lint::lint(g, &args).await,
        Command::Import(args) => import::import(g, &args),
    }
}

/// What most commands need: the configuration and the parsed scripts.
struct Project {
    config: Config,
    scripts: ScriptDirectory,
}

impl Project {
    /// Loads the configuration the global flags select, then every revision file.
    fn load(global: &Global) -> Result<Project> {
        let config = Config::load(&load_options(global)?)?;
        let scripts = ScriptDirectory::load(&config)?;
        Ok(Project { config, scripts })
    }

    /// A connection to the project's database.
    async fn connect(&self) -> Result<Database> {
        connect(&self.config).await
    }

    /// A migrator over this project.
    fn migrator(&self) -> Migrator<'_> {
        Migrator::new(&self.config, &self.scripts)
    }

    /// A connection to a database at head, which autogenerate and `check` compare with the
    /// models; applied files that changed since are warned about, not refused.
    async fn connect_at_head(&self) -> Result<Database> {
        let mut db = self.connect().await?;
        let changed = match self.migrator().require_at_head(&mut db).await {
            Ok(changed) => changed,
            Err(e) => {
                db.close().await;
                return Err(e.into());
            }
        };
        for file in &changed {
            eprintln!("warning: {}\nhint: {}", file.describe(), file.hint());
        }
        Ok(db)
    }

    /// The database's current revisions, each checked to have a file.
    async fn current_heads(&self) -> Result<Vec<RevisionId>> {
        let heads = self.current_rows().await?;
        aludel::runtime::check_known_heads(&self.scripts, &heads)?;
        Ok(heads)
    }

    /// The version table's rows as they are, revisions no file has included: reads answer
    /// on such a database and name them (see [`warn_unknown`]).
    async fn current_rows(&self) -> Result<Vec<RevisionId>> {
        let mut db = self.connect().await?;
        let heads = self.migrator().current(&mut db).await;
        db.close().await;
        Ok(heads?)
    }
}

/// Warns on stderr about version-table rows that no migration file has, so a read on such a
/// database answers and still says what is wrong.
fn warn_unknown(scripts: &ScriptDirectory, rows: &[RevisionId]) {
    if let Err(e) = aludel::runtime::check_known_heads(scripts, rows) {
        let e = anyhow::Error::from(e);
        eprint!("warning: ");
        crate::output::print_error_body(&e);
    }
}

/// The global flags as the library's load options; `-x KEY=VALUE` pairs are split here.
fn load_options(global: &Global) -> Result<LoadOptions> {
    let mut x = BTreeMap::new();
    for pair in &global.x {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("-x takes KEY=VALUE, got '{pair}'");
        };
        x.insert(key.to_string(), value.to_string());
    }
    Ok(LoadOptions {
        config_path: global.config.clone(),
        env: global.env.clone(),
        url: global.url.clone(),
        x,
        cwd: std::env::current_dir().context("cannot read the working directory")?,
    })
}

async fn connect(config: &Config) -> Result<Database> {
    let mut db = Database::connect(config.url()?, config.connect_timeout).await?;
    // Every command, `--no-lock` runs included, waits for a busy SQLite file as long as
    // `lock_timeout` says, not the driver's default.
    db.set_busy_timeout(config.lock_timeout);
    Ok(db)
}

/// The project and the database's current revisions, the migration files read on a thread of
/// their own while the database answers: on a long history both take a while.
async fn project_and_current(g: &Global) -> Result<(Project, Vec<RevisionId>)> {
    let config = Config::load(&load_options(g)?)?;
    let loading = {
        let config = config.clone();
        std::thread::spawn(move || ScriptDirectory::load(&config))
    };
    let heads = async {
        let mut db = connect(&config).await?;
        let heads = aludel::runtime::current_revisions(&config, &mut db).await;
        db.close().await;
        Ok::<_, anyhow::Error>(heads?)
    }
    .await;
    let scripts = match loading.join() {
        Ok(scripts) => scripts?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    Ok((Project { config, scripts }, heads?))
}
