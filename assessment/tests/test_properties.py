"""hypothesis properties of the ledger: no fact is counted twice however often and for whomever
the month is generated, and entries never outlive their evidence (an approved retroactive leave
withdraws an absence fine before the month is closed, ATT-04)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import services
from assessment.models import Entry
from attendance.services import recompute_days
from attendance.tests.scenarios import approved, leave_type, punches
from leave.models import Request
from workorders.models import Breach
from workorders.tests.factories import repair_order

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=SH)
# Working days of November 2026 (no holiday in it): Monday 2nd to Friday 27th.
WORKDAYS = [date(2026, 11, d) for d in range(2, 28) if date(2026, 11, d).weekday() < 5]
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def rolled_back():
    """Each example in a savepoint that is rolled back: the next one starts empty."""

    class Savepoint:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            return self.atomic.__exit__(*exc)

    return Savepoint()


FACTS = st.lists(
    st.tuples(
        st.sampled_from(["engineer_a", "vendor_engineer_a", "engineer_b"]),
        st.sampled_from(["WO-01", "WO-02", "WO-03", "WO-04", "late"]),
        st.sampled_from(WORKDAYS),
    ),
    max_size=12,
)
RUNS = st.lists(
    st.sets(st.sampled_from(["engineer_a", "vendor_engineer_a", "engineer_b"])), max_size=4
)


@PROPERTY
@given(facts=FACTS, runs=RUNS)
@pytest.mark.django_db
def test_no_fact_is_counted_twice_KPI_01_to_03_ATT_04(org, now, facts, runs):
    """However often (and for whichever people) the month is generated, each fact has one entry
    and a generation after the first changes nothing."""
    with rolled_back():
        order = repair_order(org)
        late_days: dict[int, set[date]] = {}
        for who, what, day in facts:
            person = getattr(org, who)
            if what == "late":
                if day not in late_days.setdefault(person.pk, set()):
                    late_days[person.pk].add(day)
                    punches(person, day, ("09:45", "11:35", "12:55", "17:05"))  # > 60 min late
            else:
                due = datetime(day.year, day.month, day.day, 9, 0, tzinfo=SH)
                Breach.objects.get_or_create(  # one breach per order, rule and person
                    order=order,
                    rule_id=what,
                    kind="missed",
                    person=person,
                    defaults={"due_at": due, "recorded_at": due},
                )
        people = [org.engineer_a.pk, org.vendor_engineer_a.pk, org.engineer_b.pk]
        recompute_days(person_ids=people, start=WORKDAYS[0], end=WORKDAYS[-1])

        for subset in runs:
            services.generate_entries(NOV, person_ids=[getattr(org, w).pk for w in subset])
        services.generate_entries(NOV)
        snapshot = list(Entry.objects.order_by("pk").values_list("pk", "fact_key", "fine", "state"))

        assert services.generate_entries(NOV) == 0
        assert services.generate_entries(NOV, person_ids=people[:1]) == 0
        assert (
            list(Entry.objects.order_by("pk").values_list("pk", "fact_key", "fine", "state"))
            == snapshot
        )
        keys = [(key, rule) for key, rule in Entry.objects.values_list("fact_key", "rule_id")]
        assert len(keys) == len(set(keys))
        breaches = Breach.objects.count()
        assert Entry.objects.filter(source=Entry.Source.BREACH).count() == breaches
        absences = Entry.objects.filter(rule_id="ATT-04", fact_key__endswith=":late_absence")
        assert {e.person_id: e.evidence["count"] for e in absences} == {
            pk: len(days) for pk, days in late_days.items()
        }


@PROPERTY
@given(
    late=st.sets(st.sampled_from(WORKDAYS), min_size=1, max_size=5),
    excused=st.data(),
)
@pytest.mark.django_db
def test_an_approved_retroactive_leave_withdraws_the_absence_fine_ATT_04(org, now, late, excused):
    """Entries never outlive their evidence: a day late by more than 60 minutes is an absence
    fined double (ATT-04); a sick leave for that day, filed afterwards (REQ-03) and approved,
    makes attendance judge it again; generating the month then revises the fine, and withdraws
    the entry once no absence is left, before the month is closed."""
    with rolled_back():
        me = org.engineer_a
        sick = leave_type("sick", "病假", "Sick leave")
        for day in late:
            punches(me, day, ("09:45", "11:35", "12:55", "17:05"))
        recompute_days(person_ids=[me.pk], start=WORKDAYS[0], end=WORKDAYS[-1])
        services.generate_entries(NOV)
        entry = Entry.objects.get(person=me, fact_key__endswith=":late_absence")
        per_day = entry.fine / len(late)
        assert entry.state == Entry.State.PROPOSED

        covered = excused.draw(st.sets(st.sampled_from(sorted(late)), min_size=1))
        for day in covered:
            approved(
                me,
                Request.Kind.LEAVE,
                leave_type=sick,
                start_date=day,
                end_date=day,
                emergency=True,
            )
        # What leave's approval does on commit (leave.services.common): judge the days again.
        recompute_days(person_ids=[me.pk], start=min(covered), end=max(covered))
        services.generate_entries(NOV)

        entry.refresh_from_db()
        left = len(late) - len(covered)
        if left:
            assert entry.state == Entry.State.PROPOSED
            assert entry.fine == per_day * left
        else:
            assert entry.state == Entry.State.WITHDRAWN
            assert Decimal(entry.fine) == per_day * len(late)  # the figure stays readable
