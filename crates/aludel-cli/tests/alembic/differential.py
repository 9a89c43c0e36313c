#!/usr/bin/env python3
"""Differential test: aludel against Alembic itself on seeded random revision graphs.

For each seed a random revision graph (branch points, merges of 2-3 parents, several roots,
branch labels, depends_on across branches, ids sharing prefixes) is written twice: as an
Alembic project (Python revision files) and as an aludel project (SQL files). Each upgrade
creates a marker table `m_<rev>`, each downgrade drops it (IF [NOT] EXISTS, so a stamp that
moved the version table without running them does not turn later runs into SQL errors). The same random command sequence
runs on both: upgrade/downgrade to every target form, stamp (one and several revisions,
--purge), merge, revision --head/--splice/--branch-label/--depends-on, current/heads/branches/
history with -v, -i and -r ranges, show. After every step it compares success or failure, the
version-table rows, the marker tables and the text of the read commands (lists Alembic prints
in set order are compared as sets).

Alembic runs in this process (one import, a fresh SQLite file per graph); aludel through its
binary. Prints a JSON summary on stdout; exits 1 on any disagreement or aludel panic.

    differential.py --aludel target/debug/aludel --seeds 0-40 [--work DIR] [--verbose]

Seed 0 is the shape of Alembic's branching documentation; the others are random.
"""

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from alembic import command
from alembic.config import Config
from alembic.util import CommandError

ENV_PY = '''
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config

def run_migrations_online():
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()

run_migrations_online()
'''

PY_REVISION = '''"""{message}

Revision ID: {rev}
Revises: {revises}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {deps!r}


def upgrade():
    op.execute("CREATE TABLE IF NOT EXISTS m_{rev} (x INTEGER)")


def downgrade():
    op.execute("DROP TABLE IF EXISTS m_{rev}")
'''

SQL_REVISION = '''-- message = "{message}"
-- revision = "{rev}"
-- down_revision = {down}
-- branch_labels = {labels}
-- depends_on = {deps}
-- create_date = "2026-01-01 00:00:00"

-- migrate:upgrade
CREATE TABLE IF NOT EXISTS m_{rev} (x INTEGER);

-- migrate:downgrade
DROP TABLE IF EXISTS m_{rev};
'''


def toml_list(items):
    return "[" + ", ".join('"%s"' % i for i in items) + "]"


class Graph:
    """A random revision graph: revisions in creation order, each (id, parents, labels, deps)."""

    # Seed 0: the shape of Alembic's branching documentation ("Working with Branches",
    # "Working with Multiple Bases"): a branch point, a labelled branch, a merge, and a second
    # base whose branch depends on the merge.
    DOCUMENTED = [
        ("1975ea83b712", [], [], []),
        ("ae1027a6acf", ["1975ea83b712"], [], []),
        ("27c6a30d7c24", ["1975ea83b712"], ["shoppingcart"], []),
        ("d747a8a8879", ["27c6a30d7c24"], [], []),
        ("55af2cb1c267", ["ae1027a6acf", "d747a8a8879"], [], []),
        ("3cac04ae8714", [], ["networking"], []),
        ("109ec7d132bf", ["3cac04ae8714"], [], []),
        ("29f859a13ea", ["109ec7d132bf"], [], ["55af2cb1c267"]),
        ("2a95102259be", ["3cac04ae8714"], [], ["ae1027a6acf"]),
    ]

    def __init__(self, rng, documented=False):
        self.rng = rng
        self.revs = []
        self.used_ids = set()
        self.labels = []
        prefixes = ["".join(rng.choice("0123456789abcdef") for _ in range(3)) for _ in range(3)]
        self.prefixes = prefixes
        if documented:
            self.prefixes = ["1", "2", "27c", "3"]
            for rid, parents, labels, deps in self.DOCUMENTED:
                self.used_ids.add(rid)
                self.add(rid, parents, labels, deps)
            return
        n = rng.randint(20, 60)
        roots = rng.randint(1, 3)
        for i in range(n):
            if i < roots:
                parents = []
            else:
                heads = self.heads()
                roll = rng.random()
                if roll < 0.15 and len(heads) >= 2:
                    parents = rng.sample(heads, min(len(heads), rng.choice([2, 2, 3])))
                elif roll < 0.35:
                    parents = [rng.choice(self.ids())]  # a branch point (or a head)
                else:
                    parents = [rng.choice(heads)]
            labels = []
            if (not parents or rng.random() < 0.08) and rng.random() < 0.6:
                labels = ["lbl%d" % len(self.labels)]
            deps = []
            if i >= roots and rng.random() < 0.12:
                deps = [rng.choice(self.ids())]
                if deps[0] in parents:
                    deps = []
            self.add(self.new_id(), parents, labels, deps)

    def new_id(self):
        while True:
            rid = self.rng.choice(self.prefixes) if self.rng.random() < 0.5 else ""
            rid += "".join(self.rng.choice("0123456789abcdef") for _ in range(12 - len(rid)))
            if rid not in self.used_ids:
                self.used_ids.add(rid)
                return rid

    def add(self, rid, parents, labels, deps):
        # A label may only be declared where Alembic accepts it: not inherited from elsewhere.
        self.revs.append((rid, parents, labels, deps))
        self.labels.extend(labels)

    def ids(self):
        return [r[0] for r in self.revs]

    def heads(self):
        parents = {p for r in self.revs for p in r[1]}
        return [r[0] for r in self.revs if r[0] not in parents]


