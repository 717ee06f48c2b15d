"""Benchmark of attendance at scale (issue 3): importing a punch file, judging and summarising a
month. Prints figures; it asserts nothing (the targets are printed next to them).

    uv run python bench/attendance.py                      # SQLite file in a temporary folder
    uv run python bench/attendance.py --staff 500 --punches 10000
    DATABASE_URL=postgres://crewdesk:pw@127.0.0.1:5433/crewdesk uv run python bench/attendance.py
    make bench-attendance                                  # the same, DATABASE_URL passed through

With DATABASE_URL (PostgreSQL) a fresh database "test_<name>" is created on that server and
dropped at the end, like the test runner does: the role needs CREATEDB. Nothing else is touched.

What it does:
1. builds an organisation: 50 stations, 100 teams, `--staff` people (own, outsourced, resident
   staff with client sites), most on a 09:00–17:30 template, some on the policy's split shift,
   a few on a duty roster, some with approved leave;
2. writes a CSV of `--punches` rows as a time clock exports it (工号, 姓名, 日期, 时间: four
   punches a day, one week for 5,000 staff) and times `import_punches` (check, insert, judging
   the affected days): target ≥ 10,000 rows/s;
3. stores ≈ 44 punches per person for September 2026 (two a working day, some double taps:
   ≈ 220,000 for 5,000 staff) and times judging the month for everyone (`recompute_days`) and
   summarising it (`attendance.queries.month_summaries`, which streams the stored judgements):
   target ≤ 15 s;
4. prints peak memory (ru_maxrss) after each step: it stays flat because rows are streamed.
"""

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import analyze, drop_database, fresh_database, load_average, peak_mb, setup_django  # noqa: E402

IMPORT_WEEK = date(2026, 10, 12)  # Monday; the import covers Monday to Friday of that week
MONTH = date(2026, 9, 1)  # judged month: 21 working days (Mid-Autumn Festival on the 25th)
TARGET_ROWS_PER_S = 10_000
TARGET_MONTH_S = 15.0


