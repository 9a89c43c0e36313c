//! The command line as clap parses it: raw flags, turned into library calls in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// aludel: database schema migrations with plain SQL files.
#[derive(Debug, Parser)]
#[command(name = "aludel", version, about, propagate_version = true)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes, before or after its name.
#[derive(Debug, Args)]
pub struct Global {
    /// Configuration file (default: aludel.toml here or in a parent folder).
    #[arg(short = 'c', long = "config", global = true, env = "ALUDEL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL, overriding the configuration.
    #[arg(long, global = true)]
    pub url: Option<String>,
    /// Environment name selecting [environments.NAME].
    #[arg(long = "env", global = true)]
    pub env: Option<String>,
    /// KEY=VALUE pairs visible to templates as `x`.
    #[arg(short = 'x', global = true, value_name = "KEY=VALUE")]
    pub x: Vec<String>,
    /// Print only results and errors.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// More detail (verbose listings).
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,
}

/// Output of `graph`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create aludel.toml and a migration folder.
    #[command(
        after_help = "Examples:\n  aludel init migrations\n  aludel init db/migrations -c db/aludel.toml"
    )]
    Init(InitArgs),
    /// Create a new revision file.
    #[command(
        after_help = "Examples:\n  aludel revision -m \"add users table\"\n  aludel revision --autogenerate -m \"add phone to users\"\n  aludel revision -m \"billing\" --head base --branch-label billing --splice"
    )]
    Revision(RevisionArgs),
    /// Upgrade to a later revision.
    #[command(
        after_help = "Examples:\n  aludel upgrade head\n  aludel upgrade +1\n  aludel upgrade head --sql > upgrade.sql"
    )]
    Upgrade(UpgradeArgs),
    /// Revert to a previous revision.
    #[command(
        after_help = "Examples:\n  aludel downgrade -1\n  aludel downgrade billing@base\n  aludel downgrade head:base --sql > downgrade.sql"
    )]
    Downgrade(DowngradeArgs),
    /// Show the database's current revision(s).
    #[command(
        after_help = "Examples:\n  aludel current\n  aludel current -v\n  aludel current --check-heads || aludel upgrade heads"
    )]
    Current(CurrentArgs),
    /// List revisions, newest first.
    #[command(
        after_help = "Examples:\n  aludel history\n  aludel history -r -3:current -i\n  aludel history --json | jq -r '.revisions[].revision'"
    )]
    History(HistoryArgs),
    /// Show the head revisions.
    #[command(after_help = "Examples:\n  aludel heads\n  aludel heads -v --resolve-dependencies")]
    Heads(HeadsArgs),
    /// Show branch points.
    #[command(after_help = "Examples:\n  aludel branches\n  aludel branches -v")]
    Branches(BranchesArgs),
    /// Show a revision in detail.
    #[command(after_help = "Examples:\n  aludel show head\n  aludel show 3f2a")]
    Show(ShowArgs),
    /// Set the version table without running migrations.
    #[command(
        after_help = "Examples:\n  aludel stamp head\n  aludel stamp --purge 3f2a9c1b7d4e\n  aludel stamp heads --sql"
    )]
    Stamp(StampArgs),
    /// Create a merge revision over several heads.
    #[command(
        after_help = "Examples:\n  aludel merge heads -m \"merge billing and shipping\"\n  aludel merge 3f2a 9c1b -m \"merge\" --rev-id merge_0001"
    )]
    Merge(MergeArgs),
    /// Exit 1 and list the differences if the models and the database differ.
    #[command(after_help = "Examples:\n  aludel check\n  aludel check --json")]
    Check(CheckArgs),
    /// Open a revision file in $EDITOR.
    #[command(after_help = "Examples:\n  aludel edit head\n  EDITOR=vim aludel edit 3f2a")]
    Edit(EditArgs),
    /// Create the version table if missing.
    #[command(
        name = "ensure_version",
        alias = "ensure-version",
        after_help = "Examples:\n  aludel ensure_version\n  aludel ensure_version --sql"
    )]
    EnsureVersion(EnsureVersionArgs),
    /// Current revisions against heads, pending revisions, changed files.
    #[command(
        after_help = "Examples:\n  aludel status\n  aludel status --exit-code || aludel upgrade heads"
    )]
    Status(StatusArgs),
    /// Accept the current checksums of applied revisions whose files changed.
    #[command(after_help = "Examples:\n  aludel repair\n  aludel repair 3f2a9c1b7d4e")]
    Repair(RepairArgs),
    /// Stairway test: upgrade, downgrade and upgrade every revision on a scratch database
    /// (a temporary SQLite file, or the database of the global --url), then compare the models.
    #[command(
        after_help = "Examples:\n  aludel test\n  aludel test --url postgresql://localhost/aludel_stairway"
    )]
    Test,
    /// Flag risky statements in upgrade sections (drops, renames, NOT NULL without default…).
    #[command(after_help = "Examples:\n  aludel lint\n  aludel lint -1:head --json")]
    Lint(LintArgs),
    /// Print the revision graph as dot or mermaid.
    #[command(
        after_help = "Examples:\n  aludel graph | dot -Tsvg > revisions.svg\n  aludel graph --format mermaid"
    )]
    Graph(GraphArgs),
    /// Import another tool's project: `import alembic` writes aludel.toml and one SQL
    /// revision per Alembic revision, rendered by Alembic offline.
    #[command(
        after_help = "Examples:\n  aludel import alembic\n  aludel import alembic --from ../legacy-app --dialect postgresql\n  aludel import alembic --python .venv/bin/python --force --json"
    )]
    Import(ImportArgs),
}

