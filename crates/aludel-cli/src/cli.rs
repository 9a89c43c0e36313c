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
    Init {
        /// The migration folder to create.
        directory: PathBuf,
    },
    /// Create a new revision file.
    Revision {
        /// The revision's message.
        #[arg(short = 'm', long)]
        message: Option<String>,
        /// Parent revision (default: head).
        #[arg(long, default_value = "head")]
        head: String,
        /// Allow a parent that is not a head (start a branch).
        #[arg(long)]
        splice: bool,
        /// Branch label for the new revision.
        #[arg(long = "branch-label")]
        branch_label: Vec<String>,
        /// Revisions the new one depends on.
        #[arg(long = "depends-on")]
        depends_on: Vec<String>,
        /// Use this id instead of a generated one.
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
        /// Folder to write the file in.
        #[arg(long = "version-path")]
        version_path: Option<PathBuf>,
        /// Write the SQL that brings the database to the models.
        #[arg(long)]
        autogenerate: bool,
        /// Rename hints for autogenerate: `TABLE.OLD:NEW` for a column, `OLD:NEW` for a table.
        #[arg(long = "rename", requires = "autogenerate")]
        rename: Vec<String>,
        /// Write the file even when autogenerate detects no change.
        #[arg(long = "allow-empty", requires = "autogenerate")]
        allow_empty: bool,
    },
    /// Upgrade to a later revision.
    Upgrade {
        /// Target: head, heads, an id, +N, LABEL@head… (FROM:TO with --sql).
        #[arg(allow_hyphen_values = true)]
        revision: String,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
        /// Tag passed to templates.
        #[arg(long)]
        tag: Option<String>,
        /// Back up the database first.
        #[arg(long)]
        backup: bool,
        /// Do not take the migration lock.
        #[arg(long = "no-lock")]
        no_lock: bool,
    },
    /// Revert to a previous revision.
    Downgrade {
        /// Target: base, an id, -N, LABEL@base… (FROM:TO with --sql).
        #[arg(allow_hyphen_values = true)]
        revision: String,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
        /// Tag passed to templates.
        #[arg(long)]
        tag: Option<String>,
        /// Do not take the migration lock.
        #[arg(long = "no-lock")]
        no_lock: bool,
    },
    /// Show the database's current revision(s).
    Current {
        /// Exit 1 unless the database is at every head.
        #[arg(long = "check-heads")]
        check_heads: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List revisions, newest first.
    History {
        /// Range START:END (e.g. base:head, -3:current, abc:).
        #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
        rev_range: Option<String>,
        /// Mark the current revision(s).
        #[arg(short = 'i', long = "indicate-current")]
        indicate_current: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the head revisions.
    Heads {
        /// Include revisions the heads depend on.
        #[arg(long = "resolve-dependencies")]
        resolve_dependencies: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show branch points.
    Branches {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a revision in detail.
    Show {
        /// The revision (id, prefix, head, LABEL@head…).
        revision: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set the version table without running migrations.
    Stamp {
        /// Target revision(s).
        #[arg(required = true, allow_hyphen_values = true)]
        revisions: Vec<String>,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
        /// Empty the version table first.
        #[arg(long)]
        purge: bool,
        /// Do not take the migration lock.
        #[arg(long = "no-lock")]
        no_lock: bool,
    },
    /// Create a merge revision over several heads.
    Merge {
        /// The revisions to merge (e.g. heads).
        #[arg(required = true)]
        revisions: Vec<String>,
        /// The revision's message.
        #[arg(short = 'm', long)]
        message: Option<String>,
        /// Branch label for the merge revision.
        #[arg(long = "branch-label")]
        branch_label: Vec<String>,
        /// Use this id instead of a generated one.
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
    },
    /// Exit 1 and list the differences if the models and the database differ.
    Check {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Open a revision file in $EDITOR.
    Edit {
        /// The revision (default: current).
        #[arg(default_value = "current")]
        revision: String,
    },
    /// Create the version table if missing.
    #[command(name = "ensure_version", alias = "ensure-version")]
    EnsureVersion {
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
    },
    /// Current revisions against heads, pending revisions, changed files.
    Status {
        /// Exit 1 when revisions are pending or an applied file changed.
        #[arg(long = "exit-code")]
        exit_code: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Accept the current checksums of applied revisions whose files changed.
    Repair {
        /// Only these revisions (default: every changed one).
        revisions: Vec<String>,
    },
    /// Stairway test: upgrade, downgrade and upgrade every revision on a scratch database
    /// (a temporary SQLite file, or the database of the global --url), then compare the models.
    Test,
    /// Flag risky statements in upgrade sections (drops, renames, NOT NULL without default…).
    Lint {
        /// Range START:END as for `history -r` (default: every revision).
        #[arg(allow_hyphen_values = true)]
        range: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the revision graph as dot or mermaid.
    Graph {
        /// Output format.
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
    },
}
