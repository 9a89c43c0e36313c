//! Coming from Alembic (issue 12), run against the real thing: the user's guide project
//! (`tests/fixtures/alembic_guide`) with Alembic and SQLAlchemy from `tools/pyenv`.
//!
//! - `aludel import alembic` on the guide's history (branches, a merge, a `depends_on`): a
//!   database Alembic brought to a middle revision is adopted and upgraded by aludel, and ends
//!   like the copy `alembic upgrade heads` made: same schema (the database client's dump) and
//!   the same `alembic_version` rows; downgrading compares the same way.
//! - `python -m aludel.sqlalchemy` as `models_command`: autogenerate from empty, upgrade,
//!   `check` clean, the guide's "add phone" edit, autogenerate, upgrade, `check` clean.
//!
//! Without a Python environment these tests skip with a notice, unless
//! `ALUDEL_REQUIRE_SERVERS=1` (CI), where that is a failure.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{Kind, TestDb};

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn require() -> bool {
    std::env::var("ALUDEL_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

/// The venv `tools/pyenv` creates (Alembic, SQLAlchemy, drivers), or `None` with a notice.
fn pyenv(test: &str) -> Option<PathBuf> {
    let out = Command::new(repo().join("tools/pyenv")).output();
    match out {
        Ok(out) if out.status.success() => {
            Some(PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()))
        }
        other => {
            let why = format!("{other:?}");
            assert!(
                !require(),
                "tools/pyenv failed and ALUDEL_REQUIRE_SERVERS=1: {why}"
            );
            eprintln!("notice: skipping {test}: no Python environment ({why})");
            None
        }
    }
}

/// A copy of the guide's Alembic project in a temporary folder.
pub fn guide_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alembic_guide"),
        dir.path(),
    );
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_name() == "__pycache__" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs a command and returns its stdout, failing the test with its stderr otherwise.
fn run(command: &mut Command) -> (String, String) {
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        out.status.success(),
        "{command:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

fn alembic(venv: &Path, dir: &Path, url: &str, args: &[&str]) -> String {
    run(Command::new(venv.join("bin/alembic"))
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", url))
    .0
}

fn aludel(dir: &Path, url: &str, args: &[&str]) -> (String, String) {
    run(&mut aludel_command(dir, url, args))
}

fn aludel_command(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("aludel"));
    command
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env_remove("ALUDEL_ENV")
        .env_remove("ENVIRONMENT");
    command
}

/// A test database's URL as SQLAlchemy wants it: with the driver the venv has (aludel
/// accepts and ignores the suffix).
fn sqlalchemy_url(db: &TestDb) -> String {
    db.url
        .replacen("postgresql://", "postgresql+psycopg2://", 1)
        .replacen("mysql://", "mysql+pymysql://", 1)
}

/// The schema as the database's own client dumps it, without aludel's history log, with
/// runs of whitespace made one space (Alembic prints tabs online and spaces offline).
fn schema(db: &TestDb) -> String {
    let text = match db.kind {
        Kind::Sqlite => {
            let path = db.url.strip_prefix("sqlite:///").unwrap();
            run(Command::new("sqlite3").arg(path).arg(
                "SELECT type, name, tbl_name, sql FROM sqlite_master \
                 WHERE name NOT IN ('aludel_history', 'sqlite_sequence') ORDER BY type, name",
            ))
            .0
        }
        Kind::Postgres => {
            run(Command::new("pg_dump")
                .args(["--schema-only", "--no-owner", "--no-privileges"])
                .args(["-T", "aludel_history", "-T", "aludel_history_id_seq"])
                .arg(&db.url))
            .0
        }
        Kind::MySql => {
            let dump = run(Command::new("mariadb-dump")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-u",
                    "root",
                    "--no-data",
                    "--skip-comments",
                ])
                .args(["--skip-dump-date", "--compact"])
                .arg(format!("--ignore-table={}.aludel_history", db.name()))
                .arg(db.name()))
            .0;
            // The next AUTO_INCREMENT value is data, not schema.
            dump.split_whitespace()
                .filter(|word| !word.starts_with("AUTO_INCREMENT="))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    text.lines()
        // pg_dump brackets its output in \restrict / \unrestrict with a random key.
        .filter(|line| {
            !line.starts_with("--")
                && !line.starts_with("\\restrict")
                && !line.starts_with("\\unrestrict")
        })
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `history` lines with each parenthesised label list sorted: Alembic prints a set, in hash
/// order.
fn sorted_labels(history: &str) -> String {
    history
        .lines()
        .map(|line| {
            let mut out = String::new();
            let mut rest = line;
            while let Some(open) = rest.find('(') {
                let Some(close) = rest[open..].find(')') else {
                    break;
                };
                let mut items: Vec<&str> = rest[open + 1..open + close].split(", ").collect();
                items.sort();
                out.push_str(&rest[..open]);
                out.push_str(&format!("({})", items.join(", ")));
                rest = &rest[open + close + 1..];
            }
            out.push_str(rest);
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `alembic_version` rows, sorted.
fn alembic_versions(db: &TestDb) -> Vec<String> {
    let mut rows = db.column("SELECT version_num FROM alembic_version");
    rows.sort();
    rows
}

/// The middle revision Alembic brings the adopted database to: the products branch's first
/// revision, so aludel has to run the orders branch (with its depends_on), the merge and
/// the revisions after it.
const MIDDLE: &str = "a1b2c3d4e5f6";

fn imported_history_adopts_an_alembic_database(kind: Kind) {
    let test = "imported_history_adopts";
    let Some(venv) = pyenv(test) else { return };
    let (Some(adopted), Some(reference)) = (TestDb::new(kind, test), TestDb::new(kind, test))
    else {
        return;
    };
    // SQLAlchemy 2 reads `postgresql://` as psycopg 3; the venv has psycopg2.
    let (adopted_url, reference_url) = (sqlalchemy_url(&adopted), sqlalchemy_url(&reference));
    let project = guide_project();
    let dir = project.path();
    let python = venv.join("bin/python");

    let (stdout, stderr) = aludel(
        dir,
        &adopted_url,
        &["import", "alembic", "--python", python.to_str().unwrap()],
    );
    assert_eq!(
        stdout.lines().count(),
        9,
        "one file per revision:\n{stdout}"
    );
    // The revisions offline rendering cannot be trusted with are listed by file and line.
    for flagged in [
        "20231201_170000_conditional_migration.py:19: revision 20231201_170000: inspects the database",
        "20231201_170000_conditional_migration.py:19: revision 20231201_170000: Alembic could not render the upgrade",
        "20231201_160000_populate_default_values.py:18: revision 20231201_160000: uses the database connection",
        "20231201_180000_env_specific.py:18: revision 20231201_180000: reads the environment",
    ] {
        assert!(stderr.contains(flagged), "{flagged}\n{stderr}");
    }
    let config = std::fs::read_to_string(dir.join("aludel.toml")).unwrap();
    assert!(
        config.contains("version_table = \"alembic_version\""),
        "{config}"
    );
    assert!(
        config.contains("url = \"${DATABASE_URL:-sqlite:///./app.db}\""),
        "{config}"
    );
    let file = |name: &str| {
        let versions = dir.join("migrations/versions");
        let path = std::fs::read_dir(&versions)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(name))
            .unwrap_or_else(|| panic!("no file for {name}"));
        std::fs::read_to_string(path).unwrap()
    };
    let orders = file("b2c3d4e5f6a7");
    for line in [
        "-- message = \"Add orders\"",
        "-- down_revision = \"20231201_140000\"",
        "-- branch_labels = [\"orders\"]",
        "-- depends_on = [\"a1b2c3d4e5f6\"]",
        "-- create_date = \"2023-12-01 14:20:00\"",
    ] {
        assert!(orders.contains(line), "{line}\n{orders}");
    }
    assert!(!orders.contains("alembic_version"), "{orders}");
    assert!(
        file("c3d4e5f6a7b8").contains("-- down_revision = [\"a1b2c3d4e5f6\", \"b2c3d4e5f6a7\"]")
    );
    let conditional = file("20231201_170000");
    assert!(
        !conditional.contains("-- migrate:downgrade"),
        "an unrenderable downgrade leaves the revision irreversible:\n{conditional}"
    );
    // The graph is Alembic's: the same history, line for line.
    assert_eq!(
        sorted_labels(&aludel(dir, &adopted_url, &["history"]).0),
        sorted_labels(&alembic(&venv, dir, &adopted_url, &["history"]))
    );
    // Importing again is refused; --force replaces the files.
    let again = Command::new(assert_cmd::cargo::cargo_bin("aludel"))
        .args(["import", "alembic", "--python", python.to_str().unwrap()])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let (json, _) = aludel(
        dir,
        &adopted_url,
        &[
            "import",
            "alembic",
            "--force",
            "--json",
            "--python",
            python.to_str().unwrap(),
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["revisions"].as_array().unwrap().len(), 9, "{json}");
    let dialect = match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgresql",
        Kind::MySql => "mysql",
    };
    assert_eq!(report["dialect"], dialect);
    assert!(
        report["reviews"].as_array().unwrap().iter().any(|r| {
            r["revision"] == "20231201_170000" && r["reason"] == "upgrade-not-rendered"
        })
    );
    let files = std::fs::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .count();
    assert_eq!(
        files, 9,
        "--force replaced the files rather than adding to them"
    );

    // On a fresh database the revision Alembic could not render stops the upgrade, with the
    // file and line, after the revision before it.
    let fresh = TestDb::new(kind, test).unwrap();
    let run = aludel_command(dir, &sqlalchemy_url(&fresh), &["upgrade", "heads"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("20231201_170000_conditional_migration.sql")
            && stderr.contains("aludel_import_revision_needs_hand_written_sql"),
        "{stderr}"
    );
    assert_eq!(alembic_versions(&fresh), ["20231201_120000"]);
    drop(fresh);

    // Alembic brings one copy to the middle; aludel adopts it and upgrades to the heads.
    alembic(&venv, dir, &adopted_url, &["upgrade", MIDDLE]);
    assert_eq!(aludel(dir, &adopted_url, &["current"]).0.trim(), MIDDLE);
    aludel(dir, &adopted_url, &["upgrade", "heads"]);
    alembic(&venv, dir, &reference_url, &["upgrade", "heads"]);
    assert_eq!(schema(&adopted), schema(&reference));
    assert_eq!(alembic_versions(&adopted), alembic_versions(&reference));
    assert_eq!(alembic_versions(&adopted), ["20231201_180000"]);
    // Alembic reads the adopted database as its own.
    assert_eq!(
        alembic(&venv, dir, &adopted_url, &["current"]).trim(),
        "20231201_180000 (head)"
    );

    // Back down through the merge and the depends_on, on both sides.
    aludel(dir, &adopted_url, &["downgrade", MIDDLE]);
    alembic(&venv, dir, &reference_url, &["downgrade", MIDDLE]);
    assert_eq!(schema(&adopted), schema(&reference));
    assert_eq!(alembic_versions(&adopted), alembic_versions(&reference));
    // Un-merging leaves b2 alone: its depends_on keeps a1 implied (Alembic's own rows).
    assert_eq!(alembic_versions(&adopted), ["b2c3d4e5f6a7"]);
}

#[test]
fn imported_history_adopts_an_alembic_database_on_sqlite() {
    imported_history_adopts_an_alembic_database(Kind::Sqlite);
}

#[test]
fn imported_history_adopts_an_alembic_database_on_postgres() {
    imported_history_adopts_an_alembic_database(Kind::Postgres);
}

/// The guide's models through `python -m aludel.sqlalchemy` (the module the wheel ships,
/// here from `python/` on PYTHONPATH) as `models_command`.
fn sqlalchemy_models_drive_autogenerate(db: &TestDb) {
    let Some(venv) = pyenv("sqlalchemy_models") else {
        return;
    };
    let project = guide_project();
    let dir = project.path();
    let url = sqlalchemy_url(db);
    aludel(dir, &url, &["init", "migrations", "-q"]);
    let config = std::fs::read_to_string(dir.join("aludel.toml")).unwrap();
    let config = config.replace(
        "models = [\"schema/**/*.sql\"]",
        &format!(
            "models_command = \"{} -m aludel.sqlalchemy config.database:Base\"",
            venv.join("bin/python").display()
        ),
    );
    std::fs::write(dir.join("aludel.toml"), config).unwrap();
    let python_path = repo().join("python");
    let step = |phone: &str, args: &[&str]| {
        let mut command = aludel_command(dir, &url, args);
        command.env("PYTHONPATH", &python_path).env("PHONE", phone);
        command
    };

    let (_, stderr) = run(&mut step(
        "0",
        &["revision", "--autogenerate", "-m", "initial"],
    ));
    for table in ["users", "products", "orders"] {
        assert!(
            stderr.contains(&format!("Detected added table '{table}'")),
            "{stderr}"
        );
    }
    run(&mut step("0", &["upgrade", "head"]));
    run(&mut step("0", &["check"]));
    // The models are read for the target's dialect: on PostgreSQL the enum is a type.
    if db.kind == Kind::Postgres {
        assert_eq!(
            db.column("SELECT typname FROM pg_type WHERE typname = 'product_status'"),
            ["product_status"]
        );
        assert_eq!(
            db.column("SELECT obj_description('users'::regclass, 'pg_class')"),
            ["people who log in"]
        );
    }

    // The guide's "add phone" edit of the Python model.
    let out = step("1", &["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "check sees the new column");
    let (_, stderr) = run(&mut step(
        "1",
        &["revision", "--autogenerate", "-m", "Add phone to users"],
    ));
    assert!(
        stderr.contains("Detected added column 'users.phone'"),
        "{stderr}"
    );
    run(&mut step("1", &["upgrade", "head"]));
    run(&mut step("1", &["check"]));
    let out = step("0", &["check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "without the column, check differs"
    );
}

#[test]
fn sqlalchemy_models_drive_autogenerate_and_check() {
    support::each_dialect("sqlalchemy_models", sqlalchemy_models_drive_autogenerate);
}

#[test]
fn imported_history_adopts_an_alembic_database_on_mariadb() {
    imported_history_adopts_an_alembic_database(Kind::MySql);
}