/// The flags of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The migration folder to create.
    pub directory: PathBuf,
}

/// The flags of `revision`.
#[derive(Debug, Args)]
pub struct RevisionArgs {
    /// The revision's message.
    #[arg(short = 'm', long)]
    pub message: Option<String>,
    /// Parent revision (default: head).
    #[arg(long, default_value = "head")]
    pub head: String,
    /// Allow a parent that is not a head (start a branch).
    #[arg(long)]
    pub splice: bool,
    /// Branch label for the new revision.
    #[arg(long = "branch-label")]
    pub branch_label: Vec<String>,
    /// Revisions the new one depends on.
    #[arg(long = "depends-on")]
    pub depends_on: Vec<String>,
    /// Use this id instead of a generated one.
    #[arg(long = "rev-id")]
    pub rev_id: Option<String>,
    /// Folder to write the file in.
    #[arg(long = "version-path")]
    pub version_path: Option<PathBuf>,
    /// Write the SQL that brings the database to the models.
    #[arg(long)]
    pub autogenerate: bool,
    /// Rename hints for autogenerate: `TABLE.OLD:NEW` for a column, `OLD:NEW` for a table.
    #[arg(long = "rename", requires = "autogenerate")]
    pub rename: Vec<String>,
    /// Write the file even when autogenerate detects no change.
    #[arg(long = "allow-empty", requires = "autogenerate")]
    pub allow_empty: bool,
    /// Write the plain form of the changes instead of the safe one (PostgreSQL: no
    /// CONCURRENTLY, NOT VALID or lock_timeout; the revision stays transactional).
    #[arg(long = "unsafe", requires = "autogenerate")]
    pub unsafe_form: bool,
}

/// The flags of `upgrade`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Target: head, heads, an id, +N, LABEL@head… (FROM:TO with --sql).
    #[arg(allow_hyphen_values = true)]
    pub revision: String,
    /// Print the SQL instead of running it.
    #[arg(long)]
    pub sql: bool,
    /// Tag passed to templates.
    #[arg(long)]
    pub tag: Option<String>,
    /// Back up the database first.
    #[arg(long)]
    pub backup: bool,
    /// Do not take the migration lock.
    #[arg(long = "no-lock")]
    pub no_lock: bool,
}

/// The flags of `downgrade`.
#[derive(Debug, Args)]
pub struct DowngradeArgs {
    /// Target: base, an id, -N, LABEL@base… (FROM:TO with --sql).
    #[arg(allow_hyphen_values = true)]
    pub revision: String,
    /// Print the SQL instead of running it.
    #[arg(long)]
    pub sql: bool,
    /// Tag passed to templates.
    #[arg(long)]
    pub tag: Option<String>,
    /// Do not take the migration lock.
    #[arg(long = "no-lock")]
    pub no_lock: bool,
}

