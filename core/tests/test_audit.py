"""audit.record_many writes, in bulk, the lines audit.record writes one by one."""

from decimal import Decimal

from core import audit
from core.models import AuditEntry

FIELDS = ("actor_id", "actor_name", "action", "object_type", "object_id", "object_repr")


def written(entry: AuditEntry) -> tuple:
    return (*(getattr(entry, f) for f in FIELDS), entry.changes, entry.data, entry.ip)


def test_record_many_writes_what_record_writes(org):
    people = [org.engineer_a, org.vendor_engineer_a]
    for by in (None, org.ops, org.ops.user):  # the system, a Person, a User
        AuditEntry.objects.all().delete()
        for person in people:
            audit.record(person, "test.one", by=by, data={"fine": Decimal("50.00"), "n": 1})
        audit.record_many(
            people, "test.one", by=by, data_for=lambda p: {"fine": Decimal("50.00"), "n": 1}
        )
        one, many = (
            [written(e) for e in AuditEntry.objects.order_by("pk")][i : i + 2] for i in (0, 2)
        )
        assert one == many
        assert many[0][1] == ("system" if by is None else "ops")
        assert many[0][7] == {"fine": "50.00", "n": 1}
        assert many[0][5] == str(org.engineer_a)


def test_record_many_of_nothing_writes_nothing(org):
    assert audit.record_many([], "test.none") == 0
    assert not AuditEntry.objects.exists()
