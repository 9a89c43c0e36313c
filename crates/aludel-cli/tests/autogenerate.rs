//! The guide's autogenerate workflow through the real binary, on every dialect: models change,
//! `revision --autogenerate` writes the migration, `upgrade` applies it, `check` is clean.

mod support;

use support::{Project, each_dialect};

const USERS: &str = "CREATE TABLE users (\n    id INTEGER NOT NULL PRIMARY KEY,\n    username VARCHAR(50) NOT NULL,\n    email VARCHAR(100) NOT NULL\n);\nCREATE UNIQUE INDEX ix_users_email ON users (email);\n";

#[test]
fn the_guides_autogenerate_workflow() {
    each_dialect("autogen_cli", |db| {
        let p = Project::new(&db.url, "models = [\"schema/*.sql\"]");
        std::fs::create_dir_all(p.path().join("schema")).unwrap();
        let users = p.path().join("schema/users.sql");
        std::fs::write(&users, USERS).unwrap();

        let out = p
            .cmd()
            .args(["revision", "--autogenerate", "-m", "Add users table"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("Detected added table 'users'"));
        let first = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert!(
            std::fs::read_to_string(&first)
                .unwrap()
                .to_uppercase()
                .contains("CREATE TABLE")
        );
        p.fails(&["check"], 1); // not at head yet: refused, as Alembic does
        p.ok(&["upgrade", "head"]);
        assert_eq!(p.ok(&["check"]), "No new upgrade operations detected.\n");

        std::fs::write(
            &users,
            USERS.replace(
                "email VARCHAR(100) NOT NULL\n",
                "email VARCHAR(100) NOT NULL,\n    phone VARCHAR(20)\n",
            ),
        )
        .unwrap();
        let out = p.cmd().args(["check"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("users.phone"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let out = p
            .cmd()
            .args(["revision", "--autogenerate", "-m", "Add phone to users"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("Detected added column 'users.phone'")
        );
        // A data update kept by hand in the generated file, as the guide's data migrations do.
        let generated = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let text = std::fs::read_to_string(&generated).unwrap().replacen(
            "-- migrate:downgrade",
            "UPDATE users SET phone = 'unknown' WHERE phone IS NULL;\n\n-- migrate:downgrade",
            1,
        );
        std::fs::write(&generated, text).unwrap();
        db.query("INSERT INTO users (id, username, email) VALUES (1, 'ann', 'ann@example.com')");
        p.ok(&["upgrade", "head"]);
        assert_eq!(db.column("SELECT phone FROM users"), ["unknown"]);
        p.ok(&["check"]);
        p.ok(&["downgrade", "-1"]);
        p.ok(&["upgrade", "head"]);
        p.ok(&["check"]);

        let before = std::fs::read_dir(p.versions_dir()).unwrap().count();
        let out = p
            .cmd()
            .args(["revision", "--autogenerate", "-m", "nothing"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("No changes detected"));
        assert_eq!(
            std::fs::read_dir(p.versions_dir()).unwrap().count(),
            before,
            "no file without --allow-empty"
        );
        p.ok(&["revision", "--autogenerate", "-m", "empty", "--allow-empty"]);
        assert_eq!(
            std::fs::read_dir(p.versions_dir()).unwrap().count(),
            before + 1
        );

        p.ok(&["downgrade", "base"]);
        let err = p.fails(&["revision", "--autogenerate", "-m", "x"], 1);
        assert!(err.contains("not up to date"), "{err}");
    });
}
