"""SQLAlchemy models as aludel's desired schema.

    python -m aludel.sqlalchemy MODULE:ATTR [MODULE:ATTR ...]

imports each MODULE (from the working directory, as ``python -m`` would), takes ATTR (a
``MetaData``, or a declarative base or model class with a ``.metadata``) and prints the DDL
that creates its schema, compiled by SQLAlchemy for the dialect named by ``ALUDEL_DIALECT``
(``sqlite``, ``postgresql``, ``mysql``; ``mariadb`` is accepted). aludel sets that variable
when it runs ``models_command``, so in ``aludel.toml``:

    models_command = "python -m aludel.sqlalchemy config.database:Base"

What is printed, each statement ended by ``;``: PostgreSQL enum types (``CREATE TYPE``),
then the tables in ``metadata.sorted_tables`` order (columns, server defaults, primary keys,
unique, check and foreign-key constraints with their names), their comments where the dialect
sets them apart (``COMMENT ON``), their indexes, and last the foreign keys SQLAlchemy must add
with ``ALTER`` (``use_alter``, or those in a cycle).
"""

import importlib
import os
import sys
import warnings

from sqlalchemy import Enum, MetaData
from sqlalchemy.schema import (
    AddConstraint,
    CreateIndex,
    CreateTable,
    SetColumnComment,
    SetTableComment,
)

USAGE = "usage: python -m aludel.sqlalchemy MODULE:ATTR [MODULE:ATTR ...]"


def dialect_named(name):
    """The SQLAlchemy dialect object for an aludel dialect name."""
    name = (name or "").strip().lower()
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.dialect()
    if name in ("postgresql", "postgres"):
        from sqlalchemy.dialects import postgresql

        return postgresql.dialect()
    if name in ("mysql", "mariadb"):
        from sqlalchemy.dialects import mysql

        return mysql.dialect(is_mariadb=name == "mariadb")
    raise SystemExit(
        f"aludel.sqlalchemy: ALUDEL_DIALECT is {name!r}; expected sqlite, postgresql or mysql "
        "(aludel sets it when it runs models_command)"
    )


def load_metadata(spec):
    """The MetaData named by MODULE:ATTR (ATTR may be dotted)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise SystemExit(f"aludel.sqlalchemy: {spec!r} is not MODULE:ATTR\n{USAGE}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    target = importlib.import_module(module_name)
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise SystemExit(f"aludel.sqlalchemy: {module_name} has no attribute {attr!r}")
    if isinstance(target, MetaData):
        return target
    metadata = getattr(target, "metadata", None)
    if isinstance(metadata, MetaData):
        return metadata
    raise SystemExit(
        f"aludel.sqlalchemy: {spec} is neither a MetaData nor has a .metadata "
        "(a declarative base or a model class)"
    )


def enum_types(tables, dialect):
    """CREATE TYPE for each named native enum the tables use (PostgreSQL), once each."""
    if dialect.name != "postgresql":
        return []
    from sqlalchemy.dialects.postgresql.named_types import CreateEnumType

    seen, statements = set(), []
    for table in tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, Enum) and kind.native_enum and kind.name:
                key = (kind.schema or table.schema, kind.name)
                if key not in seen:
                    seen.add(key)
                    statements.append(CreateEnumType(kind))
    return statements


def ddl(metadatas, dialect):
    """The DDL statements, as strings, in the order they must run."""
    tables = []
    for metadata in metadatas:
        with warnings.catch_warnings():
            # A foreign-key cycle is reported by the warning; those keys come last (ALTER).
            warnings.simplefilter("ignore")
            tables.extend(metadata.sorted_tables)
    cyclic = set()
    for metadata in metadatas:
        try:
            from sqlalchemy.sql.ddl import sort_tables_and_constraints

            # The last entry, without a table, holds the keys no table order can satisfy.
            for table, constraints in sort_tables_and_constraints(metadata.tables.values()):
                if table is None:
                    cyclic.update(constraints)
        except ImportError:
            pass
    late = [
        fk
        for table in tables
        for fk in table.foreign_key_constraints
        if fk.use_alter or fk in cyclic
    ]
    statements = list(enum_types(tables, dialect))
    separate_comments = dialect.supports_comments and not dialect.inline_comments
    for table in tables:
        inline = [fk for fk in table.foreign_key_constraints if fk not in late]
        statements.append(CreateTable(table, include_foreign_key_constraints=inline))
        if separate_comments:
            if table.comment is not None:
                statements.append(SetTableComment(table))
            for column in table.columns:
                if column.comment is not None:
                    statements.append(SetColumnComment(column))
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            statements.append(CreateIndex(index))
    statements.extend(AddConstraint(fk) for fk in late)
    return [str(s.compile(dialect=dialect)).strip() for s in statements]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip() if argv else USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    dialect = dialect_named(os.environ.get("ALUDEL_DIALECT"))
    metadatas = [load_metadata(spec) for spec in argv]
    for statement in ddl(metadatas, dialect):
        sys.stdout.write(statement + ";\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
