//! `init`: a new project's `aludel.toml` and migration folder.

use std::path::{Path, PathBuf};

use super::template::{DEFAULT_README, DEFAULT_SCRIPT_TEMPLATE, default_config};
use crate::{Error, Result};

/// Writes `aludel.toml` in `root` and the migration folder `directory` (relative to `root`
/// unless absolute) with its README, `script.sql.j2` and `versions/`. Refuses, writing
/// nothing, when `aludel.toml` or the folder already exists. Returns the paths written.
pub fn init_project(root: &Path, directory: &Path) -> Result<Vec<PathBuf>> {
    let config_path = root.join("aludel.toml");
    let folder = root.join(directory);
    if present(&config_path) {
        return Err(Error::refused(format!(
            "{} already exists; init writes nothing over an existing setup",
            config_path.display()
        )));
    }
    if present(&folder) {
        return Err(Error::refused(format!(
            "{} already exists; init writes nothing over an existing setup",
            folder.display()
        ))
        .with_hint("choose another folder name"));
    }
    let location = match folder.strip_prefix(root) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => folder.display().to_string(),
    };
    let versions = folder.join("versions");
    std::fs::create_dir_all(&versions).map_err(|e| Error::io(&versions, e))?;
    let files = [
        (folder.join("README.md"), DEFAULT_README.to_string()),
        (
            folder.join("script.sql.j2"),
            DEFAULT_SCRIPT_TEMPLATE.to_string(),
        ),
        (config_path, default_config(&location)),
    ];
    let mut written = vec![folder.clone(), versions];
    // `models = ["schema/**/*.sql"]` in the new aludel.toml points here; a folder the user
    // already has is left as it is.
    let schema = root.join("schema");
    if !present(&schema) {
        std::fs::create_dir_all(&schema).map_err(|e| Error::io(&schema, e))?;
        let readme = schema.join("README.md");
        std::fs::write(&readme, SCHEMA_README).map_err(|e| Error::io(&readme, e))?;
        written.extend([schema, readme]);
    }
    for (path, text) in files {
        // `create_new` never follows a symlink, so a link made after the checks above still
        // cannot be written through.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// What `init` writes in `schema/`.
const SCHEMA_README: &str = "# schema/\n\n\
The desired schema: SQL DDL files (`*.sql`, e.g. `tables.sql` with CREATE TABLE statements)\n\
matching `models` in aludel.toml. `aludel revision --autogenerate` writes the migration that\n\
brings the database to them, `aludel check` compares them with the database, and\n\
`aludel test` compares them after the stairway. Until a file is here, `check` and\n\
`--autogenerate` refuse and `test` skips the comparison with a note.\n";

/// Whether anything is at `path`: a file, a folder, or a symlink, even one pointing nowhere
/// (`Path::exists` follows links and calls a dangling one absent).
fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_project_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let written = init_project(dir.path(), Path::new("migrations")).unwrap();
        assert!(written.contains(&dir.path().join("aludel.toml")));
        assert!(dir.path().join("migrations/versions").is_dir());
        assert!(dir.path().join("migrations/script.sql.j2").is_file());
        // The folder `models` points at exists, with a note but no model yet.
        assert!(dir.path().join("schema/README.md").is_file());
        assert!(written.contains(&dir.path().join("schema")));
        let config = std::fs::read_to_string(dir.path().join("aludel.toml")).unwrap();
        assert!(
            config.contains("script_location = \"migrations\""),
            "{config}"
        );
        toml::from_str::<toml::Table>(&config).expect("the generated aludel.toml is valid TOML");

        let again = init_project(dir.path(), Path::new("other")).unwrap_err();
        assert!(again.to_string().contains("already exists"));
        assert!(
            !dir.path().join("other").exists(),
            "a refused init writes nothing"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_even_dangling_ones() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.toml");
        std::os::unix::fs::symlink(&target, dir.path().join("aludel.toml")).unwrap();
        let error = init_project(dir.path(), Path::new("migrations")).unwrap_err();
        assert!(error.to_string().contains("already exists"), "{error}");
        assert!(!target.exists(), "nothing is written through the link");
        assert!(!dir.path().join("migrations").exists());

        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("migrations"))
            .unwrap();
        assert!(init_project(dir.path(), Path::new("migrations")).is_err());
        assert!(!dir.path().join("aludel.toml").exists());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn refuses_an_existing_folder_without_writing_the_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        assert!(init_project(dir.path(), Path::new("migrations")).is_err());
        assert!(!dir.path().join("aludel.toml").exists());
    }
}
