//! `[lint]` of aludel.toml, checked against the rules: levels, disabled rules and the
//! PostgreSQL version the statements must be safe on.

use std::collections::BTreeMap;

use super::{Level, Rule};
use crate::config::LintConfig;
use crate::{Error, Result};

/// The PostgreSQL major version assumed when `[lint]` names none: the oldest release the
/// PostgreSQL project still supports.
pub const DEFAULT_POSTGRES_VERSION: u32 = 14;

/// The style rules, which fire on every `CREATE TABLE` that uses the type they discourage,
/// and the statement timeout rule: off unless `[lint] enable` (or `levels`) turns them on.
pub const OFF_BY_DEFAULT: &[Rule] = &[
    Rule::CharType,
    Rule::PreferBigint,
    Rule::PreferIdentity,
    Rule::PreferText,
    Rule::PreferTimestamptz,
    Rule::MissingStatementTimeout,
];

/// How the rules run: each rule's level (`None`: disabled) and the PostgreSQL version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    levels: BTreeMap<Rule, Option<Level>>,
    /// The PostgreSQL major version the statements must be safe on.
    pub postgres_version: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            levels: BTreeMap::new(),
            postgres_version: DEFAULT_POSTGRES_VERSION,
        }
    }
}

impl Settings {
    /// The settings `[lint]` asks for. An unknown rule id or level is an error naming the
    /// file and the key.
    ///
    /// ```
    /// use aludel::config::LintConfig;
    /// use aludel::lint::{Level, Rule, Settings};
    ///
    /// let mut config = LintConfig::default();
    /// config.enable = vec!["prefer-text".into()];
    /// config.disable = vec!["rename-column".into()];
    /// config.levels.insert("drop-table".into(), "error".into());
    /// let settings = Settings::from_config(&config, "aludel.toml").unwrap();
    /// assert_eq!(settings.level(Rule::DropTable), Some(Level::Error));
    /// assert_eq!(settings.level(Rule::PreferText), Some(Level::Warning));
    /// assert_eq!(settings.level(Rule::PreferBigint), None);
    /// assert_eq!(settings.level(Rule::RenameColumn), None);
    /// ```
    pub fn from_config(config: &LintConfig, file: &str) -> Result<Settings> {
        let rule = |id: &str, key: &str| {
            Rule::from_id(id).ok_or_else(|| Error::Config {
                message: format!("{file}: [lint] {key} names unknown rule '{id}'"),
                hint: Some(format!(
                    "the rules are: {}",
                    Rule::ALL
                        .iter()
                        .map(|r| r.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            })
        };
        let mut levels = BTreeMap::new();
        for id in &config.enable {
            let rule = rule(id, "enable")?;
            levels.insert(rule, Some(rule.level()));
        }
        for id in &config.disable {
            levels.insert(rule(id, "disable")?, None);
        }
        for (id, level) in &config.levels {
            let level = match level.as_str() {
                "error" => Some(Level::Error),
                "warning" => Some(Level::Warning),
                "off" => None,
                other => {
                    return Err(Error::Config {
                        message: format!("{file}: [lint.levels] {id} = \"{other}\": not a level"),
                        hint: Some("use \"error\", \"warning\" or \"off\"".into()),
                    });
                }
            };
            levels.insert(rule(id, "levels")?, level);
        }
        Ok(Settings {
            levels,
            postgres_version: config.postgres_version.unwrap_or(DEFAULT_POSTGRES_VERSION),
        })
    }

    /// The level `rule` reports at; `None` when it is disabled.
    pub fn level(&self, rule: Rule) -> Option<Level> {
        match self.levels.get(&rule) {
            Some(level) => *level,
            None if OFF_BY_DEFAULT.contains(&rule) => None,
            None => Some(rule.level()),
        }
    }
}