/// The flags of `current`.
#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// Exit 1 unless the database is at every head.
    #[arg(long = "check-heads")]
    pub check_heads: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Range START:END (e.g. base:head, -3:current, abc:).
    #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
    pub rev_range: Option<String>,
    /// Mark the current revision(s).
    #[arg(short = 'i', long = "indicate-current")]
    pub indicate_current: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `heads`.
#[derive(Debug, Args)]
pub struct HeadsArgs {
    /// Include revisions the heads depend on.
    #[arg(long = "resolve-dependencies")]
    pub resolve_dependencies: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `branches`.
#[derive(Debug, Args)]
pub struct BranchesArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The revision (id, prefix, head, current, LABEL@head, -1…).
    #[arg(allow_negative_numbers = true)]
    pub revision: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `stamp`.
#[derive(Debug, Args)]
pub struct StampArgs {
    /// Target revision(s). Flags may follow them (`stamp head --sql`): only negative
    /// numbers such as `-1` are read as revisions.
    #[arg(required = true, allow_negative_numbers = true)]
    pub revisions: Vec<String>,
    /// Print the SQL instead of running it.
    #[arg(long)]
    pub sql: bool,
    /// Empty the version table first.
    #[arg(long)]
    pub purge: bool,
    /// Do not take the migration lock.
    #[arg(long = "no-lock")]
    pub no_lock: bool,
}

/// The flags of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The revisions to merge (e.g. heads).
    #[arg(required = true)]
    pub revisions: Vec<String>,
    /// The revision's message.
    #[arg(short = 'm', long)]
    pub message: Option<String>,
    /// Branch label for the merge revision.
    #[arg(long = "branch-label")]
    pub branch_label: Vec<String>,
    /// Use this id instead of a generated one.
    #[arg(long = "rev-id")]
    pub rev_id: Option<String>,
}

/// The flags of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The revision (default: current).
    #[arg(default_value = "current")]
    pub revision: String,
}

/// The flags of `ensure_version`.
#[derive(Debug, Args)]
pub struct EnsureVersionArgs {
    /// Print the SQL instead of running it.
    #[arg(long)]
    pub sql: bool,
}

/// The flags of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Exit 1 when revisions are pending or an applied file changed.
    #[arg(long = "exit-code")]
    pub exit_code: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `repair`.
#[derive(Debug, Args)]
pub struct RepairArgs {
    /// Only these revisions (default: every changed one).
    pub revisions: Vec<String>,
}

/// The flags of `lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Range START:END as for `history -r` (default: every revision).
    #[arg(allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Print JSON (the same as `--format json`).
    #[arg(long)]
    pub json: bool,
    /// Output format: `human` (file:line, rule, level, lock, hint), `json`, or `github`
    /// (workflow annotations).
    #[arg(long, value_enum, default_value = "human")]
    pub format: LintFormat,
    /// The database the migrations are for (`postgresql`, `mysql`, `sqlite`); default: the
    /// URL's scheme. No connection is made.
    #[arg(long)]
    pub dialect: Option<String>,
}

/// Output of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// One finding per paragraph, for people.
    Human,
    /// The report as JSON.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
}

/// The flags of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
}

/// The flags of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tool to import from.
    #[arg(value_enum)]
    pub tool: ImportTool,
    /// The folder holding alembic.ini (default: the working directory).
    #[arg(long = "from", value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Render the SQL for this dialect (sqlite, postgresql, mysql); default: the URL's.
    #[arg(long)]
    pub dialect: Option<String>,
    /// The Python that imports the project's Alembic (its virtualenv's).
    #[arg(long, default_value = "python3", value_name = "PATH")]
    pub python: PathBuf,
    /// Replace an existing aludel.toml and migrations/versions/*.sql.
    #[arg(long)]
    pub force: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `import` reads.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportTool {
    /// An Alembic project (alembic.ini, env.py, versions/*.py).
    Alembic,
}
