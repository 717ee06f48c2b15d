"""Benchmark of the company dashboard (issue 6, bench/dashboard): 12 months of data for 5,000
engineers; server time per chart request (median and p95; target ≤ 300 ms on PostgreSQL) and the
SQL queries of each request, next to the queries of the same request on an empty database (a
fixed number: they are equal). Exits 1 when a target is missed.

    uv run python bench/dashboard.py                       # SQLite file in a temporary folder
    uv run python bench/dashboard.py --engineers 500 --requests 10
    DATABASE_URL=postgres://crewdesk:pw@127.0.0.1:5433/crewdesk uv run python bench/dashboard.py
    make bench-dashboard                                   # the same, DATABASE_URL passed through

With DATABASE_URL (PostgreSQL) a fresh database "test_<name>" is created on that server and
dropped at the end, like the test runner does: the role needs CREATEDB. Nothing else is touched.

The data: the assessment benchmark's data set (bench/dataset.py: per month 30 orders per engineer,
150,000 for 5,000, with their breaches and WO-05 chains; a day judgement per person and day;
10 callbacks per engineer; ledger entries) plus 6 inspection tickets per engineer and month made
here. Without bench/dataset.py, or with --local, `local_dataset` makes comparable data itself.
Each chart is requested for the whole company and for one station, over all the months, as the
operations manager; the queries of each request are compared with those of a one-month request
(12 times less data, the same number of queries). The heavy charts read the monthly rollup
(dashboards/rollup.py, made first as the worker does; its time is printed); --live measures
them counting every order instead.
"""

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    analyze,
    drop_database,
    fresh_database,
    load_average,
    peak_mb,
    percentile,
    setup_django,
)

TARGET_MS = 300.0
BATCH = 5000
ORDERS_PER_ENGINEER = 30  # per month
CALLBACKS_PER_ENGINEER = 10  # per month
TICKETS_PER_ENGINEER = 6  # per month


