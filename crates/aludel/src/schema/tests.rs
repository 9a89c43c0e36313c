//! Tests of the schema model that need no database.

use super::*;

#[test]
fn filter_leaves_out_own_tables_and_applies_patterns() {
    let mut f = TableFilter::own_tables("aludel_version");
    assert!(!f.accepts("aludel_version"));
    assert!(!f.accepts("aludel_history"));
    assert!(f.accepts("users"));
    f.include = vec![glob::Pattern::new("app_*").unwrap()];
    f.exclude = vec![glob::Pattern::new("app_tmp*").unwrap()];
    assert!(f.accepts("app_users"));
    assert!(!f.accepts("app_tmp1"));
    assert!(!f.accepts("users"));
}

#[test]
fn foreign_keys_match_without_names() {
    let a = ForeignKey {
        name: Some("fk_a".into()),
        columns: vec!["u".into()],
        ref_table: "users".into(),
        ref_columns: vec!["id".into()],
        ..ForeignKey::default()
    };
    let b = ForeignKey {
        name: None,
        ..a.clone()
    };
    assert!(a.same_as(&b));
    let c = ForeignKey {
        on_delete: Some("CASCADE".into()),
        ..a.clone()
    };
    assert!(!a.same_as(&c));
}
