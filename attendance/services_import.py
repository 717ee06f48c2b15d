"""Importing punches from time-clock and DingTalk files (ATT-02, ATT-10).

`import_punches` reads the file in chunks. Without `import_valid_rows` a first pass only checks
every row (keeping the valid punches in a temporary file, so the file is parsed once); a file with
any error stores nothing and the report names each bad row, column and reason. Then the punches
are inserted chunk by chunk, the affected days are judged again (one `recompute_days` per month
touched), and one audit entry records the import. With `import_valid_rows` one pass checks and
stores the valid rows.

Decisions:
- A punch already stored for the same person at the same second is skipped and counted as a
  duplicate, not an error: time clocks export overlapping periods, and importing the same file
  twice must change nothing. (Imported punches carry the key "import:<epoch>", so even two imports
  running at once cannot store a punch twice.)
- Each chunk commits on its own, so the job's progress is visible and SQLite's writers are not
  blocked for the whole file. The check pass makes "nothing stored" hold for a file with errors;
  if the job dies half-way, importing the file again adds only what is missing.
- A time clock is shared by design, so imported punches are not flagged as a shared device.
- The importer must see the person (`people_for`); otherwise the row is an error.
"""

import pickle
import re
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from attendance.importing import (
    FileError,
    PunchRow,
    RowError,
    estimate_rows,
    find_header,
    import_key,
    parse_row,
    read_rows,
)
from attendance.models import Punch
from attendance.services import recompute_days
from core import audit, clock
from core.bulk import connection_for, insert_rows
from core.errors import DomainError
from core.jobs import job_progress
from people.models import Person
from people.queries import people_for, person_of, sees_everything
from people.roles import Role

# Who may import punches for the people he sees: HR, the operations manager, station heads and
# station managers.
IMPORTERS = {Role.HR_ADMIN, Role.OPS_MANAGER, Role.STATION_HEAD, Role.STATION_MANAGER}
CHUNK = 2000  # rows checked and inserted together: one lookup query and one insert per chunk
MAX_ERRORS_SHOWN = 500  # errors kept in the report; the count covers all of them
UPLOAD_DIR = "imports"
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx")
UPLOAD_KEEP = timedelta(days=7)  # an upload checked but never imported is removed after this
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # ~1.5 million CSV rows; bigger exports are split by month
_UPLOAD_NAME = re.compile(rf"^{UPLOAD_DIR}/[0-9a-f]{{32}}\.(csv|txt|xlsx)$")


def can_import_punches(user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    me = person_of(user)
    return me is not None and me.role in IMPORTERS


@dataclass
class ImportReport:
    """What a check or an import found. `errors` holds the first MAX_ERRORS_SHOWN errors."""

    rows: int = 0  # data rows read (empty rows are not counted)
    valid: int = 0
    imported: int = 0
    duplicates: int = 0  # valid rows already stored (same person, same second): skipped
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    stored: bool = False
    people: int = 0
    first_day: date | None = None
    last_day: date | None = None
    days_judged: int = 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(error)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "valid": self.valid,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "errors_shown": len(self.errors),
            "stored": self.stored,
            "people": self.people,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "days_judged": self.days_judged,
        }


# --- who is meant -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    pk: int
    name: str
    in_scope: bool


class _People:
    """Staff numbers and names → people, one query per chunk for what was not seen before.
    The caches grow at most to the size of the organisation, never with the file."""

    def __init__(self, user):
        self.everyone = sees_everything(user)
        self.scope = people_for(user)
        self.by_staff_no: dict[str, _Found | None] = {}
        self.by_name: dict[str, list[_Found]] = {}

    def _query(self, **lookup):
        people = Person.objects.filter(**lookup)
        if not self.everyone:
            people = people.annotate(
                in_scope=Exists(self.scope.filter(pk=OuterRef("pk")).values("pk"))
            )
            return people.values_list("pk", "staff_no", "name", "in_scope")
        return (
            (pk, no, name, True) for pk, no, name in people.values_list("pk", "staff_no", "name")
        )

    def load(self, rows: list[PunchRow]) -> None:
        numbers = {r.staff_no for r in rows if r.staff_no} - self.by_staff_no.keys()
        if numbers:
            self.by_staff_no.update(dict.fromkeys(numbers))
            for pk, number, name, in_scope in self._query(staff_no__in=numbers):
                self.by_staff_no[number] = _Found(pk, name, bool(in_scope))
        names = {r.name for r in rows if r.name and not r.staff_no} - self.by_name.keys()
        if names:
            self.by_name.update({n: [] for n in names})
            for pk, _number, name, in_scope in self._query(name__in=names):
                self.by_name[name].append(_Found(pk, name, bool(in_scope)))

    def resolve(self, row: PunchRow, columns) -> int | RowError:
        """The person's id, or the error naming the column at fault."""
        if row.staff_no:
            found = self.by_staff_no.get(row.staff_no)
            column = columns.header("staff_no")
            if found is None:
                return RowError(
                    row.row, column, _("Unknown staff number “{no}”.").format(no=row.staff_no)
                )
            if not found.in_scope:
                return RowError(
                    row.row,
                    column,
                    _("Staff number “{no}” is not in your scope.").format(no=row.staff_no),
                )
            if row.name and row.name != found.name:
                return RowError(
                    row.row,
                    columns.header("name"),
                    _("The name “{name}” does not match staff number “{no}”.").format(
                        name=row.name, no=row.staff_no
                    ),
                )
            return found.pk
        column = columns.header("name")
        matches = self.by_name.get(row.name, [])
        visible = [f for f in matches if f.in_scope]
        if len(visible) == 1:
            return visible[0].pk
        if len(visible) > 1:
            return RowError(
                row.row,
                column,
                _("{count} people are called “{name}”: add a staff number column (工号).").format(
                    count=len(visible), name=row.name
                ),
            )
        if matches:
            return RowError(
                row.row, column, _("“{name}” is not in your scope.").format(name=row.name)
            )
        return RowError(row.row, column, _("Nobody is called “{name}”.").format(name=row.name))


