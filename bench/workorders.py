"""Benchmark of the work-order clocks and steps (issue: benchmark `bench/workorders`). Prints
figures next to the targets; exits 1 when a target is missed.

    uv run python bench/workorders.py                       # both parts
    uv run python bench/workorders.py --part a --orders 100000 --due 1000
    uv run python bench/workorders.py --part b --requests 4000
    uv run python bench/workorders.py --part p --requests 800 --profile 40
    make bench-workorders                                   # BENCH_ARGS="--part b" etc.

(a) Clocks. `--orders` open dispatched orders are stored in bulk (core/bulk.py) with deadlines a
    day away; the cost of one sweep query `Order.objects.due(now)` is timed with 1,000 and with
    all of them open (EXPLAIN shows the index). Then a real `manage.py run_huey` worker starts, the
    deadlines of `--due` orders are moved into the next ~60 s and each is scheduled as the
    services do (`schedule_sweep`); the minute sweep runs too. The figure is
    `Breach.recorded_at - Breach.due_at`: median, p99, max (target p99 ≤ 5 s). The database is a
    SQLite file and Huey's storage SQLite by default; DATABASE_URL=postgres://… (role with
    CREATEDB: a fresh "test_<name>" database is created and dropped) and REDIS_URL=redis://…
    make it the deployed PostgreSQL + Redis.

(p) Profile of one step request, in this process on a SQLite file (no server, no load generator):
    the same seed and steps as (b) through Django's test client with a Bearer token. Prints CPU ms
    per request (time.process_time), SQL queries per step, and with `--profile` the top functions
    by cumulative time (cProfile). The same method before and after a change gives comparable
    figures on a busy machine, unlike requests/s.

(b) Steps through the API. A throwaway PostgreSQL 15 cluster (or a fresh database on
    DATABASE_URL's server) and a throwaway Redis (Huey's schedules go there, as deployed) are
    started on free loopback ports; the app is migrated and seeded (8 engineers with a personal
    API token each, their dispatched repair orders), and `gunicorn crewdesk.wsgi -w 2` serves
    it. 8 client threads, one per engineer, each with a keep-alive `http.client` connection,
    walk their orders through contact (reached) → on_the_way → arrive → resolve with
    POST /api/orders/{id}/steps and an idempotency key. Prints requests/s and p50/p99 latency
    (targets ≥ 400/s, p99 ≤ 50 ms).

Every subprocess and temporary folder is removed at the end; nothing listens beyond 127.0.0.1.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, percentile  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TARGET_FIRE_P99_S = 5.0
TARGET_RPS = 400.0
TARGET_P99_MS = 50.0
CLIENTS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Started subprocesses (each in its own process group) with their log files."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def run(self, *args: str, stdin: str | None = None, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append((process, log))
        return process

    def check(self) -> None:
        for process, log in self.running:
            if process.poll() is not None:
                raise RuntimeError(f"{log.stem} exited:\n{log.read_text(errors='replace')}")

    def stop_all(self) -> None:
        for process, _log in self.running:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.running = []


# --- (a) the clocks --------------------------------------------------------------------------


def setup_django(tmp: Path) -> dict[str, str]:
    """Django in this process; returns the environment for the worker (same database, queue)."""
    os.environ["CREWDESK_VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")
    os.environ.setdefault("CREWDESK_LOG_LEVEL", "WARNING")
    given = os.environ.get("DATABASE_URL", "")
    if not given:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'crewdesk.sqlite3'}"
    import django

    django.setup()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if given:  # PostgreSQL: a fresh test_<name> database, which the worker must use too
        from django.db import connection

        configured = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        name = connection.settings_dict["NAME"]
        env["DATABASE_URL"] = given.rsplit("/", 1)[0] + "/" + name
        env["BENCH_CONFIGURED_NAME"] = configured
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return env


def build_org():
    from django.contrib.auth import get_user_model

    from people.models import Company, OrgUnit, Person
    from people.roles import Role

    User = get_user_model()

    own = Company.objects.create(name="城网通", kind=Company.Kind.OWN)
    client = Company.objects.create(name="华南广电", kind=Company.Kind.CLIENT)
    region = OrgUnit.objects.create(name="运营部", code="OPS", kind=OrgUnit.Kind.REGION)
    station = OrgUnit.objects.create(name="东城区站", code="A", parent=region, client=client)
    engineers = [
        Person.objects.create(
            user=User.objects.create_user(f"eng{n}"),
            name=f"工程师{n}",
            staff_no=f"E{n:03d}",
            role=Role.ENGINEER,
            employer=own,
            client=client,
            unit=station,
        ).pk
        for n in range(20)
    ]
    return station, engineers


def seed_open_orders(start: int, count: int, station, engineers, now) -> None:
    """`count` dispatched inspection orders whose contact clock runs out a day or more away."""
    from core.bulk import connection_for, insert_rows
    from workorders.models import Order

    ops = connection_for(Order).ops
    rows = []
    for n in range(start, start + count):
        due = ops.adapt_datetimefield_value(now + timedelta(days=1, seconds=n))
        at = ops.adapt_datetimefield_value(now)
        rows.append((f"WB{n:010d}", station.pk, engineers[n % len(engineers)], at, at, due, due))
    fields = [
        "number",
        "unit",
        "engineer",
        "created_at",
        "dispatched_at",
        "contact_due_at",
        "next_due_at",
    ]
    constants = {
        "kind": "'inspection'",
        "state": "'dispatched'",
        "description": "'巡检'",
        "support_kind": "''",
        "fault_class": "''",
        "critical": "FALSE",
        "address": "''",
        "registration": "'{}'",
        "chain_stage": "0",
        "case_report": "''",
        "cause_class": "''",
    }
    for first in range(0, len(rows), 20_000):
        insert_rows(Order, fields, rows[first : first + 20_000], constants=constants)


def time_sweep_query(at, runs: int = 50) -> tuple[float, float, int]:
    """Median and p99 ms of one sweep query (as sweep_due_orders runs it), and its row count."""
    from workorders.models import Order

    times, rows = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        rows = len(list(Order.objects.due(at).values_list("pk", flat=True)[:10000]))
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), percentile(times, 0.99), rows


def explain(at) -> str:
    from django.db import connection

    from workorders.models import Order

    query = Order.objects.due(at).values_list("pk", flat=True)[:10000]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE workorders_order")
    return " | ".join(line.strip() for line in query.explain().splitlines())


def part_a(args, tmp: Path) -> bool:
    print("== (a) SLA clocks: deadline → recorded breach, and the sweep query cost")
    env = setup_django(tmp)
    from django.db import connection

    from core import clock
    from workorders.models import Breach, Order
    from workorders.tasks import schedule_sweep

    procs = Processes(tmp, env)
    try:
        huey = "Redis" if os.environ.get("REDIS_URL") else "SQLite"
        print(f"database: {connection.vendor}; Huey storage: {huey}; load average {load_average()}")
        station, engineers = build_org()
        now = clock.now()
        small = min(1000, args.orders)
        began = time.perf_counter()
        seed_open_orders(0, small, station, engineers, now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE workorders_order")
        # A tick when nothing is due, and one when the first 100 deadlines are due: the same
        # rows with 1,000 or all orders open.
        ticks = {"nothing due": now, "100 due": now + timedelta(days=1, seconds=99.5)}
        few = {name: time_sweep_query(at) for name, at in ticks.items()}
        seed_open_orders(small, args.orders - small, station, engineers, now)
        print(
            f"seeded {Order.objects.count():,} open orders in {time.perf_counter() - began:.1f} s"
        )
        plan = explain(now)
        many = {name: time_sweep_query(at) for name, at in ticks.items()}
        print("one sweep query (Order.objects.due(at), as sweep_due_orders runs it), 50 runs:")
        for name in ticks:
            for open_orders, (median, high, rows) in (
                (small, few[name]),
                (args.orders, many[name]),
            ):
                print(
                    f"  {name:<12} {open_orders:>7,} open: median {median:.2f} ms,"
                    f" p99 {high:.2f} ms, {rows} rows"
                )
        print(f"  plan: {plan}")
        # Flat: within noise of a ~1 ms query.
        flat = all(many[n][0] <= max(3 * few[n][0], few[n][0] + 1.0) for n in ticks)
        uses_index = "next_due_at" in plan or "INDEX" in plan.upper()

        # The worker, then the deadlines of a sample moved into the next minute.
        procs.start("worker", "manage.py", "run_huey")
        time.sleep(4)
        procs.check()
        pks = list(
            Order.objects.order_by("?").values_list("pk", flat=True)[: min(args.due, args.orders)]
        )
        first = clock.now() + timedelta(seconds=10)
        step = args.window / max(1, len(pks))
        dues = {pk: first + timedelta(seconds=i * step) for i, pk in enumerate(pks)}
        from django.db import transaction

        with transaction.atomic():
            for pk, due in dues.items():
                Order.objects.filter(pk=pk).update(contact_due_at=due, next_due_at=due)
        for pk, due in dues.items():
            schedule_sweep(pk, due)
        print(
            f"{len(pks):,} deadlines moved into {first:%H:%M:%S}…+{args.window:.0f} s and scheduled"
            f" (schedule_sweep), worker running (2 threads)"
        )
        deadline = time.monotonic() + 10 + args.window + 90
        count = 0
        while time.monotonic() < deadline:
            procs.check()
            count = Breach.objects.filter(order_id__in=pks).count()
            if count >= len(pks):
                break
            time.sleep(1)
        lags = [
            (recorded - due).total_seconds()
            for due, recorded in Breach.objects.filter(order_id__in=pks).values_list(
                "due_at", "recorded_at"
            )
        ]
        missing = len(pks) - len(lags)
        early = sum(1 for lag in lags if lag < 0)
        print(
            f"deadline → breach recorded, {len(lags):,} of {len(pks):,} orders"
            f" ({missing} not recorded within the wait, {early} early):"
        )
        if lags:
            print(
                f"  median {statistics.median(lags):.2f} s, p99 {percentile(lags, 0.99):.2f} s,"
                f" max {max(lags):.2f} s"
            )
        fire_ok = bool(lags) and missing == 0 and early == 0
        fire_ok = fire_ok and percentile(lags, 0.99) <= TARGET_FIRE_P99_S
        print(
            f"targets: p99 ≤ {TARGET_FIRE_P99_S:.0f} s {'met' if fire_ok else 'MISSED'};"
            f" sweep query flat with open orders {'met' if flat else 'MISSED'};"
            f" index used {'yes' if uses_index else 'NO'}; load average {load_average()}"
        )
        return fire_ok and flat and uses_index
    finally:
        procs.stop_all()
        configured = env.get("BENCH_CONFIGURED_NAME")
        connection.close()
        if configured:
            connection.creation.destroy_test_db(configured, verbosity=0)


# --- (b) steps through the API under gunicorn --------------------------------------------------


def cpu_seconds(match) -> float:
    """User + system CPU of the live processes whose (pid, pgid, ppid) `match` accepts."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            ppid, pgid = int(fields[1]), int(fields[2])
            if match(int(entry.name), pgid, ppid):
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Postgres:
    """A throwaway PostgreSQL 15 cluster, as scripts/test.sh starts it."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="crewdesk-pg-", dir="/tmp"))
        self.started = False
        self.root = os.getuid() == 0
        if self.root:
            import shutil

            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str, stdin: str | None = None) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if self.root else list(args)
        subprocess.run(
            cmd, cwd=self.dir, input=stdin, text=True, check=True, capture_output=True, timeout=60
        )

    def start(self) -> str:
        data = self.dir / "data"
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
        )
        port = free_port()
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\nmax_connections = 50\n"
            )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "server.log"), "-w",
            "-t", "30", "start",
        )  # fmt: skip
        self.started = True
        password = secrets.token_hex(16)
        self._run(
            str(PG_BIN / "psql"), "-h", str(self.dir), "-p", str(port), "-U", "postgres",
            "-d", "postgres", "-qX", "-v", "ON_ERROR_STOP=1",
            stdin=f"CREATE ROLE crewdesk LOGIN CREATEDB PASSWORD '{password}';\n"
            "CREATE DATABASE crewdesk OWNER crewdesk;\n",
        )  # fmt: skip
        return f"postgres://crewdesk:{password}@127.0.0.1:{port}/crewdesk"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            if self.started:
                self._run(
                    str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                    "-w", "-t", "20", "stop",
                )  # fmt: skip
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self, folder: Path):
        self.dir = folder
        self.pidfile = folder / "redis.pid"

    def start(self) -> str:
        port = free_port()
        subprocess.run(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "no", "--daemonize", "yes",
             "--pidfile", str(self.pidfile), "--logfile", str(self.dir / "redis.log")],
            check=True, timeout=30,
        )  # fmt: skip
        for _ in range(50):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                if self.pidfile.exists():
                    return f"redis://127.0.0.1:{port}/0"
            time.sleep(0.1)
        raise RuntimeError("Redis did not start")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            pid = int(self.pidfile.read_text())
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)


SEED = r"""
import json
from datetime import timedelta
from core import clock
from core.services import create_api_token
from django.contrib.auth import get_user_model
from people.models import Company, Customer, OrgUnit, Person
from workorders import rules
from workorders.models import Order, State

