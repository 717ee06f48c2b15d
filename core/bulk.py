"""Writing many rows fast: the bulk paths of importing punches and judging months.

Django's bulk_create prepares every value of every row in Python, which was most of the time of
those operations. Here the caller hands over rows of values already adapted for the database
(`connection.ops.adapt_*`). SQLite gets them through executemany (in-process, the fastest way);
PostgreSQL through COPY into a temporary table and one INSERT … SELECT (a single stream instead
of a statement per row).
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model


def connection_for(model: type[Model]) -> BaseDatabaseWrapper:
    return connections[router.db_for_write(model)]


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    constants: dict[str, str] | None = None,
    on_conflict: str = "",
) -> None:
    """INSERT `rows` (values in the order of `fields`, adapted for the database) into the
    model's table, in one transaction.

    `constants` maps more fields to SQL literals written into every row ("FALSE", "''").
    `on_conflict` is the statement's ON CONFLICT clause, e.g. "ON CONFLICT DO NOTHING" or
    "ON CONFLICT (a, b) DO UPDATE SET c = EXCLUDED.c" (SQLite ≥ 3.24 and PostgreSQL).
    Table and column names come from the model and are quoted; values are never spliced in.
    """
    if not rows:
        return
    connection = connection_for(model)
    quote = connection.ops.quote_name
    meta = model._meta
    constants = constants or {}
    table = quote(meta.db_table)
    given = [quote(meta.get_field(name).column) for name in fields]
    fixed = [quote(meta.get_field(name).column) for name in constants]
    columns = ", ".join([*given, *fixed])
    tail = f" {on_conflict}" if on_conflict else ""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote(f"bulk_{meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "  # noqa: S608
                f"SELECT {', '.join(given)} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {staging} ({', '.join(given)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"SELECT {', '.join([*given, *constants.values()])} FROM {staging}{tail}"
            )
            cursor.execute(f"TRUNCATE {staging}")
        else:
            values = ", ".join(["%s"] * len(given) + list(constants.values()))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({values}){tail}",  # noqa: S608
                rows,
            )
