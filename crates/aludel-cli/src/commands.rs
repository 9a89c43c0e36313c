//! One small function per command, each a thin layer over the library.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aludel::config::{Config, LoadOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aludel::dialect::{Canceller, Database};
use aludel::revision::RevisionId;
use aludel::runtime::{Migrator, RunOptions};
use aludel::script::{NewRevision, ScriptDirectory};
use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::cli::{Cli, Command, Global, GraphFormat};
use crate::format::{self, LineStyle};
use crate::output::Progress;

/// What most commands need: the configuration and the parsed scripts.
struct Project {
    config: Config,
    scripts: ScriptDirectory,
}

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

fn project(global: &Global) -> Result<Project> {
    let config = Config::load(&load_options(global)?)?;
    let scripts = ScriptDirectory::load(&config)?;
    Ok(Project { config, scripts })
}

async fn connect(config: &Config) -> Result<Database> {
    Ok(Database::connect(config.url()?, config.connect_timeout).await?)
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Runs the command and returns the exit code for a run without errors.
pub async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let g = &cli.global;
    match cli.command {
        Command::Init { directory } => init(g, &directory),
        Command::Revision {
            message,
            head,
            splice,
            branch_label,
            depends_on,
            rev_id,
            version_path,
            autogenerate,
            rename,
            allow_empty,
        } => {
            let new = NewRevision {
                message: message.unwrap_or_default(),
                rev_id: rev_id.map(RevisionId::new).transpose()?,
                branch_labels: branch_label,
                depends_on,
                version_path,
                ..NewRevision::default()
            };
            let autogenerate = autogenerate.then_some(Autogenerate {
                renames: rename,
                allow_empty,
            });
            revision(g, new, &[head], splice, autogenerate).await
        }
        Command::Merge {
            revisions,
            message,
            branch_label,
            rev_id,
        } => {
            let new = NewRevision {
                message: message.unwrap_or_default(),
                rev_id: rev_id.map(RevisionId::new).transpose()?,
                branch_labels: branch_label,
                ..NewRevision::default()
            };
            revision(g, new, &revisions, false, None).await
        }
        Command::Upgrade {
            revision,
            sql,
            tag,
            backup,
            no_lock,
        } => {
            let options = RunOptions {
                no_lock,
                backup,
                tag,
                ..RunOptions::default()
            };
            run(g, Run::Upgrade(revision), sql, options).await
        }
        Command::Downgrade {
            revision,
            sql,
            tag,
            no_lock,
        } => {
            let options = RunOptions {
                no_lock,
                tag,
                ..RunOptions::default()
            };
            run(g, Run::Downgrade(revision), sql, options).await
        }
        Command::Stamp {
            revisions,
            sql,
            purge,
            no_lock,
        } => {
            let options = RunOptions {
                no_lock,
                ..RunOptions::default()
            };
            run(g, Run::Stamp(revisions, purge), sql, options).await
        }
        Command::Current { check_heads, json } => current(g, check_heads, json).await,
        Command::History {
            rev_range,
            indicate_current,
            json,
        } => history(g, rev_range, indicate_current, json).await,
        Command::Heads {
            resolve_dependencies,
            json,
        } => heads(g, resolve_dependencies, json),
        Command::Branches { json } => branches(g, json),
        Command::Show { revision, json } => show(g, &revision, json),
        Command::Check { json } => check(g, json).await,
        Command::Edit { revision } => edit(g, &revision).await,
        Command::EnsureVersion { sql } => ensure_version(g, sql).await,
        Command::Status { exit_code, json } => status(g, exit_code, json).await,
        Command::Repair { revisions } => repair(g, &revisions).await,
        Command::Graph { format } => graph(g, format),
        Command::Test => stairway(g).await,
        Command::Lint { range, json } => lint(g, range.as_deref(), json).await,
    }
}

fn init(g: &Global, directory: &Path) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let written = aludel::script::init_project(&cwd, directory)?;
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

/// What `revision --autogenerate` asks for.
struct Autogenerate {
    renames: Vec<String>,
    allow_empty: bool,
}