cfg = json.loads(CONFIG)
own = Company.objects.create(name="城网通", kind="own")
client = Company.objects.create(name="华南广电", kind="client")
region = OrgUnit.objects.create(name="运营部", code="OPS", kind="region")
station = OrgUnit.objects.create(name="东城区站", code="A", kind="station", parent=region, client=client)
community = OrgUnit.objects.create(
    name="东苑社区", code="A-1", kind="community", parent=station, client=client
)
customer = Customer.objects.create(
    name="王女士", account_no="GD0001", phone="13512341203", address="东苑小区 3-201",
    unit=community, client=client,
)
now = clock.now()
policy = rules.SlaPolicy()
clients = []
for n in range(cfg["clients"]):
    user = get_user_model().objects.create_user(f"eng{n}")
    engineer = Person.objects.create(
        user=user, name=f"工程师{n}", staff_no=f"E{n:03d}", role="engineer", employer=own,
        unit=station, client=client,
    )
    _token, secret = create_api_token(user, name="bench")
    orders = []
    for k in range(cfg["per_client"]):
        due = rules.deadlines("repair", dispatched_at=now, fault_class="general", support_kind="",
                              policy=policy)
        orders.append(Order(
            number=f"WB{n:03d}{k:06d}", kind="repair", fault_class="general", state=State.DISPATCHED,
            customer=customer, unit=community, address=customer.address, description="宽带无法上网",
            engineer=engineer, created_at=now, dispatched_at=now, contact_due_at=due.contact,
            on_site_due_at=due.on_site, complete_due_at=due.complete, chain_due_at=due.contact,
            next_due_at=due.contact,
        ))
    Order.objects.bulk_create(orders)
    ids = list(Order.objects.filter(engineer=engineer).order_by("pk").values_list("pk", flat=True))
    clients.append({"token": secret, "orders": ids})