def write_projects(graph, root):
    alembic_dir = os.path.join(root, "alembic_project")
    aludel_dir = os.path.join(root, "aludel_project")
    os.makedirs(alembic_dir)
    os.makedirs(aludel_dir)
    ini = os.path.join(alembic_dir, "alembic.ini")
    cfg = Config(ini)
    with contextlib.redirect_stdout(io.StringIO()):
        command.init(cfg, os.path.join(alembic_dir, "migrations"))
    with open(os.path.join(alembic_dir, "migrations", "env.py"), "w") as f:
        f.write(ENV_PY)
    with open(ini, "w") as f:
        f.write(
            "[alembic]\nscript_location = %s\nsqlalchemy.url = sqlite:///%s\n"
            % (os.path.join(alembic_dir, "migrations"), os.path.join(alembic_dir, "db.sqlite"))
        )
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        subprocess.run(
            [ALUDEL, "init", "migrations"], cwd=aludel_dir, check=True, capture_output=True
        )
    with open(os.path.join(aludel_dir, "aludel.toml"), "w") as f:
        f.write(
            '[aludel]\nscript_location = "migrations"\nurl = "sqlite:///db.sqlite"\n'
            'models = []\n'
        )
    for rid, parents, labels, deps in graph.revs:
        if not parents:
            down = None
        elif len(parents) == 1:
            down = parents[0]
        else:
            down = tuple(parents)
        message = "rev %s" % rid
        revises = ", ".join(parents)
        with open(os.path.join(alembic_dir, "migrations", "versions", rid + ".py"), "w") as f:
            f.write(
                PY_REVISION.format(
                    message=message,
                    rev=rid,
                    revises=revises,
                    down=down,
                    labels=tuple(labels) if labels else None,
                    deps=tuple(deps) if deps else None,
                )
            )
        with open(os.path.join(aludel_dir, "migrations", "versions", rid + ".sql"), "w") as f:
            f.write(
                SQL_REVISION.format(
                    message=message,
                    rev=rid,
                    down=toml_list(parents),
                    labels=toml_list(labels),
                    deps=toml_list(deps),
                )
            )
    return ini, aludel_dir


# ---------------------------------------------------------------------------------------------
# Running one command on each side


def run_alembic(ini, name, args, kwargs):
    out = io.StringIO()
    cfg = Config(ini, stdout=out)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            getattr(command, name)(cfg, *args, **kwargs)
        return "ok", out.getvalue()
    except CommandError as e:
        return "fail", str(e)
    except Exception as e:  # Alembic itself crashed: aludel may refuse or succeed
        return "crash", "%s: %s" % (type(e).__name__, e)


def run_aludel(project, argv):
    p = subprocess.run(
        [ALUDEL] + argv, cwd=project, capture_output=True, text=True, timeout=60
    )
    panicked = p.returncode == 101 or "panicked" in p.stderr
    status = "ok" if p.returncode == 0 else "fail"
    return status, p.stdout, p.stderr, panicked


# ---------------------------------------------------------------------------------------------
# Normalising output

PAREN_LIST = re.compile(r"\(([^()]*,[^()]*)\)")


