"""KPI-11: whose assessment month is closed. The ledger's services ask here before changing an
entry (kept apart from statements.queries so assessment.services can import it without a cycle)."""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import DomainError
from statements.models import Statement


def locked_people(month: date) -> QuerySet:
    """person ids (a subquery) whose `month` is closed: they have a statement in force."""
    return Statement.objects.filter(month=month.replace(day=1), active=True).values("person_id")


def locked_person_ids(month: date) -> set[int]:
    return set(locked_people(month).values_list("person_id", flat=True))


def is_locked(person_id: int, month: date) -> bool:
    """True when the person's assessment month is closed (and not reopened)."""
    return Statement.objects.filter(
        person_id=person_id, month=month.replace(day=1), active=True
    ).exists()


def require_open_month(person_id: int, month: date) -> None:
    """KPI-11: a closed month's ledger refuses changes until the operations manager reopens it."""
    if is_locked(person_id, month):
        raise DomainError(
            _("Assessment month closed: {month} is locked for this person.").format(
                month=f"{month:%Y-%m}"
            ),
            field="month",
        )
