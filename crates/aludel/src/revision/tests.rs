//! Graph cases as data, re-creating the scenarios of Alembic's `tests/test_revision.py` and
//! `tests/test_version_traversal.py`.
//!
//! Notation: `graph("a; b<-a; c<-a,b @label ~dep")` declares revisions in order, each with its
//! parents after `<-`, labels after `@` and `depends_on` entries after `~`. A plan prints as
//! `+b:a>b +c:+c -d:-d | heads`: `+`/`-` for upgrade/downgrade, then the version ops (`+X`
//! insert, `-X` delete, `X>Y` update), then the sorted heads after the plan.

use super::plan::Arg;
use super::*;

pub(super) fn graph(spec: &str) -> RevisionGraph {
    try_graph(spec).unwrap()
}

fn try_graph(spec: &str) -> Result<RevisionGraph, GraphError> {
    let mut revisions = Vec::new();
    for item in spec.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let mut words = item.split_whitespace();
        let head = words.next().unwrap();
        let (id, down) = match head.split_once("<-") {
            Some((id, down)) => (id, down.split(',').filter(|d| !d.is_empty()).collect()),
            None => (head, Vec::new()),
        };
        let mut rev = Revision {
            id: RevisionId::new(id).unwrap(),
            down_revisions: down
                .into_iter()
                .map(|d| RevisionId::new(d).unwrap())
                .collect(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
        };
        for w in words {
            if let Some(l) = w.strip_prefix('@') {
                rev.branch_labels.push(l.to_owned());
            } else if let Some(d) = w.strip_prefix('~') {
                rev.depends_on.push(d.to_owned());
            } else {
                panic!("bad word {w}");
            }
        }
        revisions.push(rev);
    }
    RevisionGraph::new(revisions)
}

pub(super) fn ids(list: &str) -> Vec<RevisionId> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| RevisionId::new(s).unwrap())
        .collect()
}

pub(super) fn names(list: &[RevisionId]) -> String {
    list.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn show(plan: &Plan) -> String {
    let mut out: Vec<String> = plan
        .steps
        .iter()
        .map(|s| {
            let sign = if s.direction == Direction::Upgrade {
                '+'
            } else {
                '-'
            };
            let ops: Vec<String> = s
                .version_ops
                .iter()
                .map(|op| match op {
                    VersionOp::Insert(r) => format!("+{r}"),
                    VersionOp::Delete(r) => format!("-{r}"),
                    VersionOp::Update { from, to } => format!("{from}>{to}"),
                })
                .collect();
            format!("{sign}{}:{}", s.revision, ops.join(","))
        })
        .collect();
    let mut heads = plan.heads_after.clone();
    heads.sort();
    out.push(format!("| {}", names(&heads)));
    out.join(" ")
}

fn up(g: &RevisionGraph, current: &str, target: &str) -> String {
    show(&g.upgrade_plan(&ids(current), target).unwrap())
}

fn down(g: &RevisionGraph, current: &str, target: &str) -> String {
    show(&g.downgrade_plan(&ids(current), target).unwrap())
}

fn stamp(g: &RevisionGraph, current: &str, targets: &str) -> String {
    let t: Vec<String> = targets
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    show(&g.stamp_plan(&ids(current), &t, false).unwrap())
}

fn message(e: GraphError) -> String {
    e.to_string()
}

fn up_err(g: &RevisionGraph, current: &str, target: &str) -> String {
    message(g.upgrade_plan(&ids(current), target).unwrap_err())
}

fn down_err(g: &RevisionGraph, current: &str, target: &str) -> String {
    message(g.downgrade_plan(&ids(current), target).unwrap_err())
}

fn resolve(g: &RevisionGraph, target: &str) -> String {
    names(&g.resolve(target).unwrap())
}

/// A revision argument for the iteration helpers: `[a,b]` is a list of revisions, anything
/// else text.
fn arg<'a>(g: &RevisionGraph, s: &'a str) -> Arg<'a> {
    match s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        Some(list) => Arg::Revs(
            list.split(',')
                .filter(|x| !x.is_empty())
                .map(|x| g.ids[x])
                .collect(),
        ),
        None => Arg::Text(s),
    }
}

/// Alembic's `iterate_revisions(upper, lower, inclusive, implicit_base)` for upgrades.
fn iter_up(g: &RevisionGraph, upper: &str, lower: &str, inclusive: bool, implicit: bool) -> String {
    match g.collect_upgrade(&arg(g, upper), &arg(g, lower), inclusive, implicit, true) {
        Ok((needs, targets)) => names(&g.ids_of(&g.topological_sort(&needs, &targets))),
        Err(e) => format!("error: {e}"),
    }
}

/// Alembic's `iterate_revisions(upper, lower, select_for_downgrade=True)`.
fn iter_down(
    g: &RevisionGraph,
    upper: &str,
    lower: &str,
    inclusive: bool,
    implicit: bool,
) -> String {
    let current = match arg(g, upper) {
        Arg::Revs(v) => v,
        Arg::Text(t) => g.get_revision_list(t).unwrap(),
    };
    let drop = g
        .collect_downgrade(&current, lower, inclusive, implicit)
        .unwrap();
    names(&g.ids_of(&g.topological_sort(&drop, &current)))
}

