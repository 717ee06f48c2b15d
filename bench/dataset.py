"""The data set of the assessment and dashboard benchmarks (issues 5 and 6), built fast with bulk
inserts (core.bulk.insert_rows, explicit ids): an organisation of `staff` engineers across
`stations` stations and `months` months ending with the benchmark month, each month with

- `orders` work orders (install 30 %, repair 50 %, renewal 15 %, on-site support 5 %), mostly
  closed, with their SLA clocks and the breaches a real sweep records at realistic rates
  (contact/response late ≈ 1 %, site late 1.5 % of repairs, install/repair late ≈ 1–1.5 %, some
  repairs escalated to technical support in time, a WO-05 chain fine on 0.05 % of orders);
- a day judgement per person and day (late ≈ 8 % of working days, early leave 3 %, missing
  punch 1 %, leave 2 %, rest days and holidays from the Chinese working calendar) and, in the
  benchmark month (or every month with `punches_every_month`) the punches of each working day:
  two, four for the quarter on the split shift, a few double taps (≈ 220,000 for 5,000 people
  in October 2026 with its Golden Week);
- `callbacks` CB-01 callbacks of closed orders (92 % done with a satisfaction score, 3.5 % of
  them with one or two behaviour violations, BEH-01);
- for the months before the benchmark month, the ledger entries of those facts (confirmed), made
  by the ledger's own fact sources (assessment.services.entries.FACT_SOURCES), so KPI-09 and the
  dashboards find history; the benchmark month is left for the close to assess.

Usage: `build(DatasetSize(...), seed)` inside a configured Django (see bench/assessment.py);
`uv run python bench/dataset.py --staff 500` builds one in a throwaway database and prints what
it made. History months can be made smaller with `history_scale` (a share of orders/callbacks).
"""

import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/, whose attendance.py would shadow the app

CHUNK = 20_000


@dataclass(frozen=True)
class DatasetSize:
    staff: int = 5000
    stations: int = 50
    months: int = 12
    month: date = date(2026, 10, 1)  # the benchmark month, the last of `months`
    orders: int = 150_000  # per month
    callbacks: int = 50_000  # per month
    history_scale: float = 1.0  # share of orders and callbacks in the months before
    punches_every_month: bool = False
    history_entries: bool = True

    def months_list(self) -> list[date]:
        from assessment.rules import previous_months

        return previous_months(self.month, self.months)


@dataclass
class Built:
    """What `build` made: ids and counts the benchmarks use."""

    engineers: list[int]
    stations: list[int]
    ops_user_id: int
    counts: dict[str, int]
    seconds: dict[str, float]


