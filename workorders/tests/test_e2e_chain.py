"""End to end: an order dispatched and left alone walks the whole WO-05 chain, with real processes.

Real: gunicorn serving the app, `manage.py run_huey` workers with Huey's own scheduler (SQLite
queue in the embedded variant, Redis with two workers on PostgreSQL in the deployed variant), an
SMTP server (aiosmtpd) and an HTTP server answering like the DingTalk, WeCom and Feishu group
robots, which check the signatures as the vendors document them. Nothing is mocked, the clock is
not frozen.

How the test keeps to a minute: the WO-05 clocks are policy minutes (10 + 5 + 5 by default, at
least 1 each), far too long to wait for. Before each stage the test moves the order's deadline
columns (`contact_due_at`, `chain_due_at`, `next_due_at`) to a few seconds from now and asks Huey
to wake the worker then (`schedule_sweep`), exactly what `_save_and_schedule` does after every
change. Everything after that is the real path: Huey's scheduler, the worker's race-safe
`sweep_order`, the chain rules, `notify`, the delivery tasks and the receivers. The sweep reads
the columns, so a stage fires at the moved deadline; `Breach.recorded_at - Breach.due_at` is how
late it fired.

The customer-service agent creates and dispatches the order through the API with a personal
token, so the web process schedules the first sweep and the first deliveries on the queue the
worker reads.

Mid-chain every worker is killed with SIGKILL before a deadline, the deadline passes while none
runs, and the workers are started again: the missed stage fires once. At the end there are
exactly one WO-01 contact_late, one WO-05 cs_notify_late and five WO-05 chain_fine facts, one
notice per robot, mailbox and person, every delivery sent at the first attempt.
"""

import contextlib
import json
import os
import signal
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.tests.test_worker import Processes, free_port, get_health, skip_or_fail
from notifications.tests.receivers import SmtpReceiver, WebhookReceiver, body_text

pytestmark = pytest.mark.e2e

DING_SECRET = "SECe2e-dingtalk-secret"
FEISHU_SECRET = "e2e-feishu-secret"
LEAD = 2  # seconds from "now" to a moved deadline
FIRE_WITHIN = timedelta(seconds=5)  # the promise
STAGE_TIMEOUT = 20  # seconds: every wait for something to happen is bounded

PEOPLE = [  # username, role, unit, phone
    ("head", "station_head", "station", "13800000001"),
    ("manager", "station_manager", "station", "13800000002"),
    ("engineer", "engineer", "station", "13800000003"),
    ("cs", "customer_service", "region", "13800000004"),
    ("ops", "ops_manager", "region", "13800000005"),
]

SEED = r"""
import json
from django.contrib.auth import get_user_model
from notifications.models import Channel, DeliveryRule
from people.models import Company, Customer, OrgUnit, Person
from core.services import create_api_token

cfg = json.loads(CONFIG)
own = Company.objects.create(name="城网通", kind="own")
client = Company.objects.create(name="华南广电", kind="client")
region = OrgUnit.objects.create(name="运营部", code="OPS", kind="region")
station = OrgUnit.objects.create(
    name="东城区站", code="A", kind="station", parent=region, client=client
)
community = OrgUnit.objects.create(
    name="东苑社区", code="A-1", kind="community", parent=station, client=client
)
units = {"station": station, "region": region}
people = {}
for n, (username, role, unit, phone) in enumerate(cfg["people"]):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.cn")
    people[username] = Person.objects.create(
        user=user, name=f"{username}-e2e", staff_no=f"E{n:03d}", phone=phone, role=role,
        employer=own, unit=units[unit], client=client if unit == "station" else None,
    )
customer = Customer.objects.create(
    name="王女士", account_no="GD0001", phone="13512341203", address="东苑小区 3-201",
    unit=community, client=client,
)
channels = [
    Channel.objects.create(name="A 钉钉群", kind="dingtalk", url=cfg["ding"], secret=cfg["ding_secret"]),
    Channel.objects.create(name="A 企业微信群", kind="wecom", url=cfg["wecom"]),
    Channel.objects.create(name="A 飞书群", kind="feishu", url=cfg["feishu"], secret=cfg["feishu_secret"]),
    Channel.objects.create(name="A 站邮箱", kind="email", emails="station-a@example.cn"),
]
for channel in channels:
    channel.full_clean()
    DeliveryRule.objects.create(unit=station, event_prefix="workorders", channel=channel)
DeliveryRule.objects.create(unit=station, event_prefix="workorders", to_recipient_email=True)
_token, secret = create_api_token(people["cs"].user, name="e2e")
print(json.dumps({
    "token": secret, "customer": customer.pk, "people": {u: p.pk for u, p in people.items()},
}))
"""

