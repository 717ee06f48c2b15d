"""Demo wages for `make run` (settlement guard): every active staff member earns 5,200 CNY a
month against Guangzhou's minimum wage of 2,300 CNY; eng14, a new hire on 2,450 CNY, has 200 CNY
of KPI-05 fines this month (assessment demo), more than the 150 CNY above the minimum wage, so
his statement and the station summary flag the settlement."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from core import clock
from people.models import Person
from people.roles import CLIENT_ROLES, Role
from statements.models import WageRecord

MINIMUM_WAGE = Decimal("2300")
WAGE = Decimal("5200")
LOW_WAGES = {"eng14": Decimal("2450")}


@transaction.atomic
def load_demo_wages() -> int:
    """Idempotent: does nothing when wage records exist. Returns the records created."""
    if WageRecord.objects.exists():
        return 0
    since = date(clock.today().year, 1, 1)
    now = clock.now()
    people = (
        Person.objects.filter(active=True)
        .exclude(role__in=CLIENT_ROLES | {Role.VENDOR_CONTACT})
        .select_related("user")
    )
    records = [
        WageRecord(
            person=person,
            monthly_wage=LOW_WAGES.get(getattr(person.user, "username", ""), WAGE),
            minimum_wage=MINIMUM_WAGE,
            effective_from=since,
            recorded_at=now,
        )
        for person in people
    ]
    WageRecord.objects.bulk_create(records)
    return len(records)
