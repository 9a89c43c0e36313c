//! The whole command set, run through the real binary, written once and run on every dialect
//! (SQLite always; PostgreSQL and MariaDB when their servers answer, and always in CI).

mod support;

use support::{Kind, Project, TestDb, each_dialect};

const T1: &str = "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));\nCREATE INDEX ix_t1_name ON t1 (name);";

fn linear(db: &TestDb) -> Project {
    let p = Project::new(&db.url, "");
    p.revision("aaaa00000001", &[], T1, Some("DROP TABLE t1;"));
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);",
        Some("DROP TABLE t2;"),
    );
    p.revision(
        "cccc00000003",
        &["bbbb00000002"],
        "CREATE TABLE t3 (id INTEGER NOT NULL PRIMARY KEY);",
        Some("DROP TABLE t3;"),
    );
    p
}

#[test]
fn upgrade_and_downgrade_to_every_kind_of_target() {
    each_dialect("updown", |db| {
        let p = linear(db);
        p.ok(&["upgrade", "+1"]);
        assert_eq!(db.versions(), ["aaaa00000001"]);
        p.ok(&["upgrade", "head"]);
        assert_eq!(db.versions(), ["cccc00000003"]);
        assert!(db.has_table("t1") && db.has_table("t3"));
        assert_eq!(p.ok(&["current"]), "cccc00000003 (head)\n");
        p.ok(&["downgrade", "-1"]);
        assert_eq!(db.versions(), ["bbbb00000002"]);
        assert!(!db.has_table("t3"));
        p.ok(&["downgrade", "aaaa"]);
        assert_eq!(db.versions(), ["aaaa00000001"]);
        p.ok(&["downgrade", "base"]);
        assert!(db.versions().is_empty());
        assert!(!db.has_table("t1"));
        p.ok(&["upgrade", "bbbb00000002"]);
        assert_eq!(db.versions(), ["bbbb00000002"]);
        let history = db.column("SELECT direction FROM aludel_history ORDER BY id");
        assert_eq!(
            history,
            [
                "upgrade",
                "upgrade",
                "upgrade",
                "downgrade",
                "downgrade",
                "downgrade",
                "upgrade",
                "upgrade"
            ]
        );
        let checksums =
            db.column("SELECT checksum FROM aludel_history WHERE direction = 'upgrade'");
        assert!(checksums.iter().all(|c| c.len() == 64), "{checksums:?}");
    });
}

#[test]
fn history_heads_and_show_use_alembic_lines() {
    let db = TestDb::new(Kind::Sqlite, "lines").unwrap();
    let p = linear(&db);
    assert_eq!(
        p.ok(&["history"]),
        "bbbb00000002 -> cccc00000003 (head), rev cccc00000003\naaaa00000001 -> bbbb00000002, rev bbbb00000002\n<base> -> aaaa00000001, rev aaaa00000001\n"
    );
    assert_eq!(p.ok(&["heads"]), "cccc00000003 (head)\n");
    p.ok(&["upgrade", "bbbb"]);
    assert_eq!(
        p.ok(&["history", "-r", "current:", "-i"]),
        "bbbb00000002 -> cccc00000003 (head), rev cccc00000003\naaaa00000001 -> bbbb00000002 (current), rev bbbb00000002\n"
    );
    let show = p.ok(&["show", "cccc"]);
    assert!(
        show.starts_with("Rev: cccc00000003 (head)\nParent: bbbb00000002\nPath: "),
        "{show}"
    );
    let verbose = p.ok(&["history", "-v"]);
    assert!(
        verbose.contains("Rev: aaaa00000001\nParent: <base>\n"),
        "{verbose}"
    );
    let json: serde_json::Value = serde_json::from_str(&p.ok(&["current", "--json"])).unwrap();
    assert_eq!(json["current"][0]["revision"], "bbbb00000002");
    p.fails(&["current", "--check-heads"], 1);
    p.ok(&["upgrade", "head"]);
    p.ok(&["current", "--check-heads"]);
}

