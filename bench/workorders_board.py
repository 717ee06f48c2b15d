"""Benchmark of the dispatcher board with 10,000 open work orders (issue 4, benchmark c): server
time and SQL queries per request. Prints figures next to the targets (≤ 150 ms median and p95,
the same number of queries for every request); exits 1 when a target is missed.

    uv run python bench/workorders_board.py                  # SQLite file in a temporary folder
    uv run python bench/workorders_board.py --orders 2000 --requests 20
    DATABASE_URL=postgres://crewdesk:pw@127.0.0.1:5433/crewdesk uv run python bench/workorders_board.py
    make bench-board                                         # the same, DATABASE_URL passed through

With DATABASE_URL (PostgreSQL) a fresh database "test_<name>" is created on that server and
dropped at the end, like the test runner does: the role needs CREATEDB. Nothing else is touched.

What it does:
1. builds an organisation: 50 stations with 4 communities each, 10 engineers per station, 5,000
   customers, one customer-service agent (the dispatcher who opens the board);
2. stores `--orders` open orders with bulk_create: every open state, every type, dispatched
   within the last three days, deadline columns as the dispatch service sets them (so some are
   red, some amber, most green) and a breach on every seventh;
3. requests the board with Django's test Client as the dispatcher `--requests` times per
   variant (first page, a station and type filter, the red ones, the 10-second HTMX refresh, a
   deep page) and prints median and p95 server time and the SQL queries of each request, next
   to the queries of the same request when there were only 20 orders (no N+1: they are equal).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import drop_database, fresh_database, load_average, percentile, setup_django  # noqa: E402

TARGET_MS = 150.0


def build_org(rng: random.Random):
    """Stations, communities, engineers, customers and the dispatcher; returns what orders need."""
    from django.contrib.auth import get_user_model

    from people.models import Company, Customer, OrgUnit, Person
    from people.roles import Role

    User = get_user_model()
    own = Company.objects.create(name="城网通", kind=Company.Kind.OWN)
    client = Company.objects.create(name="华南广电", kind=Company.Kind.CLIENT)
    region = OrgUnit.objects.create(name="运营部", code="OPS", kind=OrgUnit.Kind.REGION)
    stations, communities = [], []
    for i in range(50):
        station = OrgUnit.objects.create(
            name=f"区站{i}", code=f"ST{i}", parent=region, client=client
        )
        stations.append(station)
        communities += [
            OrgUnit.objects.create(
                name=f"{i}-{k}社区",
                code=f"ST{i}-C{k}",
                kind=OrgUnit.Kind.COMMUNITY,
                parent=station,
                client=client,
            )
            for k in range(4)
        ]
    cs_user = User.objects.create_user("bench_cs", password=None)
    Person.objects.create(
        user=cs_user,
        name="客服",
        staff_no="CS0001",
        role=Role.CUSTOMER_SERVICE,
        employer=own,
        unit=region,
    )
    users = User.objects.bulk_create(
        [User(username=f"e{n:04d}", password="!") for n in range(500)]  # noqa: S106 - unusable
    )
    if users[0].pk is None:  # databases that do not return ids from a bulk insert
        users = list(User.objects.filter(username__startswith="e").order_by("username"))
    Person.objects.bulk_create(
        [
            Person(
                user=user,
                name=f"工程师{n:04d}",
                staff_no=f"E{n:04d}",
                role=Role.ENGINEER,
                employer=own,
                client=client,
                unit=stations[n % 50],
            )
            for n, user in enumerate(users)
        ]
    )
    engineers: dict[int, list[int]] = {}
    for pk, unit_id in Person.objects.filter(role=Role.ENGINEER).values_list("pk", "unit_id"):
        engineers.setdefault(unit_id, []).append(pk)
    Customer.objects.bulk_create(
        [
            Customer(
                name=f"用户{n:05d}",
                account_no=f"KD{n:08d}",
                phone=f"135{rng.randint(10000000, 99999999)}",
                address=f"人民路{n % 300 + 1}号",
                unit=communities[n % len(communities)],
                client=client,
            )
            for n in range(5000)
        ],
        batch_size=1000,
    )
    customers = list(Customer.objects.values_list("pk", "unit_id", "address"))
    station_of = {c.pk: c.parent_id for c in communities}
    return cs_user, customers, engineers, station_of


def seed_orders(
    count: int, rng: random.Random, customers, engineers, station_of, start: int = 0
) -> int:
    """`count` more open orders as dispatch and the steps leave them, with bulk_create."""
    from core import clock
    from workorders import rules
    from workorders.models import Breach, Order, State

    policy = rules.SlaPolicy()
    now = clock.now()
    states = [
        State.NEW,
        State.DISPATCHED,
        State.CONTACTED,
        State.APPOINTED,
        State.ON_THE_WAY,
        State.ARRIVED,
        State.ESCALATED,
        State.NOT_COMPLETED,
        State.RESOLVED,
        State.FEEDBACK,
    ]
    kinds = ["repair"] * 5 + ["install"] * 2 + ["renewal", "inspection", "support"]
    orders = []
    for n in range(start, start + count):
        customer_id, unit_id, address = customers[n % len(customers)]
        kind = rng.choice(kinds)
        state = rng.choice(states)
        created = now - timedelta(minutes=rng.randint(1, 3 * 24 * 60))
        order = Order(
            number=f"WO{n:012d}",
            kind=kind,
            fault_class=rng.choice(["general", "major"]) if kind == "repair" else "",
            support_kind="fault" if kind == "support" else "",
            critical=n % 97 == 0,
            state=state,
            customer_id=customer_id if kind in rules.CUSTOMER_KINDS else None,
            unit_id=unit_id,
            address=address,
            description="宽带无法上网" if kind == "repair" else "上门服务",
            created_at=created,
        )
        if state != State.NEW:
            dispatched = created + timedelta(minutes=rng.randint(0, 5))
            order.engineer_id = rng.choice(engineers[station_of[unit_id]])
            order.dispatched_at = dispatched
            due = rules.deadlines(
                kind,
                dispatched_at=dispatched,
                fault_class=order.fault_class,
                support_kind=order.support_kind,
                policy=policy,
            )
            order.contact_due_at, order.on_site_due_at, order.complete_due_at = (
                due.contact,
                due.on_site,
                due.complete,
            )
            steps_done = states.index(state)
            if steps_done >= 2:
                order.contacted_at = dispatched + timedelta(minutes=rng.randint(1, 12))
            if steps_done >= 5:
                order.arrived_at = dispatched + timedelta(minutes=rng.randint(20, 90))
            if steps_done >= 8:
                order.resolved_at = order.arrived_at + timedelta(minutes=rng.randint(10, 120))
            pending = [
                d
                for d, done in [
                    (order.contact_due_at, order.contacted_at),
                    (order.on_site_due_at, order.arrived_at),
                    (order.complete_due_at, order.resolved_at),
                ]
                if d is not None and done is None and d > now - timedelta(minutes=1)
            ]
            order.next_due_at = min(pending) if pending else None
            order.swept_until = now - timedelta(minutes=1)
        orders.append(order)
    Order.objects.bulk_create(orders, batch_size=1000)
    ids = list(
        Order.objects.filter(number__gte=f"WO{start:012d}")
        .order_by("pk")
        .values_list("pk", "engineer_id", "on_site_due_at")
    )
    Breach.objects.bulk_create(
        [
            Breach(
                order_id=pk,
                rule_id="WO-02",
                kind="on_site_late",
                person_id=engineer_id,
                due_at=due,
                recorded_at=due,
            )
            for pk, engineer_id, due in ids[::7]
            if engineer_id and due
        ],
        batch_size=1000,
    )
    return Order.objects.count()


def count_queries(client, url: str, htmx: bool) -> tuple[int, int]:
    """The SQL queries of one request and the rows it shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx), response.content.count(b"data-order=")