def sort_paren_lists(line):
    """Labels in `(a, b)` are a set in Alembic: sort them."""
    return PAREN_LIST.sub(lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", line)


def norm_line(line):
    if line.startswith("Path: "):
        return "Path: <path>"
    for key in ("Branches into: ", "Branch names: "):
        if line.startswith(key):
            return key + ", ".join(sorted(line[len(key):].split(", ")))
    if line.strip().startswith("Create Date:"):
        return "    Create Date: <date>"
    if line.startswith("Current revision(s) for "):
        return "Current revision(s) for <url>:"
    return sort_paren_lists(line.rstrip())


def blocks(text):
    """Verbose entries, each starting at `Rev: `, as a sorted list (set order in Alembic)."""
    out, cur = [], []
    for line in text.splitlines():
        if line.startswith("Rev: ") and cur:
            out.append("\n".join(cur).strip())
            cur = []
        cur.append(norm_line(line))
    if cur:
        out.append("\n".join(cur).strip())
    return out


def normalise(kind, text, verbose):
    lines = [norm_line(l) for l in text.splitlines()]
    if kind == "ordered":
        if verbose:
            return blocks(text)
        return [l for l in lines]
    if kind == "set":
        if verbose:
            first = [l for l in lines[:1] if l.startswith("Current revision(s)")]
            rest = text.split("\n", 1)[1] if first else text
            return first + sorted(blocks(rest))
        return sorted(l for l in lines if l)
    if kind == "branches":
        return sorted(l.strip() for l in lines if l.strip())
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# State


def alembic_state(ini):
    db = os.path.join(os.path.dirname(ini), "db.sqlite")
    return db_state(db, "alembic_version")


def aludel_state(project):
    return db_state(os.path.join(project, "db.sqlite"), "aludel_version")


def db_state(path, table):
    if not os.path.exists(path):
        return [], []
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = []
        if table in tables:
            rows = sorted(r[0] for r in con.execute("SELECT version_num FROM %s" % table))
        markers = sorted(t for t in tables if t.startswith("m_"))
        return rows, markers
    finally:
        con.close()


def resync(project, rows, markers):
    """Copy Alembic's state into aludel's database after a step Alembic could not settle."""
    con = sqlite3.connect(os.path.join(project, "db.sqlite"))
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS aludel_version (version_num VARCHAR(255) NOT NULL PRIMARY KEY)"
        )
        con.execute("DELETE FROM aludel_version")
        for r in rows:
            con.execute("INSERT INTO aludel_version VALUES (?)", (r,))
        have = {
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0].startswith("m_")
        }
        for t in have - set(markers):
            con.execute("DROP TABLE %s" % t)
        for t in set(markers) - have:
            con.execute("CREATE TABLE %s (x INTEGER)" % t)
        con.commit()
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Commands


def target_pool(graph, rng):
    ids = graph.ids()
    rev = rng.choice(ids)
    label = rng.choice(graph.labels) if graph.labels else None
    prefix = rng.choice(graph.prefixes)
    pool = ["head", "heads", "base", rev, rev[:6], prefix, "+1", "+2", "-1", "-2",
            rev + "+1", rev + "-1", rev + "+2"]
    if label:
        pool += [label + "@head", label + "@base", label + "@+1", label + "@-1", label,
                 label + "@" + rev[:8]]
    return pool


