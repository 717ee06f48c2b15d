"""Reading punch files exported by time clocks or DingTalk (ATT-02, ATT-10).

Accepted: CSV (UTF-8 with or without BOM, UTF-16 as Excel's "Unicode text", GBK/GB18030 as
Chinese Excel and clocks write it; comma, tab or semicolon separated) and .xlsx (the first sheet).
Rows are streamed: a file of any length is read one row at a time, never held in memory.

Columns are found by their header, in Chinese or English, in the first rows of the file:
工号 / staff number (or 姓名 / name), 日期 / date and 时间 / time, or one 打卡时间 / datetime column
("2026-11-03 08:29"). Other columns (打卡结果, 打卡地址, ...) are ignored. When the time column
holds a full date and time it wins over the date column (DingTalk's 考勤日期 is the attendance day,
which differs from the punch's own date for a night shift).

Everything here is pure: text in, values or `RowError`s out. Looking people up and storing punches
is attendance/services_import.py.
"""

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from core.errors import DomainError

# Header aliases, normalised (see `_normal_header`), best first: a DingTalk export has both
# 考勤时间 (the scheduled checkpoint, ignored) and 打卡时间 (the punch), so 打卡时间 wins over 时间.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "staff_no": (
        "工号",
        "员工工号",
        "员工编号",
        "人员编号",
        "职工号",
        "考勤号",
        "考勤号码",
        "staffno",
        "staffnumber",
        "employeeno",
        "employeenumber",
        "employeeid",
        "empno",
    ),
    "name": ("姓名", "员工姓名", "name", "staffname", "employeename", "fullname"),
    "date": ("日期", "打卡日期", "考勤日期", "刷卡日期", "date", "punchdate"),
    "time": (
        "打卡时间",
        "刷卡时间",
        "签到时间",
        "datetime",
        "日期时间",
        "punchtime",
        "时间",
        "time",
    ),
    "device": ("打卡设备", "考勤机", "设备", "设备名称", "device"),
}
HEADER_SEARCH_ROWS = 20  # a title line or two ("考勤记录表 2026年11月") may come before the header
MAX_CELL = 60  # longest cell text quoted back in an error message