# --- the passes ---------------------------------------------------------------------------------


class _Progress:
    """Maps a pass's rows onto a share of the job's progress bar (0–1000)."""

    STEPS = 1000

    def __init__(self, job, expected_rows: int):
        self.job, self.expected = job, max(expected_rows, 1)

    def at(self, share_from: float, share_to: float, rows: int) -> None:
        done = min(rows / self.expected, 1.0)
        job_progress(
            self.job, int(self.STEPS * (share_from + (share_to - share_from) * done)), self.STEPS
        )


class _Affected:
    """Person ids and first/last day per month touched: what must be judged again."""

    def __init__(self):
        self.months: dict[date, tuple[date, date, set[int]]] = {}

    def add(self, person_id: int, day: date) -> None:
        key = day.replace(day=1)
        first, last, ids = self.months.get(key, (day, day, set()))
        ids.add(person_id)
        self.months[key] = (min(first, day), max(last, day), ids)


def _chunks(rows, size: int):
    chunk: list = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_pass(
    source: Any,
    *,
    by: Any,
    store: bool,
    on_chunk: Callable[[int], None],
    affected: _Affected | None = None,
    spool: IO[bytes] | None = None,
) -> ImportReport:
    """Read and check every row; with `store`, insert the valid ones chunk by chunk. With a
    `spool` file, each chunk's valid punches are written to it for `_store_spooled`."""
    report = ImportReport()
    now = clock.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    people = _People(by)
    user = getattr(by, "user", by)
    rows = read_rows(source)
    try:
        _header_row, columns = find_header(rows)
        for chunk in _chunks(rows, CHUNK):
            parsed: list[PunchRow] = []
            errors: list[RowError] = []
            for number, cells in chunk:
                result = parse_row(number, cells, columns, now=now, tz=tz)
                if result is None:
                    continue
                report.rows += 1
                if isinstance(result, list):
                    errors.extend(result)
                else:
                    parsed.append(result)
            people.load(parsed)
            valid: list[tuple[int, PunchRow]] = []
            for row in parsed:
                found = people.resolve(row, columns)
                if isinstance(found, RowError):
                    errors.append(found)
                else:
                    valid.append((found, row))
            for error in sorted(errors, key=lambda e: e.row or 0):
                report.add_error(error)
            report.valid += len(valid)
            punches = [(pk, row.at, row.device) for pk, row in valid]
            if store and punches:
                _insert(punches, report, by=user, now=now, affected=affected)
            if spool is not None and punches:
                pickle.dump(punches, spool, protocol=pickle.HIGHEST_PROTOCOL)
            on_chunk(report.rows)
    except FileError as exc:
        report.add_error(RowError(None, "", exc.message))
    finally:
        rows.close()
    return report


def _store_spooled(
    spool: IO[bytes], report: ImportReport, *, by, on_chunk: Callable[[int], None], affected
) -> None:
    """Insert the punches the check pass wrote to `spool`, chunk by chunk (the file is not
    parsed twice)."""
    spool.seek(0)
    user = getattr(by, "user", by)
    now = clock.now()
    done = 0
    while True:
        try:
            punches = pickle.load(spool)  # noqa: S301 - our own temporary file
        except EOFError:
            break
        _insert(punches, report, by=user, now=now, affected=affected)
        done += len(punches)
        on_chunk(done)


def _insert(
    punches: list[tuple[int, datetime, str]],
    report: ImportReport,
    *,
    by,
    now: datetime,
    affected: _Affected | None,
) -> None:
    """Store a chunk of (person id, time, device), skipping punches already stored (same
    person, same second)."""
    existing = set(
        Punch.objects.filter(
            person_id__in={pk for pk, _at, _device in punches},
            at__in={at for _pk, at, _device in punches},
        ).values_list("person_id", "at")
    )
    ops = connection_for(Punch).ops
    created_at = ops.adapt_datetimefield_value(now)
    created_by = by.pk if getattr(by, "pk", None) else None
    new: list[tuple] = []
    for person_id, at, device in punches:
        key = (person_id, at)
        if key in existing:
            report.duplicates += 1
            continue
        existing.add(key)  # the same punch twice in the file
        new.append(
            (
                person_id,
                ops.adapt_datetimefield_value(at),
                Punch.Source.IMPORT.value,
                device,
                import_key(at),
                created_at,
                created_by,
            )
        )
        if affected is not None:
            affected.add(person_id, at.date())  # `at` is in the company's time zone
    # Like bulk_create(ignore_conflicts=True): a punch whose key is already stored is skipped.
    insert_rows(
        Punch,
        ["person", "at", "source", "device", "idempotency_key", "created_at", "created_by"],
        new,
        constants={"user_agent": "''", "flagged": "FALSE", "flag_reason": "''"},
        on_conflict="ON CONFLICT DO NOTHING",
    )
    report.imported += len(new)


