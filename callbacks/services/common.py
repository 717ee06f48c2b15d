"""What the callback and complaint operations share: who does what, months, the policy."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.policy import PolicyBook
from people.models import Person
from people.queries import people_for, person_of
from people.roles import Role

# CB-01: customer service calls users back after service (and the ops manager may stand in).
ORDER_CALLERS = {Role.CUSTOMER_SERVICE, Role.OPS_MANAGER, Role.DISPATCH_CENTRE}
# CB-02: the client's customer specialist runs the monthly callbacks (the person in charge too).
CLIENT_CALLERS = {Role.CLIENT_SPECIALIST, Role.CLIENT_PIC}
# Who takes a complaint down: the desk, the stations and the client's people.
COMPLAINT_TAKERS = {
    Role.CUSTOMER_SERVICE,
    Role.DISPATCH_CENTRE,
    Role.OPS_MANAGER,
    Role.HR_ADMIN,
    Role.STATION_MANAGER,
    Role.STATION_HEAD,
    Role.CLIENT_PIC,
    Role.CLIENT_SPECIALIST,
}


def person_for(by: Any) -> Person | None:
    return by if isinstance(by, Person) else person_of(by)


def user_of(by: Any) -> Any:
    return getattr(by, "user", by)


def require(by: Any, roles: set[str], message: str) -> Person:
    person = person_for(by)
    if person is None or person.role not in roles:
        raise DomainError(message, field="by")
    return person


def require_in_scope(by: Any, engineer: Person) -> None:
    """The engineer must be someone the caller may see (else the caller could not have opened
    the page or the API object; a service called directly is checked the same way)."""
    if not people_for(user_of(by)).filter(pk=engineer.pk).exists():
        raise DomainError(_("This engineer is not in your area."), field="engineer")


def month_of(moment: datetime) -> date:
    """The assessment month a moment falls in (local time)."""
    return timezone.localtime(moment).date().replace(day=1)


def policy_of(book: PolicyBook, person: Person, on: date):
    """The policy in force for the company whose rules the person follows (as assessment)."""
    return book.policy_for(person.client_id or person.employer_id, on=on)