ADVANCE = r"""
from datetime import timedelta
from core import clock
from workorders.models import Order
from workorders.tasks import schedule_sweep

order = Order.objects.get(pk=ORDER)
due = clock.now() + timedelta(seconds=LEAD)
fields = {"chain_due_at": due, "next_due_at": due}
if order.chain_stage == 0:
    fields["contact_due_at"] = due
moved = Order.objects.filter(pk=order.pk, chain_stage=order.chain_stage).update(**fields)
assert moved == 1
schedule_sweep(order.pk, due)
print(order.chain_stage, due.isoformat())
"""


def aware(value) -> datetime:
    """SQLite gives Django's UTC datetimes as text, PostgreSQL as aware datetimes."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class ChainProcesses(Processes):
    """Processes that may be killed on purpose: a killed worker is no longer watched (its exit
    is expected) but its log stays in the report."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        super().__init__(tmp_path, env)
        self.retired: list[tuple] = []

    def kill(self, process) -> None:
        self.stop(process, signal.SIGKILL)
        self.retired += [(p, log) for p, log in self.running if p is process]
        self.running = [(p, log) for p, log in self.running if p is not process]

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')}"
            for _p, log in [*self.retired, *self.running]
        )


class Database:
    """Read-only looks at the app's database from the test process (a fresh snapshot each)."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite_path = url.removeprefix("sqlite:///") if url.startswith("sqlite") else None
        self.pg = None
        if self.sqlite_path is None:
            import psycopg

            self.pg = psycopg.connect(url, autocommit=True)

    def rows(self, sql: str, *params) -> list[tuple]:
        """`sql` with %s placeholders for `params`."""
        if self.pg is not None:
            return self.pg.execute(sql, params).fetchall()
        with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=10)) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()

    def close(self) -> None:
        if self.pg is not None:
            self.pg.close()


class Chain:
    """One run of the scenario: the processes, the receivers and the app's database."""

    def __init__(self, procs: ChainProcesses, db: Database, robots, smtp, workers: int):
        self.procs, self.db, self.robots, self.smtp = procs, db, robots, smtp
        self.workers_wanted = workers
        self.workers: list = []
        self.generation = 0
        self.web_port = free_port()

    # processes
    def start_web(self) -> None:
        self.procs.start(
            "gunicorn",
            "-m",
            "gunicorn",
            "crewdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--workers",
            "1",
            "--no-control-socket",
        )

    def start_workers(self) -> float:
        """Start the workers as `make run` does; returns when they were started."""
        self.generation += 1
        started = time.time()
        self.workers = [
            self.procs.start(f"worker{self.generation}-{n}", "manage.py", "run_huey")
            for n in range(self.workers_wanted)
        ]
        return started

    def kill_workers(self) -> None:
        for worker in self.workers:
            self.procs.kill(worker)
        self.workers = []

    def wait(self, what: str, check, timeout: float = STAGE_TIMEOUT):
        return self.procs.wait_for(what, check, timeout=timeout)

    # the web
    def api(self, path: str, body: dict, token: str) -> dict:
        """POST JSON to the API as the token's owner; the answer's JSON."""
        request = urllib.request.Request(  # noqa: S310 - loopback URL we built
            f"http://127.0.0.1:{self.web_port}/api{path}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                assert response.status in (200, 201)
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"POST {path}: {exc.code} {exc.read()[:2000]!r}") from exc

    # the database
    def breaches(self, order_id: int) -> list[tuple]:
        return [
            (rule, kind, person, Decimal(str(amount)), aware(due), aware(recorded))
            for rule, kind, person, amount, due, recorded in self.db.rows(
                "SELECT rule_id, kind, person_id, amount, due_at, recorded_at "
                "FROM workorders_breach WHERE order_id = %s",
                order_id,
            )
        ]

    def breaches_of(self, order_id: int, kind: str, at_least: int = 1) -> list[tuple]:
        """The breaches of `kind`, or [] while there are fewer than `at_least`."""
        found = [b for b in self.breaches(order_id) if b[1] == kind]
        return found if len(found) >= at_least else []

    def deliveries(self) -> list[tuple]:
        return self.db.rows(
            "SELECT d.status, d.attempts, n.event, n.recipient_id, d.channel_id, d.to_email "
            "FROM notifications_delivery d JOIN notifications_notification n "
            "ON n.id = d.notification_id"
        )

    def all_sent(self, count: int) -> bool:
        rows = self.deliveries()
        return len(rows) == count and all(status == "sent" for status, *_ in rows)

    def advance(self, order_id: int) -> datetime:
        """Move the order's next chain deadline to LEAD seconds from now (see the docstring)."""
        out = self.procs.run(
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            f"ORDER = {int(order_id)}\nLEAD = {LEAD}\n{ADVANCE}",
        )
        return datetime.fromisoformat(out.split()[-1])