def build_org(staff: int, rng: random.Random):
    """Companies, 50 stations with two teams each, `staff` people, schedules, roster, leave."""
    from django.contrib.auth import get_user_model

    from attendance.models import RosterDay, ScheduleAssignment, ShiftTemplate
    from core import clock
    from leave.models import LeaveType, Request
    from people.models import Company, OrgUnit, Person, Team
    from people.roles import EmploymentType, Role

    User = get_user_model()
    own = Company.objects.create(name="城网通", kind=Company.Kind.OWN)
    vendor = Company.objects.create(name="信达外包", kind=Company.Kind.VENDOR)
    clients = [
        Company.objects.create(name=f"甲方{i}", kind=Company.Kind.CLIENT) for i in range(1, 4)
    ]
    region = OrgUnit.objects.create(name="运营部", code="OPS", kind=OrgUnit.Kind.REGION)
    stations, teams = [], []
    for i in range(50):
        station = OrgUnit.objects.create(
            name=f"区站{i}", code=f"ST{i}", parent=region, client=clients[i % 3]
        )
        stations.append(station)
        teams += [Team.objects.create(name=f"{i}-{t}组", unit=station) for t in (1, 2)]
    hr_user = User.objects.create_user("bench_hr", password=None)
    Person.objects.create(
        user=hr_user, name="人事", staff_no="HR0001", role=Role.HR_ADMIN, employer=own, unit=region
    )
    users = User.objects.bulk_create(
        # "!" is Django's unusable password: these logins cannot sign in.
        [User(username=f"b{n:05d}", password="!") for n in range(staff)],  # noqa: S106
        batch_size=2000,
    )
    if users[0].pk is None:  # databases that do not return ids from a bulk insert
        users = list(User.objects.filter(username__startswith="b").order_by("username"))
    people = []
    for n, user in enumerate(users):
        team = teams[n % len(teams)]
        outsourced = n % 5 == 0
        people.append(
            Person(
                user=user,
                name=f"员工{n:05d}",
                staff_no=f"B{n:05d}",
                role=Role.ENGINEER,
                employer=vendor if outsourced else own,
                employment_type=EmploymentType.OUTSOURCED if outsourced else EmploymentType.OWN,
                client=team.unit.client if n % 3 else None,
                unit=team.unit,
                team=team,
            )
        )
    Person.objects.bulk_create(people, batch_size=2000)
    ids = list(
        Person.objects.filter(staff_no__startswith="B")
        .order_by("staff_no")
        .values_list("pk", flat=True)
    )
    plain = ShiftTemplate.objects.create(
        name="朝九晚五", kind=ShiftTemplate.Kind.PLAIN, blocks=[["09:00", "17:30"]]
    )
    duty_template = ShiftTemplate.objects.create(
        name="机房值班", kind=ShiftTemplate.Kind.DUTY, blocks=[["08:00", "20:00"]]
    )
    start = date(2026, 1, 1)
    assignments, roster = [], []
    duty = set(ids[::100])  # 1 %: machine-room duty roster
    for index, pk in enumerate(ids):
        if pk in duty:
            assignments.append(
                ScheduleAssignment(person_id=pk, template=duty_template, valid_from=start)
            )
            for day in range(30):
                if (day + index) % 3 == 0:
                    roster.append(
                        RosterDay(
                            person_id=pk, date=MONTH + timedelta(days=day), template=duty_template
                        )
                    )
        elif index % 5 != 1:  # 80 % on 09:00–17:30, the rest on the policy's split shift
            assignments.append(ScheduleAssignment(person_id=pk, template=plain, valid_from=start))
    ScheduleAssignment.objects.bulk_create(assignments, batch_size=2000)
    RosterDay.objects.bulk_create(roster, batch_size=2000)
    leave_type = LeaveType.objects.first() or LeaveType.objects.create(code="personal", name="事假")
    now = clock.now()
    requests = []
    for pk in rng.sample(ids, len(ids) // 20):  # 5 % take a day or two of leave in the month
        first = MONTH + timedelta(days=rng.randrange(0, 27))
        requests.append(
            Request(
                person_id=pk,
                kind=Request.Kind.LEAVE,
                status=Request.Status.APPROVED,
                leave_type=leave_type,
                start_date=first,
                end_date=first + timedelta(days=rng.randrange(0, 2)),
                reason="bench",
                created_at=now,
            )
        )
    Request.objects.bulk_create(requests, batch_size=2000)
    return hr_user, ids


def write_import_csv(path: Path, staff: int, rows: int, rng: random.Random) -> int:
    """Clock export sorted by person then time: 工号, 姓名, 日期, 时间."""
    days = [IMPORT_WEEK + timedelta(days=d) for d in range(5)]
    per_person = max(1, -(-rows // staff))  # ceil
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["工号", "姓名", "日期", "时间"])
        for n in range(staff):
            times: list[tuple[date, str]] = []
            for k in range(per_person):
                day = days[(k // 4) % len(days)]
                week = k // 20  # more than 20 punches per person: later weeks
                day -= timedelta(days=7 * week)
                base = (8 * 60 + 20, 11 * 60 + 30, 12 * 60 + 55, 17 * 60)[k % 4]
                minute = base + rng.randrange(0, 25)
                times.append((day, f"{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}"))
            for day, clock_time in sorted(times):
                if written >= rows:
                    return written
                writer.writerow([f"B{n:05d}", f"员工{n:05d}", day.isoformat(), clock_time])
                written += 1
    return written


def store_month_punches(ids: list[int], rng: random.Random) -> int:
    """Two punches every working day (some late or early), plus double taps: ≈ 44 per person."""
    from django.utils import timezone

    from attendance.models import Punch
    from core import clock
    from core.bulk import connection_for
    from core.workcalendar import WorkCalendar

    last = date(2026, 9, 30)
    calendar = WorkCalendar(MONTH, last)
    workdays = [d.date for d in calendar.days(MONTH, last) if d.is_workday]
    ops = connection_for(Punch).ops
    now = ops.adapt_datetimefield_value(clock.now())
    tz = timezone.get_current_timezone()
    count = 0
    batch: list[tuple] = []
    for pk in ids:
        for day in workdays:
            arrive = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
                minutes=8 * 60 + 30 + rng.randrange(-30, 40), seconds=rng.randrange(60)
            )
            leave = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
                minutes=17 * 60 + 20 + rng.randrange(-30, 40), seconds=rng.randrange(60)
            )
            moments = [arrive, leave]
            if rng.random() < 0.05:
                moments.append(arrive + timedelta(seconds=rng.randrange(5, 90)))
            for at in moments:
                batch.append((pk, ops.adapt_datetimefield_value(at), now))
        if len(batch) >= 10_000:
            count += _store_punches(batch)
            batch = []
    return count + _store_punches(batch)


def _store_punches(rows: list[tuple]) -> int:
    from attendance.models import Punch
    from core.bulk import insert_rows

    insert_rows(
        Punch,
        ["person", "at", "created_at"],
        rows,
        constants={
            "source": "'app'",
            "device": "''",
            "user_agent": "''",
            "flagged": "FALSE",
            "flag_reason": "''",
        },
    )
    return len(rows)


class Timer:
    """Wall-clock and CPU seconds of a block. The machine may be busy with other work: CPU
    seconds of this process are the steadier figure, wall seconds what a user waits."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s (CPU {self.cpu:.2f} s)"


SUMMARY_FIELDS = [
    "person_id",
    "workday",
    "absent_days",
    "leave_days",
    "leave_type",
    "trip_days",
    "late_count",
    "late_minutes",
    "serious_late",
    "absent_late",
    "early_count",
    "early_minutes",
    "missing_in",
    "missing_out",
]


def summarise_streamed(first: date, last: date) -> tuple[int, int]:
    """ATT-07 for everyone: the stored judgements streamed in person order, one person's days
    at a time through `summarise_month`. Returns (people, people with fines)."""
    from itertools import groupby
    from operator import attrgetter

    from attendance.models import DayJudgement
    from attendance.rules import AttendancePolicy, summarise_month
    from attendance.services import policy_company_id
    from core.policy import PolicyBook
    from people.models import Person

    book = PolicyBook()
    companies = {
        p.pk: policy_company_id(p) for p in Person.objects.only("client_id", "employer_id")
    }
    policies: dict = {}
    days = (
        DayJudgement.objects.filter(date__gte=first, date__lte=last)
        .order_by("person_id", "date")
        .values_list(*SUMMARY_FIELDS, named=True)
        .iterator(chunk_size=5000)
    )
    people = fined = 0
    for person_id, person_days in groupby(days, key=attrgetter("person_id")):
        company = companies[person_id]
        if company not in policies:
            policies[company] = AttendancePolicy.from_policy(book.policy_for(company, on=last))
        summary = summarise_month(person_days, policies[company])
        people += 1
        fined += bool(summary.fines)
    return people, fined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--punches", type=int, default=100_000, help="rows in the import file")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="crewdesk-bench-") as folder:
        tmp = Path(folder)
        setup_django(tmp)
        from django.db import connection

        from attendance import services_import
        from attendance.models import DayJudgement, Punch
        from attendance.queries import month_summaries
        from attendance.services import recompute_days
        from people.models import Person

        configured = fresh_database()
        try:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
            print(f"load average before: {load_average()}")
            with Timer() as took:
                hr_user, ids = build_org(args.staff, rng)
            analyze()
            print(f"organisation: {len(ids)} staff in {took}")

            csv_path = tmp / "clock.csv"
            rows = write_import_csv(csv_path, args.staff, args.punches, rng)
            size_mb = csv_path.stat().st_size / 1e6
            print(f"import file: {rows} rows, {size_mb:.1f} MB; peak memory {peak_mb():.0f} MB")

            judging = Timer()
            judging.wall = judging.cpu = 0.0
            real_recompute = services_import.recompute_days

            def timed_recompute(**kwargs):
                with Timer() as part:
                    result = real_recompute(**kwargs)
                judging.wall += part.wall
                judging.cpu += part.cpu
                return result

            services_import.recompute_days = timed_recompute
            with Timer() as total:
                report = services_import.import_punches(
                    csv_path, by=hr_user, import_valid_rows=False
                )
            services_import.recompute_days = real_recompute
            print(
                f"import: {report.imported} punches stored, {report.error_count} errors, "
                f"{report.days_judged} person-days judged again"
            )
            reading_wall, reading_cpu = total.wall - judging.wall, total.cpu - judging.cpu
            print(
                f"  check + insert {reading_wall:.2f} s (CPU {reading_cpu:.2f} s): "
                f"{rows / reading_wall:,.0f} rows/s"
            )
            print(f"  judging the affected days {judging}")
            print(
                f"  in all {total}: {rows / total.wall:,.0f} rows/s "
                f"({rows / total.cpu:,.0f} rows per CPU second; target ≥ {TARGET_ROWS_PER_S:,}); "
                f"peak memory {peak_mb():.0f} MB"
            )
            with Timer() as took:
                again = services_import.import_punches(
                    csv_path, by=hr_user, import_valid_rows=False
                )
            print(
                f"  same file again: {again.imported} stored, {again.duplicates} skipped in {took}"
            )

            with Timer() as took:
                stored = store_month_punches(ids, rng)
            analyze()
            print(f"month {MONTH:%Y-%m}: {stored} punches stored in {took} (set-up)")
            last = date(2026, 9, 30)
            with Timer() as judge:
                days = recompute_days(person_ids=ids, start=MONTH, end=last)
            print(
                f"  judge: {days} person-days in {judge}, {days / judge.wall:,.0f} days/s; "
                f"peak memory {peak_mb():.0f} MB"
            )
            with Timer() as summarise:
                people, fined = summarise_streamed(MONTH, last)
            print(
                f"  summarise (summarise_month over streamed judgements): {people} people, "
                f"{fined} with fines, in {summarise}; peak memory {peak_mb():.0f} MB"
            )
            print(
                f"  month in all {judge.wall + summarise.wall:.2f} s "
                f"(CPU {judge.cpu + summarise.cpu:.2f} s; target ≤ {TARGET_MONTH_S:.0f} s)"
            )
            with Timer() as page:
                summaries = month_summaries(Person.objects.filter(pk__in=ids), MONTH)
            print(
                f"  the station page's month_summaries for all {len(summaries)} at once: {page}; "
                f"peak memory {peak_mb():.0f} MB"
            )
            print(
                f"rows: {Punch.objects.count()} punches, "
                f"{DayJudgement.objects.count()} day judgements; "
                f"load average after: {load_average()}"
            )
        finally:
            drop_database(configured)


if __name__ == "__main__":
    main()