class Rows:
    """Rows of one model for insert_rows: the given fields adapted for the database per field,
    every other column at its default. Flushes itself every CHUNK rows."""

    def __init__(self, model, fields: list[str]):
        from core.bulk import connection_for

        self.model = model
        self.connection = connection_for(model)
        meta = model._meta
        self.fields = fields
        given = set(fields)
        rest = [f for f in meta.concrete_fields if f.name not in given and not f.primary_key]
        self.rest_names = [f.name for f in rest]
        self.rest_values = tuple(f.get_db_prep_save(f.get_default(), self.connection) for f in rest)
        self.preps = [self._adapter(meta.get_field(name)) for name in fields]
        self.rows: list[tuple] = []
        self.count = 0

    def _adapter(self, f):
        """The database adapter of a field's values, without Django's per-value checks."""
        from django.db import models

        ops = self.connection.ops
        if isinstance(f, models.DateTimeField):
            if self.connection.vendor == "sqlite":  # Django's text form of UTC (`aware` is UTC)
                return lambda v: None if v is None else str(v)[:-6]  # drop "+00:00"
            return lambda v: v
        if isinstance(f, models.DateField):
            return lambda v: None if v is None else ops.adapt_datefield_value(v)
        if isinstance(f, models.DecimalField):
            return lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
        if isinstance(f, models.JSONField):
            return lambda v: ops.adapt_json_value(v, f.encoder)
        return None

    def add(self, *values: Any) -> None:
        self.rows.append(
            tuple(
                v if prep is None else prep(v) for prep, v in zip(self.preps, values, strict=True)
            )
            + self.rest_values
        )
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        from core.bulk import insert_rows

        if self.rows:
            insert_rows(self.model, [*self.fields, *self.rest_names], self.rows)
            self.count += len(self.rows)
            self.rows = []


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models) -> None:
    """PostgreSQL: the id sequences follow the explicit ids written (SQLite needs nothing)."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


# --- organisation ------------------------------------------------------------------------------


def build_org(size: DatasetSize, rng: random.Random):
    from django.contrib.auth import get_user_model

    from attendance.models import ScheduleAssignment, ShiftTemplate
    from people.models import Company, OrgUnit, Person, Team
    from people.roles import EmploymentType, Role

    User = get_user_model()
    own = Company.objects.create(name="城网通", kind=Company.Kind.OWN)
    vendor = Company.objects.create(name="信达外包", kind=Company.Kind.VENDOR)
    clients = [Company.objects.create(name=f"甲方{i}", kind=Company.Kind.CLIENT) for i in (1, 2, 3)]
    region = OrgUnit.objects.create(name="运营部", code="OPS", kind=OrgUnit.Kind.REGION)
    stations, teams = [], []
    for i in range(size.stations):
        station = OrgUnit.objects.create(
            name=f"区站{i:02d}",
            code=f"ST{i:02d}",
            kind=OrgUnit.Kind.STATION,
            parent=region,
            client=clients[i % 3],
        )
        stations.append(station)
        teams += [Team.objects.create(name=f"{i:02d}-{t}组", unit=station) for t in (1, 2)]
    ops_user = User.objects.create_user("bench_ops", password=None)
    staff_people = [
        Person(
            user=ops_user,
            name="运营经理",
            staff_no="OPS001",
            role=Role.OPS_MANAGER,
            employer=own,
            unit=region,
        )
    ]
    cs_users = User.objects.bulk_create(
        [User(username=f"bench_cs{n}", password="!") for n in range(20)]  # noqa: S106
    )
    manager_users = User.objects.bulk_create(
        [User(username=f"bench_mgr{n}", password="!") for n in range(len(stations))]  # noqa: S106
    )
    users = User.objects.bulk_create(
        [User(username=f"e{n:05d}", password="!") for n in range(size.staff)],  # noqa: S106
        batch_size=2000,
    )
    if users[0].pk is None:  # databases that do not return ids from a bulk insert
        by_name = {u.username: u for u in User.objects.filter(username__startswith="bench_")}
        cs_users = [by_name[f"bench_cs{n}"] for n in range(20)]
        manager_users = [by_name[f"bench_mgr{n}"] for n in range(len(stations))]
        users = list(User.objects.filter(username__startswith="e").order_by("username"))
    staff_people += [
        Person(
            user=u,
            name=f"客服{n}",
            staff_no=f"CS{n:03d}",
            role=Role.CUSTOMER_SERVICE,
            employer=own,
            unit=region,
        )
        for n, u in enumerate(cs_users)
    ]
    staff_people += [
        Person(
            user=u,
            name=f"经理{n}",
            staff_no=f"M{n:03d}",
            role=Role.STATION_MANAGER,
            employer=own,
            unit=stations[n],
        )
        for n, u in enumerate(manager_users)
    ]
    for n, user in enumerate(users):
        team = teams[n % len(teams)]
        outsourced = n % 5 == 0
        staff_people.append(
            Person(
                user=user,
                name=f"工程师{n:05d}",
                staff_no=f"E{n:05d}",
                role=Role.ENGINEER,
                employer=vendor if outsourced else own,
                employment_type=EmploymentType.OUTSOURCED if outsourced else EmploymentType.OWN,
                client=team.unit.client if n % 3 else None,
                unit=team.unit,
                team=team,
            )
        )
    Person.objects.bulk_create(staff_people, batch_size=2000)
    engineers = list(
        Person.objects.filter(role=Role.ENGINEER).order_by("staff_no").values_list("pk", "unit_id")
    )
    cs = list(Person.objects.filter(role=Role.CUSTOMER_SERVICE).values_list("pk", flat=True))
    managers = dict(Person.objects.filter(role=Role.STATION_MANAGER).values_list("unit_id", "pk"))
    plain = ShiftTemplate.objects.create(
        name="朝九晚五", kind=ShiftTemplate.Kind.PLAIN, blocks=[["09:00", "17:30"]]
    )
    ScheduleAssignment.objects.bulk_create(
        [
            ScheduleAssignment(person_id=pk, template=plain, valid_from=date(2020, 1, 1))
            for pk, _unit in engineers
            if not split_shift(pk)  # the others follow the policy's split shift (ATT-01)
        ],
        batch_size=2000,
    )
    ops_id = Person.objects.get(staff_no="OPS001").pk
    return engineers, [s.pk for s in stations], cs, managers, ops_user.pk, ops_id


def split_shift(person_id: int) -> bool:
    """A quarter of the engineers work the split shift and punch four times a day."""
    return person_id % 4 == 0


# --- work orders and breaches ------------------------------------------------------------------

KINDS = [("install", 0.30), ("repair", 0.50), ("renewal", 0.15), ("support", 0.05)]


_DAY_STARTS: dict[date, datetime] = {}


def aware(day: date, minutes: float) -> datetime:
    """`minutes` after local midnight of `day`, as an aware UTC datetime (cheap to adapt)."""
    start = _DAY_STARTS.get(day)
    if start is None:
        from django.utils import timezone

        local = datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
        start = _DAY_STARTS[day] = local.astimezone(UTC)
    return start + timedelta(minutes=minutes)


def build_orders(month: date, count: int, engineers, cs, managers, ops_id, rng, ids) -> list[tuple]:
    """`count` orders created in `month` with their breaches. Returns (order id, engineer id,
    unit id, closed_at) of the closed orders, for callbacks."""
    from core.clock import month_bounds
    from workorders.models import Breach, Order

    first, last = month_bounds(month)
    days = (last - first).days + 1
    orders = Rows(
        Order,
        [
            "id", "number", "kind", "support_kind", "fault_class", "state", "unit", "description",
            "engineer", "cs_agent", "created_at", "dispatched_at", "contacted_at", "arrived_at",
            "escalated_at", "resolved_at", "feedback_at", "closed_at", "cause_class",
            "contact_due_at", "on_site_due_at", "complete_due_at", "chain_stage", "swept_until",
        ],
    )  # fmt: skip
    breaches = Rows(
        Breach, ["id", "order", "rule_id", "kind", "person", "due_at", "recorded_at", "amount"]
    )
    kinds = [k for k, _w in KINDS]
    weights = [w for _k, w in KINDS]
    closed = []
    fine = Decimal("200")
    zero = Decimal("0")
    end_of_data = aware(last, 24 * 60)
    for n in range(count):
        order_id = ids["order"]
        ids["order"] += 1
        engineer, unit = engineers[rng.randrange(len(engineers))]
        kind = rng.choices(kinds, weights)[0]
        day = first + timedelta(days=rng.randrange(days))
        created = aware(day, rng.uniform(8 * 60, 20 * 60))
        dispatched = created + timedelta(minutes=rng.uniform(1, 10))
        contact_due = dispatched + timedelta(minutes=10)  # WO-01 / WO-08
        contact_late = rng.random() < 0.01
        contacted = (
            contact_due + timedelta(minutes=rng.uniform(1, 40))
            if contact_late
            else (dispatched + timedelta(minutes=rng.uniform(1, 9.5)))
        )
        on_site_due = dispatched + timedelta(hours=1) if kind == "repair" else None  # WO-02
        site_late = on_site_due is not None and rng.random() < 0.015
        arrived = (
            (on_site_due + timedelta(minutes=rng.uniform(1, 90)))
            if site_late
            else dispatched + timedelta(minutes=rng.uniform(20, 58))
        )
        complete_due = None
        if kind == "install":
            complete_due = dispatched + timedelta(days=2)  # WO-03
        elif kind == "repair":
            complete_due = dispatched + timedelta(hours=24)  # WO-04 general fault
        complete_late = complete_due is not None and rng.random() < (
            0.015 if kind == "install" else 0.01
        )
        resolved = (
            complete_due + timedelta(hours=rng.uniform(1, 30))
            if complete_late
            else arrived + timedelta(minutes=rng.uniform(20, 180))
        )
        escalated = None
        if complete_late and kind == "repair" and rng.random() < 0.4:
            escalated = complete_due - timedelta(hours=rng.uniform(1, 20))  # KPI-03 excused
        is_open = resolved > end_of_data or rng.random() < 0.02
        state = "arrived" if is_open else "closed"
        closed_at = None if is_open else resolved + timedelta(minutes=rng.uniform(5, 120))
        orders.add(
            order_id,
            f"B{month:%y%m}{n:06d}",
            kind,
            "fault" if kind == "support" else "",
            "general" if kind == "repair" else "",
            state,
            unit,
            "宽带无法上网",
            engineer,
            cs[n % len(cs)],
            created,
            dispatched,
            contacted,
            arrived if kind in ("repair", "install") else None,
            escalated,
            None if is_open else resolved,
            None if is_open else resolved + timedelta(minutes=2),
            closed_at,
            "" if is_open else "our_side",
            contact_due,
            on_site_due,
            complete_due,
            0,
            end_of_data,
        )
        found = []
        if contact_late:
            found.append(
                (
                    "WO-08" if kind == "support" else "WO-01",
                    "contact_late",
                    engineer,
                    contact_due,
                    zero,
                )
            )
        if site_late:
            found.append(("WO-02", "on_site_late", engineer, on_site_due, zero))
        if complete_late:
            found.append(
                (
                    "WO-03" if kind == "install" else "WO-04",
                    "complete_late",
                    engineer,
                    complete_due,
                    zero,
                )
            )
        if contact_late and rng.random() < 0.05:  # WO-05: nobody contacted after the chain
            due = contact_due + timedelta(minutes=10)
            for person in {engineer, cs[n % len(cs)], managers.get(unit, ops_id), ops_id}:
                found.append(("WO-05", "chain_fine", person, due, fine))
        for rule_id, kind_name, person, due, amount in found:
            breaches.add(
                ids["breach"],
                order_id,
                rule_id,
                kind_name,
                person,
                due,
                due + timedelta(seconds=30),
                amount,
            )
            ids["breach"] += 1
        if closed_at is not None:
            closed.append((order_id, engineer, unit, closed_at))
    orders.flush()
    breaches.flush()
    return closed, orders.count, breaches.count


# --- attendance --------------------------------------------------------------------------------


def build_attendance(month: date, engineers, rng, *, punches: bool) -> tuple[int, int]:
    """A day judgement per person and day; with `punches` the two punches of each working day."""
    from attendance.models import DayJudgement, Punch
    from core.clock import month_bounds
    from core.workcalendar import WorkCalendar

    first, last = month_bounds(month)
    calendar = WorkCalendar(first, last)
    days = list(calendar.days(first, last))
    judged = Rows(
        DayJudgement,
        [
            "person", "date", "status", "workday", "late_minutes", "late_count", "serious_late",
            "absent_late", "early_minutes", "early_count", "missing_in", "missing_out",
            "absent_days", "leave_type", "leave_days", "rule_ids", "evidence", "computed_at",
        ],
    )  # fmt: skip
    punch_rows = Rows(Punch, ["person", "at", "created_at", "source"]) if punches else None
    now = aware(last, 24 * 60 + 20)
    one, zero = Decimal("1"), Decimal("0")
    for person, _unit in engineers:
        for day in days:
            if not day.is_workday:
                judged.add(person, day.date, day.kind if day.kind == "holiday" else "rest", False,
                           0, 0, False, False, 0, 0, 0, 0, zero, "", zero, [], {}, now)  # fmt: skip
                continue
            roll = rng.random()
            late = early = 0
            status, absent, missing_out, leave = "on_time", zero, 0, zero
            leave_type, rules = "", []
            if roll < 0.02:
                status, leave, leave_type, rules = "leave", one, "personal", ["REQ-01"]
            elif roll < 0.03:
                status, missing_out, rules = "missing", 1, ["ATT-02"]
            elif roll < 0.11:
                late = rng.choice((1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 70))
                status, rules = "late", ["ATT-04"]
            elif roll < 0.14:
                early = rng.choice((5, 10, 20, 30, 45))
                status, rules = "early", ["ATT-06"]
            absent_late = late > 60
            if absent_late:
                status, absent = "absent", one
            judged.add(person, day.date, status, True, late, 1 if late and not absent_late else 0,
                       late > 30, absent_late, early, 1 if early else 0, 0, missing_out, absent,
                       leave_type, leave, rules, {}, now)  # fmt: skip
            if punch_rows is not None and status != "leave":
                split = split_shift(person)
                start, end = (8.5 * 60, 17 * 60) if split else (9 * 60, 17.5 * 60)
                arrive = aware(day.date, start - rng.uniform(1, 25) + late)
                moments = [arrive]
                if rng.random() < 0.03:  # a double tap
                    moments.append(arrive + timedelta(seconds=rng.uniform(5, 90)))
                if split:  # out at 11:30, back at 13:00
                    moments += [
                        aware(day.date, 11.5 * 60 + rng.uniform(0, 10)),
                        aware(day.date, 13 * 60 - rng.uniform(1, 15)),
                    ]
                if not missing_out:
                    moments.append(aware(day.date, end + rng.uniform(0, 40) - early))
                for at in moments:
                    punch_rows.add(person, at, now, "app")
    judged.flush()
    if punch_rows is not None:
        punch_rows.flush()
    return judged.count, punch_rows.count if punch_rows else 0


# --- callbacks ---------------------------------------------------------------------------------


def build_callbacks(month: date, count: int, closed, cs, rng, ids) -> tuple[int, int]:
    """CB-01 callbacks of `count` closed orders; 3.5 % of the done ones record violations."""
    try:
        from callbacks.models import BehaviourItem, Callback
    except ImportError:
        return 0, 0
    items = list(BehaviourItem.objects.filter(active=True).values_list("pk", flat=True))
    if not items:
        items = [BehaviourItem.objects.create(code="bench-greeting", label="Standard greeting").pk]
    callbacks = Rows(
        Callback,
        ["id", "kind", "order", "engineer", "unit", "due_on", "assigned_to", "state", "created_at",
         "done_at", "satisfaction"],
    )  # fmt: skip
    through = Callback.violations.through
    violations = Rows(through, ["callback", "behaviouritem"])
    last = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
    for order_id, engineer, unit, closed_at in rng.sample(closed, min(count, len(closed))):
        callback_id = ids["callback"]
        ids["callback"] += 1
        done_at = min(closed_at + timedelta(hours=rng.uniform(2, 48)), aware(last, 23 * 60))
        roll = rng.random()
        state = "done" if roll < 0.92 else ("unreachable" if roll < 0.955 else "open")
        callbacks.add(
            callback_id, "after_order", order_id, engineer, unit, closed_at.date(),
            cs[callback_id % len(cs)], state, closed_at,
            done_at if state != "open" else None,
            rng.choice((3, 4, 4, 5, 5, 5)) if state == "done" else None,
        )  # fmt: skip
        if state == "done" and rng.random() < 0.035:
            for item in rng.sample(items, 2 if rng.random() < 0.15 else 1):
                violations.add(callback_id, item)
    callbacks.flush()
    violations.flush()
    return callbacks.count, violations.count


# --- the ledger of the months before ------------------------------------------------------------


def build_history_entries(month: date) -> int:
    """The month's entries as the ledger's fact sources find them, confirmed (bulk)."""
    from assessment.models import Entry
    from assessment.services.entries import FACT_SOURCES
    from core.policy import PolicyBook

    book = PolicyBook()
    rows = Rows(
        Entry,
        [
            "person",
            "month",
            "rule_id",
            "points",
            "fine",
            "state",
            "source",
            "fact_key",
            "evidence",
            "created_at",
        ],
    )
    stamp = aware(month, 45 * 24 * 60)
    for source in FACT_SOURCES:
        for fact in source(month, None, book):
            rows.add(fact.person_id, month, fact.rule_id, fact.points, fact.fine, "confirmed",
                     fact.source, fact.fact_key, fact.evidence, stamp)  # fmt: skip
    rows.flush()
    return rows.count


def build(size: DatasetSize, seed: int = 5, log=print) -> Built:
    from assessment.models import Entry  # noqa: F401
    from workorders.models import Breach, Order

    rng = random.Random(seed)
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}

    def step(name, started):
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        cpu = time.process_time()
        seconds[f"{name} (CPU)"] = seconds.get(f"{name} (CPU)", 0.0) + cpu - cpu_at[0]
        cpu_at[0] = cpu

    cpu_at = [time.process_time()]

    started = time.perf_counter()
    engineers, stations, cs, managers, ops_user, ops_id = build_org(size, rng)
    step("organisation", started)
    try:
        from callbacks.models import Callback
    except ImportError:
        Callback = None
    ids = {
        "order": next_id(Order),
        "breach": next_id(Breach),
        "callback": next_id(Callback) if Callback else 1,
    }
    for month in size.months_list():
        bench_month = month == size.month
        scale = 1.0 if bench_month else size.history_scale
        started = time.perf_counter()
        closed, n_orders, n_breaches = build_orders(
            month, int(size.orders * scale), engineers, cs, managers, ops_id, rng, ids
        )
        step("orders", started)
        started = time.perf_counter()
        n_days, n_punches = build_attendance(
            month, engineers, rng, punches=bench_month or size.punches_every_month
        )
        step("attendance", started)
        started = time.perf_counter()
        n_callbacks, n_violations = build_callbacks(
            month, int(size.callbacks * scale), closed, cs, rng, ids
        )
        step("callbacks", started)
        n_entries = 0
        if not bench_month and size.history_entries:
            started = time.perf_counter()
            n_entries = build_history_entries(month)
            step("history entries", started)
        for key, value in (
            ("orders", n_orders),
            ("breaches", n_breaches),
            ("day judgements", n_days),
            ("punches", n_punches),
            ("callbacks", n_callbacks),
            ("violations", n_violations),
            ("history entries", n_entries),
        ):
            counts[key] = counts.get(key, 0) + value
            if bench_month:
                counts[f"{key} in {month:%Y-%m}"] = value
        log(
            f"  {month:%Y-%m}: {n_orders} orders, {n_breaches} breaches, {n_days} day judgements, "
            f"{n_punches} punches, {n_callbacks} callbacks ({n_violations} violations), "
            f"{n_entries} entries"
        )
    models = [Order, Breach] + ([Callback] if Callback else [])
    reset_sequences(models)
    return Built([pk for pk, _u in engineers], stations, ops_user, counts, seconds)


def main() -> None:
    import argparse
    import tempfile

    from bench.common import analyze, drop_database, fresh_database, setup_django

    parser = argparse.ArgumentParser(description="Build the assessment data set and print it.")
    add_size_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crewdesk-dataset-") as folder:
        setup_django(Path(folder))
        configured = fresh_database()
        try:
            started = time.perf_counter()
            built = build(size_from(args), args.seed)
            analyze()
            print(f"built in {time.perf_counter() - started:.1f} s: {built.counts}")
            print({k: f"{v:.1f} s" for k, v in built.seconds.items()})
        finally:
            drop_database(configured)


def add_size_arguments(parser) -> None:
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument(
        "--months", type=int, default=12, help="months of data, the last benchmarked"
    )
    parser.add_argument("--month", default="2026-10", help="the benchmark month, YYYY-MM")
    parser.add_argument("--orders", type=int, default=150_000, help="work orders per month")
    parser.add_argument("--callbacks", type=int, default=50_000, help="callbacks per month")
    parser.add_argument(
        "--history-scale",
        type=float,
        default=1.0,
        help="share of orders/callbacks before the month",
    )
    parser.add_argument("--punches-every-month", action="store_true")
    parser.add_argument("--no-history-entries", action="store_true")
    parser.add_argument("--seed", type=int, default=5)


def size_from(args) -> DatasetSize:
    year, month = (int(x) for x in args.month.split("-"))
    return DatasetSize(
        staff=args.staff,
        stations=args.stations,
        months=args.months,
        month=date(year, month, 1),
        orders=args.orders,
        callbacks=args.callbacks,
        history_scale=args.history_scale,
        punches_every_month=args.punches_every_month,
        history_entries=not args.no_history_entries,
    )


if __name__ == "__main__":
    main()