def build_org(engineers: int):
    """Stations of 100 engineers with 4 communities each, the operations manager (who opens the
    company dashboard) and a station manager of the first station."""
    from django.contrib.auth import get_user_model

    from people.models import Company, OrgUnit, Person
    from people.roles import Role

    User = get_user_model()
    own = Company.objects.create(name="城网通", kind=Company.Kind.OWN)
    client = Company.objects.create(name="华南广电", kind=Company.Kind.CLIENT)
    region = OrgUnit.objects.create(name="运营部", code="OPS", kind=OrgUnit.Kind.REGION)
    stations, communities = [], {}
    for i in range(max(1, engineers // 100)):
        station = OrgUnit.objects.create(
            name=f"区站{i}",
            code=f"ST{i}",
            kind=OrgUnit.Kind.STATION,
            parent=region,
            client=client,
        )
        stations.append(station)
        communities[station.pk] = [
            OrgUnit.objects.create(
                name=f"{i}-{k}社区",
                code=f"ST{i}-C{k}",
                kind=OrgUnit.Kind.COMMUNITY,
                parent=station,
                client=client,
            ).pk
            for k in range(4)
        ]
    logins = {}
    for username, role, unit in [
        ("bench_ops", Role.OPS_MANAGER, region),
        ("bench_manager", Role.STATION_MANAGER, stations[0]),
    ]:
        user = User.objects.create_user(username, password=None)
        Person.objects.create(
            user=user, name=username, staff_no=username, role=role, employer=own, unit=unit
        )
        logins[username] = user
    users = User.objects.bulk_create(
        [User(username=f"e{n:05d}", password="!") for n in range(engineers)],  # noqa: S106
        batch_size=BATCH,
    )
    if users[0].pk is None:  # databases that do not return ids from a bulk insert
        users = list(User.objects.filter(username__startswith="e").order_by("username"))
    Person.objects.bulk_create(
        [
            Person(
                user=user,
                name=f"工程师{n:05d}",
                staff_no=f"E{n:05d}",
                role=Role.ENGINEER,
                employer=own,
                client=client,
                unit=stations[n % len(stations)],
            )
            for n, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    people = list(Person.objects.filter(role=Role.ENGINEER).values_list("pk", "unit_id"))
    return logins, people, communities, stations


def _months(count: int, today: date) -> list[date]:
    from dashboards.rules import add_months

    last = today.replace(day=1)
    return [add_months(last, -i) for i in reversed(range(count))]


def _moment(rng: random.Random, month: date, until: datetime):
    from django.utils import timezone

    from dashboards.rules import add_months

    days = (add_months(month, 1) - month).days
    day = month + timedelta(days=rng.randrange(days))
    at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        minutes=rng.randrange(7 * 60, 21 * 60)
    )
    return min(at, until - timedelta(minutes=rng.randrange(1, 600)))


def _ids(model, numbers_field: str, prefix: str) -> list[tuple]:
    return list(
        model.objects.filter(**{f"{numbers_field}__startswith": prefix})
        .order_by("pk")
        .values_list("pk", "engineer_id", "created_at")
    )


def seed_orders(rng, people, communities, months, per_engineer: int, now) -> int:
    """Orders, breaches and WO-05 chain events, month by month."""
    from workorders.models import Breach, Order, OrderEvent

    kinds = ["repair"] * 5 + ["install"] * 2 + ["renewal", "inspection", "support"]
    stored = 0
    for m, month in enumerate(months):
        current = month == months[-1]
        orders = []
        for n in range(len(people) * per_engineer):
            engineer, station = people[rng.randrange(len(people))]
            created = _moment(rng, month, now)
            kind = rng.choice(kinds)
            state = (
                rng.choice(["dispatched", "contacted", "arrived", "resolved", "closed"])
                if current and rng.random() < 0.3
                else ("cancelled" if rng.random() < 0.02 else "closed")
            )
            orders.append(
                Order(
                    number=f"B{m:02d}{n:07d}",
                    kind=kind,
                    fault_class="general" if kind == "repair" else "",
                    support_kind="fault" if kind == "support" else "",
                    state=state,
                    unit_id=rng.choice(communities[station]),
                    description="宽带无法上网",
                    engineer_id=engineer,
                    created_at=created,
                    dispatched_at=created + timedelta(minutes=rng.randrange(1, 6)),
                )
            )
        Order.objects.bulk_create(orders, batch_size=BATCH)
        stored += len(orders)
        breaches, events = [], []
        for pk, engineer, created in _ids(Order, "number", f"B{m:02d}"):
            roll = rng.random()
            if roll < 0.10:
                due = created + timedelta(hours=1)
                breaches.append(
                    Breach(
                        order_id=pk,
                        rule_id="WO-02",
                        kind="on_site_late",
                        person_id=engineer,
                        due_at=due,
                        recorded_at=due,
                    )
                )
            if roll < 0.03:
                due = created + timedelta(minutes=10)
                breaches.append(
                    Breach(
                        order_id=pk,
                        rule_id="WO-01",
                        kind="contact_late",
                        person_id=engineer,
                        due_at=due,
                        recorded_at=due,
                    )
                )
                if roll < 0.015:
                    events.append(OrderEvent(order_id=pk, at=due, kind="chain_notice_ops"))
                if roll < 0.006:
                    breaches.append(
                        Breach(
                            order_id=pk,
                            rule_id="WO-05",
                            kind="chain_fine",
                            person_id=engineer,
                            due_at=due,
                            recorded_at=due,
                            amount=200,
                        )
                    )
        Breach.objects.bulk_create(breaches, batch_size=BATCH)
        OrderEvent.objects.bulk_create(events, batch_size=BATCH)
    return stored


def seed_attendance(rng, people, months, today) -> int:
    """A judgement per engineer and working day (Monday to Friday) up to yesterday."""
    from django.utils import timezone

    from attendance.models import DayJudgement

    now = timezone.now()
    stored = 0
    for month in months:
        days = [
            month + timedelta(days=i)
            for i in range(31)
            if (month + timedelta(days=i)).month == month.month
            and (month + timedelta(days=i)).weekday() < 5
            and month + timedelta(days=i) < today
        ]
        rows = []
        for pk, _station in people:
            for day in days:
                roll = rng.random()
                fields = {"status": "on_time"}
                if roll < 0.05:
                    fields = {
                        "status": "late",
                        "late_count": 1,
                        "late_minutes": rng.randrange(1, 50),
                        "rule_ids": ["ATT-04"],
                    }
                elif roll < 0.07:
                    fields = {
                        "status": "early",
                        "early_count": 1,
                        "early_minutes": rng.randrange(1, 40),
                        "rule_ids": ["ATT-06"],
                    }
                elif roll < 0.08:
                    fields = {"status": "absent", "absent_days": 1, "rule_ids": ["REQ-04"]}
                elif roll < 0.10:
                    fields = {"status": "leave", "leave_days": 1, "leave_type": "personal"}
                rows.append(
                    DayJudgement(person_id=pk, date=day, workday=True, computed_at=now, **fields)
                )
            if len(rows) >= 50_000:
                DayJudgement.objects.bulk_create(rows, batch_size=BATCH)
                stored, rows = stored + len(rows), []
        DayJudgement.objects.bulk_create(rows, batch_size=BATCH)
        stored += len(rows)
    return stored


def seed_entries(rng, people, months, now) -> int:
    from decimal import Decimal

    from assessment.models import Entry

    rows = []
    for month in months:
        for pk, _station in people:
            for rule_id, chance, points, fine, source in [
                ("KPI-02", 0.3, "0.5", "50", "breach"),
                ("ATT-04", 0.2, "0", "20", "attendance"),
                ("BEH-01", 0.05, "0", "50", "callback"),
            ]:
                if rng.random() < chance:
                    rows.append(
                        Entry(
                            person_id=pk,
                            month=month,
                            rule_id=rule_id,
                            points=Decimal(points),
                            fine=Decimal(fine),
                            source=source,
                            state="withdrawn" if rng.random() < 0.1 else "confirmed",
                            fact_key=f"bench:{pk}:{month:%Y%m}:{rule_id}",
                            created_at=now,
                        )
                    )
    Entry.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def seed_callbacks(rng, months, per_engineer: int, engineers: int, now) -> int:
    """Answered after-order callbacks on distinct orders of each month."""
    from callbacks.models import Callback
    from workorders.models import Order

    stored = 0
    for m in range(len(months)):
        orders = _ids(Order, "number", f"B{m:02d}")
        rng.shuffle(orders)
        rows = [
            Callback(
                kind="after_order",
                order_id=pk,
                engineer_id=engineer,
                due_on=created.date(),
                state="done",
                created_at=created,
                done_at=created + timedelta(days=1),
                satisfaction=rng.choices([1, 2, 3, 4, 5], [2, 3, 10, 35, 50])[0],
            )
            for pk, engineer, created in orders[: per_engineer * engineers]
            if created + timedelta(days=1) < now
        ]
        Callback.objects.bulk_create(rows, batch_size=BATCH)
        stored += len(rows)
    return stored


def seed_tickets(rng, people, months, per_engineer: int, today, now) -> int:
    """An EPON line per engineer (in the engineer's unit) and `per_engineer` tickets a month."""
    from inspections.models import Asset, ChecklistTemplate, Ticket

    template = ChecklistTemplate.objects.create(name="bench", asset_kind="epon_line", version=999)
    Asset.objects.bulk_create(
        [
            Asset(name=f"EPON {pk}", kind="epon_line", unit_id=unit, engineer_id=pk)
            for pk, unit in people
        ],
        batch_size=BATCH,
    )
    asset_of = dict(Asset.objects.values_list("engineer_id", "pk"))
    stored = 0
    for month in months:
        rows = []
        for pk, _station in people:
            for _ in range(per_engineer):
                due = month + timedelta(days=rng.randrange(28))
                status = "open" if due >= today or rng.random() < 0.08 else "done"
                if rng.random() < 0.02:
                    status = "skipped"
                rows.append(
                    Ticket(
                        asset_id=asset_of[pk],
                        template=template,
                        engineer_id=pk,
                        rule_id="INS-04",
                        window_start=month,
                        planned_on=due,
                        due_on=due,
                        status=status,
                        created_at=now,
                        done_at=now if status == "done" else None,
                    )
                )
        Ticket.objects.bulk_create(rows, batch_size=BATCH)
        stored += len(rows)
    return stored


def local_dataset(args, rng) -> tuple[int, int, list[date], dict]:
    """This benchmark's own data (when bench/dataset.py is missing, or with --local): returns
    the operations manager's user id, the first station's id, the months and row counts."""
    from core import clock

    now, today = clock.now(), clock.today()
    months = _months(args.months, today)
    logins, people, communities, stations = build_org(args.engineers)
    counts = {"engineers": len(people)}
    counts["orders"] = seed_orders(rng, people, communities, months, args.orders_per_engineer, now)
    counts["day judgements"] = seed_attendance(rng, people, months, today)
    counts["entries"] = seed_entries(rng, people, months, now)
    counts["callbacks"] = seed_callbacks(rng, months, args.callbacks_per_engineer, len(people), now)
    counts["tickets"] = seed_tickets(rng, people, months, args.tickets_per_engineer, today, now)
    return logins["bench_ops"].pk, stations[0].pk, months, counts


def shared_dataset(args) -> tuple[int, int, list[date], dict]:
    """The assessment benchmark's data set (bench/dataset.py: orders with their breaches and
    WO-05 chains, a day judgement per person and day, callbacks, ledger entries), sized per
    engineer like this benchmark, plus this benchmark's inspection tickets."""
    from bench.dataset import DatasetSize, build
    from core import clock
    from people.models import Person
    from people.roles import Role

    size = DatasetSize(
        staff=args.engineers,
        stations=max(1, args.engineers // 100),
        months=args.months,
        orders=args.engineers * args.orders_per_engineer,
        callbacks=args.engineers * args.callbacks_per_engineer,
    )
    built = build(size, args.seed, log=lambda line: None)
    months = size.months_list()
    people = list(Person.objects.filter(role=Role.ENGINEER).values_list("pk", "unit_id"))
    counts = {k: v for k, v in built.counts.items() if " in " not in k}
    counts["tickets"] = seed_tickets(
        random.Random(args.seed),
        people,
        months,
        args.tickets_per_engineer,
        clock.today(),
        clock.now(),
    )
    return built.ops_user_id, built.stations[0], months, counts


def dataset(args, rng) -> tuple[int, int, list[date], dict, str]:
    try:
        import bench.dataset  # noqa: F401
    except ImportError:
        args.local = True
    if args.local:
        return (*local_dataset(args, rng), "local_dataset (bench/dashboard.py)")
    return (*shared_dataset(args), "bench/dataset.py + inspection tickets")


def request_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def measure(client, url: str, requests: int) -> list[float]:
    """Server time (ms) of each request: middleware, view, SQL and JSON, as the server spends
    it (the test Client adds no template instrumentation outside the test runner)."""
    for _ in range(2):  # warm up
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def explain(name: str, scope, months: list[date]) -> None:
    """EXPLAIN ANALYZE of a chart's queries (PostgreSQL, --explain)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import clock
    from dashboards.figures import chart_for
    from dashboards.rules import period_for

    period = period_for(f"{months[0]:%Y-%m}", f"{months[-1]:%Y-%m}", today=clock.today())
    with CaptureQueriesContext(connection) as ctx:
        chart_for(name, scope, period)
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print(f"--- {name}\n" + "\n".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, default=5000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--orders-per-engineer",
        type=int,
        default=ORDERS_PER_ENGINEER,
        help="orders per engineer and month",
    )
    parser.add_argument(
        "--callbacks-per-engineer",
        type=int,
        default=CALLBACKS_PER_ENGINEER,
        help="answered callbacks per engineer and month",
    )
    parser.add_argument(
        "--tickets-per-engineer",
        type=int,
        default=TICKETS_PER_ENGINEER,
        help="inspection tickets per engineer and month",
    )
    parser.add_argument("--requests", type=int, default=30, help="per chart and scope")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each chart")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--local", action="store_true", help="this file's own data, not bench/dataset.py"
    )
    parser.add_argument(
        "--live", action="store_true", help="no monthly rollup: every chart counts live"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="crewdesk-bench-") as folder:
        setup_django(Path(folder))
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from dashboards.charts import CHARTS

        User = get_user_model()
        configured = fresh_database()
        failed = False
        try:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
            print(f"load average before: {load_average()}")
            start = time.perf_counter()
            ops_user, station, months, counts, source = dataset(args, rng)
            analyze()
            print(
                "data: "
                + ", ".join(f"{v:,} {k}" for k, v in counts.items())
                + f" over {len(months)} months ({source}); set up in "
                + f"{time.perf_counter() - start:.0f} s, peak {peak_mb():.0f} MB"
            )
            if not args.live:
                from dashboards.rollup import refresh_months

                started = time.perf_counter()
                rolled = refresh_months(months[0], months[-1])
                print(
                    f"monthly rollup of {len(months)} months (the worker's nightly refresh): "
                    f"{rolled:,} figures in {time.perf_counter() - started:.1f} s; two months "
                    "(its ten-minute refresh): ",
                    end="",
                )
                started = time.perf_counter()
                refresh_months(months[-2], months[-1])
                print(f"{time.perf_counter() - started:.1f} s")
                analyze()
            ops = Client()
            ops.force_login(User.objects.get(pk=ops_user))
            year = f"from={months[0]:%Y-%m}&to={months[-1]:%Y-%m}"
            one = f"from={months[-1]:%Y-%m}&to={months[-1]:%Y-%m}"
            variants = [("company", ""), ("station", f"&unit={station}")]
            page_times = measure(ops, f"/dashboards/?{year}", args.requests)
            print(
                f"dashboard page (no figures; the charts load their JSON): median "
                f"{statistics.median(page_times):.1f} ms, p95 {percentile(page_times, 0.95):.1f} ms, "
                f"{request_queries(ops, f'/dashboards/?{year}')} queries"
            )
            print(f"{args.requests} requests per chart and scope (server time of the JSON request)")
            print(
                f"{'chart':<13}{'scope':<9}{'median ms':>10}{'p95 ms':>9}{'queries':>9}"
                f"{'1 month':>9}"
            )
            for name in CHARTS:
                for scope_name, query in variants:
                    url = f"/dashboards/charts/{name}/data/?{year}{query}"
                    times = measure(ops, url, args.requests)
                    queries = request_queries(ops, url)
                    few = request_queries(ops, f"/dashboards/charts/{name}/data/?{one}{query}")
                    median, high = statistics.median(times), percentile(times, 0.95)
                    slow, grew = high > TARGET_MS, queries != few
                    failed |= slow or grew
                    print(
                        f"{name:<13}{scope_name:<9}{median:>10.1f}{high:>9.1f}{queries:>9}"
                        f"{few:>9}{'  SLOW' if slow else ''}{'  QUERIES GREW' if grew else ''}"
                    )
            if args.explain and connection.vendor == "postgresql":
                from dashboards.queries import Scope

                for name in CHARTS:
                    explain(name, Scope(None), months)
            print(
                f"target: p95 ≤ {TARGET_MS:.0f} ms per chart request, the same queries for 12 "
                f"months as for one: "
                f"{'met' if not failed else 'MISSED'}; load average after: {load_average()}"
            )
        finally:
            connection.close()
            # SQLite: a database file already gone is no failure (the folder goes anyway).
            with contextlib.suppress(FileNotFoundError):
                drop_database(configured)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