def walk_the_chain(chain: Chain, variant: str) -> None:
    procs, robots, smtp = chain.procs, chain.robots, chain.smtp
    timings: dict[str, float] = {}
    began = time.monotonic()

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - began - sum(timings.values()), 2)

    procs.run("manage.py", "migrate", "--noinput", "-v", "0")
    lap("migrate")
    # The web server and the workers start while the organisation is seeded.
    chain.start_web()
    chain.start_workers()
    config = {
        "people": PEOPLE,
        "ding": robots.url("/dingtalk/a", access_token="ding-token"),
        "ding_secret": DING_SECRET,
        "wecom": robots.url("/wecom/a", key="wecom-key"),
        "feishu": robots.url("/feishu/a"),
        "feishu_secret": FEISHU_SECRET,
    }
    seeded = json.loads(
        procs.run(
            "manage.py", "shell", "--no-imports", "-c", f"CONFIG = {json.dumps(config)!r}\n{SEED}"
        ).splitlines()[-1]
    )
    people, token = seeded["people"], seeded["token"]
    chain.wait("gunicorn to answer /healthz", lambda: get_health(chain.web_port))
    lap("seed and start")
    # Customer service takes the call and dispatches (派单) through the API.
    created = chain.api(
        "/orders",
        {
            "kind": "repair",
            "customer_id": seeded["customer"],
            "description": "宽带无法上网",
            "fault_class": "general",
        },
        token,
    )
    order, number = created["id"], created["number"]
    dispatched = chain.api(f"/orders/{order}/dispatch", {"engineer_id": people["engineer"]}, token)
    assert dispatched["state"] == "dispatched", dispatched
    chain.wait("the dispatch notices to be delivered", lambda: chain.all_sent(5))
    lap("dispatch and its notices")

    # Stage 1 (WO-01 missed): the contact deadline passes; customer service is alerted.
    due = chain.advance(order)
    [late] = chain.wait("WO-01 contact_late", lambda: chain.breaches_of(order, "contact_late"))
    assert late[:3] == ("WO-01", "contact_late", people["engineer"])
    assert late[4] == due and timedelta(0) <= late[5] - due <= FIRE_WITHIN, late
    chain.wait("the notices to customer service", lambda: chain.all_sent(10))
    lap("stage 1")

    # Stage 2 while no worker runs: the deadline passes, nothing happens until they are back.
    due = chain.advance(order)
    chain.wait(
        "the sweep task to leave the queue for the schedule",
        lambda: chain_queue_empty(procs),
        timeout=10,
    )
    chain.kill_workers()
    chain.wait("the deadline to pass", lambda: datetime.now(UTC) > due + timedelta(seconds=0.5))
    assert not chain.breaches_of(order, "cs_notify_late"), "fired with no worker running"
    restarted = datetime.fromtimestamp(chain.start_workers(), UTC)
    [missed] = chain.wait(
        "WO-05 cs_notify_late after the restart",
        lambda: chain.breaches_of(order, "cs_notify_late"),
    )
    assert missed[:3] == ("WO-05", "cs_notify_late", people["cs"])
    assert missed[5] > restarted > due, (missed, restarted)
    chain.wait("the notices to the operations manager", lambda: chain.all_sent(15))
    lap("stage 2 with the restart")

    # Stage 3: nobody contacted the customer; everyone of the chain is fined.
    due = chain.advance(order)
    fines = chain.wait(
        "five WO-05 chain fines", lambda: chain.breaches_of(order, "chain_fine", at_least=5)
    )
    assert {b[2] for b in fines} == set(people.values())
    assert all(b[0] == "WO-05" and b[3] == Decimal("200") for b in fines)
    assert all(b[4] == due and timedelta(0) <= b[5] - due <= FIRE_WITHIN for b in fines), fines
    lap("stage 3")

    # Nothing more comes, however long the workers run on (a periodic sweep ran at each start).
    time.sleep(2)
    breaches = chain.breaches(order)
    assert sorted((b[0], b[1]) for b in breaches) == [
        ("WO-01", "contact_late"),
        *[("WO-05", "chain_fine")] * 5,
        ("WO-05", "cs_notify_late"),
    ]
    assert chain.db.rows(
        "SELECT chain_stage, chain_due_at FROM workorders_order WHERE id = %s", order
    ) == [(3, None)]
    events = chain.db.rows("SELECT event, recipient_id FROM notifications_notification ORDER BY id")
    assert events == [
        ("workorders.order.dispatched", people["engineer"]),
        ("workorders.chain.cs", people["cs"]),
        ("workorders.chain.ops", people["ops"]),
    ]
    deliveries = chain.deliveries()
    assert len(deliveries) == 15 and {(d[0], d[1]) for d in deliveries} == {("sent", 1)}

    # The receivers got each notice once: three robots, the station mailbox, each person.
    for path in ("/dingtalk/a", "/wecom/a", "/feishu/a"):
        posts = robots.posts_to(path)
        assert len(posts) == 3, [p.text for p in posts]
        assert all(number in p.text for p in posts)
        if path != "/wecom/a":
            assert all(p.signature_ok for p in posts), path
    assert [p.query["access_token"] for p in robots.posts_to("/dingtalk/a")] == ["ding-token"] * 3
    assert len(smtp.to("station-a@example.cn")) == 3
    for username in ("engineer", "cs", "ops"):
        [mail] = smtp.to(f"{username}@example.cn")
        assert number in mail["Subject"] + body_text(mail)
    assert len(smtp.messages) == 6
    lap("quiet period and checks")
    timings["total"] = round(time.monotonic() - began, 2)
    timings["stage 1 fired after its deadline"] = (late[5] - late[4]).total_seconds()
    timings["missed stage 2 fired after the restart"] = (missed[5] - restarted).total_seconds()
    timings["stage 3 fired after its deadline"] = max((b[5] - b[4]).total_seconds() for b in fines)
    print(f"\ne2e timings (s), {variant}: {json.dumps(timings)}")


