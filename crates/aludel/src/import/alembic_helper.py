"""aludel import alembic: reads an Alembic project and renders each revision offline.

Run by aludel in the project's own Python: ``python -c <this> INI [DIALECT]``. Prints one
JSON document on stdout (whatever env.py or the revisions print goes to stderr): the project's URL and version table, and per revision its metadata
(from Alembic's ScriptDirectory), its file, and the SQL Alembic prints for its upgrade and
downgrade in offline mode (``--sql``), each rendered from exactly the revision's parents to
the revision and back, so the SQL of one revision holds no other's.
"""
import io
import json
import re
import sys
import traceback

from alembic.config import Config
from alembic.util import CommandError
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory

ini = sys.argv[1]
dialect = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
report_to, sys.stdout = sys.stdout, sys.stderr

seen = {}
original_configure = EnvironmentContext.configure


def configure(self, *args, **kwargs):
    # What env.py asks for is recorded (URL, version table); a chosen dialect replaces the
    # URL, as `alembic --sql` with another sqlalchemy.url would render for it.
    seen.setdefault("url", str(kwargs.get("url") or ""))
    seen.setdefault("version_table", kwargs.get("version_table") or "alembic_version")
    seen.setdefault("version_table_schema", kwargs.get("version_table_schema"))
    if dialect:
        kwargs.pop("url", None)
        kwargs["dialect_name"] = dialect
    return original_configure(self, *args, **kwargs)


EnvironmentContext.configure = configure


class NotOneStep(Exception):
    """The range covers other revisions than the one rendered."""


def render(config, script, direction, start, destination, revision):
    """The offline SQL of one step, as `alembic upgrade START:DEST --sql` prints it."""
    buffer = io.StringIO()
    config.output_buffer = buffer

    def fn(rev, context):
        if direction == "upgrade":
            steps = script._upgrade_revs(destination, rev)
        else:
            steps = script._downgrade_revs(destination, rev)
        # Exactly this revision's step, or the SQL would hold another revision's too.
        names = [getattr(getattr(s, "revision", None), "revision", None) for s in steps]
        if names != [revision]:
            raise NotOneStep(f"{direction} {start} -> {destination} runs {names}")
        return steps

    with EnvironmentContext(
        config,
        script,
        fn=fn,
        as_sql=True,
        starting_rev=start,
        destination_rev=destination,
    ):
        script.run_env()
    return buffer.getvalue()


def attempt(config, script, direction, starts, destinations, rev):
    """The first (start, destination) pair that renders exactly `rev`'s step."""
    error = None
    for start in starts:
        for destination in destinations:
            try:
                sql = render(config, script, direction, start, destination, rev.revision)
                return {"sql": sql}
            except (NotOneStep, CommandError) as e:
                # Another range may name exactly this revision's step.
                error = error or e
            except Exception as e:  # noqa: BLE001 - reported per revision
                return failure(e, rev, None)
    return failure(error, rev, "range")


def failure(error, rev, kind):
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    # The line of the revision's own file that failed, where the traceback passes through it;
    # an error elsewhere (env.py, a missing driver) is the environment's, not the revision's.
    line = next((f.lineno for f in reversed(frames) if f.filename == rev.path), None)
    return {
        "error": "".join(traceback.format_exception_only(type(error), error)).strip(),
        "line": line,
        "kind": kind or ("revision" if line is not None else "environment"),
    }


def heads_of(script, ids):
    """`ids` without those that are ancestors (dependencies included) of another."""
    try:
        ancestors = {
            i: {
                r.revision
                for r in script.revision_map._get_ancestor_nodes(
                    [script.get_revision(i)], include_dependencies=True
                )
            }
            - {i}
            for i in ids
        }
    except AttributeError:
        return ids
    return [i for i in ids if not any(i in ancestors[j] for j in ids if j != i)]


def create_date(rev):
    match = re.search(r"^Create Date:\s*(.+?)\s*$", rev.module.__doc__ or "", re.M)
    return match.group(1) if match else None


def as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


config = Config(ini)
script = ScriptDirectory.from_config(config)
revisions = []
for rev in script.walk_revisions("base", "heads"):
    parents = as_list(rev.down_revision)
    depends = as_list(rev.dependencies)
    resolved = [script.get_revision(d).revision for d in depends]
    # Upgrade from the parents and dependencies (the state Alembic requires first) to the
    # revision; downgrade from it to one parent or dependency (everything else stays).
    below = heads_of(script, list(dict.fromkeys(parents + resolved)))
    start = tuple(below) or "base"
    # `REV@-1` is Alembic's "this revision's branch, one step down"; it is the only target
    # that removes a revision with a depends_on alone. The step check picks what works.
    backs = [f"{rev.revision}@-1", *below, "base"]
    revisions.append(
        {
            "revision": rev.revision,
            "down_revision": parents,
            # The revision's own labels: `rev.branch_labels` also holds inherited ones.
            "branch_labels": as_list(getattr(rev.module, "branch_labels", None)),
            "depends_on": depends,
            "message": rev.doc or "",
            "create_date": create_date(rev),
            "path": rev.path,
            "upgrade": attempt(config, script, "upgrade", [start], [rev.revision], rev),
            "downgrade": attempt(
                config, script, "downgrade", [rev.revision, (rev.revision, *below)], backs, rev
            ),
        }
    )

raw_url = Config(ini).get_main_option("sqlalchemy.url")
json.dump(
    {
        "ini_url": raw_url,
        "url": seen.get("url", ""),
        "version_table": seen.get("version_table", "alembic_version"),
        "version_table_schema": seen.get("version_table_schema"),
        "revisions": revisions,
    },
    report_to,
)
