"""CB-02: the quarter's client callback results go to each engineer and to the management of the
vendor company an outsourced engineer belongs to."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callbacks.models import QuarterNotice
from callbacks.rules import quarter_start
from callbacks.services.common import require, user_of
from core import audit, clock
from core.errors import DomainError
from people.models import Person
from people.roles import EmploymentType, Role

# Who sends the quarter's results: the client's people and the operating company's managers.
QUARTER_SENDERS = {Role.CLIENT_SPECIALIST, Role.CLIENT_PIC, Role.OPS_MANAGER, Role.HR_ADMIN}

ENGINEER_TITLE = gettext_lazy(
    "Client callbacks {quarter}: {answered} answered, average satisfaction {average}, "
    "{violations} behaviour violations"
)
VENDOR_TITLE = gettext_lazy(
    "Client callbacks {quarter} for {name}: {answered} answered, average satisfaction "
    "{average}, {violations} behaviour violations"
)


def quarter_label(start: date) -> str:
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


@transaction.atomic
def send_quarter_results(quarter: date, *, by: Any) -> int:
    """Notify every engineer of the quarter statistics the sender sees (and the vendor contacts of
    outsourced engineers); returns how many engineers were notified. Once per engineer and
    quarter: sending again notifies only those not notified yet."""
    from callbacks.queries import quarter_statistics

    require(by, QUARTER_SENDERS, _("You cannot send the quarter's callback results."))
    start = quarter_start(quarter)
    if start > clock.today():
        raise DomainError(_("This quarter has not begun."), field="quarter")
    sent = set(QuarterNotice.objects.filter(quarter=start).values_list("engineer_id", flat=True))
    label = quarter_label(start)
    count = 0
    for row in quarter_statistics(user_of(by), start):
        engineer = row.engineer
        if engineer.pk in sent:
            continue
        params = {
            "quarter": label,
            "name": engineer.name,
            "answered": row.answered,
            "average": row.average if row.average is not None else "—",
            "violations": row.violations,
        }
        from notifications.services import notify

        notify(engineer, event="callbacks.quarter", title=ENGINEER_TITLE, params=params)
        if engineer.employment_type == EmploymentType.OUTSOURCED:
            for contact in Person.objects.filter(
                employer_id=engineer.employer_id, role=Role.VENDOR_CONTACT, active=True
            ):
                notify(contact, event="callbacks.quarter", title=VENDOR_TITLE, params=params)
        QuarterNotice.objects.create(
            engineer=engineer,
            quarter=start,
            sent_at=clock.now(),
            sent_by=user_of(by),
            data={k: str(v) for k, v in params.items()},
        )
        count += 1
    audit.record(
        None,
        "callbacks.quarter.sent",
        by=by,
        data={"quarter": label, "engineers": count},
        object_type="callbacks.quarternotice",
    )
    return count