fn history(g: &RevisionGraph, range: &str, current: &str) -> String {
    let (start, end) = range.split_once(':').unwrap();
    let start = (!start.is_empty()).then_some(start);
    let end = (!end.is_empty()).then_some(end);
    match g.history_range(start, end, &ids(current)) {
        Ok(list) => names(&list),
        Err(e) => format!("error: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Graph building

#[test]
fn heads_bases_and_children() {
    let g = graph("a; b<-a; c1<-b; c2<-b");
    assert_eq!(names(&g.heads()), "c1,c2");
    assert_eq!(names(&g.bases()), "a");
    assert_eq!(names(&g.children(&RevisionId::new("b").unwrap())), "c1,c2");
    assert!(g.is_branch_point(&RevisionId::new("b").unwrap()));
    assert!(g.get("c1").is_some() && g.get("zz").is_none());
    let g = graph("a; b<-a; c; d<-c");
    assert_eq!(names(&g.bases()), "a,c");
    assert_eq!(names(&g.heads()), "b,d");
}

#[test]
fn empty_graph() {
    let g = graph("");
    assert!(g.heads().is_empty() && g.revisions().is_empty());
    assert_eq!(up(&g, "", "head"), "| ");
    assert_eq!(history(&g, ":", ""), "");
}

#[test]
fn duplicate_revision() {
    assert!(matches!(
        try_graph("a; a"),
        Err(GraphError::DuplicateRevision { .. })
    ));
}

#[test]
fn unknown_parent_and_dependency() {
    let e = try_graph("a; b<-zz").unwrap_err();
    assert_eq!(
        e.to_string(),
        "revision b refers to zz, which is not present"
    );
    let e = try_graph("a; b<-a ~nothing").unwrap_err();
    assert!(matches!(e, GraphError::UnknownParent { missing, .. } if missing == "nothing"));
}

#[test]
fn duplicate_branch_label() {
    let e = try_graph("a; b<-a; c<-b @xy1; d; e<-d @xy1; f<-e").unwrap_err();
    assert_eq!(
        e.to_string(),
        "branch name 'xy1' in revision e already used by revision c"
    );
    // A label may not take a revision's name either.
    assert!(matches!(
        try_graph("a; b<-a @a"),
        Err(GraphError::DuplicateLabel { .. })
    ));
}

fn cycle(spec: &str) -> String {
    match try_graph(spec) {
        Err(GraphError::Cycle { revisions }) => names(&revisions),
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[test]
fn self_loops() {
    assert_eq!(cycle("a<-a"), "a");
    assert_eq!(cycle("a<-a; b<-a; c<-b"), "a");
    assert_eq!(cycle("a; b<-a; c<-b,c"), "c");
    assert_eq!(cycle("a; b<-a,b; c1<-b; c2<-b"), "b");
    assert_eq!(cycle("a; b1<-a; b2<-a; c<-b1,b2,c"), "c");
    assert_eq!(cycle("a ~a"), "a");
    assert_eq!(cycle("a ~a; b<-a; c<-b"), "a");
    assert_eq!(cycle("a; b<-a; c<-b ~c"), "c");
    assert_eq!(cycle("a; b<-a ~b; c1<-b; c2<-b"), "b");
}

#[test]
fn cycles() {
    assert_eq!(cycle("a<-c; b<-a; c<-b"), "a,b,c");
    assert_eq!(cycle("a<-c; b<-a; c<-b; d; e<-d"), "a,b,c");
    assert_eq!(cycle("a<-c; b<-a; c<-b; d<-c; e<-d"), "a,b,c,d,e");
    assert_eq!(cycle("a; b<-a; c<-b,e; d<-c; e<-d"), "a,b,c,d,e");
    assert_eq!(cycle("a ~c; b<-a; c<-b"), "a,b,c");
    assert_eq!(cycle("a ~c; b<-a; c<-b; d; e<-d"), "a,b,c");
    assert_eq!(cycle("a ~c; b<-a; c<-b; d<-c; e<-d"), "a,b,c,d,e");
    assert_eq!(cycle("a; b<-a; c<-b ~e; d<-c; e<-d"), "a,b,c,d,e");
}

#[test]
fn overlapping_names_are_no_loop() {
    let g = graph("user_foo; user<-user_foo ~user_foo");
    assert_eq!(history(&g, ":", ""), "user,user_foo");
    let g = graph("user_foo; user<-user_foo");
    assert_eq!(history(&g, ":", ""), "user,user_foo");
    let g = graph("user_foo; user ~user_foo");
    assert_eq!(history(&g, ":", ""), "user,user_foo");
}

#[test]
fn normalized_down_revisions() {
    let g = graph("a1; a2<-a1; a3<-a2; b1; b2<-b1 ~a3; b3<-b2; b4<-b3 ~a3; b5<-b4 ~b4");
    let b4 = g.ids["b4"];
    assert_eq!(names(&g.ids_of(&g.nodes[b4].all_down)), "b3,a3");
    // a3 is implied: the ancestor b2 depends on it already.
    assert_eq!(names(&g.ids_of(&g.nodes[b4].norm_down)), "b3");
    let b5 = g.ids["b5"];
    assert_eq!(names(&g.ids_of(&g.nodes[b5].all_down)), "b4");
    assert_eq!(names(&g.ids_of(&g.nodes[b5].norm_down)), "b4");
}

#[test]
fn depends_on_by_label_and_prefix() {
    let g = graph("a1 @lib1; b1<-a1; c1<-b1 @c1lib; a2; b2<-a2; c2<-b2 ~c1lib; d2<-c2 ~b1");
    let c2 = g.ids["c2"];
    assert_eq!(names(&g.ids_of(&g.nodes[c2].deps)), "c1");
    let g = graph("abcd1234; efgh5678 ~abcd");
    assert_eq!(
        names(&g.dependents(&RevisionId::new("abcd1234").unwrap())),
        "efgh5678"
    );
}

#[test]
fn dependencies_make_real_heads() {
    let g = graph(
        "base1 @b_1; a1a<-base1; a1b<-base1; b1a<-a1a; b1b<-a1b ~a3; base2 @b_2; a2<-base2; \
         b2<-a2; c2<-b2 ~a3; d2<-c2; base3 @b_3; a3<-base3; b3<-a3",
    );
    assert_eq!(names(&g.heads()), "b1a,b1b,d2,b3");
    assert_eq!(names(&g.heads_resolving_dependencies()), "b1a,b1b,d2,b3");
    let g = graph("a; b ~a");
    assert_eq!(names(&g.heads()), "a,b");
    assert_eq!(names(&g.heads_resolving_dependencies()), "b");
}

#[test]
fn inherited_branch_labels() {
    let g = labeled();
    let labels = |id: &str| g.branch_labels(&RevisionId::new(id).unwrap()).join(",");
    assert_eq!(labels("a"), "abranch");
    assert_eq!(labels("c"), "abranch");
    // A straight branch passes its label down to the base below the labelled revision.
    assert_eq!(labels("d"), "ebranch");
    assert_eq!(labels("f"), "ebranch");
    // Below a branch point the label stops.
    let g = graph("a; b<-a; c1<-b @c1branch; d1<-c1; c2<-b @c2branch; d2<-c2");
    let labels = |id: &str| g.branch_labels(&RevisionId::new(id).unwrap()).join(",");
    assert_eq!(labels("b"), "");
    assert_eq!(labels("c1"), "c1branch");
    assert_eq!(labels("d2"), "c2branch");
}

#[test]
fn history_order_is_alembic_topological() {
    let g = graph("a; b1<-a; b2<-a; c1<-b1; d11<-c1; d12<-c1");
    let all: Vec<&str> = g.revisions().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(all.join(","), "b2,d11,d12,c1,b1,a");
}

// ---------------------------------------------------------------------------------------------
// Resolution (APITest, LabeledBranchTest)

fn labeled() -> RevisionGraph {
    graph(
        "a @abranch; b<-a; somelongername<-b; c<-somelongername; d; e<-d @ebranch; \
         someothername<-e; f<-someothername",
    )
}

#[test]
fn resolve_symbols() {
    let g = graph("a; b<-a; c<-b");
    assert_eq!(resolve(&g, "head"), "c");
    assert_eq!(resolve(&g, "heads"), "c");
    assert_eq!(resolve(&g, "base"), "");
    let g = graph("a; b<-a; c1<-b; c2<-b");
    assert!(matches!(
        g.resolve("head"),
        Err(GraphError::MultipleHeads { .. })
    ));
    assert_eq!(resolve(&g, "heads"), "c1,c2");
    assert!(matches!(
        g.get_revision("heads"),
        Err(GraphError::MultipleHeads { .. })
    ));
    let e = g.resolve("head").unwrap_err().to_string();
    assert!(
        e.contains("'<branchname>@head'") && e.ends_with("c1, c2"),
        "{e}"
    );
}

#[test]
fn resolve_prefixes() {
    let g = graph("1a2b3c4d; 1a2b9999<-1a2b3c4d; 77aa<-1a2b9999");
    assert_eq!(resolve(&g, "1a2b3"), "1a2b3c4d");
    assert_eq!(resolve(&g, "77aa"), "77aa");
    match g.resolve("1a2b") {
        Err(GraphError::AmbiguousPrefix { prefix, candidates }) => {
            assert_eq!(prefix, "1a2b");
            assert_eq!(names(&candidates), "1a2b3c4d,1a2b9999");
        }
        other => panic!("{other:?}"),
    }
    let e = g.resolve("fff").unwrap_err();
    assert_eq!(e.to_string(), "can't locate revision identified by 'fff'");
    // Only names longer than three characters match as prefixes; the prefix may be short.
    assert_eq!(resolve(&g, "77a"), "77aa");
    let g = graph("abc; abd<-abc");
    assert!(matches!(
        g.resolve("ab"),
        Err(GraphError::UnknownRevision { .. })
    ));
}

#[test]
fn resolve_labels() {
    let g = labeled();
    assert_eq!(resolve(&g, "ebranch@head"), "f");
    assert_eq!(resolve(&g, "abranch@head"), "c");
    assert_eq!(resolve(&g, "abranch@heads"), "c");
    assert_eq!(resolve(&g, "abranch@base"), "");
    assert_eq!(resolve(&g, "ebranch@d"), "d");
    assert_eq!(resolve(&g, "ebranch@ebranch"), "e");
    assert_eq!(resolve(&g, "abranch"), "a");
    assert_eq!(resolve(&g, "ebranch"), "e");
    assert_eq!(resolve(&g, "ebranch@some"), "someothername");
    assert_eq!(resolve(&g, "abranch@some"), "somelongername");
    assert_eq!(resolve(&g, "e"), "e");
    assert_eq!(resolve(&g, "e@d"), "d");
    assert_eq!(resolve(&g, "someoth@d"), "d");
    assert!(matches!(
        g.resolve("some"),
        Err(GraphError::AmbiguousPrefix { .. })
    ));
    let e = g.resolve("ebranch@b").unwrap_err().to_string();
    assert_eq!(e, "revision b is not a member of branch 'ebranch'");
    let e = g.resolve("abranch@d").unwrap_err().to_string();
    assert_eq!(e, "revision d is not a member of branch 'abranch'");
    assert!(
        matches!(g.resolve("ebranch@sos"), Err(GraphError::UnknownRevision { id }) if id == "sos")
    );
    assert!(
        matches!(g.resolve("abranch@qprstuv"), Err(GraphError::UnknownRevision { id }) if id == "qprstuv")
    );
    assert!(matches!(g.resolve("x@d"), Err(GraphError::UnknownRevision { id }) if id == "x"));
}

#[test]
fn resolve_relative() {
    let g = labeled();
    assert_eq!(resolve(&g, "someothername-1"), "e");
    assert_eq!(resolve(&g, "e+2"), "f");
    assert_eq!(resolve(&g, "ebranch@head-2"), "e");
    assert_eq!(resolve(&g, "ebranch@-2"), "e");
    assert_eq!(resolve(&g, "ebranch@+2"), "e");
    assert_eq!(resolve(&g, "abranch@base+1"), "a");
    assert_eq!(resolve(&g, "d-1"), "");
    assert_eq!(resolve(&g, "-1"), "somelongername,someothername");
    let e = g.resolve("e+9").unwrap_err().to_string();
    assert_eq!(e, "relative revision +9 didn't produce 9 migrations");
    // Walking up from base is ambiguous with two bases.
    let e = g.resolve("+1").unwrap_err().to_string();
    assert!(e.starts_with("ambiguous walk up from base"), "{e}");
    let g = graph("a; b<-a; c<-b");
    assert_eq!(resolve(&g, "head-2"), "a");
    assert_eq!(resolve(&g, "+2"), "b");
}

#[test]
fn filter_for_lineage_across_merge() {
    let g = graph("a; b<-a; c1<-b @c1branch; c2<-b; d<-c1,c2");
    let all = vec![g.ids["c1"], g.ids["c2"], g.ids["d"]];
    let kept = g.filter_for_lineage(&all, "c1branch@head", false).unwrap();
    assert_eq!(names(&g.ids_of(&kept)), "c1,c2,d");
    let g = labeled();
    assert_eq!(
        names(
            &g.ids_of(
                &g.filter_for_lineage(&g.bases, "somelongername@base", false)
                    .unwrap()
            )
        ),
        "a"
    );
    assert_eq!(
        names(&g.ids_of(&g.filter_for_lineage(&g.bases, "base", false).unwrap())),
        "a,d"
    );
    let f = vec![g.ids["f"]];
    assert_eq!(
        names(&g.ids_of(&g.filter_for_lineage(&f, "heads", false).unwrap())),
        "f"
    );
}

// ---------------------------------------------------------------------------------------------
// Iteration (DownIterateTest and subclasses in test_revision.py)

#[test]
fn iterate_simple() {
    let g = graph("a; b1<-a; b2<-a; c<-b1,b2; d<-c");
    assert_eq!(iter_up(&g, "d", "a", true, false), "d,c,b1,b2,a");
    let g = graph("a; b<-a; c<-b");
    assert_eq!(iter_up(&g, "[c,c]", "a", false, false), "c,b");
}

#[test]
fn iterate_labeled_branches() {
    let g = labeled();
    assert_eq!(
        iter_up(&g, "heads", "ebranch@base", true, false),
        "f,someothername,e,d"
    );
    assert_eq!(
        iter_up(&g, "heads", "abranch@base", true, false),
        "c,somelongername,b,a"
    );
    assert_eq!(
        iter_up(&g, "ebranch@head", "base", true, false),
        "f,someothername,e,d"
    );
    assert_eq!(
        iter_up(&g, "abranch@head", "base", true, false),
        "c,somelongername,b,a"
    );
    assert_eq!(iter_up(&g, "heads", "ebranch@head", true, false), "f");
    assert_eq!(
        iter_up(&g, "heads", "ebranch@d", true, false),
        "f,someothername,e,d"
    );
    assert_eq!(
        iter_up(&g, "heads", "e@base", true, false),
        "f,someothername,e,d"
    );
    assert_eq!(
        iter_up(&g, "heads", "c@base", true, false),
        "c,somelongername,b,a"
    );
    assert_eq!(
        iter_up(&g, "heads", "ebranch@-2", true, false),
        "f,someothername,e"
    );
    assert_eq!(iter_up(&g, "ebranch@+2", "base", true, false), "e,d");
}

fn multiple_branch() -> RevisionGraph {
    graph(
        "a; b1<-a; b2<-a; cb1<-b1; cb2<-b2; d1cb1<-cb1; d2cb1<-cb1; d1cb2<-cb2; d2cb2<-cb2; \
         d3cb2<-cb2; d1d2cb2<-d1cb2,d2cb2",
    )
}

#[test]
fn iterate_multiple_branches() {
    let g = multiple_branch();
    assert_eq!(
        iter_up(&g, "d1d2cb2", "a", true, false),
        "d1d2cb2,d1cb2,d2cb2,cb2,b2,a"
    );
    assert_eq!(
        iter_up(&g, "[d2cb2,d3cb2]", "a", true, false),
        "d2cb2,d3cb2,cb2,b2,a"
    );
    assert_eq!(iter_up(&g, "d3cb2", "a", true, false), "d3cb2,cb2,b2,a");
    assert_eq!(iter_up(&g, "d3cb2", "base", true, false), "d3cb2,cb2,b2,a");
    assert_eq!(
        iter_up(&g, "[d3cb2,cb1]", "base", true, false),
        "cb1,b1,d3cb2,cb2,b2,a"
    );
    assert_eq!(
        iter_up(&g, "[d1cb1,d2cb2,d3cb2]", "b2", true, false),
        "d2cb2,d3cb2,cb2,b2"
    );
    assert_eq!(
        iter_up(&g, "b1", "d1cb1", true, false),
        "error: revision d1cb1 is not an ancestor of revision b1"
    );
    assert_eq!(
        iter_up(&g, "d2cb2", "b1", true, false),
        "error: revision b1 is not an ancestor of revision d2cb2"
    );
    assert_eq!(
        iter_up(&g, "[]", "d1cb1", true, false),
        "error: revision d1cb1 is not an ancestor of revision base"
    );
}

#[test]
fn iterate_effective_head_downgrade() {
    let g = graph("y1 @y; x1 @x; y2<-y1 ~x1; x2<-x1");
    assert_eq!(iter_down(&g, "[x2,y2]", "x@-1", false, false), "x2");
    assert_eq!(iter_down(&g, "[x1,y2]", "x@-1", false, false), "y2,x1");
    assert_eq!(iter_down(&g, "[y2]", "x@-1", false, false), "y2,x1");
}

fn travelling() -> RevisionGraph {
    graph(
        "a1; a2<-a1; a3<-a2; b1<-a3; b2<-a3; cb1<-b1; cb2<-b2; db1<-cb1; db2<-cb2; e1b1<-db1; \
         fe1b1<-e1b1; e2b1<-db1; e2b2<-db2; merge<-e2b1,e2b2",
    )
}

#[test]
fn iterate_branch_travelling() {
    let g = travelling();
    assert_eq!(
        iter_up(&g, "merge", "db1", true, true),
        "merge,e2b1,db1,e2b2,db2,cb2,b2"
    );
    assert_eq!(
        iter_up(&g, "[merge,fe1b1]", "a3", true, false),
        "fe1b1,e1b1,merge,e2b1,db1,cb1,b1,e2b2,db2,cb2,b2,a3"
    );
    assert_eq!(
        iter_up(&g, "merge", "a1", true, false),
        "merge,e2b1,db1,cb1,b1,e2b2,db2,cb2,b2,a3,a2,a1"
    );
    assert_eq!(
        iter_up(&g, "merge", "b1", true, false),
        "merge,e2b1,db1,cb1,b1"
    );
    assert_eq!(
        iter_up(&g, "merge", "a2", true, false),
        "merge,e2b1,db1,cb1,b1,e2b2,db2,cb2,b2,a3,a2"
    );
    assert_eq!(
        iter_up(&g, "[merge,fe1b1]", "a1", true, false),
        "fe1b1,e1b1,merge,e2b1,db1,cb1,b1,e2b2,db2,cb2,b2,a3,a2,a1"
    );
    assert_eq!(
        iter_up(&g, "[merge,fe1b1]", "[cb1,cb2]", true, false),
        "fe1b1,e1b1,merge,e2b1,db1,cb1,e2b2,db2,cb2"
    );
    assert_eq!(
        iter_up(&g, "[merge,fe1b1]", "[cb1,cb2]", false, false),
        "fe1b1,e1b1,merge,e2b1,db1,e2b2,db2"
    );
    let e = iter_up(&g, "[db1,b2,fe1b1]", "[]", true, false);
    assert!(
        e.contains("requested revision fe1b1 overlaps with other requested revisions db1"),
        "{e}"
    );
    assert_eq!(
        iter_up(&g, "[e2b1,b2,fe1b1]", "[]", false, false),
        "b2,fe1b1,e1b1,e2b1,db1,cb1,b1,a3,a2,a1"
    );
    assert_eq!(
        iter_up(&g, "[fe1b1]", "base", false, false),
        "fe1b1,e1b1,db1,cb1,b1,a3,a2,a1"
    );
}

#[test]
fn iterate_multiple_bases() {
    let g = graph(
        "base1; base2; base3; a1a<-base1; a1b<-base1; a2<-base2; a3<-base3; b1a<-a1a; b1b<-a1b; \
         b2<-a2; b3<-a3; c2<-b2; d2<-c2; mergeb3d2<-b3,d2",
    );
    let all = "b1a,a1a,b1b,a1b,base1,mergeb3d2,b3,a3,base3,d2,c2,b2,a2,base2";
    assert_eq!(iter_up(&g, "heads", "base", true, false), all);
    assert_eq!(iter_up(&g, "heads", "base", false, false), all);
    assert_eq!(iter_up(&g, "heads", "[]", true, false), all);
    assert!(iter_up(&g, "[c2]", "[a2,b2]", true, false).contains("overlaps with other requested"));
    assert_eq!(
        iter_up(&g, "heads", "[c2]", false, true),
        "b1a,a1a,b1b,a1b,base1,mergeb3d2,b3,a3,base3,d2"
    );
    assert_eq!(iter_up(&g, "heads", "[c2]", false, false), "mergeb3d2,d2");
    assert_eq!(
        iter_up(&g, "heads", "[c2]", true, true),
        "b1a,a1a,b1b,a1b,base1,mergeb3d2,b3,a3,base3,d2,c2"
    );
    assert_eq!(iter_up(&g, "b3", "base3", true, false), "b3,a3,base3");
    assert_eq!(
        iter_up(&g, "[b3,b2]", "base3", false, true),
        "b2,a2,base2,b3,a3"
    );
}

#[test]
fn iterate_cross_dependencies_one() {
    let g = graph(
        "base1 @b_1; a1a<-base1; a1b<-base1; b1a<-a1a; b1b<-a1b ~a3; base2 @b_2; a2<-base2; \
         b2<-a2; c2<-b2 ~a3; d2<-c2; base3 @b_3; a3<-base3; b3<-a3",
    );
    let all = "b1a,a1a,b1b,a1b,base1,d2,c2,b2,a2,base2,b3,a3,base3";
    assert_eq!(iter_up(&g, "heads", "base", true, false), all);
    assert_eq!(iter_down(&g, "heads", "base", true, false), all);
    assert_eq!(
        iter_up(&g, "b2", "d2", true, false),
        "error: revision d2 is not an ancestor of revision b2"
    );
    assert_eq!(
        iter_up(&g, "b3", "d2", true, false),
        "error: revision d2 is not an ancestor of revision b3"
    );
    assert_eq!(
        iter_up(&g, "b_2@head", "base", true, false),
        "d2,c2,b2,a2,base2,a3,base3"
    );
    assert_eq!(
        iter_down(&g, "b_2@head", "b_2@base", true, false),
        "d2,c2,b2,a2,base2"
    );
    assert_eq!(iter_up(&g, "b_3@head", "base", true, false), "b3,a3,base3");
    assert_eq!(
        iter_down(&g, "b_3@head", "base", true, false),
        "b3,a3,base3"
    );
    assert_eq!(
        iter_up(&g, "b1b@head", "base", true, false),
        "b1b,a1b,base1,a3,base3"
    );
    assert_eq!(
        iter_down(&g, "b1b@head", "b1b@base", true, false),
        "b1b,a1b,base1"
    );
    assert_eq!(
        iter_up(&g, "heads", "b_2@base", true, false),
        "d2,c2,b2,a2,base2,a3,base3"
    );
    assert_eq!(
        iter_down(&g, "heads", "b_2@base", true, false),
        "d2,c2,b2,a2,base2"
    );
    assert_eq!(iter_up(&g, "heads", "b_3@base", true, false), "b3,a3,base3");
    assert_eq!(
        iter_down(&g, "heads", "b_3@base", true, false),
        "b1b,d2,c2,b3,a3,base3"
    );
}

#[test]
fn iterate_cross_dependencies_two() {
    let g = graph(
        "base1 @b_1; a1<-base1; b1<-a1; c1<-b1; base2 ~b_1 @b_2; a2<-base2; b2<-a2; c2<-b2; \
         d2<-c2; base3 @b_3; a3<-base3; b3<-a3; c3<-b3 ~b2; d3<-c3",
    );
    assert_eq!(names(&g.heads()), "c1,d2,d3");
    assert_eq!(
        iter_up(&g, "heads", "base", true, false),
        "c1,b1,a1,d2,c2,d3,c3,b3,a3,base3,b2,a2,base2,base1"
    );
    assert_eq!(
        iter_up(&g, "b_2@head", "base", true, false),
        "d2,c2,b2,a2,base2,base1"
    );
    assert_eq!(
        iter_up(&g, "b_3@head", "base", true, false),
        "d3,c3,b3,a3,base3,b2,a2,base2,base1"
    );
    assert_eq!(
        iter_up(&g, "b_1@head", "base", true, false),
        "c1,b1,a1,base1"
    );
    assert_eq!(
        iter_up(&g, "heads", "b_1@base", true, false),
        "c1,b1,a1,base1"
    );
    assert_eq!(
        iter_up(&g, "heads", "b_2@base", true, false),
        "d2,c2,b2,a2,base2,base1"
    );
    assert_eq!(
        iter_up(&g, "heads", "b_3@base", true, false),
        "d3,c3,b3,a3,base3,b2,a2,base2,base1"
    );
}

#[test]
fn iterate_cross_dependencies_three() {
    let g = graph("base1; a1<-base1; b1<-a1; c2 ~a1; c3<-c2");
    assert_eq!(
        iter_up(&g, "heads", "base", true, false),
        "b1,c3,c2,a1,base1"
    );
}

#[test]
fn iterate_normalized_down_revisions() {
    let g = graph("a1; a2<-a1; a3<-a2; b1; b2<-b1 ~a3; b3<-b2; b4<-b3 ~a3; b5<-b4 ~b4");
    assert_eq!(iter_down(&g, "b4", "b1@base", true, false), "b4,b3,b2,b1");
    assert_eq!(
        iter_down(&g, "heads", "base", true, false),
        "b5,b4,b3,b2,b1,a3,a2,a1"
    );
    assert_eq!(
        iter_down(&g, "heads", "a2", true, false),
        "b5,b4,b3,b2,a3,a2"
    );
    assert_eq!(
        iter_down(&g, "heads", "a2", true, true),
        "b5,b4,b3,b2,b1,a3,a2"
    );
    assert_eq!(
        iter_up(&g, "b5", "[b1]", true, true),
        "b5,b4,b3,b2,b1,a3,a2,a1"
    );
    let g = graph("c1; a1; a2<-a1 ~c1; a3<-a2 ~c1; b1; b2<-b1 ~a3; b3<-b2; b4<-b3 ~a3; b5<-b4");
    assert_eq!(
        iter_up(&g, "b5", "[b1]", true, true),
        "b5,b4,b3,b2,b1,a3,a2,a1,c1"
    );
}

// ---------------------------------------------------------------------------------------------
// Upgrade, downgrade and stamp plans (test_version_traversal.py)

fn linear() -> RevisionGraph {
    graph("a; b<-a; c<-b; d<-c; e<-d")
}

#[test]
fn linear_paths() {
    let g = linear();
    assert_eq!(down(&g, "", "base"), "| ");
    assert_eq!(down(&g, "a", "a"), "| a");
    assert_eq!(down(&g, "e", "e"), "| e");
    assert_eq!(up(&g, "c", "e"), "+d:c>d +e:d>e | e");
    assert_eq!(up(&g, "", "c"), "+a:+a +b:a>b +c:b>c | c");
    assert_eq!(up(&g, "", "head"), "+a:+a +b:a>b +c:b>c +d:c>d +e:d>e | e");
    assert_eq!(down(&g, "e", "c"), "-e:e>d -d:d>c | c");
    assert_eq!(down(&g, "c", "base"), "-c:c>b -b:b>a -a:-a | ");
}

#[test]
fn linear_relative_paths() {
    let g = linear();
    assert_eq!(up(&g, "a", "+2"), "+b:a>b +c:b>c | c");
    assert_eq!(up(&g, "a", "+1"), "+b:a>b | b");
    assert_eq!(up(&g, "b", "+3"), "+c:b>c +d:c>d +e:d>e | e");
    assert_eq!(up(&g, "a", "b+2"), "+b:a>b +c:b>c +d:c>d | d");
    assert_eq!(up(&g, "a", "d-2"), "+b:a>b | b");
    assert_eq!(down(&g, "c", "-1"), "-c:c>b | b");
    assert_eq!(down(&g, "e", "-3"), "-e:e>d -d:d>c -c:c>b | b");
    assert_eq!(down(&g, "d", "a+2"), "-d:d>c | c");
    assert_eq!(down(&g, "d", "c-2"), "-d:d>c -c:c>b -b:b>a | a");
    assert_eq!(down(&g, "e", "head-1"), "-e:e>d | d");
}

#[test]
fn linear_errors() {
    let g = linear();
    assert_eq!(
        up_err(&g, "b", "-2"),
        "relative revision -2 didn't produce 2 migrations"
    );
    assert_eq!(
        up_err(&g, "b", "+5"),
        "relative revision +5 didn't produce 5 migrations"
    );
    assert_eq!(
        down_err(&g, "b", "-5"),
        "relative revision -5 didn't produce 5 migrations"
    );
    assert_eq!(
        down_err(&g, "b", "+2"),
        "relative revision +2 didn't produce 2 migrations"
    );
    assert_eq!(
        down_err(&g, "", "b"),
        "destination b is not a valid downgrade target from current head(s)"
    );
    assert_eq!(
        down_err(&g, "b", "c"),
        "destination c is not a valid downgrade target from current head(s)"
    );
    assert_eq!(
        up_err(&g, "zz", "head"),
        "can't locate revision identified by 'zz'"
    );
    assert!(matches!(
        g.upgrade_plan(&ids("b"), "q9q9"),
        Err(GraphError::UnknownRevision { id }) if id == "q9q9"
    ));
}

#[test]
fn upgrade_to_applied_target_is_empty() {
    let g = linear();
    assert_eq!(up(&g, "e", "head"), "| e");
    assert_eq!(up(&g, "e", "c"), "| e");
    assert_eq!(up(&g, "e", "heads"), "| e");
}

#[test]
fn linear_stamp() {
    let g = linear();
    assert_eq!(stamp(&g, "d", "base"), "-d:-d | ");
    assert_eq!(stamp(&g, "", "c"), "+c:+c | c");
    assert_eq!(stamp(&g, "b", "d"), "+d:b>d | d");
    assert_eq!(stamp(&g, "d", "b"), "-b:d>b | b");
    assert_eq!(stamp(&g, "d", "d"), "| d");
    assert_eq!(stamp(&g, "d", ""), "-d:-d | ");
    let purged = g.stamp_plan(&ids("zz"), &["c".to_owned()], true).unwrap();
    assert_eq!(show(&purged), "-zz:-zz +c:+c | c");
}

fn branched() -> RevisionGraph {
    graph("a; b<-a; c1<-b @c1branch; d1<-c1; c2<-b @c2branch; d2<-c2")
}

#[test]
fn branched_stamps() {
    let g = branched();
    assert_eq!(stamp(&g, "d1,c2", "b"), "-b:-d1,c2>b | b");
    assert_eq!(stamp(&g, "d1,c2", "c1branch@base"), "-d1:-d1 | c2");
    assert_eq!(stamp(&g, "d1,c2", "c2branch@head"), "+d2:c2>d2 | d1,d2");
    assert_eq!(stamp(&g, "", "heads"), "+d1:+d1 +d2:+d2 | d1,d2");
    assert_eq!(stamp(&g, "d1", "d1 d2"), "+d2:+d2 | d1,d2");
}

#[test]
fn branched_upgrades() {
    let g = branched();
    assert_eq!(up(&g, "b", "d1"), "+c1:b>c1 +d1:c1>d1 | d1");
    assert_eq!(
        up(&g, "a", "heads"),
        "+b:a>b +c2:b>c2 +d2:c2>d2 +c1:+c1 +d1:c1>d1 | d1,d2"
    );
    assert_eq!(up(&g, "b", "c2branch@head-1"), "+c2:b>c2 | c2");
    assert_eq!(up(&g, "c1", "c2branch@+1"), "+c2:+c2 | c1,c2");
    assert_eq!(up(&g, "c1,c2", "c2branch@+1"), "+d2:c2>d2 | c1,d2");
    assert_eq!(up(&g, "c1,c2", "c2branch@head"), "+d2:c2>d2 | c1,d2");
    assert_eq!(up(&g, "", "base+1"), "+a:+a | a");
    assert_eq!(up(&g, "", "+1"), "+a:+a | a");
    assert_eq!(up(&g, "c1,c2", "c1+1"), "+d1:c1>d1 | c2,d1");
    let e = up_err(&g, "c1,c2", "+1");
    assert!(
        e.starts_with("ambiguous upgrade from multiple current revisions (c1, c2)"),
        "{e}"
    );
    assert!(e.contains("'LABEL@+1'") && e.contains("'c1+1'"), "{e}");
    let e = up_err(&g, "a", "head");
    assert!(
        e.starts_with("multiple head revisions are present for the given argument 'head'"),
        "{e}"
    );
    let e = up_err(&g, "b", "+2");
    assert!(e.starts_with("ambiguous walk up from b"), "{e}");
}

#[test]
fn branched_downgrades() {
    let g = branched();
    assert_eq!(
        down(&g, "d1,d2", "a"),
        "-d1:d1>c1 -c1:-c1 -d2:d2>c2 -c2:c2>b -b:b>a | a"
    );
    assert_eq!(
        down(&g, "d2,d1", "base+2"),
        "-d1:d1>c1 -c1:-c1 -d2:d2>c2 -c2:c2>b | b"
    );
    assert_eq!(
        down(&g, "d2,d1", "c2branch@base+2"),
        "-d2:d2>c2 -c2:-c2 | d1"
    );
    assert_eq!(down(&g, "d2,d1", "c2"), "-d2:d2>c2 | c2,d1");
    assert_eq!(down(&g, "d2,d1", "c2branch@base+3"), "-d2:d2>c2 | c2,d1");
    assert_eq!(down(&g, "d1,d2", "c1branch@-1"), "-d1:d1>c1 | c1,d2");
    assert_eq!(down(&g, "d2,c1", "d2-1"), "-d2:d2>c2 | c1,c2");
    assert_eq!(down(&g, "c1,d2", "d2-1"), "-d2:d2>c2 | c1,c2");
    assert_eq!(down(&g, "c1,d2", "c1branch@b"), "-c1:-c1 | d2");
    assert_eq!(down(&g, "c1,d2", "c2branch@b"), "-d2:d2>c2 -c2:-c2 | c1");
    assert_eq!(down(&g, "d1,d2", "c2@b"), "-d2:d2>c2 -c2:-c2 | d1");
    assert_eq!(down(&g, "d1,d2", "d1@b"), "-d1:d1>c1 -c1:-c1 | d2");
    assert_eq!(down(&g, "d1,d2", "c1branch@head-1"), "-d1:d1>c1 | c1,d2");
    assert_eq!(down(&g, "a", "-1"), "-a:-a | ");
    assert_eq!(down(&g, "d1,c2", "c2"), "| c2,d1");
    assert_eq!(down(&g, "d1,c2", "d1"), "| c2,d1");
    assert_eq!(
        down_err(&g, "", "-1"),
        "relative revision -1 didn't produce 1 migrations"
    );
}

#[test]
fn downgrade_minus_one_from_several_heads_is_refused() {
    // Alembic warns and picks the first row; aludel asks for the branch to be named.
    let g = branched();
    let e = down_err(&g, "d2,d1", "-1");
    assert!(
        e.starts_with("downgrade -1 from several heads (d2, d1) is ambiguous"),
        "{e}"
    );
    assert!(e.contains("'LABEL@-1'") && e.contains("'d2-1'"), "{e}");
    assert_eq!(down(&g, "d2,d1", "d2-1"), "-d2:d2>c2 | c2,d1");
    assert_eq!(down(&g, "d2,d1", "c2branch@-1"), "-d2:d2>c2 | c2,d1");
    // The same row twice is one head, as in Alembic.
    assert_eq!(down(&g, "c1,c1", "-1"), "-c1:c1>b | b");
}

#[test]
fn branch_from_mergepoint() {
    let g = graph("a1; b1<-a1; c1<-b1; a2; b2<-a2; c2<-b2; d1<-c1,c2; d2<-c2");
    assert_eq!(up(&g, "d2,b1", "d1"), "+c1:b1>c1 +d1:c1>d1 | d1,d2");
    assert_eq!(down(&g, "d2,d1", "b1"), "-d1:d1>c1 -c1:c1>b1 | b1,d2");
}

#[test]
fn branch_from_three_way_mergepoint() {
    let g = graph(
        "a1; b1<-a1; c1<-b1; a2; b2<-a2; c2<-b2; a3; b3<-a3; c3<-b3; d1<-c1,c2,c3; d2<-c2; \
         d3<-c3",
    );
    assert_eq!(up(&g, "d3,d2,b1", "d1"), "+c1:b1>c1 +d1:c1>d1 | d1,d2,d3");
    assert_eq!(down(&g, "d3,d2,d1", "b1"), "-d1:d1>c1 -c1:c1>b1 | b1,d2,d3");
    assert_eq!(
        up(&g, "d3,b2,b1", "d1"),
        "+c2:b2>c2 +c1:b1>c1 +d1:-c2,c1>d1 | d1,d3"
    );
    assert_eq!(up(&g, "d3,d1", "d2"), "+d2:+d2 | d1,d2,d3");
}

#[test]
fn twin_merge() {
    let g = graph("a; b1<-a; b2<-a; b3<-a; c1<-b1,b2,b3; c2<-b1,b2,b3; d1<-c1; d2<-c2");
    assert_eq!(
        up(&g, "a", "heads"),
        "+b3:a>b3 +b2:+b2 +b1:+b1 +c2:-b2,-b3,b1>c2 +d2:c2>d2 +c1:+c1 +d1:c1>d1 | d1,d2"
    );
    assert_eq!(
        down(&g, "d1,d2", "a"),
        "-d1:d1>c1 -c1:-c1 -d2:d2>c2 -c2:+b2,+b3,c2>b1 -b1:-b1 -b2:-b2 -b3:b3>a | a"
    );
}

#[test]
fn not_quite_twin_merge() {
    let g = graph("a; b1<-a; b2<-a; b3<-a; c1<-b1,b2; c2<-b2,b3; d1<-c1; d2<-c2");
    assert_eq!(
        up(&g, "a", "d2"),
        "+b3:a>b3 +b2:+b2 +c2:-b3,b2>c2 +d2:c2>d2 | d2"
    );
    assert_eq!(up(&g, "d2", "d1"), "+b1:+b1 +c1:b1>c1 +d1:c1>d1 | d1,d2");
}

#[test]
fn depends_on_branch_one() {
    let g = graph("a1 @lib1; b1<-a1; c1<-b1; a2; b2<-a2; c2<-b2 ~c1; d1<-c1; e1<-d1; f1<-e1");
    assert_eq!(down(&g, "c2,d1", "c1"), "-d1:-d1 | c2");
    assert_eq!(stamp(&g, "e1,c2", "b1"), "-b1:-e1,c2>b1 | b1");
}

#[test]
fn depends_on_branch_two() {
    let g = graph(
        "a1; a2; a3; amerge<-a1,a2,a3; b1; b2; bmerge<-b1,b2; c1; c2; c3; cmerge<-c1,c2,c3; \
         d1 ~a3 ~b2 ~c1",
    );
    assert_eq!(
        down(&g, "amerge,bmerge,cmerge,d1", "b2"),
        "-bmerge:bmerge>b1 | amerge,b1,cmerge,d1"
    );
    assert_eq!(
        down(&g, "amerge,d1,b1,cmerge", "d1@base"),
        "-d1:d1>b2 | amerge,b1,b2,cmerge"
    );
    assert_eq!(
        down(&g, "amerge,b1,b2,cmerge", "base"),
        "-amerge:+a2,+a3,amerge>a1 -a1:-a1 -b1:-b1 -b2:-b2 -cmerge:+c2,+c3,cmerge>c1 -c1:-c1 \
         -a2:-a2 -a3:-a3 -c2:-c2 -c3:-c3 | "
    );
}

#[test]
fn depends_on_branch_three_crisscross() {
    let g = graph("a1; a2<-a1; b1; b2<-b1 ~a2; b3<-b2; a3<-a2 ~b1");
    assert_eq!(down(&g, "a3,b2", "b1"), "-b2:-b2 | a3");
}

#[test]
fn depends_on_own_down_revision() {
    let g = graph("a1; a2<-a1 ~a1");
    assert_eq!(up(&g, "", "a2"), "+a1:+a1 +a2:a1>a2 | a2");
    assert_eq!(down(&g, "a2", "a1"), "-a2:a2>a1 | a1");
}

#[test]
fn depends_on_branch_four_normalized() {
    let g = graph("a1; a2<-a1; a3<-a2; b1; b2<-b1 ~a3; b3<-b2; b4<-b3 ~a3");
    assert_eq!(down(&g, "b4", "b3"), "-b4:b4>b3 | b3");
}

#[test]
fn depends_on_branch_five() {
    let g = graph("a1; b1 ~a1; bmerge<-a1,b1");
    assert_eq!(up(&g, "a1", "b1"), "+b1:a1>b1 | b1");
    assert_eq!(up(&g, "b1", "bmerge"), "+bmerge:b1>bmerge | bmerge");
    assert_eq!(down(&g, "bmerge", "a1"), "-bmerge:bmerge>b1 | b1");
    assert_eq!(down(&g, "bmerge", "b1"), "-bmerge:bmerge>b1 | b1");
}

#[test]
fn depends_on_branch_label() {
    let g =
        graph("a1 @lib1; b1<-a1; c1<-b1 @c1lib; a2; b2<-a2; c2<-b2 ~c1lib; d1<-c1; e1<-d1; f1<-e1");
    assert_eq!(
        up(&g, "a2", "c2"),
        "+a1:+a1 +b1:a1>b1 +c1:b1>c1 +b2:a2>b2 +c2:-c1,b2>c2 | c2"
    );
    assert_eq!(
        up(&g, "", "lib1@head"),
        "+a1:+a1 +b1:a1>b1 +c1:b1>c1 +d1:c1>d1 +e1:d1>e1 +f1:e1>f1 | f1"
    );
}

#[test]
fn forest() {
    let g = graph("a1; b1<-a1; a2; b2<-a2");
    assert_eq!(
        up(&g, "", "heads"),
        "+a2:+a2 +b2:a2>b2 +a1:+a1 +b1:a1>b1 | b1,b2"
    );
    assert_eq!(stamp(&g, "", "heads"), "+b1:+b1 +b2:+b2 | b1,b2");
    assert_eq!(stamp(&g, "b1,b2", "heads"), "| b1,b2");
    assert_eq!(
        down(&g, "b1,b2", "base"),
        "-b1:b1>a1 -a1:-a1 -b2:b2>a2 -a2:-a2 | "
    );
    assert_eq!(stamp(&g, "b1,b2", "base"), "-b1:-b1 -b2:-b2 | ");
}

fn merged() -> RevisionGraph {
    graph("a; b<-a; c1<-b; d1<-c1; c2<-b @c2branch; d2<-c2; e<-d1,d2; f<-e")
}

#[test]
fn merged_path_stamps() {
    let g = merged();
    assert_eq!(stamp(&g, "e", "c2"), "-c2:e>c2 | c2");
    assert_eq!(stamp(&g, "e", "a"), "-a:e>a | a");
    assert_eq!(stamp(&g, "c2", "e"), "+e:c2>e | e");
    assert_eq!(stamp(&g, "d1,c2", "c2branch@head"), "+f:-d1,c2>f | f");
    assert_eq!(stamp(&g, "d1,c2", "e"), "+e:-d1,c2>e | e");
    assert_eq!(stamp(&g, "b", "e"), "+e:b>e | e");
}

#[test]
fn merged_path_traversal() {
    let g = merged();
    assert_eq!(
        up(&g, "b", "f"),
        "+c2:b>c2 +d2:c2>d2 +c1:+c1 +d1:c1>d1 +e:-d2,d1>e +f:e>f | f"
    );
    assert_eq!(
        down(&g, "f", "b"),
        "-f:f>e -e:+d2,e>d1 -d1:d1>c1 -c1:-c1 -d2:d2>c2 -c2:c2>b | b"
    );
}

#[test]
fn branched_cross_dependencies() {
    let g = graph("a; b<-a; c1<-b @c1branch; d1<-c1; c2<-b @c2branch; d2<-c2 ~c1");
    assert_eq!(down(&g, "d1,d2", "c2branch@b"), "-d2:d2>c2 -c2:-c2 | d1");
    assert_eq!(
        down(&g, "d1,d2", "c1branch@b"),
        "-d1:-d1 -d2:+c1,d2>c2 -c1:-c1 | c2"
    );
}

#[test]
fn labels_at_base_and_relative() {
    let g = branched();
    // As in Alembic, `LABEL@base` narrows the roots only when there are several bases; with
    // one root shared by both branches it takes everything down.
    assert_eq!(
        down(&g, "d1,d2", "c1branch@base"),
        "-d1:d1>c1 -c1:-c1 -d2:d2>c2 -c2:c2>b -b:b>a -a:-a | "
    );
    let g2 = graph("x1 @xs; x2<-x1; y1 @ys; y2<-y1");
    assert_eq!(down(&g2, "x2,y2", "ys@base"), "-y2:y2>y1 -y1:-y1 | x2");
    assert_eq!(up(&g, "b", "c1branch@+2"), "+c1:b>c1 +d1:c1>d1 | d1");
    assert_eq!(up(&g, "d1,c2", "c2branch@+1"), "+d2:c2>d2 | d1,d2");
    let e = down_err(&g, "d1,d2", "nolabel@-1");
    assert_eq!(e, "can't locate revision identified by 'nolabel'");
}

// ---------------------------------------------------------------------------------------------
// history -r

#[test]
fn history_ranges() {
    let g = linear();
    assert_eq!(history(&g, ":", ""), "e,d,c,b,a");
    assert_eq!(history(&g, "base:head", ""), "e,d,c,b,a");
    assert_eq!(history(&g, ":head", ""), "e,d,c,b,a");
    assert_eq!(history(&g, "c:", ""), "e,d,c");
    assert_eq!(history(&g, "b:d", ""), "d,c,b");
    assert_eq!(history(&g, ":c", ""), "c,b,a");
    assert_eq!(history(&g, "current:", "c"), "e,d,c");
    assert_eq!(history(&g, ":current", "c"), "c,b,a");
    // Alembic resolves a bare `-3` against the graph's heads first (e-3 = b), and only when
    // that walks off the graph against the current heads.
    assert_eq!(history(&g, "-3:current", "d"), "d,c,b");
    assert_eq!(history(&g, "-4:current", "d"), "d,c,b,a");
    assert!(history(&g, "-5:current", "d").starts_with("error: requested range -5:d"));
    // Past the graph's edge, `-6` counts from the current heads and, as `history` does not
    // insist on the length of relative moves, stops at base.
    assert_eq!(history(&g, "-6:current", "d"), "d,c,b,a");
    assert_eq!(history(&g, "-1:", ""), "e,d");
    assert_eq!(history(&g, "b:+2", ""), "d,c,b");
    // With an empty version table, `current` falls back to the open end, as in Alembic.
    assert_eq!(history(&g, "current:", ""), "e,d,c,b,a");
    assert_eq!(
        history(&g, "d:b", ""),
        "error: requested range d:b does not refer to ancestor/descendant revisions along the \
         same branch"
    );
    let g = branched();
    assert_eq!(history(&g, "c1branch@base:c1branch@head", ""), "d1,c1,b,a");
    assert_eq!(history(&g, "b:", ""), "d1,c1,d2,c2,b");
    assert!(history(&g, "d1:d2", "").starts_with("error: requested range d1:d2"));
}

// ---------------------------------------------------------------------------------------------
// Size

#[test]
fn ten_thousand_linear_revisions_plan() {
    let n = 10_000;
    let revisions: Vec<Revision> = (0..n)
        .map(|i| Revision {
            id: RevisionId::new(format!("r{i:05}")).unwrap(),
            down_revisions: if i == 0 {
                Vec::new()
            } else {
                vec![RevisionId::new(format!("r{:05}", i - 1)).unwrap()]
            },
            branch_labels: if i == 0 {
                vec!["main".to_owned()]
            } else {
                Vec::new()
            },
            depends_on: Vec::new(),
        })
        .collect();
    let g = RevisionGraph::new(revisions).unwrap();
    assert_eq!(g.revisions().len(), n);
    assert_eq!(g.revisions()[0].id.as_str(), "r09999");
    let plan = g.upgrade_plan(&[], "head").unwrap();
    assert_eq!(plan.steps.len(), n);
    assert_eq!(
        plan.steps[0].version_ops,
        vec![VersionOp::Insert(RevisionId::new("r00000").unwrap())]
    );
    assert_eq!(names(&plan.heads_after), "r09999");
    let plan = g.downgrade_plan(&ids("r09999"), "base").unwrap();
    assert_eq!(plan.steps.len(), n);
    assert!(plan.heads_after.is_empty());
    let plan = g.upgrade_plan(&ids("r05000"), "main@head").unwrap();
    assert_eq!(plan.steps.len(), n - 5001);
    assert_eq!(
        g.history_range(Some("r09990"), None, &[]).unwrap().len(),
        10
    );
}
