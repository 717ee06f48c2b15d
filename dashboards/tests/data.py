"""A small known data set for the dashboard tests: its figures are worked out by hand in the
docstrings, so each chart is checked against numbers a person can verify.

The clock stands at NOW (2026-11-15), so the default period is 2025-12 .. 2026-11.
Station A: engineer_a (community_a); station B: engineer_b.
"""

from datetime import date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from assessment.models import Entry
from attendance.models import DayJudgement, DayStatus
from callbacks.models import Callback
from workorders.models import Breach, Order, OrderEvent

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=TZ)
_numbers = count(1)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def order(unit, kind, state, created, *, engineer=None, dispatched=True) -> Order:
    return Order.objects.create(
        number=f"DASH{next(_numbers):06d}",
        kind=kind,
        state=state,
        unit=unit,
        description="test",
        created_at=created,
        dispatched_at=created if dispatched else None,
        engineer=engineer,
    )


def breach(o: Order, rule_id: str, kind: str, person, amount=0) -> Breach:
    return Breach.objects.create(
        order=o,
        rule_id=rule_id,
        kind=kind,
        person=person,
        due_at=o.created_at,
        recorded_at=o.created_at,
        amount=amount,
    )


def orders(org) -> dict:
    """Orders created in the period:
    - o1 repair, closed, station A, 2026-10-05: WO-02 on site late, WO-01 contact late (WO-05
      chain started), operations manager notified, chain fined (two people: one order);
    - o2 install, dispatched, station A, 2026-10-06, no breach;
    - o3 repair, new (not dispatched), station B, 2026-11-01;
    - o5 repair, resolved, station B, 2026-11-02, WO-02 on site late.
    And o4, closed, created 2024-01-01: outside the period.

    Company: orders repair/closed 1, repair/new 1, repair/resolved 1, install/dispatched 1.
    SLA: 2026-10 2 dispatched, 1 breached → 50.0 %; 2026-11 1 dispatched, 1 breached → 0.0 %.
    Breaches (orders) 2026-10: WO-01 1, WO-02 1, WO-05 1; 2026-11: WO-02 1.
    Escalations 2026-10: alerted 1, ops 1, station 0, fined 1."""
    a, b = org.engineer_a, org.engineer_b
    o1 = order(org.community_a, "repair", "closed", at("2026-10-05"), engineer=a)
    o2 = order(org.community_a, "install", "dispatched", at("2026-10-06"), engineer=a)
    o3 = order(org.station_b, "repair", "new", at("2026-11-01"), dispatched=False)
    o4 = order(org.community_a, "repair", "closed", at("2024-01-01"), engineer=a)
    o5 = order(org.station_b, "repair", "resolved", at("2026-11-02"), engineer=b)
    breach(o1, "WO-02", "on_site_late", a)
    breach(o1, "WO-01", "contact_late", a)
    OrderEvent.objects.create(order=o1, at=o1.created_at, kind="chain_notice_ops")
    breach(o1, "WO-05", "chain_fine", a, 200)
    breach(o1, "WO-05", "chain_fine", org.manager_a, 200)
    breach(o4, "WO-02", "on_site_late", a)
    breach(o5, "WO-02", "on_site_late", b)
    return {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "o5": o5}


def judgement(person, day: str, status, **fields) -> DayJudgement:
    return DayJudgement.objects.create(
        person=person,
        date=date.fromisoformat(day),
        status=status,
        workday=True,
        computed_at=NOW,
        **fields,
    )


def attendance(org) -> None:
    """ATT facts: company 2026-10 late 1, early 0, absent 1; 2026-11 late 2, early 1, absent 0.
    Station A 2026-11: late 0, early 1."""
    a, b = org.engineer_a, org.engineer_b
    judgement(a, "2026-10-08", DayStatus.LATE, late_count=1, late_minutes=15)
    judgement(a, "2026-10-09", DayStatus.ABSENT, absent_days=Decimal("1"))
    judgement(a, "2026-10-10", DayStatus.ON_TIME)
    judgement(a, "2026-11-03", DayStatus.EARLY, early_count=1, early_minutes=20)
    judgement(b, "2026-11-04", DayStatus.LATE, late_count=2, late_minutes=30)
    judgement(b, "2025-10-04", DayStatus.LATE, late_count=1, late_minutes=5)  # before the period