# --- the operations -----------------------------------------------------------------------------


def check_punches(source: Any, *, by: Any, job=None) -> ImportReport:
    """Check every row of a punch file and store nothing (the preview)."""
    _require_importer(by)
    progress = _Progress(job, estimate_rows(source))
    return _run_pass(source, by=by, store=False, on_chunk=lambda n: progress.at(0, 1, n))


def import_punches(source: Any, *, by: Any, import_valid_rows: bool, job=None) -> ImportReport:
    """Import a punch file (a path or a seekable binary file). With any bad row and without
    `import_valid_rows` nothing is stored and the report lists the errors; otherwise the valid
    rows are stored, the affected days judged again, and one audit entry is written."""
    _require_importer(by)
    progress = _Progress(job, estimate_rows(source))
    affected = _Affected()
    if import_valid_rows:
        report = _run_pass(
            source,
            by=by,
            store=True,
            affected=affected,
            on_chunk=lambda n: progress.at(0, 0.9, n),
        )
    else:
        # Check every row first, keeping the valid punches in a temporary file; store them only
        # when the whole file is clean.
        with tempfile.TemporaryFile() as spool:
            report = _run_pass(
                source, by=by, store=False, spool=spool, on_chunk=lambda n: progress.at(0, 0.5, n)
            )
            if report.error_count:
                return report
            expected = max(report.valid, 1)
            _store_spooled(
                spool,
                report,
                by=by,
                affected=affected,
                on_chunk=lambda n: progress.at(0.5, 0.9, int(progress.expected * n / expected)),
            )
    report.stored = report.imported > 0
    people: set[int] = set()
    months = sorted(affected.months.items())
    for index, (_month, (first, last, ids)) in enumerate(months):
        report.days_judged += recompute_days(person_ids=sorted(ids), start=first, end=last)
        people |= ids
        progress.at(0.9, 1.0, int(progress.expected * (index + 1) / len(months)))
    report.people = len(people)
    if months:
        report.first_day, report.last_day = months[0][1][0], months[-1][1][1]
    if report.imported or report.duplicates:
        audit.record(
            job,
            "attendance.import.done",
            by=by,
            object_type=None if job is not None else "attendance.import",
            data={
                "rows": report.rows,
                "imported": report.imported,
                "duplicates": report.duplicates,
                "errors": report.error_count,
                "people": report.people,
                "first_day": report.first_day,
                "last_day": report.last_day,
                "file": (job.params.get("filename", "") if job is not None else ""),
            },
        )
    return report


def _require_importer(by) -> None:
    if not can_import_punches(getattr(by, "user", by)):
        raise DomainError(_("You may not import punches."))


# --- uploads ------------------------------------------------------------------------------------


def store_upload(upload) -> str:
    """Save an uploaded punch file under MEDIA_ROOT/imports/ with a random name; returns the name
    relative to MEDIA_ROOT (kept in the job's params)."""
    original = Path(getattr(upload, "name", "") or "")
    suffix = original.suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise DomainError(_("Upload a .csv or .xlsx file."), field="file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is larger than {mb} MB: split it by month.").format(
                mb=MAX_UPLOAD_BYTES // (1024 * 1024)
            ),
            field="file",
        )
    if not upload.size:
        raise DomainError(_("The file is empty."), field="file")
    name = f"{UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_uploads(path.parent)
    with open(path, "wb") as out:
        for block in upload.chunks():
            out.write(block)
    return name


def _remove_stale_uploads(folder: Path) -> None:
    """Uploads hold personal data: one checked but never imported goes after UPLOAD_KEEP."""
    oldest = time.time() - UPLOAD_KEEP.total_seconds()
    for stale in folder.iterdir():
        if _UPLOAD_NAME.match(f"{UPLOAD_DIR}/{stale.name}") and stale.stat().st_mtime < oldest:
            stale.unlink(missing_ok=True)


def upload_path(name: str) -> Path:
    """The stored upload's path; only names made by `store_upload` are accepted."""
    if not _UPLOAD_NAME.match(name or ""):
        raise DomainError(_("The uploaded file is no longer available."), field="file")
    path = Path(settings.MEDIA_ROOT) / name
    if not path.exists():
        raise DomainError(_("The uploaded file is no longer available."), field="file")
    return path


def remove_upload(name: str) -> None:
    if _UPLOAD_NAME.match(name or ""):
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
