"""The audit trail: every change to organisation, roles, policy and ledgers is recorded here."""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from core import clock
from core.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(_jsonable(v) for v in value)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of `obj` (concrete fields and many-to-many) as JSON-friendly values."""
    values: dict[str, Any] = {}
    for field in obj._meta.get_fields():
        if fields is not None and field.name not in fields:
            continue
        if field.many_to_many and not field.auto_created:
            values[field.name] = (
                sorted(str(o) for o in getattr(obj, field.name).all()) if obj.pk else []
            )
        elif getattr(field, "concrete", False) and not field.auto_created:
            if field.name == "password":
                continue
            values[field.name] = _jsonable(getattr(obj, field.name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """field -> [before, after] for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    obj: models.Model | None,
    action: str,
    *,
    by: Any = None,
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    object_type: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry. `by` is a User (or None for the system)."""
    user = getattr(by, "user", by)  # accept a Person too
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=user if user is not None and getattr(user, "pk", None) else None,
        actor_name=(
            user.get_username() if user is not None and getattr(user, "pk", None) else "system"
        ),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes={k: [_jsonable(b), _jsonable(a)] for k, (b, a) in (changes or {}).items()},
        data={k: _jsonable(v) for k, v in (data or {}).items()},
        ip=ip,
    )


def record_many(
    objs: Iterable[models.Model],
    action: str,
    *,
    by: Any = None,
    data_for: Callable[[Any], dict[str, Any]] | None = None,
) -> int:
    """Write one audit entry per object, as `record(obj, action, by=by, data=data_for(obj))`
    writes it, in bulk (core.bulk.insert_rows; each value prepared by its field as the ORM
    prepares it); returns how many. For the many rows of one operation (a month's generated
    entries): the related objects `str(obj)` uses should be loaded with the objects."""
    from core.bulk import connection_for, insert_rows

    user = getattr(by, "user", by)
    known = user is not None and getattr(user, "pk", None)
    connection = connection_for(AuditEntry)
    fields = [AuditEntry._meta.get_field(name) for name in AUDIT_FIELDS]

    def prepared(values: list[Any]) -> list[Any]:
        return [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]

    at = clock.now()
    rows = [
        prepared(
            [
                at,
                user.pk if known else None,
                user.get_username() if known else "system",
                action,
                obj._meta.label_lower,
                str(obj.pk) if obj.pk is not None else "",
                str(obj)[:200],
                {},
                {k: _jsonable(v) for k, v in (data_for(obj) if data_for else {}).items()},
                None,
            ]
        )
        for obj in objs
    ]
    insert_rows(AuditEntry, AUDIT_FIELDS, rows)
    return len(rows)


AUDIT_FIELDS = (
    "at",
    "actor",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "data",
    "ip",
)
