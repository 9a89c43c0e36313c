use crate::revision::tests::{graph, names};
use crate::revision::{Attach, GraphError};

fn parents(spec: &str, targets: &[&str], attach: Attach) -> String {
    let targets: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
    match graph(spec).new_revision_parents(&targets, attach) {
        Ok(list) => names(&list),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn the_first_revision_has_no_parent() {
    assert_eq!(parents("", &["head"], Attach::HeadsOnly), "");
    assert_eq!(parents("", &["heads"], Attach::HeadsOnly), "");
    assert_eq!(parents("", &["base"], Attach::HeadsOnly), "");
}

#[test]
fn head_is_the_single_head() {
    assert_eq!(parents("a; b<-a", &["head"], Attach::HeadsOnly), "b");
    assert_eq!(parents("a; b<-a", &["base"], Attach::HeadsOnly), "");
}

#[test]
fn head_among_several_heads_is_refused_with_a_hint() {
    let g = graph("a; b1<-a; b2<-a");
    let error = g
        .new_revision_parents(&["head".to_string()], Attach::HeadsOnly)
        .unwrap_err();
    assert!(
        matches!(&error, GraphError::AmbiguousParent { heads } if names(heads) == "b1,b2"),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("multiple heads are present"));
    assert!(error.hint().unwrap().contains("aludel merge heads"));
}

#[test]
fn a_merge_takes_every_head() {
    assert_eq!(
        parents("a; b1<-a; b2<-a", &["heads"], Attach::HeadsOnly),
        "b1,b2"
    );
    assert_eq!(
        parents("a; b1<-a; b2<-a", &["b1", "b2"], Attach::HeadsOnly),
        "b1,b2"
    );
}

#[test]
fn a_parent_named_twice_is_refused() {
    assert_eq!(
        parents("a; b1<-a; b2<-a", &["b1", "b1"], Attach::HeadsOnly),
        "error: duplicate head revisions specified"
    );
}

#[test]
fn a_parent_with_children_needs_splice() {
    assert_eq!(
        parents("a; b<-a", &["a"], Attach::HeadsOnly),
        "error: revision a is not a head revision; please specify --splice to create a new branch from this revision"
    );
    assert_eq!(parents("a; b<-a", &["a"], Attach::Splice), "a");
}

#[test]
fn an_unknown_parent_is_the_graphs_error() {
    assert_eq!(
        parents("a", &["zz"], Attach::HeadsOnly),
        "error: can't locate revision identified by 'zz'"
    );
}

#[test]
fn at_heads_means_exactly_the_heads() {
    use crate::revision::tests::ids;
    let g = graph("a; b1<-a; b2<-a");
    assert!(g.is_at_heads(&ids("b2,b1")));
    assert!(!g.is_at_heads(&ids("b1")));
    assert!(!g.is_at_heads(&ids("a")));
    assert!(graph("").is_at_heads(&[]));
}
