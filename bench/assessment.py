"""Benchmark of the assessment month (issue 5): (a) closing one month for 5,000 engineers with
150,000 orders, ≈ 220,000 punches and their day judgements and 50,000 callbacks, and (b) replaying
it under a changed policy (what-if, issue 5 item 7). Prints figures; asserts nothing.

    uv run python bench/assessment.py                           # SQLite file in a temporary folder
    uv run python bench/assessment.py --staff 500 --orders 15000 --callbacks 5000   # quick
    DATABASE_URL=postgres://crewdesk:pw@127.0.0.1:5433/crewdesk uv run python bench/assessment.py
    make bench-assessment                                       # the same, BENCH_ARGS passed on

With DATABASE_URL (PostgreSQL) a fresh database "test_<name>" is created on that server and
dropped at the end, like the test runner does: the role needs CREATEDB.

The data set (bench/dataset.py, shared with the dashboard benchmark) is built with bulk inserts:
by default 3 months (the KPI-09 window) ending with the benchmark month 2026-10; the months before
carry their ledger entries. Each measured step runs in a forked child process, so its peak memory
(ru_maxrss) is its own: the figure printed is the growth over the process size at the start of
the step. Targets: each step ≤ 30 s, memory bounded (it does not grow with the company size).

(a) calls `statements.services.close_month(month)` (the scheduled close: generate_entries,
    evaluate_thresholds, then every station's statements); without the statements app it times
    generate_entries + evaluate_thresholds and says so.
(b) `assessment.replay.replay(month, policy=…)` for everyone under a policy with a changed fine per
    point (KPI-07), points per late contact (KPI-02), late fine (ATT-04) and BEH-01 left out: the
    worst case, where every fact source runs twice (current and replayed policy). A second line
    replays with KPI numbers only (attendance facts are then read once).
"""

import argparse
import os
import pickle
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    analyze,
    drop_database,
    fresh_database,
    load_average,
    peak_mb,
    setup_django,
)
from bench.dataset import add_size_arguments, build, size_from  # noqa: E402

TARGET_S = 30.0
WORST_CASE = {
    "params": {
        "kpi.fine_per_point": "120",
        "kpi.contact_late_points": "1",
        "att.late_fine": "30",
    },
    "disabled_rules": ["BEH-01"],
}
KPI_ONLY = {"params": {"kpi.fine_per_point": "150", "kpi.month_separation_points": "1.5"}}


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measured(fn):
    """Run `fn()` in a forked child; returns (result, wall s, CPU s, RSS at start MB, peak MB)."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        status = 0
        try:
            start_rss = rss_mb()
            wall, cpu = time.perf_counter(), time.process_time()
            result = fn()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            payload = (result, wall, cpu, start_rss, peak_mb())
        except BaseException as exc:  # reported by the parent
            payload = exc
            status = 1
        with os.fdopen(write, "wb") as out:
            pickle.dump(payload, out)
        connections.close_all()
        os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as got:
        payload = pickle.load(got)  # noqa: S301  (our own forked child)
    os.waitpid(pid, 0)
    if isinstance(payload, BaseException):
        raise payload
    return payload


def figures(name: str, wall: float, cpu: float, start: float, peak: float) -> str:
    mark = "ok" if wall <= TARGET_S else "over"
    return (
        f"{name}: {wall:.2f} s (CPU {cpu:.2f} s; target ≤ {TARGET_S:.0f} s: {mark}); "
        f"peak memory {peak:.0f} MB, {peak - start:+.0f} MB over the {start:.0f} MB at the start"
    )


def close(month):
    """(a) the month close, as the scheduled close runs it."""
    try:
        from statements.services import close_month
    except ImportError:
        close_month = None
    if close_month is not None:
        result = close_month(month, by=None)
        data = result.as_dict() if hasattr(result, "as_dict") else {}
        return "statements.services.close_month", {
            k: v for k, v in data.items() if isinstance(v, int)
        } | {"stations closed": len(getattr(result, "closed", []))}
    from assessment.services import evaluate_thresholds, generate_entries

    changed = generate_entries(month)
    proposed = evaluate_thresholds(month)
    return "generate_entries + evaluate_thresholds (no close_month yet)", {
        "entries changed": changed,
        "decisions proposed": proposed,
    }


def replay_under(month, data):
    from assessment.replay import parse_policy, replay

    report = replay(month, policy=parse_policy(data))
    totals = report.totals()
    counts = report.threshold_counts()
    changes = report.threshold_changes("current")
    return {
        "people assessed": report.people_assessed,
        "people with figures": len(report.people),
        "people assessed differently": sum(1 for p in report.people if p.differs),
        "fines ledger / current / replayed": " / ".join(
            f"{totals[v].fine:,.2f}" for v in ("ledger", "current", "replay")
        ),
        "ledger equals current policy": all(
            p.total("ledger").as_dict() == p.total("current").as_dict()
            and p.crossed("ledger") == p.crossed("current")
            for p in report.people
        ),
        "KPI-08 now → replayed": f"{counts['KPI-08']['current']} → {counts['KPI-08']['replay']}",
        "BEH-02 now → replayed": f"{counts['BEH-02']['current']} → {counts['BEH-02']['replay']}",
        "would cross / no longer": f"{len(changes['crossing'])} / {len(changes['no_longer'])}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_size_arguments(parser)
    parser.set_defaults(months=3)
    args = parser.parse_args()
    size = size_from(args)

    with tempfile.TemporaryDirectory(prefix="crewdesk-bench-") as folder:
        setup_django(Path(folder))
        from django.db import connection

        configured = fresh_database()
        try:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
            print(f"load average before: {load_average()}")
            started = time.perf_counter()
            built = build(size, args.seed, log=print)
            analyze()
            print(
                f"data set: {len(built.engineers)} engineers, {size.stations} stations, "
                f"{size.months} months, built in {time.perf_counter() - started:.1f} s (set-up); "
                f"peak memory {peak_mb():.0f} MB"
            )
            month = size.month
            print(
                "  benchmark month "
                + ", ".join(
                    f"{v:,} {k.split(' in ')[0]}" for k, v in built.counts.items() if " in " in k
                )
            )
            (how, result), wall, cpu, start, peak = measured(lambda: close(month))
            print(figures(f"(a) close {month:%Y-%m} with {how}", wall, cpu, start, peak))
            print(f"    {result}")
            analyze()
            for name, data in (
                ("(b) replay, worst case", WORST_CASE),
                ("(b') replay, KPI only", KPI_ONLY),
            ):
                result, wall, cpu, start, peak = measured(
                    lambda data=data: replay_under(month, data)
                )
                print(figures(f"{name} {data}", wall, cpu, start, peak))
                for key, value in result.items():
                    print(f"    {key}: {value}")
            print(f"load average after: {load_average()}")
        finally:
            drop_database(configured)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