def measure(client, url: str, requests: int, htmx: bool = False) -> list[float]:
    """Server time (ms) of each request: middleware, view, SQL and template, as the server
    spends it (the test Client adds no template instrumentation outside the test runner)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for _ in range(2):  # warm up: templates compiled, caches filled
        assert client.get(url, **headers).status_code == 200
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50, help="per variant")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="crewdesk-bench-") as folder:
        tmp = Path(folder)
        setup_django(tmp)
        from django.db import connection
        from django.test import Client

        configured = fresh_database()
        try:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
            print(f"load average before: {load_average()}")
            start = time.perf_counter()
            cs_user, customers, engineers, station_of = build_org(rng)
            client = Client()
            client.force_login(cs_user)
            station = min(station_of.values())
            variants = [
                ("board, first page", "/orders/", False),
                ("station + type filter", f"/orders/?station={station}&kind=repair", False),
                ("red only", "/orders/?sla=red", False),
                ("HTMX 10 s refresh", "/orders/", True),
                ("page 150", "/orders/?page=150", False),
            ]
            # The queries of each request with a handful of orders, to compare with 10,000.
            few = 20
            seed_orders(few, rng, customers, engineers, station_of)
            small = {name: count_queries(client, url, htmx)[0] for name, url, htmx in variants}
            stored = seed_orders(args.orders - few, rng, customers, engineers, station_of, few)
            print(f"seeded {stored:,} open orders in {time.perf_counter() - start:.1f} s")
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

            print(f"{args.requests} requests per variant, as customer service (sees everything)")
            print(
                f"{'variant':<24}{'rows':>6}{'median ms':>11}{'p95 ms':>9}"
                f"{'queries':>9}{f'with {few}':>9}"
            )
            failed = False
            for name, url, htmx in variants:
                times = measure(client, url, args.requests, htmx)
                queries, rows = count_queries(client, url, htmx)
                median, high = statistics.median(times), percentile(times, 0.95)
                slow, grew = high > TARGET_MS, queries != small[name]
                failed |= slow or grew
                print(
                    f"{name:<24}{rows:>6}{median:>11.1f}{high:>9.1f}{queries:>9}{small[name]:>9}"
                    f"{'  SLOW' if slow else ''}{'  QUERIES GREW' if grew else ''}"
                )
            print(
                f"target: p95 ≤ {TARGET_MS:.0f} ms per request, the same queries with {few} or "
                f"{stored:,} orders: {'met' if not failed else 'MISSED'}"
            )
            print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        finally:
            connection.close()
            drop_database(configured)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
