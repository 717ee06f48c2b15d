"""The background worker and /healthz as real processes: `manage.py run_huey` and gunicorn.

Each test gets its own SQLite database file, migrated by `manage.py migrate`, whatever database
the rest of the suite runs on. Huey's storage is SQLite (the embedded default) or Redis
(REDIS_URL, as in production). Every wait is bounded and every process is stopped in `finally`.
"""

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

# Real processes with their own databases: run once per `make test` (see scripts/test.sh).
pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60  # seconds; a cold start on a busy 2-core machine takes a few


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def skip_or_fail(reason: str) -> None:
    """scripts/test.sh sets CREWDESK_TEST_STRICT=1: there a missing service is a failure."""
    if os.environ.get("CREWDESK_TEST_STRICT") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class Processes:
    """Started subprocesses with their log files; `stop_all` ends whatever is still running."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp_path = tmp_path
        self.env = env
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def run(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: gunicorn's workers stop with it
            )
        self.running.append((process, log))
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')}" for _p, log in self.running
        )

    def wait_for(self, what: str, check: Callable[[], object], timeout: float = START_TIMEOUT):
        """Poll `check` until it returns something truthy; fail with every log when it does not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process, log in self.running:
                if process.poll() is not None:
                    pytest.fail(
                        f"{log.stem} exited with {process.returncode} while waiting for {what}\n{self.logs()}"
                    )
            value = check()
            if value:
                return value
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout} s waiting for {what}\n{self.logs()}")

    def stop(
        self, process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15
    ) -> int:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        return process.returncode

    def stop_all(self) -> None:
        for process, _log in self.running:
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                self.stop(process)


@pytest.fixture
def processes(tmp_path):
    database = tmp_path / "crewdesk.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("CREWDESK_") and k != "CREWDESK_TEST_STRICT")
        and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        CREWDESK_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{database}",
        CREWDESK_HUEY_WORKERS="1",
        PYTHONUNBUFFERED="1",
    )
    procs = Processes(tmp_path, env)
    procs.database = database
    try:
        yield procs
    finally:
        procs.stop_all()


def heartbeats(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database, timeout=5) as conn:
        return conn.execute("SELECT name, seen_at FROM core_workerheartbeat").fetchall()


def forget_heartbeats(database: Path) -> None:
    with sqlite3.connect(database, timeout=5) as conn:
        conn.execute("DELETE FROM core_workerheartbeat")


def get_health(port: int) -> dict | None:
    """The JSON of /healthz, or None while the server does not answer yet."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310 - loopback URL we built
            assert response.status == 200
            return json.load(response)
    except (ConnectionError, urllib.error.URLError, TimeoutError):
        return None


ENQUEUE_HEARTBEAT = (
    "from core.tasks import heartbeat; from huey.contrib.djhuey import HUEY; "
    "heartbeat(); print(HUEY.pending_count())"
)
PENDING = "from huey.contrib.djhuey import HUEY; print(HUEY.pending_count())"


def check_worker_and_health(procs: Processes) -> None:
    """/healthz says "unknown" before a worker ran and "ok" once it beat; queued tasks run."""
    procs.run("manage.py", "migrate", "--noinput", "-v", "0")
    port = free_port()
    procs.start(
        "gunicorn",
        "-m",
        "gunicorn",
        "crewdesk.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--no-control-socket",  # else gunicorn shares ~/.gunicorn/gunicorn.ctl with any other one
    )
    health = procs.wait_for("gunicorn to answer /healthz", lambda: get_health(port))
    assert health["database"] == "ok"
    assert health["worker"] == "unknown", health

    # A task queued while no worker runs waits in the queue ...
    assert procs.run("manage.py", "shell", "--no-imports", "-c", ENQUEUE_HEARTBEAT).split() == ["1"]

    worker = procs.start("worker", "manage.py", "run_huey")
    procs.wait_for("the worker's heartbeat", lambda: heartbeats(procs.database))
    # ... and the worker takes it.
    procs.wait_for(
        "the worker to empty the queue",
        lambda: procs.run("manage.py", "shell", "--no-imports", "-c", PENDING).split() == ["0"],
    )

    health = get_health(port)
    assert health is not None
    assert health == health | {"status": "ok", "database": "ok", "worker": "ok"}, health
    assert health["worker_last_seen"]

    # A task queued while the worker runs is run too: the heartbeat comes back.
    forget_heartbeats(procs.database)
    procs.run("manage.py", "shell", "--no-imports", "-c", ENQUEUE_HEARTBEAT)
    procs.wait_for("the worker to run a queued heartbeat task", lambda: heartbeats(procs.database))

    assert procs.stop(worker, signal.SIGINT) == 0, procs.logs()  # SIGINT: Huey's graceful stop


def test_worker_beats_and_healthz_reports_it_with_sqlite_queue(processes):
    check_worker_and_health(processes)


def test_worker_beats_and_healthz_reports_it_with_redis_queue(processes):
    url = os.environ.get("CREWDESK_TEST_REDIS_URL")
    if not url:
        skip_or_fail(
            "CREWDESK_TEST_REDIS_URL is not set (scripts/test.sh starts a Redis and sets it)"
        )
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at CREWDESK_TEST_REDIS_URL={url} does not answer: {exc}")
    # A queue of its own (Huey keeps only [a-z0-9] of the name in its Redis keys), so parallel
    # runs or a developer's Redis keep their tasks.
    name = f"crewdesktest{uuid.uuid4().hex[:12]}"
    processes.env.update(REDIS_URL=url, CREWDESK_HUEY_NAME=name)
    try:
        check_worker_and_health(processes)
        assert not (processes.tmp_path / "var" / "huey.sqlite3").exists(), "Huey did not use Redis"
    finally:
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)
        client.close()
