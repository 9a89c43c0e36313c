//! The conformance scenarios every dialect shares, through the real binary:
//!
//! - [`run_corpus`]: from an empty database to a sample schema by `revision --autogenerate` and
//!   `upgrade head`, `check` clean, the client's dump and aludel's catalog equal to the sample
//!   loaded directly by the client; then each [`Edit`] of the model the same way, and
//!   `downgrade -1` back to the state before it; at the end `downgrade base` leaves nothing.
//! - [`round_trip`]: one change of one object kind, up and down, compared the same way.

use std::path::{Path, PathBuf};

use super::dump::{Dump, assert_same_catalog, assert_same_dump};
use super::{Kind, Project, TestDb};
use aludel::schema::Schema;

/// One edit of a model, as a user makes it in the file: `find` replaced by `replace` (`find`
/// must occur exactly once), or `replace` appended when `find` is empty.
#[derive(Debug, Clone, Copy)]
pub struct Edit {
    /// What the edit does, in words (the revision's message).
    pub name: &'static str,
    pub find: &'static str,
    pub replace: &'static str,
}

impl Edit {
    /// The model text after this edit.
    pub fn apply(&self, model: &str) -> String {
        if self.find.is_empty() {
            return format!("{model}\n{}\n", self.replace);
        }
        let n = model.matches(self.find).count();
        assert_eq!(
            n, 1,
            "edit '{}': {:?} occurs {n} times in the model",
            self.name, self.find
        );
        model.replacen(self.find, self.replace, 1)
    }
}

/// The shared sample schemas (`shared/corpora` beside the repository, or `ALUDEL_CORPORA`).
/// `None` with a notice when they are missing, unless `ALUDEL_REQUIRE_SERVERS=1`, which makes
/// their absence a failure.
pub fn corpora_dir() -> Option<PathBuf> {
    let found = match std::env::var_os("ALUDEL_CORPORA") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .skip(2)
            .map(|root| root.join("../shared/corpora"))
            .find(|d| d.join("README.md").is_file()),
    };
    match found {
        Some(dir) if dir.is_dir() => Some(dir),
        _ if super::require_servers() => {
            panic!("the corpora (../shared/corpora) are missing and ALUDEL_REQUIRE_SERVERS=1")
        }
        _ => {
            eprintln!(
                "notice: skipping the corpora suite: ../shared/corpora not found (set ALUDEL_CORPORA)"
            );
            None
        }
    }
}

/// The text of the sample `file`, or `None` (with a notice) as [`corpora_dir`] says.
pub fn corpus(file: &str) -> Option<String> {
    let path = corpora_dir()?.join(file);
    Some(
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())),
    )
}

/// A database's state as both yardsticks see it.
struct State {
    dump: Dump,
    catalog: Schema,
}

impl State {
    fn of(db: &TestDb) -> State {
        State {
            dump: db.dump(),
            catalog: db.catalog(),
        }
    }

    fn assert_is(&self, expected: &State, what: &str, context: &str) {
        assert_same_dump(&self.dump, &expected.dump, what, context);
        assert_same_catalog(&self.catalog, &expected.catalog, what, context);
    }
}

/// A target database with its project: models in `models/model.sql`.
struct Run<'a> {
    kind: Kind,
    test: &'a str,
    db: TestDb,
    project: Project,
}