#[test]
fn a_failing_statement_names_file_and_line_and_leaves_the_database_consistent() {
    each_dialect("failing", |db| {
        let p = Project::new(&db.url, "");
        p.revision("aaaa00000001", &[], T1, Some("DROP TABLE t1;"));
        let bad = p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO t2 (id) VALUES (1);\nINSERT INTO no_such_table VALUES (1);",
            Some("DROP TABLE t2;"),
        );
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(err.contains(&format!("{}:8:", bad.display())), "{err}");
        assert!(err.contains("bbbb00000002"), "{err}");
        assert_eq!(
            db.versions(),
            ["aaaa00000001"],
            "the version table keeps the last complete revision"
        );
        if db.kind == Kind::MySql {
            assert!(
                err.contains("already run") && err.contains("line 7"),
                "{err}"
            );
            assert!(
                db.has_table("t2"),
                "MySQL commits DDL: the report names it as applied"
            );
        } else {
            assert!(err.contains("rolled back"), "{err}");
            assert!(!db.has_table("t2"), "the failed migration left no trace");
        }
    });
}

#[test]
fn irreversible_downgrade_is_refused_before_anything_runs() {
    each_dialect("irreversible", |db| {
        let p = Project::new(&db.url, "");
        p.revision("aaaa00000001", &[], T1, None);
        p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);",
            Some("DROP TABLE t2;"),
        );
        p.ok(&["upgrade", "head"]);
        let err = p.fails(&["downgrade", "base"], 1);
        assert!(
            err.contains("aaaa00000001") && err.contains("irreversible"),
            "{err}"
        );
        assert_eq!(db.versions(), ["bbbb00000002"]);
        assert!(db.has_table("t2"), "nothing ran");
    });
}

#[test]
fn branches_merge_and_stamp() {
    each_dialect("branches", |db| {
        let p = Project::new(&db.url, "");
        p.revision("aaaa00000001", &[], T1, Some("DROP TABLE t1;"));
        p.revision_with(
            "b1b1b1b1b1b1",
            &["aaaa00000001"],
            "-- branch_labels = [\"left\"]",
            "CREATE TABLE l1 (id INTEGER);",
            Some("DROP TABLE l1;"),
        );
        p.revision(
            "b2b2b2b2b2b2",
            &["aaaa00000001"],
            "CREATE TABLE r1 (id INTEGER);",
            Some("DROP TABLE r1;"),
        );
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(err.to_lowercase().contains("multiple head"), "{err}");
        p.ok(&["upgrade", "left@head"]);
        assert_eq!(db.versions(), ["b1b1b1b1b1b1"]);
        p.ok(&["upgrade", "heads"]);
        assert_eq!(db.versions(), ["b1b1b1b1b1b1", "b2b2b2b2b2b2"]);
        let branches = p.ok(&["branches"]);
        assert!(
            branches.contains("aaaa00000001 (branchpoint)"),
            "{branches}"
        );
        let merge = p.ok(&["merge", "heads", "-m", "join", "--rev-id", "mmmm00000009"]);
        assert!(merge.trim_end().ends_with(".sql"), "{merge}");
        assert_eq!(
            p.ok(&["heads"]),
            "mmmm00000009 (left) (head)\n",
            "labels flow to descendants, as in Alembic"
        );
        p.ok(&["upgrade", "head"]);
        assert_eq!(db.versions(), ["mmmm00000009"]);
        let err = p.fails(&["downgrade", "-1"], 1);
        assert!(
            err.contains("b1b1b1b1b1b1-1"),
            "an ambiguous walk says how to name the branch: {err}"
        );
        p.ok(&["downgrade", "b1b1b1b1b1b1"]);
        assert_eq!(db.versions(), ["b1b1b1b1b1b1", "b2b2b2b2b2b2"]);
        p.ok(&["stamp", "base"]);
        assert!(db.versions().is_empty());
        p.ok(&["stamp", "b1b1", "b2b2"]);
        assert_eq!(db.versions(), ["b1b1b1b1b1b1", "b2b2b2b2b2b2"]);
        p.ok(&["stamp", "--purge", "aaaa00000001"]);
        assert_eq!(db.versions(), ["aaaa00000001"]);
        assert!(
            db.column("SELECT direction FROM aludel_history")
                .contains(&"stamp".to_string())
        );
    });
}

