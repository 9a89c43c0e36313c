use crate::revision::tests::{graph, ids, names};
use crate::revision::{GraphError, Range};

fn range(text: &str) -> Range {
    text.parse().unwrap()
}

#[test]
fn either_side_may_be_open() {
    assert_eq!(range(":"), Range::default());
    assert_eq!(range("a:").start.as_deref(), Some("a"));
    assert_eq!(range("a:").end, None);
    assert_eq!(range(":b").end.as_deref(), Some("b"));
}

#[test]
fn a_range_without_colon_is_refused() {
    assert_eq!(
        "abc".parse::<Range>(),
        Err(GraphError::BadRange {
            range: "abc".into()
        })
    );
}

#[test]
fn current_on_either_side_needs_the_database() {
    assert!(range("current:").needs_current());
    assert!(range("-3:current").needs_current());
    assert!(!range("base:head").needs_current());
}

#[test]
fn revisions_newest_first() {
    let g = graph("a; b<-a; c<-b; d<-c");
    assert_eq!(names(&range(":").revisions(&g, &[]).unwrap()), "d,c,b,a");
    assert_eq!(names(&range("b:c").revisions(&g, &[]).unwrap()), "c,b");
    assert_eq!(
        names(&range("current:").revisions(&g, &ids("b")).unwrap()),
        "d,c,b"
    );
}

#[test]
fn the_open_range_is_the_whole_history_in_history_order() {
    // `:` lists what `history` lists; it agrees with the graph's own base:heads walk.
    let g = graph("a; b1<-a; b2<-a; c<-b1 ~b2; d<-b2; m<-c,d; x @other; y<-x");
    let open = range(":").revisions(&g, &[]).unwrap();
    assert_eq!(open, g.history_range(None, None, &[]).unwrap());
}