print(json.dumps(clients))
"""

STEPS = [
    {"step": "contact", "outcome": "reached"},
    {"step": "on_the_way"},
    {"step": "arrive"},
    {"step": "resolve"},
]


def drive(port: int, token: str, orders: list[int], out: list, errors: list, warm: int) -> None:
    """One client: every order through the four steps, one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    done = 0
    try:
        for order in orders:
            for body in STEPS:
                payload = json.dumps({**body, "idempotency_key": str(uuid.uuid4())})
                began = time.perf_counter()
                conn.request("POST", f"/api/orders/{order}/steps", payload, headers)
                response = conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - began
                done += 1
                if response.status != 200:
                    errors.append(f"{order} {body['step']}: {response.status} {data[:300]!r}")
                if done > warm:
                    out.append((began, elapsed))
    except Exception as exc:  # noqa: BLE001 - reported with the figures
        errors.append(repr(exc))
    finally:
        conn.close()


def part_b(args, tmp: Path) -> bool:
    print("== (b) step transitions through the API: gunicorn -w 2, PostgreSQL, Redis")
    pg = Postgres() if not os.environ.get("DATABASE_URL") else None
    redis = Redis(tmp) if not os.environ.get("REDIS_URL") else None
    created_db = None
    procs = None
    try:
        if pg is not None:
            url = pg.start()
        else:  # a fresh database on the given server
            import psycopg

            given = os.environ["DATABASE_URL"]
            created_db = f"bench_workorders_{os.getpid()}"
            with psycopg.connect(given, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{created_db}"')
            url = given.rsplit("/", 1)[0] + "/" + created_db
        redis_url = redis.start() if redis is not None else os.environ["REDIS_URL"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CREWDESK_")}
        env.update(
            DATABASE_URL=url,
            REDIS_URL=redis_url,
            CREWDESK_VAR_DIR=str(tmp / "var-b"),
            CREWDESK_HUEY_NAME=f"bench-{os.getpid()}",
            PYTHONUNBUFFERED="1",
        )
        procs = Processes(tmp, env)
        procs.run("manage.py", "migrate", "--noinput", "-v", "0")
        per_client = max(2, args.requests // (CLIENTS * len(STEPS)))
        config = json.dumps({"clients": CLIENTS, "per_client": per_client})
        seeded = json.loads(
            procs.run(
                "manage.py", "shell", "--no-imports", "-c", f"CONFIG = {config!r}\n{SEED}"
            ).splitlines()[-1]
        )
        port = free_port()
        web = procs.start(
            "gunicorn", "-m", "gunicorn", "crewdesk.wsgi:application", "--bind",
            f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket",
        )  # fmt: skip
        for _ in range(300):
            procs.check()
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                break
            time.sleep(0.2)
        print(
            f"PostgreSQL {'throwaway' if pg else 'given'}, Redis {'throwaway' if redis else 'given'}"
            f"; {CLIENTS} clients × {per_client} orders × {len(STEPS)} steps; load average {load_average()}"
        )
        postmaster = int((pg.dir / "data" / "postmaster.pid").read_text().split()[0]) if pg else 0

        def cpu() -> tuple[float, float]:
            """CPU seconds so far of gunicorn (master and workers) and of the PostgreSQL
            backends (throwaway cluster only)."""
            return (
                cpu_seconds(lambda pid, pgid, ppid: pgid == web.pid),
                cpu_seconds(lambda pid, pgid, ppid: postmaster and ppid == postmaster),
            )

        warm = len(STEPS)  # the first order of each client warms its gunicorn worker
        samples: list[tuple[float, float]] = []
        errors: list[str] = []
        threads = [
            threading.Thread(
                target=drive, args=(port, c["token"], c["orders"], samples, errors, warm)
            )
            for c in seeded
        ]
        cpu_before, wall = cpu(), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        cpu_after, wall = cpu(), time.perf_counter() - wall
        if not samples:
            print(f"no requests measured; errors: {errors[:5]}")
            return False
        first = min(b for b, _e in samples)
        last = max(b + e for b, e in samples)
        rps = len(samples) / (last - first)
        lat = [e * 1000 for _b, e in samples]
        p99 = percentile(lat, 0.99)
        print(
            f"{len(samples):,} measured requests (after {warm} warm-up per client),"
            f" {len(errors)} errors"
        )
        for error in errors[:5]:
            print(f"  error: {error}")
        print(
            f"  {rps:.0f} requests/s; latency p50 {percentile(lat, 0.5):.1f} ms, p99 {p99:.1f} ms,"
            f" max {max(lat):.1f} ms"
        )
        done = len(samples) + warm * len(seeded)
        web_cpu, db_cpu = (
            after - before for after, before in zip(cpu_after, cpu_before, strict=True)
        )
        print(
            f"  CPU per request: gunicorn {web_cpu * 1000 / done:.1f} ms"
            + (f", PostgreSQL {db_cpu * 1000 / done:.1f} ms" if pg else "")
            + f"; the machine has {os.cpu_count()} cores, so at most"
            f" {os.cpu_count() * done / max(web_cpu + db_cpu, 1e-9):.0f} requests/s"
            f" if nothing else ran ({wall:.1f} s wall)"
        )
        ok = not errors and rps >= TARGET_RPS and p99 <= TARGET_P99_MS
        print(
            f"targets: ≥ {TARGET_RPS:.0f}/s {'met' if rps >= TARGET_RPS else 'MISSED'},"
            f" p99 ≤ {TARGET_P99_MS:.0f} ms {'met' if p99 <= TARGET_P99_MS else 'MISSED'};"
            f" load average {load_average()}"
        )
        return ok
    finally:
        if procs is not None:
            procs.stop_all()
        if created_db:
            import psycopg

            with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created_db}" WITH (FORCE)')
        if redis is not None:
            redis.stop()
        if pg is not None:
            pg.stop()


# --- (p) one step request, profiled --------------------------------------------------------------


def part_p(args, tmp: Path) -> bool:
    print("== (p) CPU and SQL queries per step request (Django test client, SQLite)")
    setup_django(tmp)
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    per_client = max(2, args.requests // (CLIENTS * len(STEPS)))
    seeded: list = []
    scope = {"CONFIG": json.dumps({"clients": CLIENTS, "per_client": per_client})}
    import io
    from contextlib import redirect_stdout

    with redirect_stdout(io.StringIO()) as out:
        exec(SEED, scope)  # noqa: S102 - our own seed script, as (b) runs it
    seeded = json.loads(out.getvalue().splitlines()[-1])
    client = Client()
    queries: dict[str, list[int]] = {}
    cpu: list[float] = []
    profiler = cProfile.Profile() if args.profile else None
    done = 0
    for c in seeded:
        headers = {"Authorization": f"Bearer {c['token']}"}
        for order in c["orders"]:
            for body in STEPS:
                payload = json.dumps({**body, "idempotency_key": str(uuid.uuid4())})
                with CaptureQueriesContext(connection) as captured:
                    began = time.process_time()
                    if profiler is not None and done >= len(STEPS):
                        profiler.enable()
                    response = client.post(
                        f"/api/orders/{order}/steps",
                        payload,
                        content_type="application/json",
                        headers=headers,
                    )
                    if profiler is not None:
                        profiler.disable()
                    elapsed = time.process_time() - began
                if response.status_code != 200:
                    print(f"  error: {order} {body['step']}: {response.status_code}")
                    return False
                done += 1
                if done > len(STEPS):  # the first order warms caches
                    cpu.append(elapsed * 1000)
                    queries.setdefault(body["step"], []).append(len(captured.captured_queries))
    print(
        f"{len(cpu):,} step requests: CPU per request median {statistics.median(cpu):.1f} ms,"
        f" mean {statistics.mean(cpu):.1f} ms, p99 {percentile(cpu, 0.99):.1f} ms"
    )
    print(
        "  SQL queries per step: "
        + ", ".join(f"{step} {max(n)}" for step, n in queries.items())
        + f"; load average {load_average()}"
    )
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["a", "b", "p", "all"], default="all")
    parser.add_argument("--orders", type=int, default=100_000, help="(a) open orders")
    parser.add_argument("--due", type=int, default=1000, help="(a) orders falling due")
    parser.add_argument("--window", type=float, default=60.0, help="(a) seconds they spread over")
    parser.add_argument("--requests", type=int, default=4000, help="(b) step requests in all")
    parser.add_argument(
        "--profile", type=int, default=0, help="(p) print this many top functions (cProfile)"
    )
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="crewdesk-bench-") as folder:
        tmp = Path(folder)
        if args.part in ("b", "all"):  # before (a): (a) sets up Django in this process
            ok &= part_b(args, tmp)
        if args.part in ("a", "all"):
            ok &= part_a(args, tmp)
        if args.part == "p":
            ok &= part_p(args, tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
