//! The stairway test (`aludel test`): on a scratch database, walks every revision from base to
//! the single head, and for each one upgrades, downgrades and upgrades again, checking that the
//! downgrade puts the schema back as it was before the upgrade; at the end, when models are
//! configured, checks that the models match the database.
//!
//! Failures of the migrations under test are outcomes in the [`StairwayReport`], not errors:
//! the walk stops at the first one. Errors are kept for what stops the test from starting
//! (several heads, a database that is not empty) or from reading the database at all.

use crate::autogen::{self, Change};
use crate::config::Config;
use crate::dialect::Database;
use crate::revision::{Direction, RevisionId};
use crate::runtime::{Migrator, RunOptions};
use crate::schema::{self, Schema, TableFilter};
use crate::script::ScriptDirectory;
use crate::{Error, Result};

/// Something the walk reports as it goes, for the caller to show.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StairwayEvent {
    /// The walk is planned: this many revisions will be checked.
    Planned {
        /// Number of revisions.
        revisions: usize,
    },
    /// One revision was checked.
    Checked(RevisionOutcome),
    /// The models were compared with the database at head.
    ModelsChecked(ModelsCheck),
}

/// How the downgrade step of one revision went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownCheck {
    /// Downgraded, the schema matched the one before the upgrade, and upgraded again.
    Verified,
    /// The revision has no downgrade section: the down step was skipped.
    Irreversible,
    /// No downgrade target reverts this revision alone (it sits beside other branches): the
    /// down step was skipped.
    NotAlone,
    /// The down step was not reached or did not pass (see the outcome's failure).
    NotDone,
}

/// The result of checking one revision.
#[derive(Debug, Clone)]
pub struct RevisionOutcome {
    /// The revision.
    pub revision: RevisionId,
    /// Its message.
    pub message: String,
    /// How its down step went.
    pub down: DownCheck,
    /// What failed, naming the revision and what differed; `None` when it passed.
    pub failure: Option<String>,
}

impl RevisionOutcome {
    /// Whether the revision passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// The final comparison of the models with the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelsCheck {
    /// No models are configured.
    NotConfigured,
    /// `models` names patterns that match no file yet (a project of hand-written migrations):
    /// not compared, with what to create where.
    NoModelFiles(String),
    /// Not compared because a revision failed.
    NotReached,
    /// The models match the database at head.
    Match,
    /// The models differ from the database at head, one line per difference.
    Differs(Vec<String>),
}

/// What the stairway test found.
#[derive(Debug, Clone)]
pub struct StairwayReport {
    /// The head the walk went up to.
    pub head: RevisionId,
    /// One outcome per revision checked, base first; the walk stops after a failure.
    pub revisions: Vec<RevisionOutcome>,
    /// Number of revisions in the walk (more than `revisions.len()` when it stopped early).
    pub total: usize,
    /// The models comparison.
    pub models: ModelsCheck,
}

impl StairwayReport {
    /// Whether every revision and the models comparison passed.
    pub fn passed(&self) -> bool {
        self.revisions.len() == self.total
            && self.revisions.iter().all(RevisionOutcome::passed)
            && !matches!(
                self.models,
                ModelsCheck::Differs(_) | ModelsCheck::NotReached
            )
    }

    /// The failures, one message each.
    pub fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .revisions
            .iter()
            .filter_map(|r| r.failure.clone())
            .collect();
        if let ModelsCheck::Differs(lines) = &self.models {
            out.push(format!(
                "models differ from the database at head {}: {}",
                self.head,
                lines.join("; ")
            ));
        }
        out
    }
}

/// Runs the stairway test on `db`, which must be a scratch database: no revision applied and
/// no table the configuration's filter accepts. Refuses unless the scripts have exactly one
/// head.
pub async fn run(
    config: &Config,
    scripts: &ScriptDirectory,
    db: &mut Database,
    on_event: &mut dyn FnMut(StairwayEvent),
) -> Result<StairwayReport> {
    let heads = scripts.graph.heads();
    let head = match heads.as_slice() {
        [one] => one.clone(),
        [] => return Err(Error::refused("no revisions to test")),
        many => {
            let names: Vec<&str> = many.iter().map(RevisionId::as_str).collect();
            return Err(Error::refused(format!(
                "the stairway test needs exactly one head, found {}: {}",
                many.len(),
                names.join(", ")
            ))
            .with_hint("run `aludel merge heads` to join them"));
        }
    };
    let filter = TableFilter::from_config(config)?;
    let migrator = Migrator::new(config, scripts);
    refuse_unless_scratch(&migrator, db, &filter).await?;

    let plan = scripts.graph.upgrade_plan(&[], "heads")?;
    let order: Vec<RevisionId> = plan
        .steps
        .iter()
        .filter(|s| s.direction == Direction::Upgrade)
        .map(|s| s.revision.clone())
        .collect();
    on_event(StairwayEvent::Planned {
        revisions: order.len(),
    });

    let mut report = StairwayReport {
        head,
        revisions: Vec::new(),
        total: order.len(),
        models: ModelsCheck::NotConfigured,
    };
    for revision in &order {
        let outcome = check_revision(&migrator, db, &filter, revision).await?;
        let passed = outcome.passed();
        on_event(StairwayEvent::Checked(outcome.clone()));
        report.revisions.push(outcome);
        if !passed {
            break;
        }
    }

    let all_passed = report.revisions.len() == report.total
        && report.revisions.iter().all(RevisionOutcome::passed);
    if let Some(note) = no_model_files(config) {
        report.models = ModelsCheck::NoModelFiles(note);
        on_event(StairwayEvent::ModelsChecked(report.models.clone()));
    } else if !config.models.is_empty() || config.models_command.is_some() {
        report.models = if all_passed {
            let changes = autogen::compare(config, db).await?;
            if changes.is_empty() {
                ModelsCheck::Match
            } else {
                ModelsCheck::Differs(describe(&changes))
            }
        } else {
            ModelsCheck::NotReached
        };
        on_event(StairwayEvent::ModelsChecked(report.models.clone()));
    }
    Ok(report)
}