def entry(person, month: str, rule_id: str, key: str, *, points="0", fine="0", state="confirmed"):
    return Entry.objects.create(
        person=person,
        month=date.fromisoformat(f"{month}-01"),
        rule_id=rule_id,
        points=Decimal(points),
        fine=Decimal(fine),
        state=state,
        source=Entry.Source.MANUAL,
        fact_key=key,
        created_at=NOW,
    )


def ledger(org) -> dict:
    """Points 2026-10: KPI-02 0.5 (the withdrawn 0.5 does not count).
    Fines 2026-10: KPI-02 50, BEH-01 50; 2026-11: ATT-04 20 (station B)."""
    a, b = org.engineer_a, org.engineer_b
    return {
        "kpi": entry(a, "2026-10", "KPI-02", "f1", points="0.5", fine="50"),
        "beh": entry(a, "2026-10", "BEH-01", "f2", fine="50", state="proposed"),
        "withdrawn": entry(
            a, "2026-10", "KPI-02", "f3", points="0.5", fine="50", state="withdrawn"
        ),
        "att": entry(b, "2026-11", "ATT-04", "f4", fine="20"),
    }


def callback(engineer, done: str | None, satisfaction: int | None, o=None) -> Callback:
    return Callback.objects.create(
        kind=Callback.Kind.AFTER_ORDER if o else Callback.Kind.CLIENT_MONTHLY,
        order=o,
        engineer=engineer,
        due_on=date(2026, 10, 1),
        month=None if o else date(2026, 10, 1),
        sequence=next(_numbers),
        state=Callback.State.DONE if done else Callback.State.OPEN,
        created_at=NOW,
        done_at=at(done) if done else None,
        satisfaction=satisfaction,
    )


def callbacks(org, made: dict) -> None:
    """Answered: 2026-10 scores 5 and 3 (average 4.00, station A); 2026-11 score 1 (station B).
    An open callback does not count."""
    callback(org.engineer_a, "2026-10-20", 5, made["o1"])
    callback(org.engineer_a, "2026-10-21", 3)
    callback(org.engineer_a, None, None)
    callback(org.engineer_b, "2026-11-02", 1, made["o5"])


def ticket(asset, engineer, due: str, status: str = "open", template=None):
    from inspections.models import ChecklistTemplate, Ticket

    template = (
        template
        or ChecklistTemplate.objects.get_or_create(
            name="dashboard test", asset_kind=asset.kind, version=900
        )[0]
    )
    day = date.fromisoformat(due)
    return Ticket.objects.create(
        asset=asset,
        template=template,
        engineer=engineer,
        rule_id="INS-04",
        window_start=day.replace(day=1),
        planned_on=day,
        due_on=day,
        status=status,
        created_at=NOW,
        done_at=at(due) if status == "done" else None,
    )


def inspections(org) -> dict:
    """Tickets due 2026-10: station A one done, one open (missed), one skipped with approval
    (not counted): 2 due, 1 done, 50.0 %. Station B 2026-11: one done of one, 100.0 %.
    Company 2026-11: 1 due, 1 done."""
    from inspections.models import Asset

    epon_a = Asset.objects.create(name="东苑 EPON", kind="epon_line", unit=org.community_a)
    epon_b = Asset.objects.create(name="西城 EPON", kind="epon_line", unit=org.station_b)
    return {
        "t_done": ticket(epon_a, org.engineer_a, "2026-10-15", "done"),
        "t_open": ticket(epon_a, org.engineer_a, "2026-10-20"),
        "t_skipped": ticket(epon_a, org.engineer_a, "2026-10-25", "skipped"),
        "t_b": ticket(epon_b, org.engineer_b, "2026-11-05", "done"),
    }


def everything(org) -> dict:
    made = orders(org)
    attendance(org)
    made.update(ledger(org))
    callbacks(org, made)
    made.update(inspections(org))
    return made
