//! The compile step as data: a plan in, units out, no database.

use std::path::{Path, PathBuf};

use super::*;

/// Scripts from a tiny notation: `"a; b! <- a; c <- b"`, where `!` marks
/// `transactional = false`. Each upgrade section creates a table named after the revision.
pub(crate) fn scripts(notation: &str) -> ScriptDirectory {
    let scripts = notation
        .split(';')
        .map(|item| {
            let (id, parent) = match item.split_once("<-") {
                Some((id, parent)) => (id.trim(), parent.trim()),
                None => (item.trim(), ""),
            };
            let (id, header) = match id.strip_suffix('!') {
                Some(id) => (id, "-- transactional = false\n"),
                None => (id, ""),
            };
            let text = format!(
                "-- message = \"rev {id}\"\n-- revision = \"{id}\"\n-- down_revision = \"{parent}\"\n{header}\
                 -- migrate:upgrade\nCREATE TABLE {id} (x INT);\n\n-- migrate:downgrade\nDROP TABLE {id};\n"
            );
            Script::parse(Path::new(&format!("{id}.sql")), &text).unwrap()
        })
        .collect();
    ScriptDirectory::from_scripts(PathBuf::from("migrations"), scripts).unwrap()
}

fn upgrade(dir: &ScriptDirectory) -> Plan {
    dir.graph.upgrade_plan(&[], "heads").unwrap()
}

fn settings(transactional_ddl: bool, per_migration: bool, mode: Mode) -> Settings {
    Settings {
        transactional_ddl,
        transaction_per_migration: per_migration,
        mode,
    }
}

/// One line per unit: revision, boundary before, scope, boundary after.
fn shape(schedule: &Schedule<'_>) -> Vec<String> {
    let boundary = |b: Option<Boundary>| match b {
        Some(Boundary::Begin) => "begin",
        Some(Boundary::Commit) => "commit",
        None => "-",
    };
    schedule
        .units
        .iter()
        .map(|u| {
            let scope = match u.scope {
                Scope::Transaction => "tx",
                Scope::Outside(Why::Declared) => "outside(declared)",
                Scope::Outside(Why::ImplicitCommit) => "outside(implicit)",
            };
            format!(
                "{} {} {scope} {}",
                u.step.revision,
                boundary(u.before),
                boundary(u.after)
            )
        })
        .collect()
}

#[test]
fn one_transaction_per_run_is_interrupted_by_a_non_transactional_migration() {
    let dir = scripts("a; b! <- a; c <- b");
    let plan = upgrade(&dir);
    for mode in [Mode::Online, Mode::Offline] {
        let schedule = compile(&dir, &plan, Work::Migrate, settings(true, false, mode));
        assert!(schedule.run_transaction);
        assert_eq!(
            shape(&schedule),
            ["a - tx -", "b commit outside(declared) begin", "c - tx -"]
        );
    }
}

#[test]
fn a_transaction_per_migration_begins_and_commits_around_each_unit() {
    let dir = scripts("a; b! <- a; c <- b");
    let plan = upgrade(&dir);
    let schedule = compile(
        &dir,
        &plan,
        Work::Migrate,
        settings(true, true, Mode::Online),
    );
    assert!(!schedule.run_transaction);
    assert_eq!(
        shape(&schedule),
        [
            "a begin tx commit",
            "b - outside(declared) -",
            "c begin tx commit"
        ]
    );
}

#[test]
fn without_transactional_ddl_every_unit_runs_outside_and_online_records_in_its_own_transaction() {
    let dir = scripts("a; b! <- a");
    let plan = upgrade(&dir);
    for per_migration in [true, false] {
        let online = compile(
            &dir,
            &plan,
            Work::Migrate,
            settings(false, per_migration, Mode::Online),
        );
        assert!(!online.run_transaction);
        assert_eq!(
            shape(&online),
            ["a - outside(implicit) -", "b - outside(implicit) -"]
        );
        assert!(online.units.iter().all(|u| u.bookkeeping.own_transaction));
        let offline = compile(
            &dir,
            &plan,
            Work::Migrate,
            settings(false, per_migration, Mode::Offline),
        );
        assert!(offline.units.iter().all(|u| !u.bookkeeping.own_transaction));
    }
}

