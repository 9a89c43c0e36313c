"""aludel: database schema migrations with plain SQL files.

The ``aludel`` command is the Rust binary this wheel installs; this package holds the Python
helpers that ship beside it, such as :mod:`aludel.sqlalchemy` (SQLAlchemy models as the desired
schema for ``aludel revision --autogenerate`` and ``aludel check``).
"""
