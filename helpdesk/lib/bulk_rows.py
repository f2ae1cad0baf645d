"""Insert many rows of one model in one statement, column by column.

``bulk_create`` builds a model instance per row, prepares every value of every field and sends a
placeholder for each: at hundreds of rows that Python work costs more than the insert itself
(the promise sweep at a million tickets writes about 700 rows a minute, and spent some 50 ms of
its time building them). On PostgreSQL ``insert_rows`` sends each varying column as one array and
lets the server unnest them::

    INSERT INTO t (a, b, c) SELECT r.a, r.b, %s FROM unnest(%s::bigint[], %s::integer[]) AS r (a, b)

so the cost stays with the database whatever the number of rows. Elsewhere (SQLite, the embedded
default) it falls back to ``bulk_create`` with the same result.

The columns hold database values (ints, strings, aware datetimes, None), not model instances;
``constants`` are the same for every row; every other field takes its default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model

AnyField = Field[Any, Any]

CHUNK = 500  # rows per INSERT on the fallback, under SQLite's parameter limit


def insert_rows(
    model: type[Model],
    columns: Mapping[str, Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    unique_fields: Sequence[str] = (),
    returning: Sequence[str] = (),
    using: str = "default",
) -> list[tuple[Any, ...]]:
    """Insert one row per position of ``columns`` (field attribute names, e.g. ``ticket_id``).

    With ``unique_fields``, a row already there by those fields is left as it was and returned
    with the others, with its own values: the call means "these rows exist now". ``returning``
    names the attributes to return for each row (say ``("id", "user_id")``), in no set order.
    """
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"insert_rows: columns of different lengths {sorted(lengths)}")
    if not columns or not lengths or lengths == {0}:
        return []
    fields = _fields(model, columns, constants or {})
    if connections[using].vendor == "postgresql":
        return _unnest_insert(model, fields, columns, constants or {}, unique_fields, returning, using)
    return _bulk_create(model, columns, constants or {}, unique_fields, returning, using)


def column(field: object) -> str:
    """The database column of a model field (not a reverse relation, which has none)."""
    name = getattr(field, "column", None)
    if not isinstance(name, str):
        raise ValueError(f"{field!r} has no column of its own")
    return name


def _fields(model: type[Model], columns: Mapping[str, Sequence[Any]], constants: Mapping[str, Any]) -> list[AnyField]:
    """Every concrete field but an automatic primary key, checking the names given are fields."""
    fields = [field for field in model._meta.concrete_fields if not (field.primary_key and field.db_returning)]
    known = {field.attname for field in fields}
    unknown = (set(columns) | set(constants)) - known
    if unknown:
        raise ValueError(f"insert_rows: {model.__name__} has no field {sorted(unknown)}")
    return fields


def _unnest_insert(
    model: type[Model],
    fields: list[AnyField],
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any],
    unique_fields: Sequence[str],
    returning: Sequence[str],
    using: str,
) -> list[tuple[Any, ...]]:
    connection = connections[using]
    quote = connection.ops.quote_name
    selected, arrays, array_params, scalar_params = [], [], [], []
    for field in fields:
        db_type = field.db_type(connection)
        if field.attname in columns:
            selected.append(f"r.{quote(column(field))}")
            arrays.append((f"%s::{db_type}[]", quote(column(field))))
            array_params.append(list(columns[field.attname]))
        else:
            value = constants[field.attname] if field.attname in constants else field.get_default()
            selected.append(f"%s::{db_type}")
            scalar_params.append(field.get_db_prep_save(value, connection))
    names = ", ".join(quote(column(field)) for field in fields)
    # Quoted names and casts from the fields; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM unnest({', '.join(cast for cast, _ in arrays)}) AS r ({', '.join(name for _, name in arrays)})"
    )
    if unique_fields:
        targets = [quote(column(model._meta.get_field(name))) for name in unique_fields]
        # A conflict sets one of its own key columns to itself: nothing changes, but the row is
        # returned (DO NOTHING would leave it out), so both databases answer alike.
        sql += f" ON CONFLICT ({', '.join(targets)}) DO UPDATE SET {targets[0]} = EXCLUDED.{targets[0]}"
    if returning:
        sql += " RETURNING " + ", ".join(quote(column(model._meta.get_field(name))) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*scalar_params, *array_params])
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def _bulk_create(
    model: type[Model],
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any],
    unique_fields: Sequence[str],
    returning: Sequence[str],
    using: str,
) -> list[tuple[Any, ...]]:
    names = list(columns)
    objects = [
        model(**constants, **dict(zip(names, values, strict=True))) for values in zip(*columns.values(), strict=True)
    ]
    conflicts: dict[str, Any] = {}
    if unique_fields:
        conflicts = {"update_conflicts": True, "unique_fields": unique_fields, "update_fields": [unique_fields[0]]}
    created = model._default_manager.using(using).bulk_create(objects, batch_size=CHUNK, **conflicts)
    return [tuple(getattr(row, name) for name in returning) for row in created] if returning else []