#[test]
fn bookkeeping_carries_the_steps_version_ops_kind_and_section_checksum() {
    let dir = scripts("a; b <- a");
    let up = upgrade(&dir);
    let schedule = compile(&dir, &up, Work::Migrate, settings(true, true, Mode::Online));
    let b = &schedule.units[1];
    assert_eq!(b.bookkeeping.revision.as_str(), "b");
    assert_eq!(
        b.bookkeeping.version_ops,
        up.steps[1].version_ops.as_slice()
    );
    assert_eq!(b.bookkeeping.kind, HistoryKind::Upgrade);
    let script = dir.script(b.bookkeeping.revision);
    assert_eq!(b.section, script.upgrade.as_ref());
    assert_eq!(
        b.bookkeeping.checksum,
        script.upgrade.as_ref().map(|s| s.checksum().0)
    );
    assert!(b.section.unwrap().text.starts_with("CREATE TABLE b"));
    let down = dir.graph.downgrade_plan(&up.heads_after, "base").unwrap();
    let schedule = compile(
        &dir,
        &down,
        Work::Migrate,
        settings(true, true, Mode::Online),
    );
    let revisions: Vec<&str> = schedule
        .units
        .iter()
        .map(|u| u.step.revision.as_str())
        .collect();
    assert_eq!(revisions, ["b", "a"]);
    let b = &schedule.units[0];
    assert_eq!(b.bookkeeping.kind, HistoryKind::Downgrade);
    assert_eq!(b.section, script.downgrade.as_ref());
    assert_eq!(
        b.bookkeeping.checksum,
        script.downgrade.as_ref().map(|s| s.checksum().0)
    );
}

#[test]
fn an_online_stamp_is_one_transaction_whatever_the_files_or_the_database_say() {
    let dir = scripts("a; b! <- a");
    let plan = dir.graph.stamp_plan(&[], &["b".to_string()], true).unwrap();
    for (transactional_ddl, per_migration) in [(true, true), (false, false)] {
        let schedule = compile(
            &dir,
            &plan,
            Work::Stamp { purge: true },
            settings(transactional_ddl, per_migration, Mode::Online),
        );
        assert!(schedule.run_transaction && schedule.purge);
        assert!(shape(&schedule).iter().all(|u| u.ends_with(" - tx -")));
        for unit in &schedule.units {
            assert!(unit.section.is_none());
            assert_eq!(unit.bookkeeping.kind, HistoryKind::Stamp);
            // A stamp records the upgrade section's checksum, as if it had run.
            assert_eq!(
                unit.bookkeeping.checksum,
                unit.script.upgrade.as_ref().map(|s| s.checksum().0)
            );
        }
    }
}

#[test]
fn an_offline_stamp_keeps_the_shape_of_the_migrations_it_stands_for() {
    let dir = scripts("a; b! <- a");
    let plan = dir
        .graph
        .stamp_plan(&[], &["b".to_string()], false)
        .unwrap();
    let schedule = compile(
        &dir,
        &plan,
        Work::Stamp { purge: false },
        settings(true, false, Mode::Offline),
    );
    assert!(schedule.run_transaction && !schedule.purge);
    // Stamping from nothing inserts the target alone.
    assert_eq!(shape(&schedule), ["b commit outside(declared) begin"]);
}

#[test]
fn an_empty_plan_opens_no_transaction() {
    let dir = scripts("a");
    let plan = dir
        .graph
        .upgrade_plan(&upgrade(&dir).heads_after, "heads")
        .unwrap();
    let schedule = compile(
        &dir,
        &plan,
        Work::Migrate,
        settings(true, false, Mode::Online),
    );
    assert!(!schedule.run_transaction && schedule.units.is_empty());
}