#[test]
fn offline_sql_follows_the_dialect() {
    each_dialect("offline", |db| {
        let p = linear(db);
        let sql = p.ok(&["upgrade", "head", "--sql"]);
        assert!(
            sql.contains("INSERT INTO") && sql.contains("'aaaa00000001'"),
            "{sql}"
        );
        assert!(sql.contains("UPDATE"), "{sql}");
        if db.kind == Kind::MySql {
            assert!(
                !sql.contains("BEGIN;") && sql.contains("`aludel_version`"),
                "{sql}"
            );
        } else {
            assert_eq!(sql.matches("BEGIN;").count(), 3, "{sql}");
            assert_eq!(sql.matches("COMMIT;").count(), 3, "{sql}");
        }
        let down = p.ok(&["downgrade", "cccc00000003:aaaa00000001", "--sql"]);
        assert!(
            down.contains("DROP TABLE t3")
                && down.contains("DROP TABLE t2")
                && !down.contains("DROP TABLE t1"),
            "{down}"
        );
        p.fails(&["downgrade", "base", "--sql"], 1);
        assert!(
            !db.has_table("aludel_version"),
            "offline mode touches no database"
        );
    });
}

#[test]
fn status_reports_pending_and_changed_files_and_repair_accepts_them() {
    each_dialect("status", |db| {
        let p = linear(db);
        p.fails(&["status", "--exit-code"], 1);
        p.ok(&["upgrade", "head"]);
        p.ok(&["status", "--exit-code"]);
        let file = p.versions_dir().join("bbbb00000002.sql");
        let text = std::fs::read_to_string(&file).unwrap();
        // Line endings alone do not count as a change.
        std::fs::write(&file, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
        p.ok(&["status", "--exit-code"]);
        std::fs::write(
            &file,
            text.replace(
                "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);",
                "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY, x INTEGER);",
            ),
        )
        .unwrap();
        let out = p.cmd().args(["status", "--exit-code"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stdout).contains("bbbb00000002"));
        let upgrade = p.cmd().args(["upgrade", "head"]).output().unwrap();
        assert!(String::from_utf8_lossy(&upgrade.stderr).contains("changed since it was applied"));
        p.ok(&["repair"]);
        p.ok(&["status", "--exit-code"]);
    });
}

/// Hints are data on the warning (`Event::Warning { hints }`), printed by the CLI as a line of
/// their own under the warning, in `upgrade`, `status` and before autogenerate alike.
#[test]
fn a_changed_file_warning_has_its_hint_on_the_next_line() {
    each_dialect("changedhint", |db| {
        let p = linear(db);
        p.ok(&["upgrade", "head"]);
        let file = p.versions_dir().join("bbbb00000002.sql");
        let text = std::fs::read_to_string(&file).unwrap();
        let edited = text.replace(
            "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);",
            "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY, x INTEGER);",
        );
        std::fs::write(&file, edited).unwrap();
        let hint = "\nhint: review the change; `aludel repair bbbb00000002` accepts the file as it is now\n";
        let upgrade = p.cmd().args(["upgrade", "head"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&upgrade.stderr);
        assert!(
            stderr.contains("warning: revision bbbb00000002 ("),
            "{stderr}"
        );
        assert!(stderr.contains(hint), "{stderr}");
        let status = p.cmd().args(["status"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&status.stdout);
        assert!(
            stdout.contains("Changed: revision bbbb00000002 ("),
            "{stdout}"
        );
        assert!(stdout.contains(hint), "{stdout}");
    });
}

#[test]
fn concurrent_upgrades_apply_each_migration_once() {
    each_dialect("concurrent", |db| {
        let p = Project::new(&db.url, "");
        let mut parent: Vec<String> = vec![];
        for i in 0..6 {
            let id = format!("c{i:011}");
            let down: Vec<&str> = parent.iter().map(String::as_str).collect();
            p.revision(
                &id,
                &down,
                &format!("CREATE TABLE c{i} (id INTEGER);\nINSERT INTO c{i} VALUES ({i});"),
                Some(&format!("DROP TABLE c{i};")),
            );
            parent = vec![id];
        }
        let children: Vec<_> = (0..8)
            .map(|_| p.spawn(&["-q", "upgrade", "head"]))
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(db.versions(), ["c00000000005"]);
        let applied = db.column("SELECT revision FROM aludel_history WHERE direction = 'upgrade'");
        assert_eq!(applied.len(), 6, "each migration exactly once: {applied:?}");
    });
}

#[test]
fn whole_run_in_one_transaction_rolls_back_entirely() {
    each_dialect("one_tx", |db| {
        if db.kind == Kind::MySql {
            return; // MySQL's DDL commits implicitly: there is no whole-run transaction to test.
        }
        let p = Project::new(&db.url, "transaction_per_migration = false");
        p.revision("aaaa00000001", &[], T1, Some("DROP TABLE t1;"));
        p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            "SELECT * FROM no_such_table;",
            Some(""),
        );
        p.fails(&["upgrade", "head"], 1);
        assert!(!db.has_table("t1"), "the whole run was one transaction");
        assert!(db.versions().is_empty());
    });
}

#[test]
fn templates_see_environment_and_inspector() {
    each_dialect("templates", |db| {
        let p = Project::new(&db.url, "[environments.production]");
        p.revision_with(
            "aaaa00000001",
            &[],
            "-- template = true",
            "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY);\n{% if env == 'production' %}CREATE TABLE prod_only (id INTEGER);{% else %}CREATE TABLE dev_only (id INTEGER);{% endif %}",
            Some("DROP TABLE users;"),
        );
        p.revision_with(
            "bbbb00000002",
            &["aaaa00000001"],
            "-- template = true",
            "{% if not has_column('users', 'avatar_url') %}ALTER TABLE users ADD COLUMN avatar_url VARCHAR(255);{% endif %}\nCREATE TABLE tag_{{ x.tenant }} (id INTEGER);",
            Some("DROP TABLE tag_{{ x.tenant }};"),
        );
        p.ok(&[
            "--env",
            "production",
            "upgrade",
            "head",
            "-x",
            "tenant=acme",
        ]);
        assert!(db.has_table("prod_only") && !db.has_table("dev_only") && db.has_table("tag_acme"));
        let err = p.fails(&["--env", "staging", "current"], 1);
        assert!(err.contains("staging"), "{err}");
        let offline = p.fails(
            &["upgrade", "aaaa00000001:head", "--sql", "-x", "tenant=acme"],
            1,
        );
        assert!(offline.contains("offline"), "{offline}");
    });
}

#[test]
fn batched_statements_run_until_no_row_changes() {
    each_dialect("batch", |db| {
        let p = Project::new(&db.url, "");
        let inserts: Vec<String> = (0..25)
            .map(|i| format!("INSERT INTO items (id, done) VALUES ({i}, 0);"))
            .collect();
        p.revision(
            "aaaa00000001",
            &[],
            &format!(
                "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, done INTEGER NOT NULL);\n{}",
                inserts.join("\n")
            ),
            Some("DROP TABLE items;"),
        );
        let batch = match db.kind {
            Kind::MySql => "-- migrate:batch\nUPDATE items SET done = 1 WHERE done = 0 LIMIT 10;",
            _ => {
                "-- migrate:batch\nUPDATE items SET done = 1 WHERE id IN (SELECT id FROM items WHERE done = 0 LIMIT 10);"
            }
        };
        p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            batch,
            Some("UPDATE items SET done = 0;"),
        );
        let out = p.cmd().args(["upgrade", "head"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("run 4, 25 rows"), "{err}");
        assert_eq!(
            db.column("SELECT COUNT(*) FROM items WHERE done = 1"),
            ["25"]
        );
    });
}

#[test]
fn a_version_the_files_do_not_know_is_an_error() {
    each_dialect("unknown_version", |db| {
        let p = linear(db);
        p.ok(&["upgrade", "head"]);
        std::fs::remove_file(p.versions_dir().join("cccc00000003.sql")).unwrap();
        // Reads still answer, naming the revision (issue 10); runs refuse.
        let out = p.cmd().arg("current").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("cccc00000003")
                && err.contains("no migration file"),
            "{err}"
        );
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(
            err.contains("cccc00000003") && err.contains("stamp --purge"),
            "{err}"
        );
    });
}