/// When `models` is set, no `models_command` is, and no pattern matches a file: what to
/// create, where. `init` writes `models = ["schema/**/*.sql"]` before any model exists.
fn no_model_files(config: &Config) -> Option<String> {
    if config.models.is_empty() || config.models_command.is_some() {
        return None;
    }
    let any_file = config.models.iter().any(|pattern| {
        let full = config.root.join(pattern);
        glob::glob(&full.to_string_lossy())
            .map(|mut paths| paths.any(|p| p.is_ok_and(|p| p.is_file())))
            .unwrap_or(true)
    });
    (!any_file).then(|| {
        format!(
            "no file matches models = [{}] in {}; write the desired schema as SQL DDL there (e.g. schema/tables.sql) to compare it",
            config
                .models
                .iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", "),
            config.root.display()
        )
    })
}

/// Refuses a database with a revision applied or with tables of its own: the test downgrades
/// and must never run on data that matters.
async fn refuse_unless_scratch(
    migrator: &Migrator<'_>,
    db: &mut Database,
    filter: &TableFilter,
) -> Result<()> {
    let current = migrator.current(db).await?;
    if !current.is_empty() {
        let names: Vec<&str> = current.iter().map(RevisionId::as_str).collect();
        return Err(Error::refused(format!(
            "the stairway test needs an empty scratch database, but {} is at revision {}",
            db.url(),
            names.join(", ")
        )));
    }
    let existing = schema::introspect(db, filter).await?;
    if !existing.tables.is_empty() {
        let names: Vec<&str> = existing.tables.keys().map(String::as_str).collect();
        return Err(Error::refused(format!(
            "the stairway test needs an empty scratch database, but {} has tables: {}",
            db.url(),
            names.join(", ")
        )));
    }
    Ok(())
}

/// Up, down, up for one revision, comparing the schema around the down step.
async fn check_revision(
    migrator: &Migrator<'_>,
    db: &mut Database,
    filter: &TableFilter,
    revision: &RevisionId,
) -> Result<RevisionOutcome> {
    let script = migrator.scripts().script(revision);
    let mut outcome = RevisionOutcome {
        revision: revision.clone(),
        message: script.message.clone(),
        down: DownCheck::NotDone,
        failure: None,
    };
    let options = RunOptions::default();
    let mut ignore = |_| {};

    let before = schema::introspect(db, filter).await?;
    if let Err(e) = migrator
        .upgrade(db, revision.as_str(), &options, &mut ignore)
        .await
    {
        outcome.failure = Some(format!("revision {revision}: upgrade failed: {e}"));
        return Ok(outcome);
    }
    if !script.is_reversible() {
        outcome.down = DownCheck::Irreversible;
        return Ok(outcome);
    }
    let after_up = schema::introspect(db, filter).await?;
    let Some(target) = down_target(migrator, db, revision).await? else {
        outcome.down = DownCheck::NotAlone;
        return Ok(outcome);
    };
    if let Err(e) = migrator.downgrade(db, &target, &options, &mut ignore).await {
        outcome.failure = Some(format!("revision {revision}: downgrade failed: {e}"));
        return Ok(outcome);
    }
    let after_down = schema::introspect(db, filter).await?;
    if let Some(lines) = differences(&before, &after_down) {
        outcome.failure = Some(format!(
            "revision {revision}: the downgrade did not restore the schema from before the upgrade; what remains differs by: {}",
            lines.join("; ")
        ));
        return Ok(outcome);
    }
    if let Err(e) = migrator
        .upgrade(db, revision.as_str(), &options, &mut ignore)
        .await
    {
        outcome.failure = Some(format!(
            "revision {revision}: upgrade after downgrade failed: {e}"
        ));
        return Ok(outcome);
    }
    let after_second_up = schema::introspect(db, filter).await?;
    if let Some(lines) = differences(&after_up, &after_second_up) {
        outcome.failure = Some(format!(
            "revision {revision}: the second upgrade left a different schema than the first: {}",
            lines.join("; ")
        ));
        return Ok(outcome);
    }
    outcome.down = DownCheck::Verified;
    Ok(outcome)
}

/// A downgrade target whose plan reverts `revision` and nothing else, from the database's
/// current revisions; `None` when there is none.
async fn down_target(
    migrator: &Migrator<'_>,
    db: &mut Database,
    revision: &RevisionId,
) -> Result<Option<String>> {
    let graph = &migrator.scripts().graph;
    let current = migrator.current(db).await?;
    let mut candidates = vec!["-1".to_string(), format!("{revision}@-1")];
    if let Some(rev) = graph.get(revision.as_str()) {
        candidates.extend(rev.down_revisions.iter().map(|d| d.as_str().to_string()));
        if rev.down_revisions.is_empty() {
            candidates.push("base".to_string());
        }
    }
    for candidate in candidates {
        if let Ok(plan) = graph.downgrade_plan(&current, &candidate)
            && let [step] = plan.steps.as_slice()
            && step.revision == *revision
            && step.direction == Direction::Downgrade
        {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// The changes from `expected` to `actual` as description lines, or `None` when they agree.
fn differences(expected: &Schema, actual: &Schema) -> Option<Vec<String>> {
    let changes = autogen::diff(expected, actual, &[]);
    (!changes.is_empty()).then(|| describe(&changes))
}

fn describe(changes: &[Change]) -> Vec<String> {
    changes.iter().flat_map(Change::describe).collect()
}
