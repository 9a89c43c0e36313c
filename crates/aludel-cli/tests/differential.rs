//! aludel against Alembic itself: `tests/alembic/differential.py` writes seeded random revision
//! graphs as an Alembic project and an aludel project, runs the same command sequence on both
//! and compares after every step (success or failure, version-table rows, marker tables, the
//! text of the read commands). CI runs seed 0 (the shape of Alembic's branching documentation)
//! and seeds 1–40 (random graphs); `ALUDEL_DIFFERENTIAL_SEEDS=1-5000` runs
//! more. Alembic comes from the venv of `tools/pyenv`: without python3 the test is skipped with
//! a notice, unless `ALUDEL_REQUIRE_SERVERS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv's python, or `None` (after a notice) when there is no python3 to make one.
fn python() -> Option<PathBuf> {
    let required = std::env::var("ALUDEL_REQUIRE_SERVERS").is_ok_and(|v| v == "1");
    let made = Command::new(repo().join("tools/pyenv")).output();
    match made {
        Ok(out) if out.status.success() => {
            let venv = String::from_utf8(out.stdout).unwrap();
            Some(PathBuf::from(venv.trim()).join("bin/python"))
        }
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(!required, "tools/pyenv failed: {why}");
            eprintln!("skipped: no Python venv with Alembic ({why})");
            None
        }
    }
}

#[test]
fn aludel_answers_as_alembic_does_on_seeded_random_graphs() {
    let Some(python) = python() else { return };
    let seeds = std::env::var("ALUDEL_DIFFERENTIAL_SEEDS").unwrap_or_else(|_| "0-40".into());
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic/differential.py"))
        .args(["--aludel", env!("CARGO_BIN_EXE_aludel"), "--seeds", &seeds])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "differential.py printed no summary ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    eprintln!(
        "differential: {} graphs, {} revisions, {} commands compared ({} read outputs, {} failures on both sides), {} disagreements, {} aludel panics; Alembic crashed {} times and failed half-way {} times; aludel refused {} ambiguous relative downgrades",
        summary["graphs"],
        summary["revisions"],
        summary["commands"],
        summary["reads_compared"],
        summary["failures_agreed"],
        summary["disagreements"],
        summary["panics"],
        summary["alembic_crashes"],
        summary["alembic_partial_failures"],
        summary["documented_refusals"]
    );
    assert!(summary["graphs"].as_u64().unwrap() >= 1);
    assert!(summary["commands"].as_u64().unwrap() >= 20 * summary["graphs"].as_u64().unwrap());
    assert!(
        out.status.success() && summary["disagreements"] == 0 && summary["panics"] == 0,
        "aludel and Alembic disagree:\n{stdout}"
    );
}
