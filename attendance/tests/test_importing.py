"""Importing punch files: encodings, Excel, header variants, row errors, all-or-nothing,
re-import without duplicates, scope, and the days judged again."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from openpyxl import Workbook

from attendance.importing import (
    Columns,
    RowError,
    map_columns,
    parse_date,
    parse_row,
    parse_time,
    read_rows,
    split_moment,
)
from attendance.models import DayJudgement, Punch
from attendance.services_import import check_punches, import_punches
from core.errors import DomainError
from core.models import AuditEntry
from people.tests.factories import PersonFactory

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen_and_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def write_csv(tmp_path, text: str, encoding: str = "utf-8", name: str = "punches.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path, rows, name: str = "punches.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def at(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":")[:2])
    return datetime.combine(day, time(h, m), tzinfo=TZ)


# --- pure parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03", date(2026, 11, 3)),
        ("2026/11/3", date(2026, 11, 3)),
        ("20261103", date(2026, 11, 3)),
        ("2026.11.03", date(2026, 11, 3)),
        ("2026年11月3日", date(2026, 11, 3)),
        ("2026-11-03 星期二", date(2026, 11, 3)),
        ("2026-02-30", None),
        ("03/11/2026", None),
        ("tomorrow", None),
        ("", None),
    ],
)
def test_dates_are_read_in_the_usual_export_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:29", time(8, 29)),
        ("8:29", time(8, 29)),
        ("08:29:05", time(8, 29, 5)),
        ("08:29:05.250", time(8, 29, 5)),
        ("24:00", None),
        ("08:60", None),
        ("0829", None),
        ("", None),
    ],
)
def test_times_are_hh_mm_or_hh_mm_ss(text, expected):
    assert parse_time(text) == expected


def test_a_datetime_cell_is_split_into_date_and_time():
    assert split_moment("2026-11-03 08:29") == ("2026-11-03", "08:29")
    assert split_moment("2026-11-03T08:29:00") == ("2026-11-03", "08:29:00")
    assert split_moment("2026/11/3  8:29") == ("2026/11/3", "8:29")
    assert split_moment("08:29") == ("", "08:29")


@pytest.mark.parametrize(
    ("headers", "roles"),
    [
        (["工号", "姓名", "日期", "时间"], {"staff_no": 0, "name": 1, "date": 2, "time": 3}),
        (
            ["Staff number", "Name", "Date", "Time"],
            {"staff_no": 0, "name": 1, "date": 2, "time": 3},
        ),
        (["staff_no", "date", "time"], {"staff_no": 0, "date": 1, "time": 2}),
        (["姓名", "打卡时间"], {"name": 0, "time": 1}),
        # DingTalk: 考勤时间 is the scheduled checkpoint, 打卡时间 the punch.
        (
            ["姓名", "工号", "考勤日期", "考勤时间", "打卡时间"],
            {"name": 0, "staff_no": 1, "date": 2, "time": 4},
        ),
    ],
)
def test_headers_are_recognised_in_chinese_and_english(headers, roles):
    columns = map_columns(headers)
    for role in ("staff_no", "name", "date", "time"):
        assert getattr(columns, role) == roles.get(role)


def test_a_bad_row_names_its_row_column_and_reason():
    columns = map_columns(["工号", "日期", "时间"])
    errors = parse_row(7, ["S1", "2026-13-01", "08:29"], columns, now=NOW, tz=TZ)
    assert errors == [RowError(7, "日期", "“2026-13-01” is not a date; write it as 2026-11-03.")]
    errors = parse_row(8, ["S1", "2026-11-03", "8.29"], columns, now=NOW, tz=TZ)
    assert [(e.row, e.column) for e in errors] == [(8, "时间")]
    errors = parse_row(9, ["", "2026-11-03", "08:29"], columns, now=NOW, tz=TZ)
    assert [(e.row, e.column) for e in errors] == [(9, "工号")]


def test_a_time_in_the_future_is_an_error():
    columns = map_columns(["工号", "打卡时间"])
    errors = parse_row(2, ["S1", "2026-11-20 12:01"], columns, now=NOW, tz=TZ)
    assert [(e.row, e.column) for e in errors] == [(2, "打卡时间")]
    assert "future" in errors[0].message


def test_an_empty_row_is_skipped_and_excel_text_guards_are_removed():
    columns = map_columns(["工号", "打卡时间"])
    assert parse_row(3, ["", " "], columns, now=NOW, tz=TZ) is None
    row = parse_row(4, ['="0012"', "2026-11-03 08:29"], columns, now=NOW, tz=TZ)
    assert (row.staff_no, row.at) == ("0012", at(date(2026, 11, 3), "08:29"))


def test_gbk_and_bom_files_read_the_same(tmp_path):
    text = "工号,姓名,日期,时间\r\nS1,张三,2026-11-03,08:29\r\n"
    plain = list(read_rows(write_csv(tmp_path, text, name="a.csv")))
    bom = list(read_rows(write_csv(tmp_path, "\ufeff" + text, name="b.csv")))
    gbk = list(read_rows(write_csv(tmp_path, text, "gbk", name="c.csv")))
    assert (
        plain
        == bom
        == gbk
        == [(1, ["工号", "姓名", "日期", "时间"]), (2, ["S1", "张三", "2026-11-03", "08:29"])]
    )


def test_columns_is_a_plain_value():
    assert Columns(headers=("a",)).header("time") == ""


# --- importing into the database ----------------------------------------------------------------

DAY = date(2026, 11, 3)  # a Tuesday


def staff_csv(org, *lines: str) -> str:
    return "工号,姓名,日期,时间\n" + "\n".join(lines) + "\n"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_in_any_usual_encoding_imports(org, tmp_path, encoding):
    no, name = org.engineer_a.staff_no, org.engineer_a.name
    path = write_csv(
        tmp_path,
        staff_csv(org, f"{no},{name},2026-11-03,08:29", f"{no},{name},2026/11/3,17:01:30"),
        encoding,
    )
    report = import_punches(path, by=org.hr.user, import_valid_rows=False)
    assert (report.rows, report.imported, report.error_count, report.stored) == (2, 2, 0, True)
    punches = Punch.objects.filter(person=org.engineer_a).order_by("at")
    assert [p.at for p in punches] == [at(DAY, "08:29"), at(DAY, "17:01").replace(second=30)]
    assert {p.source for p in punches} == {Punch.Source.IMPORT}


@pytest.mark.django_db
def test_an_xlsx_with_a_title_line_and_datetime_cells_imports(org, tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["考勤记录表 2026年11月"],
            ["姓名", "工号", "打卡时间", "打卡结果"],
            [
                org.engineer_a.name,
                org.engineer_a.staff_no,
                datetime(2026, 11, 3, 8, 29),  # noqa: DTZ001 - Excel cells are naive
                "正常",
            ],
            [org.engineer_a.name, org.engineer_a.staff_no, "2026-11-03 17:05", "正常"],
        ],
    )
    report = import_punches(path, by=org.hr.user, import_valid_rows=False)
    assert (report.imported, report.error_count) == (2, 0)


@pytest.mark.django_db
def test_an_xlsx_with_date_and_time_cells_and_numeric_staff_numbers(org, tmp_path):
    person = PersonFactory(staff_no="1001", unit=org.station_a, employer=org.own)
    path = write_xlsx(
        tmp_path,
        [
            ["Staff number", "Date", "Time"],
            [1001, date(2026, 11, 3), time(8, 29)],
            [1001, 20261103, "17:00"],
        ],
    )
    report = import_punches(path, by=org.hr.user, import_valid_rows=False)
    assert (report.imported, report.error_count) == (2, 0), report.errors
    assert Punch.objects.filter(person=person).count() == 2


@pytest.mark.django_db
def test_a_file_with_errors_stores_nothing_and_names_each_bad_row(org, tmp_path):
    no = org.engineer_a.staff_no
    path = write_csv(
        tmp_path,
        staff_csv(
            org,
            f"{no},,2026-11-03,08:29",
            "NOBODY,,2026-11-03,08:30",
            f"{no},,2026-11-31,17:00",
            f"{no},,2026-11-03,7 pm",
        ),
    )
    report = import_punches(path, by=org.hr.user, import_valid_rows=False)
    assert not report.stored and Punch.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, "工号"), (4, "日期"), (5, "时间")]
    assert "NOBODY" in report.errors[0].message
    assert not AuditEntry.objects.filter(action="attendance.import.done").exists()


@pytest.mark.django_db
def test_import_valid_rows_stores_the_good_ones_and_reports_the_rest(org, tmp_path):
    no = org.engineer_a.staff_no
    path = write_csv(
        tmp_path, staff_csv(org, f"{no},,2026-11-03,08:29", "NOBODY,,2026-11-03,08:30")
    )
    report = import_punches(path, by=org.hr.user, import_valid_rows=True)
    assert (report.imported, report.error_count, report.stored) == (1, 1, True)
    assert Punch.objects.get().at == at(DAY, "08:29")
    entry = AuditEntry.objects.get(action="attendance.import.done")
    assert (entry.data["imported"], entry.data["errors"]) == (1, 1)


@pytest.mark.django_db
def test_importing_the_same_file_again_adds_nothing(org, tmp_path):
    no = org.engineer_a.staff_no
    path = write_csv(
        tmp_path,
        staff_csv(
            org, f"{no},,2026-11-03,08:29", f"{no},,2026-11-03,08:29", f"{no},,2026-11-03,17:00"
        ),
    )
    first = import_punches(path, by=org.hr.user, import_valid_rows=False)
    again = import_punches(path, by=org.hr.user, import_valid_rows=False)
    assert (first.imported, first.duplicates) == (2, 1)
    assert (again.imported, again.duplicates, again.stored) == (0, 3, False)
    assert Punch.objects.count() == 2


@pytest.mark.django_db
def test_a_person_outside_the_importers_scope_is_a_row_error(org, tmp_path):
    path = write_csv(
        tmp_path,
        staff_csv(
            org,
            f"{org.engineer_a.staff_no},,2026-11-03,08:29",
            f"{org.engineer_b.staff_no},,2026-11-03,08:29",
        ),
    )
    report = import_punches(path, by=org.manager_a.user, import_valid_rows=False)
    assert not report.stored and Punch.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, "工号")]
    assert "scope" in report.errors[0].message


@pytest.mark.django_db
def test_names_alone_identify_people_unless_two_share_a_name(org, tmp_path):
    PersonFactory(name="王五", unit=org.station_a, employer=org.own)
    PersonFactory(name="王五", unit=org.station_a, employer=org.own)
    path = write_csv(
        tmp_path,
        f"姓名,打卡时间\n{org.engineer_a.name},2026-11-03 08:29\n王五,2026-11-03 08:30\n",
    )
    report = check_punches(path, by=org.hr.user)
    assert (report.valid, report.error_count) == (1, 1)
    assert (report.errors[0].row, report.errors[0].column) == (3, "姓名")
    assert "2 people" in report.errors[0].message


@pytest.mark.django_db
def test_a_name_that_does_not_match_the_staff_number_is_an_error(org, tmp_path):
    path = write_csv(
        tmp_path,
        staff_csv(org, f"{org.engineer_a.staff_no},{org.engineer_b.name},2026-11-03,08:29"),
    )
    report = check_punches(path, by=org.hr.user)
    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名")]


@pytest.mark.django_db
def test_an_engineer_may_not_import(org, tmp_path):
    path = write_csv(tmp_path, staff_csv(org, f"{org.engineer_a.staff_no},,2026-11-03,08:29"))
    with pytest.raises(DomainError):
        import_punches(path, by=org.engineer_a.user, import_valid_rows=True)
    assert Punch.objects.count() == 0


@pytest.mark.django_db
def test_a_file_without_a_usable_header_is_one_file_error(org, tmp_path):
    path = write_csv(tmp_path, "a,b,c\n1,2,3\n")
    report = import_punches(path, by=org.hr.user, import_valid_rows=True)
    assert [(e.row, e.column) for e in report.errors] == [(None, "")]
    assert report.rows == 0 and not report.stored


@pytest.mark.django_db
def test_a_binary_file_is_refused_without_a_crash(org, tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 10)
    report = check_punches(path, by=org.hr.user)
    assert report.error_count >= 1 and report.valid == 0


@pytest.mark.django_db
def test_the_affected_days_are_judged_again(org, tmp_path):
    no = org.engineer_a.staff_no
    path = write_csv(
        tmp_path,
        staff_csv(
            org,
            f"{no},,2026-11-03,08:45",
            f"{no},,2026-11-03,11:31",
            f"{no},,2026-11-03,12:55",
            f"{no},,2026-11-03,17:02",
            f"{no},,2026-11-05,08:20",
        ),
    )
    report = import_punches(path, by=org.hr.user, import_valid_rows=False)
    j = DayJudgement.objects.get(person=org.engineer_a, date=DAY)
    assert (j.status, j.late_minutes) == ("late", 15)
    # Every day from the first to the last imported day is judged, for the people in the file.
    assert report.days_judged == 3 and report.people == 1
    assert DayJudgement.objects.filter(person=org.engineer_a).count() == 3
    assert not DayJudgement.objects.filter(person=org.engineer_b).exists()


@pytest.mark.django_db
def test_an_uploaded_stream_imports_like_a_path(org, tmp_path):
    import io

    path = write_xlsx(
        tmp_path, [["工号", "打卡时间"], [org.engineer_a.staff_no, "2026-11-03 08:29"]]
    )
    stream = io.BytesIO(path.read_bytes())
    report = import_punches(stream, by=org.hr.user, import_valid_rows=False)
    assert (report.imported, report.error_count) == (1, 0)


@pytest.mark.django_db
def test_an_import_job_reports_progress_to_the_end(org, tmp_path, settings):
    from core.jobs import run_job_now
    from core.models import Job

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "imports").mkdir()
    name = "imports/" + "a" * 32 + ".csv"
    (tmp_path / name).write_text(staff_csv(org, f"{org.engineer_a.staff_no},,2026-11-03,08:29"))
    job = run_job_now("attendance.import", {"file": name, "filename": "x.csv"}, by=org.hr.user)
    assert job.status == Job.Status.DONE and job.progress == job.total > 0
    assert job.result["imported"] == 1
    assert not (tmp_path / name).exists()  # stored: the upload with its personal data is gone
    entry = AuditEntry.objects.get(action="attendance.import.done")
    assert entry.object_id == str(job.pk) and entry.data["file"] == "x.csv"


@pytest.mark.django_db
def test_a_recompute_job_judges_the_days_with_progress(org):
    from core.jobs import run_job_now

    Punch.objects.create(person=org.engineer_a, at=at(DAY, "08:45"), source="app", created_at=NOW)
    ids = [org.engineer_a.pk, org.engineer_b.pk]
    job = run_job_now(
        "attendance.recompute",
        {"person_ids": ids, "start": "2026-11-02", "end": "2026-11-06"},
        by=org.hr.user,
    )
    assert job.status == "done" and job.result == {"people": 2, "days_judged": 10}
    assert (job.progress, job.total) == (2, 2)
    assert DayJudgement.objects.get(person=org.engineer_a, date=DAY).status == "late"


def test_stale_uploads_are_removed_when_a_new_one_arrives(tmp_path, settings):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    from attendance.services_import import store_upload

    settings.MEDIA_ROOT = tmp_path
    first = store_upload(SimpleUploadedFile("a.csv", b"x"))
    old = (NOW.timestamp() - 8 * 24 * 3600,) * 2
    os.utime(tmp_path / first, old)
    second = store_upload(SimpleUploadedFile("b.csv", b"y"))
    assert not (tmp_path / first).exists() and (tmp_path / second).exists()


def test_tab_and_semicolon_separated_and_utf16_files_read_the_same(tmp_path):
    rows = [["工号", "打卡时间"], ["S1", "2026-11-03 08:29"]]
    tsv = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    semicolon = "\n".join(";".join(r) for r in rows) + "\n"
    utf16 = write_csv(tmp_path, "\ufeff" + tsv, "utf-16-le", name="unicode.txt")
    for path in (write_csv(tmp_path, tsv, name="a.txt"), write_csv(tmp_path, semicolon), utf16):
        assert [cells for _n, cells in read_rows(path)] == rows, path


@pytest.mark.django_db
def test_an_xlsx_error_names_the_row_as_excel_shows_it(org, tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["考勤记录表"],
            [],
            ["工号", "日期", "时间"],
            [org.engineer_a.staff_no, "2026-11-03", "08:29"],
            [org.engineer_a.staff_no, "2026-11-03", "25:00"],
        ],
    )
    report = check_punches(path, by=org.hr.user)
    assert [(e.row, e.column) for e in report.errors] == [(5, "时间")]