def chain_queue_empty(procs: ChainProcesses) -> bool:
    """Huey's queue holds nothing: the scheduled sweep has moved on to the schedule."""
    env = procs.env
    if env.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        try:
            return client.llen(f"huey.redis.{env['CREWDESK_HUEY_NAME']}") == 0
        finally:
            client.close()
    path = Path(env["CREWDESK_VAR_DIR"]) / "huey.sqlite3"
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as conn:
        return conn.execute("SELECT count(*) FROM task").fetchone()[0] == 0


@pytest.fixture
def receivers():
    robots = WebhookReceiver(secrets={"/dingtalk/a": DING_SECRET, "/feishu/a": FEISHU_SECRET})
    smtp = SmtpReceiver()
    try:
        yield robots, smtp
    finally:
        robots.stop()
        smtp.stop()


def base_env(tmp_path: Path, smtp: SmtpReceiver) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("CREWDESK_") and k != "CREWDESK_TEST_STRICT")
        and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        CREWDESK_VAR_DIR=str(tmp_path / "var"),
        CREWDESK_SMTP_HOST="127.0.0.1",
        CREWDESK_SMTP_PORT=str(smtp.port),
        CREWDESK_FROM_EMAIL="crewdesk@example.cn",
        CREWDESK_HUEY_WORKERS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_scenario(tmp_path, receivers, env: dict[str, str], database_url: str, workers: int):
    robots, smtp = receivers
    env = {**env, "DATABASE_URL": database_url}
    procs = ChainProcesses(tmp_path, env)
    db = Database(database_url)
    try:
        walk_the_chain(
            Chain(procs, db, robots, smtp, workers),
            f"{database_url.split(':')[0]}, {workers} worker(s)",
        )
    finally:
        procs.stop_all()
        db.close()


def test_the_wo_05_chain_end_to_end_on_sqlite(tmp_path, receivers):
    env = base_env(tmp_path, receivers[1])
    run_scenario(tmp_path, receivers, env, f"sqlite:///{tmp_path / 'crewdesk.sqlite3'}", 1)


def test_the_wo_05_chain_end_to_end_with_two_workers_on_postgresql_and_redis(tmp_path, receivers):
    pg_url = os.environ.get("CREWDESK_TEST_POSTGRES_URL")
    redis_url = os.environ.get("CREWDESK_TEST_REDIS_URL")
    if not (pg_url and redis_url):
        skip_or_fail(
            "CREWDESK_TEST_POSTGRES_URL and CREWDESK_TEST_REDIS_URL are not set "
            "(scripts/test.sh starts both and sets them)"
        )
    import psycopg
    import redis

    client = redis.Redis.from_url(redis_url)
    name = uuid.uuid4().hex[:12]
    database = f"crewdesk_e2e_{name}"
    queue = f"crewdeske2e{name}"  # Huey keeps only [a-z0-9] of a name in its Redis keys
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    parts = urllib.parse.urlsplit(pg_url)
    database_url = urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))
    env = base_env(tmp_path, receivers[1])
    env.update(REDIS_URL=redis_url, CREWDESK_HUEY_NAME=queue)
    try:
        run_scenario(tmp_path, receivers, env, database_url, 2)
        assert not (tmp_path / "var" / "huey.sqlite3").exists(), "Huey did not use Redis"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)
        client.close()