def random_command(graph, rng, counter):
    """One command as (description, alembic (name, args, kwargs), aludel argv, output kind)."""
    ids = graph.ids()
    t = rng.choice(target_pool(graph, rng))
    roll = rng.random()
    if roll < 0.22:
        return ("upgrade " + t, ("upgrade", [t], {}), ["upgrade", t], None)
    if roll < 0.40:
        return ("downgrade " + t, ("downgrade", [t], {}), ["downgrade", t], None)
    if roll < 0.50:
        n = rng.choice([1, 1, 2])
        revs = [rng.choice(target_pool(graph, rng)) for _ in range(n)]
        purge = rng.random() < 0.4
        argv = ["stamp"] + revs + (["--purge"] if purge else [])
        return ("stamp " + " ".join(revs) + (" --purge" if purge else ""),
                ("stamp", [revs], {"purge": purge}), argv, None)
    if roll < 0.54:
        heads = graph.heads()
        rid = "mrg%09d" % counter
        if len(heads) < 2:
            return None
        revs = rng.sample(heads, 2) if rng.random() < 0.5 else ["heads"]
        cmd = ("merge " + " ".join(revs), ("merge", [revs], {"message": "merge", "rev_id": rid}),
               ["merge"] + revs + ["-m", "merge", "--rev-id", rid], "revision")
        return cmd + (("merge", rid, revs),)
    if roll < 0.58:
        rid = "new%09d" % counter
        head = rng.choice(["head", rng.choice(graph.heads()), rng.choice(ids), "base"])
        splice = rng.random() < 0.5
        labels = ["nl%d" % counter] if rng.random() < 0.4 else []
        deps = [rng.choice(ids)] if rng.random() < 0.3 else []
        kw = {"message": "new", "rev_id": rid, "head": head, "splice": splice,
              "branch_label": labels or None, "depends_on": deps or None}
        argv = ["revision", "-m", "new", "--rev-id", rid, "--head", head]
        argv += ["--splice"] if splice else []
        for l in labels:
            argv += ["--branch-label", l]
        for d in deps:
            argv += ["--depends-on", d]
        desc = "revision --head %s%s%s%s" % (head, " --splice" if splice else "",
                                             "".join(" --branch-label " + l for l in labels),
                                             "".join(" --depends-on " + d for d in deps))
        return (desc, ("revision", [], kw), argv, "revision", ("revision", rid, head, labels, deps))
    verbose = rng.random() < 0.3
    v = ["-v"] if verbose else []
    reads = [
        ("current", ("current", [], {"verbose": verbose}), ["current"] + v, "set"),
        ("heads", ("heads", [], {"verbose": verbose}), ["heads"] + v, "set"),
        ("heads --resolve-dependencies",
         ("heads", [], {"verbose": verbose, "resolve_dependencies": True}),
         ["heads", "--resolve-dependencies"] + v, "set"),
        ("branches", ("branches", [], {"verbose": verbose}), ["branches"] + v, "branches"),
        ("history", ("history", [], {"verbose": verbose}), ["history"] + v, "ordered"),
        ("history -i", ("history", [], {"verbose": verbose, "indicate_current": True}),
         ["history", "-i"] + v, "ordered"),
        ("show " + t, ("show", [t], {}), ["show", t], "set"),
    ]
    for r in ["base:" + t, t + ":heads", t + ":", ":" + t, "-2:current", "current:", t + ":current"]:
        reads.append(("history -r " + r, ("history", [], {"rev_range": r, "verbose": verbose}),
                      ["history", "-r", r] + v, "ordered"))
    desc, al, argv, kind = rng.choice(reads)
    return (desc + (" -v" if verbose and "-v" in argv else ""), al, argv, kind, verbose)


def sync_new_revision(graph, extra, alembic_dir, aludel_dir):
    """Keep the graph model (for later targets) in step with a revision both sides wrote."""
    kind, rid = extra[0], extra[1]
    if kind == "merge":
        graph.used_ids.add(rid)
        graph.revs.append((rid, [], [], []))
    else:
        graph.used_ids.add(rid)
        graph.revs.append((rid, [], extra[3], extra[4]))
        graph.labels.extend(extra[3])


def refresh_heads(graph, aludel_dir):
    out = subprocess.run([ALUDEL, "heads", "--json"], cwd=aludel_dir, capture_output=True,
                         text=True)
    try:
        heads = [h["revision"] for h in json.loads(out.stdout)["heads"]]
    except Exception:
        return
    graph.heads = lambda: heads