impl Run<'_> {
    fn new(kind: Kind, test: &str) -> Option<Run<'_>> {
        let db = TestDb::new(kind, test)?;
        let project = Project::new(&db.url, "models = [\"models/*.sql\"]");
        std::fs::create_dir_all(project.path().join("models")).unwrap();
        Some(Run {
            kind,
            test,
            db,
            project,
        })
    }

    fn write_models(&self, model: &str) {
        std::fs::write(self.project.path().join("models/model.sql"), model).unwrap();
    }

    /// `revision --autogenerate` to `model`, `upgrade head`, `check` clean, and the database
    /// equal to `model` loaded by the client into a database of its own. Returns that state,
    /// the generated file and a report of it for messages.
    fn step(&self, model: &str, message: &str) -> (State, PathBuf, String) {
        self.write_models(model);
        let out = self
            .project
            .cmd()
            .args(["revision", "--autogenerate", "-m", message])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "{message}: revision --autogenerate failed:\n{stderr}"
        );
        assert!(
            !stderr.contains("No changes detected"),
            "{message}: autogenerate found nothing to do:\n{stderr}"
        );
        let file = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let script = std::fs::read_to_string(&file).unwrap();
        let context = format!("--- {message}: {stderr}--- generated {file} ---\n{script}");
        let up = self
            .project
            .cmd()
            .args(["upgrade", "head"])
            .output()
            .unwrap();
        assert!(
            up.status.success(),
            "{message}: upgrade head failed:\n{}\n{context}",
            String::from_utf8_lossy(&up.stderr)
        );
        self.assert_check_clean(message, &context);
        let reference = TestDb::new(self.kind, &format!("{}_ref", self.test))
            .expect("the server answered for the target, so it answers for the reference");
        reference.load_with_client(model);
        let expected = State::of(&reference);
        let state = State::of(&self.db);
        state.assert_is(&expected, &format!("{message}: after upgrade"), &context);
        (state, PathBuf::from(file), context)
    }

    fn assert_check_clean(&self, message: &str, context: &str) {
        let check = self.project.cmd().arg("check").output().unwrap();
        assert!(
            check.status.success(),
            "{message}: check is not clean:\n{}{}\n{context}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }

    fn downgrade(&self, to: &str, message: &str, context: &str) {
        let out = self.project.cmd().args(["downgrade", to]).output().unwrap();
        assert!(
            out.status.success(),
            "{message}: downgrade {to} failed:\n{}\n{context}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The corpus scenario on `kind` (see the module's documentation): `model` is the sample's
/// text, `edits` are applied one after the other.
pub fn run_corpus(kind: Kind, test: &str, model: &str, edits: &[Edit]) {
    let Some(run) = Run::new(kind, test) else {
        return;
    };
    let empty = State::of(&run.db);
    let (mut before, _, _) = run.step(model, "the sample from empty");
    let mut text = model.to_string();
    for edit in edits {
        text = edit.apply(&text);
        let (after, _, context) = run.step(&text, edit.name);
        run.downgrade("-1", edit.name, &context);
        State::of(&run.db).assert_is(
            &before,
            &format!("{}: after downgrade -1", edit.name),
            &context,
        );
        let up = run
            .project
            .cmd()
            .args(["upgrade", "head"])
            .output()
            .unwrap();
        assert!(
            up.status.success(),
            "{}: upgrade head again failed:\n{}",
            edit.name,
            String::from_utf8_lossy(&up.stderr)
        );
        State::of(&run.db).assert_is(&after, &format!("{}: upgraded again", edit.name), &context);
        before = after;
    }
    run.assert_check_clean("after every edit", "");
    run.downgrade("base", "downgrade base", "");
    State::of(&run.db).assert_is(
        &empty,
        "after downgrade base",
        "downgrade base must leave nothing",
    );
    assert!(
        empty.catalog.tables.is_empty() && empty.catalog.objects.is_empty(),
        "the empty database was not empty"
    );
}

/// One change of one object kind on `kind`: `before` loaded by the client, the models changed
/// to `after`; the autogenerated migration goes up (`check` clean, dump and catalog equal to
/// `after` loaded by the client) and down (dump and catalog equal to before, and with the
/// revision removed `check` against `before` clean).
pub fn round_trip(kind: Kind, test: &str, before: &str, after: &str) {
    let Some(run) = Run::new(kind, test) else {
        return;
    };
    run.db.load_with_client(before);
    let start = State::of(&run.db);
    let (_, file, context) = run.step(after, test);
    run.downgrade("base", test, &context);
    State::of(&run.db).assert_is(&start, &format!("{test}: after downgrade"), &context);
    // Without the revision the database is at head again, and the old models describe it.
    std::fs::remove_file(file).unwrap();
    run.write_models(before);
    run.assert_check_clean(&format!("{test}: models back to before"), &context);
}
