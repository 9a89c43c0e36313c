//! The shape of `aludel.toml` as written, before interpolation and defaults.
//!
//! Unknown keys are refused (`deny_unknown_fields`), so a misspelt key is reported with its
//! line instead of being silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    /// `[aludel]`.
    #[serde(default)]
    pub aludel: Section,
    /// `[environments.NAME]`.
    #[serde(default)]
    pub environments: BTreeMap<String, Section>,
    /// `[lint]`.
    #[serde(default)]
    pub lint: super::LintConfig,
}

/// `[aludel]`, or an environment's overrides: every key optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Section {
    pub script_location: Option<String>,
    pub url: Option<String>,
    pub file_template: Option<String>,
    pub truncate_slug_length: Option<usize>,
    pub models: Option<Vec<String>>,
    pub models_command: Option<String>,
    pub dev_url: Option<String>,
    pub version_table: Option<String>,
    pub version_table_schema: Option<String>,
    pub transaction_per_migration: Option<bool>,
    pub version_locations: Option<Vec<String>>,
    pub lock_timeout: Option<f64>,
    pub connect_timeout: Option<f64>,
    pub include_tables: Option<Vec<String>>,
    pub exclude_tables: Option<Vec<String>>,
}

impl Section {
    /// This section with every key that `overrides` sets replaced.
    pub fn overlaid(self, overrides: &Section) -> Section {
        let o = overrides.clone();
        Section {
            script_location: o.script_location.or(self.script_location),
            url: o.url.or(self.url),
            file_template: o.file_template.or(self.file_template),
            truncate_slug_length: o.truncate_slug_length.or(self.truncate_slug_length),
            models: o.models.or(self.models),
            models_command: o.models_command.or(self.models_command),
            dev_url: o.dev_url.or(self.dev_url),
            version_table: o.version_table.or(self.version_table),
            version_table_schema: o.version_table_schema.or(self.version_table_schema),
            transaction_per_migration: o
                .transaction_per_migration
                .or(self.transaction_per_migration),
            version_locations: o.version_locations.or(self.version_locations),
            lock_timeout: o.lock_timeout.or(self.lock_timeout),
            connect_timeout: o.connect_timeout.or(self.connect_timeout),
            include_tables: o.include_tables.or(self.include_tables),
            exclude_tables: o.exclude_tables.or(self.exclude_tables),
        }
    }
}