def run_graph(seed, work, steps, verbose):
    rng = random.Random(seed)
    graph = Graph(rng, documented=seed == 0)
    root = os.path.join(work, "seed%d" % seed)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    ini, aludel_dir = write_projects(graph, root)
    alembic_dir = os.path.dirname(ini)
    result = {"seed": seed, "revisions": len(graph.revs), "commands": 0, "disagreements": [],
              "alembic_crashes": 0, "alembic_partial_failures": 0, "reads_compared": 0, "failures_agreed": 0, "documented_refusals": 0, "panics": []}
    counter = 0
    # The documented graph is small and hand-made: give it a longer walk.
    for step in range(steps * 4 if seed == 0 else steps):
        counter += 1
        cmd = random_command(graph, rng, counter)
        if cmd is None:
            continue
        desc, (name, args, kwargs), argv, kind = cmd[:4]
        a_before = alembic_state(ini)
        l_before = aludel_state(aludel_dir)
        a_status, a_out = run_alembic(ini, name, args, kwargs)
        l_status, l_out, l_err, panicked = run_aludel(aludel_dir, argv)
        result["commands"] += 1
        if panicked:
            result["panics"].append({"step": step, "command": desc, "stderr": l_err[-2000:]})
        a_state = alembic_state(ini)
        l_state = aludel_state(aludel_dir)
        problem = None
        if a_status == "crash":
            result["alembic_crashes"] += 1
            result.setdefault("crash_samples", []).append(desc + " -> " + a_out[:200])
            if a_state != l_state:
                resync(aludel_dir, *a_state)
            if kind == "revision":
                # Keep both script folders equal: drop what only one side wrote.
                rid = cmd[4][1]
                for d, ext in ((os.path.join(alembic_dir, "migrations", "versions"), ".py"),
                               (os.path.join(aludel_dir, "migrations", "versions"), ".sql")):
                    for f in os.listdir(d):
                        if rid in f:
                            os.remove(os.path.join(d, f))
            continue
        if a_status == l_status == "fail" and a_state != a_before and l_state == l_before:
            # Alembic failed half-way (SQLite DDL is not transactional there: a `stamp --purge`
            # to an unknown revision empties the table, then fails); aludel left everything
            # as it was, which is what a failure should do.
            result["alembic_partial_failures"] += 1
            result.setdefault("crash_samples", []).append("half-way: " + desc + " -> " + a_out[:160])
            resync(aludel_dir, *a_state)
            continue
        if a_status != l_status:
            if (a_status == "ok" and "is ambiguous; name the branch" in l_err):
                result["documented_refusals"] += 1
                resync(aludel_dir, *a_state)
                continue
            problem = "alembic %s, aludel %s" % (a_status, l_status)
        elif a_state != l_state:
            problem = "state differs: alembic %s, aludel %s" % (a_state, l_state)
        elif a_status == "ok" and kind in ("set", "ordered", "branches"):
            result["reads_compared"] += 1
            verbose_out = cmd[4] if len(cmd) > 4 else False
            na = normalise(kind, a_out, verbose_out)
            nl = normalise(kind, l_out, verbose_out)
            if na != nl:
                problem = "output differs"
        if not problem and a_status == "fail":
            result["failures_agreed"] += 1
        if problem:
            result["disagreements"].append({
                "step": step, "command": desc, "problem": problem,
                "alembic": a_out[-1500:], "aludel": (l_out + l_err)[-1500:],
            })
            if a_state != l_state:
                resync(aludel_dir, *a_state)
            if kind == "revision" and a_status != l_status:
                rid = cmd[4][1]
                for d in (os.path.join(alembic_dir, "migrations", "versions"),
                          os.path.join(aludel_dir, "migrations", "versions")):
                    for f in os.listdir(d):
                        if rid in f:
                            os.remove(os.path.join(d, f))
                continue
        if kind == "revision" and a_status == "ok":
            sync_new_revision(graph, cmd[4], alembic_dir, aludel_dir)
            refresh_heads(graph, aludel_dir)
    if not verbose and not result["disagreements"] and not result["panics"]:
        shutil.rmtree(root, ignore_errors=True)
    return result


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds.extend(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def main():
    global ALUDEL
    ap = argparse.ArgumentParser()
    ap.add_argument("--aludel", required=True)
    ap.add_argument("--seeds", default="0-40")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--work", default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    ALUDEL = os.path.abspath(args.aludel)
    global VERBOSE
    VERBOSE = args.verbose
    work = args.work or tempfile.mkdtemp(prefix="aludel-differential-")
    results = [run_graph(s, work, args.steps, args.verbose) for s in parse_seeds(args.seeds)]
    summary = {
        "graphs": len(results),
        "revisions": sum(r["revisions"] for r in results),
        "commands": sum(r["commands"] for r in results),
        "reads_compared": sum(r["reads_compared"] for r in results),
        "failures_agreed": sum(r["failures_agreed"] for r in results),
        "disagreements": sum(len(r["disagreements"]) for r in results),
        "panics": sum(len(r["panics"]) for r in results),
        "alembic_crashes": sum(r["alembic_crashes"] for r in results),
        "documented_refusals": sum(r["documented_refusals"] for r in results),
        "alembic_partial_failures": sum(r["alembic_partial_failures"] for r in results),
        "graphs_with_disagreements": [r["seed"] for r in results if r["disagreements"]],
        "crash_samples": sorted({c for r in results for c in r.get("crash_samples", [])})[:40]
        if VERBOSE else [],
        "details": [
            {"seed": r["seed"], "disagreements": r["disagreements"], "panics": r["panics"]}
            for r in results if r["disagreements"] or r["panics"]
        ],
        "work": work,
    }
    print(json.dumps(summary, indent=1))
    if not args.work and not summary["details"]:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if summary["disagreements"] or summary["panics"] else 0)


ALUDEL = None
VERBOSE = False

if __name__ == "__main__":
    main()
