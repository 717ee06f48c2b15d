"""Demo arrival records (ATT-10) for `make run`: the resident engineers of people/demo.py report
their arrival at the client's desk on the working days of this month before today; most arrive
before the start, every fifth day one is late, every ninth day one has no record, and the
client's person in charge ("client") has confirmed the records of last week."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from attendance.models import ArrivalRecord
from core import clock
from core.policy import PolicyBook
from core.workcalendar import WorkCalendar
from people.models import Person
from people.roles import EmploymentType, Role


@transaction.atomic
def load_demo_arrivals() -> int:
    """Idempotent: does nothing when arrival records exist. Returns the records created."""
    if ArrivalRecord.objects.exists():
        return 0
    today = clock.today()
    first = today.replace(day=1)
    if first >= today:
        return 0
    residents = list(
        Person.objects.filter(employment_type=EmploymentType.RESIDENT, active=True)
        .exclude(client=None)
        .select_related("user")
        .order_by("staff_no")
    )
    pic = Person.objects.filter(role=Role.CLIENT_PIC).select_related("user").order_by("pk").first()
    calendar = WorkCalendar(
        first, today, use_cn_calendar=PolicyBook().policy_for(None, on=today)["att.cn_calendar"]
    )
    now = clock.now()
    records = []
    for info in calendar.days(first, today - timedelta(days=1)):
        if not info.is_workday:
            continue
        for n, person in enumerate(residents):
            number = info.date.day + n
            if number % 9 == 0:
                continue  # no record: shows as missing
            minute = 40 if number % 5 == 0 else 15 + number % 14  # 08:40 late, else 08:15–08:28
            arrived = timezone.make_aware(datetime.combine(info.date, time(8, minute)))
            confirmed = pic is not None and (today - info.date).days <= 7
            records.append(
                ArrivalRecord(
                    person=person,
                    date=info.date,
                    arrived_at=arrived,
                    source=ArrivalRecord.Source.SELF,
                    recorded_by=person.user,
                    confirmed_by=pic.user if confirmed else None,
                    confirmed_at=arrived + timedelta(minutes=10) if confirmed else None,
                    created_at=min(arrived, now),
                )
            )
    ArrivalRecord.objects.bulk_create(records)
    return len(records)
