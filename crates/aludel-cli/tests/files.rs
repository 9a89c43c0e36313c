//! What aludel writes to disk and what it refuses to: backup and dump modes, hostile revision
//! ids, symlinks under `init`; and the smaller guards of issue 9 seen through the binary
//! (SQLite's busy wait, `-x` values quoted by `sql_literal`, a misspelt branch label).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use aludel::config::DatabaseUrl;
use aludel::dialect::Database;
use support::{Kind, Project, TestDb, each_server};

fn sqlite_project() -> (TestDb, Project) {
    let db = TestDb::new(Kind::Sqlite, "files").unwrap();
    let p = Project::new(&db.url, "");
    (db, p)
}

fn sqlite_file(db: &TestDb) -> PathBuf {
    PathBuf::from(db.url.trim_start_matches("sqlite:///").to_string())
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The path the CLI reports on its `Backed up the database to PATH` line.
fn backup_path(p: &Project, stderr: &str) -> PathBuf {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Backed up the database to "))
        .unwrap_or_else(|| panic!("no backup line in: {stderr}"));
    p.path().join(line)
}

#[cfg(unix)]
#[test]
fn sqlite_backups_are_private_whatever_the_umask_left_on_the_database() {
    use std::os::unix::fs::PermissionsExt;
    let (db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "CREATE TABLE x (id INTEGER);", None);
    p.ok(&["upgrade", "head"]);
    let file = sqlite_file(&db);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    p.revision("bbbb00000002", &["aaaa00000001"], "SELECT 1;", None);
    let out = p
        .cmd()
        .args(["upgrade", "head", "--backup"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    let backup = backup_path(&p, &err);
    assert_eq!(mode(&backup), 0o600, "{}", backup.display());
    let copy = std::process::Command::new("sqlite3")
        .arg(&backup)
        .arg("SELECT version_num FROM aludel_version")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&copy.stdout).trim(), "aaaa00000001");
}

#[cfg(unix)]
#[test]
fn dumps_are_created_private() {
    each_server("dump_mode", |db| {
        let p = Project::new(&db.url, "");
        p.revision("aaaa00000001", &[], "CREATE TABLE kept_t (id INT);", None);
        let out = p
            .cmd()
            .args(["upgrade", "head", "--backup"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{err}");
        let dump = backup_path(&p, &err);
        assert_eq!(mode(&dump), 0o600, "{:?}: {}", db.kind, dump.display());
        assert!(
            std::fs::read_to_string(&dump)
                .unwrap()
                .contains("aludel_version"),
            "the tool filled the file created for it"
        );
    });
}

#[test]
fn hostile_revision_ids_are_refused_and_nothing_is_written() {
    let (_db, p) = sqlite_project();
    let outside = p.path().join("x.sql");
    let absolute = p.path().join("abs");
    for id in [
        "../../x",
        "../x",
        absolute.to_str().unwrap(),
        r"a\b",
        "a..b",
        "x'y",
        "a b",
        &"r".repeat(300),
    ] {
        let err = p.fails(&["revision", "-m", "hostile", "--rev-id", id], 1);
        assert!(err.contains("invalid revision id"), "{id}: {err}");
        assert!(err.len() < 600, "the error is short: {} bytes", err.len());
    }
    assert!(!outside.exists());
    assert!(!p.path().join("migrations/x.sql").exists());
    assert_eq!(
        std::fs::read_dir(p.versions_dir()).unwrap().count(),
        0,
        "no revision file was written"
    );
    // A hand-written id of letters, digits and '_' is fine.
    p.ok(&["revision", "-m", "fine", "--rev-id", "add_users_2"]);
    assert_eq!(std::fs::read_dir(p.versions_dir()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn init_refuses_symlinks_even_dangling_ones() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("victim.toml");
    std::os::unix::fs::symlink(&target, dir.path().join("aludel.toml")).unwrap();
    let out = assert_cmd::Command::cargo_bin("aludel")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("ALUDEL_CONFIG")
        .args(["init", "migrations"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert!(!target.exists(), "nothing was written through the link");
    assert!(!dir.path().join("migrations").exists());
}

/// A second connection holding SQLite's write lock (`BEGIN EXCLUSIVE`) until the test
/// rolls it back, with the runtime it runs on.
fn hold_write_lock(url: &str) -> (tokio::runtime::Runtime, Database) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = DatabaseUrl::parse(url, Path::new("/")).unwrap();
    let mut holder = runtime
        .block_on(Database::connect(&url, Duration::from_secs(5)))
        .unwrap();
    runtime.block_on(holder.execute("BEGIN EXCLUSIVE")).unwrap();
    (runtime, holder)
}

#[test]
fn a_busy_sqlite_database_waits_lock_timeout_and_says_so() {
    let db = TestDb::new(Kind::Sqlite, "busy").unwrap();
    let p = Project::new(&db.url, "lock_timeout = 0.3");
    p.revision("aaaa00000001", &[], "CREATE TABLE x (id INTEGER);", None);
    let (runtime, mut holder) = hold_write_lock(&db.url);
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(
        err.contains("the database stayed locked by another connection for 0.3 s"),
        "{err}"
    );
    assert!(
        err.contains("hint: ") && err.contains("lock_timeout"),
        "{err}"
    );
    assert!(!err.contains("database is locked"), "{err}");
    runtime.block_on(holder.execute("ROLLBACK")).unwrap();
    runtime.block_on(holder.close());
    p.ok(&["upgrade", "head"]);
}

/// `--no-lock` takes no migration lock, but the busy wait still follows `lock_timeout` (it
/// used to fall back to the driver's 30 s).
#[test]
fn a_busy_sqlite_database_waits_lock_timeout_without_the_lock_too() {
    let db = TestDb::new(Kind::Sqlite, "busynolock").unwrap();
    let p = Project::new(&db.url, "lock_timeout = 0.3");
    p.revision("aaaa00000001", &[], "CREATE TABLE x (id INTEGER);", None);
    let (runtime, mut holder) = hold_write_lock(&db.url);
    let started = std::time::Instant::now();
    let err = p.fails(&["upgrade", "head", "--no-lock"], 1);
    // Generous bound: the point is "not 30 s", not a timing of the machine.
    assert!(started.elapsed() < Duration::from_secs(20), "{err}");
    assert!(err.contains("0.3 s"), "{err}");
    runtime.block_on(holder.execute("ROLLBACK")).unwrap();
    runtime.block_on(holder.close());
    p.ok(&["upgrade", "head", "--no-lock"]);
}

#[test]
fn x_values_quoted_with_sql_literal_stay_values() {
    let (db, p) = sqlite_project();
    p.revision_with(
        "aaaa00000001",
        &[],
        "-- template = true",
        "CREATE TABLE victim (id INTEGER);\nCREATE TABLE notes (note TEXT);\nINSERT INTO notes VALUES ({{ x.note | sql_literal }});",
        None,
    );
    let hostile = "x'); DROP TABLE victim; --";
    p.ok(&["-x", &format!("note={hostile}"), "upgrade", "head"]);
    assert!(db.has_table("victim"));
    assert_eq!(db.column("SELECT note FROM notes"), [hostile]);
}

#[test]
fn a_misspelt_branch_label_is_refused_with_the_right_one() {
    let (db, p) = sqlite_project();
    p.revision_with(
        "aaaa00000001",
        &[],
        "-- branch_labels = [\"billing\"]",
        "CREATE TABLE bills (id INTEGER);",
        Some("DROP TABLE bills;"),
    );
    p.revision_with(
        "bbbb00000001",
        &[],
        "-- branch_labels = [\"shipping\"]",
        "CREATE TABLE parcels (id INTEGER);",
        Some("DROP TABLE parcels;"),
    );
    p.ok(&["upgrade", "heads"]);
    let err = p.fails(&["downgrade", "billling@base"], 1);
    assert!(err.contains("unknown branch label 'billling'"), "{err}");
    assert!(err.contains("hint: did you mean billing?"), "{err}");
    assert!(
        db.has_table("bills") && db.has_table("parcels"),
        "nothing ran"
    );
    p.ok(&["downgrade", "billing@base"]);
    assert!(!db.has_table("bills") && db.has_table("parcels"));
}

#[test]
fn graph_errors_and_long_header_lines_name_the_file_briefly() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &["bbbb00000002"], "SELECT 1;", None);
    p.revision("bbbb00000002", &["aaaa00000001"], "SELECT 1;", None);
    let err = p.fails(&["heads"], 1);
    assert!(err.contains("cycle"), "{err}");
    assert!(err.contains(".sql: "), "the error names the file: {err}");

    std::fs::remove_file(p.versions_dir().join("bbbb00000002.sql")).unwrap();
    std::fs::write(
        p.versions_dir().join("aaaa00000001.sql"),
        format!(
            "-- revision = \"aaaa00000001\"\n-- {} = 1\n-- migrate:upgrade\nSELECT 1;\n",
            "k".repeat(1_000_000)
        ),
    )
    .unwrap();
    let err = p.fails(&["heads"], 1);
    assert!(
        err.contains("aaaa00000001.sql:2: "),
        "{}",
        &err[..err.len().min(400)]
    );
    assert!(
        err.len() < 1_000,
        "the 1 MB line is not echoed: {} bytes",
        err.len()
    );
}

#[test]
fn a_long_bad_line_in_aludel_toml_is_not_echoed_whole() {
    let (_db, p) = sqlite_project();
    let config = p.path().join("aludel.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text += &format!("{} = 1\n", "k".repeat(1_000_000));
    std::fs::write(&config, text).unwrap();
    let err = p.fails(&["heads"], 1);
    assert!(
        err.contains("aludel.toml"),
        "{}",
        &err[..err.len().min(400)]
    );
    assert!(err.contains('…'), "{}", &err[..err.len().min(400)]);
    assert!(err.len() < 2_000, "{} bytes", err.len());
}
