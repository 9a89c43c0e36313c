//! aludel: database schema migrations with plain SQL files.
//!
//! The library holds all of aludel's logic; the `aludel` binary is a thin layer over it.
//! The modules follow the flow of a run:
//!
//! - [`config`] reads `aludel.toml`, environments, `${VAR}` interpolation and database URLs.
//! - [`script`] reads the migration folder: files, headers, sections, the statement lexer.
//! - [`revision`] is the revision graph and the target grammar; it does no I/O.
//! - [`runtime`] plans and executes upgrades, downgrades and stamps, online or offline.
//! - [`dialect`] is the only place that names a concrete database.
//! - [`sql`] builds the SQL text aludel itself issues (version table, history log).
//! - [`schema`] and [`autogen`] compare models with a database and write migrations.
//! - [`stairway`] tests the migrations themselves: up, down and up again, revision by revision.
//! - [`lint`] flags risky statements in migrations; it does no I/O.
//! - [`embed`] embeds the migrations in an application's binary at compile time.
#![deny(missing_docs)]

pub mod autogen;
pub mod config;
pub mod dialect;
pub mod embed;
pub mod error;
pub mod import;
pub mod lint;
pub mod revision;
pub mod runtime;
mod scan;
pub mod schema;
pub mod script;
pub mod sql;
pub mod stairway;

pub use error::{Error, Result};