_HEADER_NOISE = re.compile(r"[\s_\-./()（）:：]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME = re.compile(r"(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?")
_WEEKDAY = re.compile(r"\s*[(（]?\s*(星期|周|礼拜)[一二三四五六日天][)）]?\s*$")
_MIDNIGHT = re.compile(r"(?<=\d)(\s+|T)0{1,2}:00(:00)?$")  # an Excel date cell: 2026-11-03 00:00:00
_MOMENT_SPLIT = re.compile(r"^(.*?\d)(?:\s+|T)(\d{1,2}[:：].*)$")


@dataclass(frozen=True)
class RowError:
    """A problem with one row: `row` as the user sees it in the file (the first line is 1; None
    for the whole file), `column` the header as written in the file ("" for the whole row)."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class FileError(DomainError):
    """The file cannot be read as a punch list at all (not a table, no header, broken)."""


@dataclass(frozen=True)
class Columns:
    """Where each known column is (index into the row), and the headers as written."""

    headers: tuple[str, ...]
    staff_no: int | None = None
    name: int | None = None
    date: int | None = None
    time: int | None = None
    device: int | None = None

    def header(self, role: str) -> str:
        index = getattr(self, role)
        return self.headers[index] if index is not None else ""

    def person_header(self) -> str:
        return self.header("staff_no") or self.header("name")


@dataclass(frozen=True)
class PunchRow:
    """One valid row: who (staff number and/or name as written) and when (aware)."""

    row: int
    staff_no: str
    name: str
    at: datetime
    device: str = ""


# --- reading files ------------------------------------------------------------------------------


def _normal_header(text: str) -> str:
    return _HEADER_NOISE.sub("", text).lower()


def _open_binary(source: Any) -> tuple[IO[bytes], bool]:
    """(binary file, whether we opened it and must close it). `source` is a path or a seekable
    binary file object (an upload)."""
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller's finally
    source.seek(0)
    return source, False


def sniff_kind(head: bytes) -> str:
    """ "xlsx", "xls" (old binary Excel, refused) or "text", from the first bytes."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "text"


def detect_encoding(binary: IO[bytes]) -> str:
    """UTF-16 by its BOM; UTF-8 (with or without BOM) when the whole file decodes as UTF-8;
    else GB18030 (a superset of GBK, what Chinese Excel and time clocks write). Reads the file
    once in 1 MB blocks, then rewinds it."""
    head = binary.read(4)
    binary.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while block := binary.read(1 << 20):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    binary.seek(0)
    return encoding


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(binary: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    encoding = detect_encoding(binary)
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    line = 0
    try:
        try:
            first = text.readline()
            reader = csv.reader(itertools.chain([first], text), delimiter=_delimiter(first))
            for cells in reader:
                yield line + 1, cells  # a quoted cell may span lines: report where the row starts
                line = reader.line_num
        except csv.Error as exc:
            raise FileError(
                _("Line {row} cannot be read as CSV: {reason}").format(row=line + 1, reason=exc)
            ) from None
        except UnicodeDecodeError:
            raise FileError(
                _("Line {row} is not text in UTF-8 or GBK.").format(row=line + 1)
            ) from None
    finally:
        text.detach()  # the caller closes the binary file


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):  # a time cell in an [h]:mm format
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # staff number 1001 stored as a number
    return str(value)


def _xlsx_rows(binary: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only needed for Excel files

    try:
        book = load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(_("The Excel file cannot be opened: {reason}").format(reason=exc)) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size: read every row there is
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def read_rows(source: Any) -> Iterator[tuple[int, list[str]]]:
    """Every row of the file as (row number as the user sees it, cell texts), header included."""
    binary, opened = _open_binary(source)
    try:
        head = binary.read(8)
        binary.seek(0)
        kind = sniff_kind(head)
        if kind == "xls":
            raise FileError(_("Old .xls files cannot be read: save the file as .xlsx or CSV."))
        yield from (_xlsx_rows(binary) if kind == "xlsx" else _csv_rows(binary))
    finally:
        if opened:
            binary.close()


def estimate_rows(source: Any) -> int:
    """About how many rows the file has (for the progress bar): lines of a CSV, the stated size
    of an Excel sheet."""
    binary, opened = _open_binary(source)
    try:
        head = binary.read(8)
        binary.seek(0)
        if sniff_kind(head) == "xlsx":
            from openpyxl import load_workbook

            try:
                book = load_workbook(binary, read_only=True)
                rows = book.worksheets[0].max_row or 0
                book.close()
            except (zipfile.BadZipFile, KeyError, OSError, ValueError):
                rows = 0
            return rows
        lines = 0
        while block := binary.read(1 << 20):
            lines += block.count(b"\n")
        return lines + 1
    finally:
        if opened:
            binary.close()
        else:
            binary.seek(0)


# --- the header -----------------------------------------------------------------------------------


def map_columns(headers: list[str]) -> Columns:
    """Which column holds what, from the header texts. Unknown headers are ignored."""
    normal = [_normal_header(h) for h in headers]
    found: dict[str, int] = {}
    for role, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in normal:
                found[role] = normal.index(alias)
                break
    return Columns(headers=tuple(h.strip() for h in headers), **found)


def is_header(columns: Columns) -> bool:
    return columns.time is not None and (columns.staff_no is not None or columns.name is not None)


def find_header(
    rows: Iterator[tuple[int, list[str]]],
) -> tuple[int, Columns]:
    """Read up to the header row; the iterator then yields the data rows. FileError when the
    first rows hold no usable header."""
    best: Columns | None = None
    for number, cells in itertools.islice(rows, HEADER_SEARCH_ROWS):
        columns = map_columns(cells)
        if is_header(columns):
            return number, columns
        if best is None or _known(columns) > _known(best):
            best = columns
    if best is None:
        raise FileError(_("The file is empty."))
    if best.time is None:
        raise FileError(
            _(
                "No column with the punch time: give a column “时间” / “time” (with “日期” / "
                "“date”), or “打卡时间” / “datetime”."
            )
        )
    raise FileError(
        _("No column naming the person: give a column “工号” / “staff number” or “姓名” / “name”.")
    )


def _known(columns: Columns) -> int:
    return sum(getattr(columns, r) is not None for r in HEADER_ALIASES)


# --- values -------------------------------------------------------------------------------------


def clean_cell(text: str) -> str:
    """A cell as the user meant it: trimmed, without Excel's text guards (="0012", '0012)."""
    text = text.strip()
    if text[:1] not in ("=", "'"):
        return text
    if text.startswith('="') and text.endswith('"'):
        return text[2:-1].strip()
    if text.startswith("'"):
        return text[1:].strip()
    return text


@lru_cache(maxsize=4096)  # a file holds a few dozen distinct dates in 100,000 rows
def parse_date(text: str) -> date | None:
    """2026-11-03, 2026/11/3, 2026.11.03, 2026年11月3日, 20261103; a trailing weekday
    ("2026-11-03 星期二", DingTalk) or midnight (an Excel date cell) is ignored. None when it is
    not a date."""
    match = _DATE.fullmatch(text)
    if match is None:
        text = _MIDNIGHT.sub("", _WEEKDAY.sub("", text))
        match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 2026-02-30
        return None


def parse_time(text: str) -> time | None:
    """HH:MM or HH:MM:SS (8:29, 08:29:05; a fraction of a second is dropped). None otherwise."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return time(hours, minutes, seconds)


def split_moment(text: str) -> tuple[str, str]:
    """("2026-11-03", "08:29") from "2026-11-03 08:29" or "2026-11-03T08:29"; ("", text) when
    the text holds no date part."""
    text = text.strip()
    if " " not in text and "T" not in text:
        return "", text
    match = _MOMENT_SPLIT.match(text)
    if match is None:
        return "", text
    return match[1].strip(), match[2].strip()


def _quoted(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return clean_cell(cells[index])


def parse_row(
    number: int, cells: list[str], columns: Columns, *, now: datetime, tz: tzinfo
) -> PunchRow | list[RowError] | None:
    """One data row → a PunchRow, its errors, or None for an empty row (skipped). The time is
    read in `tz` (the company's time zone); a time after `now` is an error."""
    if not any(cells) or not "".join(cells).strip():
        return None
    errors: list[RowError] = []
    staff_no, name = _cell(cells, columns.staff_no), _cell(cells, columns.name)
    if not staff_no and not name:
        errors.append(
            RowError(number, columns.person_header(), _("The staff number or name is missing."))
        )
    time_header = columns.headers[columns.time] if columns.time is not None else ""
    moment = _cell(cells, columns.time)
    day: date | None = None
    clock_time: time | None = None
    if not moment:
        errors.append(RowError(number, time_header, _("The time is missing.")))
    else:
        date_part, time_part = split_moment(moment)
        if date_part:
            day = parse_date(date_part)
            if day is None:
                errors.append(
                    RowError(
                        number,
                        time_header,
                        _("“{value}” is not a date and time; write it as 2026-11-03 08:29.").format(
                            value=_quoted(moment)
                        ),
                    )
                )
        else:
            day_text = _cell(cells, columns.date)
            if columns.date is None:
                errors.append(
                    RowError(
                        number,
                        time_header,
                        _("The date is missing: add a date column or write 2026-11-03 08:29."),
                    )
                )
            elif not day_text:
                errors.append(RowError(number, columns.header("date"), _("The date is missing.")))
            else:
                day = parse_date(day_text)
                if day is None:
                    errors.append(
                        RowError(
                            number,
                            columns.header("date"),
                            _("“{value}” is not a date; write it as 2026-11-03.").format(
                                value=_quoted(day_text)
                            ),
                        )
                    )
        if not date_part or day is not None:
            clock_time = parse_time(time_part)
            if clock_time is None:
                errors.append(
                    RowError(
                        number,
                        time_header,
                        _("“{value}” is not a time; write it as 08:29 or 08:29:05.").format(
                            value=_quoted(time_part)
                        ),
                    )
                )
    if errors:
        return errors
    assert day is not None and clock_time is not None
    at = datetime.combine(day, clock_time, tzinfo=tz)
    if at > now:
        return [
            RowError(
                number,
                time_header,
                _("{time} is in the future.").format(time=at.strftime("%Y-%m-%d %H:%M:%S")),
            )
        ]
    return PunchRow(number, staff_no, name, at, _cell(cells, columns.device)[:120])


def import_key(at: datetime) -> str:
    """The idempotency key of an imported punch: one punch per person and second, whichever file
    or retry it comes from (the unique (person, idempotency_key) constraint enforces it)."""
    return f"import:{int(at.timestamp())}"