async fn revision(
    g: &Global,
    mut new: NewRevision,
    heads: &[String],
    splice: bool,
    autogenerate: Option<Autogenerate>,
) -> Result<ExitCode> {
    let p = project(g)?;
    let graph = &p.scripts.graph;
    let mut parents = Vec::new();
    for head in heads {
        let resolved = if graph.revisions().is_empty() && matches!(head.as_str(), "head" | "heads")
        {
            Vec::new()
        } else {
            graph.resolve(head).map_err(|e| match e {
                aludel::revision::GraphError::MultipleHeads { .. } => anyhow::anyhow!(
                    "multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge\nhint: `aludel heads` lists them; `aludel merge heads -m \"merge\"` joins them, or pass --head REV"
                ),
                other => other.into(),
            })?
        };
        parents.extend(resolved);
    }
    let unique: BTreeSet<_> = parents.iter().collect();
    if unique.len() != parents.len() {
        bail!("duplicate head revisions specified");
    }
    if !splice {
        for parent in &parents {
            if !graph.children(parent).is_empty() {
                bail!(
                    "revision {parent} is not a head revision; please specify --splice to create a new branch from this revision"
                );
            }
        }
    }
    if new.version_path.is_none() && p.scripts.version_locations.len() > 1 {
        let Some(first) = parents.first() else {
            bail!("multiple version locations present, please specify --version-path");
        };
        new.version_path = p.scripts.script(first).path.parent().map(Path::to_path_buf);
    }
    if let Some(id) = &new.rev_id {
        check_rev_id_fits(&p, id).await?;
    }
    new.down_revisions = parents;
    if let Some(auto) = autogenerate {
        let generated = autogenerated(g, &p, &auto.renames).await?;
        if generated.changes.is_empty() && !auto.allow_empty {
            eprintln!("No changes detected");
            return Ok(ExitCode::SUCCESS);
        }
        new.upgrade_sql = Some(generated.upgrade_sql);
        new.downgrade_sql = Some(generated.downgrade_sql);
    }
    let path = p.scripts.write_revision(&p.config, &new)?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Refuses a `--rev-id` longer than an existing version table's column allows.
async fn check_rev_id_fits(p: &Project, id: &RevisionId) -> Result<()> {
    let Ok(url) = p.config.url() else {
        return Ok(());
    };
    if url.sqlite_path().is_some_and(|path| !path.exists()) {
        return Ok(());
    }
    // The database may well be unreachable from where revisions are written; then there is
    // nothing to compare with.
    let Ok(mut db) = Database::connect(url, p.config.connect_timeout).await else {
        return Ok(());
    };
    let migrator = Migrator::new(&p.config, &p.scripts);
    let length = migrator.version_column_length(&mut db).await;
    db.close().await;
    if let Ok(Some(max)) = length
        && id.as_str().len() > max
    {
        bail!(
            "revision id '{id}' is {} characters long, but the version table's version_num column holds at most {max}\nhint: choose a shorter --rev-id, or widen the column (ALTER TABLE … version_num VARCHAR(255))",
            id.as_str().len()
        );
    }
    Ok(())
}

enum Run {
    Upgrade(String),
    Downgrade(String),
    Stamp(Vec<String>, bool),
}

async fn run(g: &Global, what: Run, sql: bool, options: RunOptions) -> Result<ExitCode> {
    let p = project(g)?;
    let migrator = Migrator::new(&p.config, &p.scripts);
    if sql {
        let backend = p.config.url()?.backend();
        let script = match &what {
            Run::Upgrade(range) => migrator.upgrade_sql(backend, range)?,
            Run::Downgrade(range) => migrator.downgrade_sql(backend, range)?,
            Run::Stamp(targets, purge) => migrator.stamp_sql(backend, targets, *purge)?,
        };
        print!("{}", script.sql);
        return Ok(ExitCode::SUCCESS);
    }
    let mut db = connect(&p.config).await?;
    let mut options = options;
    let cancelled = Arc::new(AtomicBool::new(false));
    options.cancelled = Some(cancelled.clone());
    watch_for_ctrl_c(db.canceller(), cancelled.clone());
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
            Run::Stamp(targets, purge) => {
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

async fn current_heads(p: &Project) -> Result<Vec<RevisionId>> {
    let mut db = connect(&p.config).await?;
    let heads = Migrator::new(&p.config, &p.scripts).current(&mut db).await;
    db.close().await;
    let heads = heads?;
    aludel::runtime::check_known_heads(&p.scripts, &heads)?;
    Ok(heads)
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
    let heads = heads?;
    aludel::runtime::check_known_heads(&scripts, &heads)?;
    Ok((Project { config, scripts }, heads))
}

async fn current(g: &Global, check_heads: bool, json: bool) -> Result<ExitCode> {
    let (p, heads) = project_and_current(g).await?;
    let at_heads = heads.iter().collect::<BTreeSet<_>>()
        == p.scripts.graph.heads().iter().collect::<BTreeSet<_>>();
    let none = BTreeSet::new();
    let entries = format::entries(&p.scripts, &heads, &none);
    if json {
        print_json(&json!({
            "current": entries.iter().map(|e| e.json()).collect::<Vec<_>>(),
            "at_heads": at_heads,
        }));
    } else {
        for entry in &entries {
            if g.verbose {
                println!("{}", entry.log_entry());
            } else {
                println!(
                    "{}",
                    entry.line(LineStyle {
                        tree: true,
                        ..LineStyle::default()
                    })
                );
            }
        }
    }
    if check_heads && !at_heads {
        if !json {
            eprintln!("error: the database is not at every head\nhint: aludel upgrade heads");
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn history(
    g: &Global,
    range: Option<String>,
    indicate_current: bool,
    json: bool,
) -> Result<ExitCode> {
    let p = project(g)?;
    let graph = &p.scripts.graph;
    let (start, end) = match range.as_deref() {
        None => (None, None),
        Some(range) => match range.split_once(':') {
            Some((s, e)) => (
                (!s.is_empty()).then(|| s.to_string()),
                (!e.is_empty()).then(|| e.to_string()),
            ),
            None => bail!("history range must be [start]:[end], got '{range}'"),
        },
    };
    let needs_db = indicate_current
        || [&start, &end]
            .iter()
            .any(|s| s.as_deref().is_some_and(|s| s.contains("current")));
    let current = if needs_db {
        current_heads(&p).await?
    } else {
        Vec::new()
    };
    let ids = match (&start, &end) {
        (None, None) => graph
            .revisions()
            .into_iter()
            .map(|r| r.id.clone())
            .collect(),
        _ => graph.history_range(start.as_deref(), end.as_deref(), &current)?,
    };
    let marked: BTreeSet<RevisionId> = if indicate_current {
        current.into_iter().collect()
    } else {
        BTreeSet::new()
    };
    let entries = format::entries(&p.scripts, &ids, &marked);
    if json {
        print_json(&json!({ "revisions": entries.iter().map(|e| e.json()).collect::<Vec<_>>() }));
        return Ok(ExitCode::SUCCESS);
    }
    let style = LineStyle {
        branches: true,
        doc: true,
        parents: true,
        tree: true,
    };
    let mut out = String::new();
    for entry in &entries {
        out += &if g.verbose {
            entry.log_entry()
        } else {
            entry.line(style)
        };
        out.push('\n');
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn heads(g: &Global, resolve_dependencies: bool, json: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let ids = if resolve_dependencies {
        p.scripts.graph.heads_resolving_dependencies()
    } else {
        p.scripts.graph.heads()
    };
    let none = BTreeSet::new();
    let entries = format::entries(&p.scripts, &ids, &none);
    if json {
        print_json(&json!({ "heads": entries.iter().map(|e| e.json()).collect::<Vec<_>>() }));
    } else {
        for entry in &entries {
            if g.verbose {
                println!("{}", entry.log_entry());
            } else {
                println!(
                    "{}",
                    entry.line(LineStyle {
                        branches: true,
                        ..LineStyle::default()
                    })
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn branches(g: &Global, json: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let none = BTreeSet::new();
    let ids: Vec<RevisionId> = p
        .scripts
        .graph
        .revisions()
        .into_iter()
        .map(|r| r.id.clone())
        .collect();
    let points: Vec<_> = format::entries(&p.scripts, &ids, &none)
        .into_iter()
        .filter(|e| e.is_branch_point())
        .collect();
    if json {
        let list: Vec<_> = points
            .iter()
            .map(|e| {
                let children = p.scripts.graph.children(&e.json().revision);
                json!({ "revision": e.json(), "branches_into": children })
            })
            .collect();
        print_json(&json!({ "branchpoints": list }));
        return Ok(ExitCode::SUCCESS);
    }
    for point in &points {
        let head = if g.verbose {
            point.log_entry()
        } else {
            point.line(LineStyle {
                branches: true,
                tree: true,
                ..LineStyle::default()
            })
        };
        let id = point.json().revision;
        let pad = " ".repeat(id.as_str().len());
        let children = p.scripts.graph.children(&id);
        let lines: Vec<String> = format::entries(&p.scripts, &children, &none)
            .iter()
            .map(|c| {
                format!(
                    "{pad} -> {}",
                    c.line(LineStyle {
                        branches: true,
                        doc: g.verbose,
                        tree: true,
                        ..LineStyle::default()
                    })
                )
            })
            .collect();
        println!("{head}\n{}\n", lines.join("\n"));
    }
    Ok(ExitCode::SUCCESS)
}

fn show(g: &Global, revision: &str, json: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let ids = p.scripts.graph.resolve(revision)?;
    if ids.is_empty() {
        bail!("no revision files indicated by symbol '{revision}'");
    }
    let none = BTreeSet::new();
    let entries = format::entries(&p.scripts, &ids, &none);
    if json {
        print_json(&json!({ "revisions": entries.iter().map(|e| e.json()).collect::<Vec<_>>() }));
    } else {
        for entry in &entries {
            println!("{}", entry.log_entry());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn edit(g: &Global, revision: &str) -> Result<ExitCode> {
    let p = project(g)?;
    let ids = if revision == "current" {
        current_heads(&p).await?
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
        let path: PathBuf = p.scripts.script(&id).path.clone();
        // $EDITOR may carry arguments ("code --wait"), so it goes through the shell.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("aludel-edit")
            .arg(&path)
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

async fn ensure_version(g: &Global, sql: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let migrator = Migrator::new(&p.config, &p.scripts);
    if sql {
        print!("{}", migrator.ensure_version_sql(p.config.url()?.backend()));
        return Ok(ExitCode::SUCCESS);
    }
    let mut db = connect(&p.config).await?;
    let result = migrator.ensure_version(&mut db).await;
    db.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn status(g: &Global, exit_code: bool, json: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let mut db = connect(&p.config).await?;
    let status = Migrator::new(&p.config, &p.scripts).status(&mut db).await;
    db.close().await;
    let status = status?;
    if json {
        print_json(&serde_json::to_value(&status)?);
    } else {
        let ids = |ids: &[RevisionId]| {
            if ids.is_empty() {
                "<base>".to_string()
            } else {
                ids.iter()
                    .map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        println!("Database: {}", p.config.url()?);
        println!("Current: {}", ids(&status.current));
        println!("Heads: {}", ids(&status.heads));
        if status.pending.is_empty() {
            println!("Pending: none, the database is up to date");
        } else {
            println!("Pending ({}):", status.pending.len());
            for id in &status.pending {
                println!("  {}, {}", id, p.scripts.script(id).message);
            }
        }
        for changed in &status.changed {
            println!("Changed: {}", changed.describe());
        }
    }
    Ok(if exit_code && !status.is_clean() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn repair(g: &Global, revisions: &[String]) -> Result<ExitCode> {
    let p = project(g)?;
    let mut db = connect(&p.config).await?;
    let repaired = Migrator::new(&p.config, &p.scripts)
        .repair(&mut db, revisions)
        .await;
    db.close().await;
    let repaired = repaired?;
    if repaired.is_empty() {
        if !g.quiet {
            eprintln!("No applied revision's file changed: nothing to repair.");
        }
    } else {
        for id in repaired {
            println!("Accepted the current checksum of {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn graph(g: &Global, fmt: GraphFormat) -> Result<ExitCode> {
    let p = project(g)?;
    print!(
        "{}",
        match fmt {
            GraphFormat::Dot => format::dot(&p.scripts),
            GraphFormat::Mermaid => format::mermaid(&p.scripts),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Connects, refuses unless the database is at head (as Alembic does), and compares.
async fn at_head(p: &Project) -> Result<Database> {
    let mut db = connect(&p.config).await?;
    let migrator = Migrator::new(&p.config, &p.scripts);
    let status = match migrator.status(&mut db).await {
        Ok(status) => status,
        Err(e) => {
            db.close().await;
            return Err(e.into());
        }
    };
    if !status.pending.is_empty() {
        db.close().await;
        bail!(
            "target database is not up to date: {} revision(s) pending\nhint: run `aludel upgrade heads` first, so the comparison starts from what the migrations already do",
            status.pending.len()
        );
    }
    for changed in &status.changed {
        eprintln!("warning: {}", changed.describe());
    }
    Ok(db)
}

async fn autogenerated(
    g: &Global,
    p: &Project,
    renames: &[String],
) -> Result<aludel::autogen::Generated> {
    let mut db = at_head(p).await?;
    let generated = aludel::autogen::autogenerate(&p.config, &mut db, renames).await;
    db.close().await;
    let generated = generated?;
    for line in &generated.detected {
        if !g.quiet {
            eprintln!("{line}");
        }
    }
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(generated)
}

async fn check(g: &Global, json: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let mut db = at_head(&p).await?;
    let changes = aludel::autogen::compare(&p.config, &mut db).await;
    db.close().await;
    let changes = changes?;
    let lines: Vec<String> = changes.iter().flat_map(|c| c.describe()).collect();
    if json {
        print_json(&json!({ "clean": changes.is_empty(), "differences": lines }));
    } else if changes.is_empty() {
        println!("No new upgrade operations detected.");
    } else {
        println!("New upgrade operations detected:");
        for line in &lines {
            println!("  {line}");
        }
    }
    Ok(if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `aludel test`: the stairway test on the database of `--url`, else on a SQLite file in a
/// temporary folder removed afterwards.
async fn stairway(g: &Global) -> Result<ExitCode> {
    use aludel::stairway::{DownCheck, ModelsCheck, StairwayEvent};
    let mut options = load_options(g)?;
    let scratch = match &g.url {
        Some(_) => None,
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let dir =
                std::env::temp_dir().join(format!("aludel-test-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            options.url = Some(format!("sqlite:///{}", dir.join("stairway.db").display()));
            Some(dir)
        }
    };
    let result = async {
        let config = Config::load(&options)?;
        let scripts = ScriptDirectory::load(&config)?;
        let mut db = connect(&config).await?;
        let quiet = g.quiet;
        let mut on_event = |event| match event {
            StairwayEvent::Checked(outcome) if !quiet || !outcome.passed() => {
                let steps = match (&outcome.down, outcome.passed()) {
                    (DownCheck::Verified, _) => "up/down/up",
                    (DownCheck::Irreversible, true) => "up (irreversible: down skipped)",
                    (DownCheck::NotAlone, true) => "up (no single-step downgrade: down skipped)",
                    _ => "",
                };
                let status = if outcome.passed() { "ok  " } else { "FAIL" };
                if steps.is_empty() {
                    println!("{status} {} {}", outcome.revision, outcome.message);
                } else {
                    println!("{status} {} {steps}, {}", outcome.revision, outcome.message);
                }
            }
            StairwayEvent::ModelsChecked(ModelsCheck::Match) if !quiet => {
                println!("ok   models match the database at head");
            }
            StairwayEvent::ModelsChecked(ModelsCheck::Differs(_)) => {
                println!("FAIL models differ from the database at head");
            }
            _ => {}
        };
        let report = aludel::stairway::run(&config, &scripts, &mut db, &mut on_event).await;
        db.close().await;
        Ok::<_, anyhow::Error>(report?)
    }
    .await;
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    let report = result?;
    let failures = report.failures();
    if failures.is_empty() {
        if !g.quiet {
            println!(
                "Stairway test passed: {} revision(s) up to {}.",
                report.total, report.head
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    eprintln!(
        "Stairway test failed: {} of {} revision(s) checked.",
        report.revisions.len(),
        report.total
    );
    Ok(ExitCode::FAILURE)
}

async fn lint(g: &Global, range: Option<&str>, json: bool) -> Result<ExitCode> {
    let p = project(g)?;
    let graph = &p.scripts.graph;
    let mut ids: Vec<RevisionId> = match range {
        None => graph
            .revisions()
            .into_iter()
            .map(|r| r.id.clone())
            .collect(),
        Some(range) => {
            let Some((start, end)) = range.split_once(':') else {
                bail!("lint range must be [start]:[end], got '{range}'");
            };
            let current = if range.contains("current") {
                current_heads(&p).await?
            } else {
                Vec::new()
            };
            graph.history_range(
                (!start.is_empty()).then_some(start),
                (!end.is_empty()).then_some(end),
                &current,
            )?
        }
    };
    // Newest first from the graph; the linter wants parents before children.
    ids.reverse();
    let scripts: Vec<_> = ids
        .iter()
        .filter_map(|id| p.scripts.scripts.get(id))
        .collect();
    let findings = aludel::lint::lint(&scripts, p.config.url()?.backend())?;
    let errors = findings
        .iter()
        .filter(|f| f.level == aludel::lint::Level::Error)
        .count();
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |path: &Path| {
        path.strip_prefix(&cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    if json {
        let items: Vec<_> = findings
            .iter()
            .map(|f| {
                json!({
                    "rule": f.rule.id(),
                    "level": f.level.as_str(),
                    "revision": f.revision.as_str(),
                    "path": shown(&f.path),
                    "line": f.line,
                    "message": f.message,
                    "hint": f.hint,
                })
            })
            .collect();
        print_json(
            &json!({ "findings": items, "errors": errors, "warnings": findings.len() - errors }),
        );
    } else {
        let mut out = String::new();
        for f in &findings {
            out += &format!(
                "{}:{}: {}[{}]: {}\n  hint: {}\n",
                shown(&f.path),
                f.line,
                f.level,
                f.rule,
                f.message,
                f.hint
            );
        }
        print!("{out}");
        if !g.quiet {
            eprintln!(
                "{} revision(s) linted: {errors} error(s), {} warning(s)",
                scripts.len(),
                findings.len() - errors
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
