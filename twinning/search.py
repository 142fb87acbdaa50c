"""Searches ignore accents both ways: "Umea" finds "Umeå", "Umeå" finds "Umea", "Zilina" finds
"Žilina", on SQLite and on PostgreSQL.

Every `icontains` on a text field (CharField, TextField and their subclasses, and expressions
whose output is one) compares both sides folded: the admin's search boxes and autocompletes, the
public catalogue, the workspace's applicant search and every filter written with `icontains` get
it without naming it. The fold is a bilateral transform, so the searched term is folded by the same
SQL function as the column:

- PostgreSQL: `UNACCENT(...)` from the `unaccent` extension (created by cities' migration 0005),
  then the backend's own `UPPER(...) LIKE UPPER(...)`.
- SQLite: `twinning_fold(...)`, a Python function (twinning.text.search_key) registered on every
  new connection.

`install()` is called once from cities' AppConfig.ready.
"""

from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField, Transform
from django.db.models.lookups import IContains

from .text import search_key

SQLITE_FUNCTION = "twinning_fold"


class Fold(Transform):
    """Accents stripped (and, on SQLite, case folded) on both sides of the lookup."""

    lookup_name = "fold"
    bilateral = True

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="UNACCENT", **extra)


class FoldedIContains(IContains):
    """`icontains` with both sides folded (see the module's docstring)."""

    def __init__(self, lhs, rhs):
        if not isinstance(lhs, Fold):
            lhs = Fold(lhs)
        super().__init__(lhs, rhs)


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, search_key, deterministic=True)


def install() -> None:
    for field in (CharField, TextField):
        field.register_lookup(FoldedIContains)
    connection_created.connect(_register_sqlite_function, dispatch_uid="twinning-search-fold")
