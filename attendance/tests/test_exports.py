"""The 考勤汇总表 .xlsx read back as a reader would: title, DingTalk headers, numbers, fines; and
through LibreOffice (a real spreadsheet program) when `soffice` is installed."""

import csv
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from attendance.exports import summary_workbook
from attendance.queries import month_summaries
from attendance.tests.scenarios import OCTOBER, TZ, leave_type, october
from leave.models import LeaveType
from people.models import Person

pytestmark = pytest.mark.django_db

FIXED_HEADERS = [
    "姓名",
    "工号",
    "部门",
    "应出勤天数",
    "出勤天数",
    "休息天数",
    "迟到次数",
    "迟到时长",
    "严重迟到次数",
    "严重迟到时长",
    "旷工迟到次数",
    "早退次数",
    "早退时长",
    "上班缺卡次数",
    "下班缺卡次数",
    "旷工天数",
    "补卡次数",
    "出差时长",
]
FINE_HEADERS = [
    "罚款(ATT-04)",
    "ATT-05 档位",
    "罚款(ATT-05)",
    "罚款(ATT-06)",
    "罚款合计",
    "通报级别",
    "备注",
]


@pytest.fixture
def workbook(org):
    october(org)
    leave_type("annual", "年假", "Annual leave")
    people = Person.objects.filter(unit=org.station_a).order_by("staff_no")
    rows = month_summaries(people, OCTOBER)
    content = summary_workbook(
        rows,
        unit_name=org.station_a.name,
        month=OCTOBER,
        leave_types=LeaveType.objects.filter(active=True),
        generated_at=datetime(2026, 11, 22, 10, tzinfo=TZ),
    )
    return content


def headers(sheet) -> list[str]:
    """The leaf header of each column: row 3 under a group, else row 2 (merged over both)."""
    return [
        sheet.cell(row=3, column=c).value or sheet.cell(row=2, column=c).value
        for c in range(1, sheet.max_column + 1)
    ]


def row_of(sheet, name: str) -> dict:
    names = headers(sheet)
    for r in range(4, sheet.max_row + 1):
        if sheet.cell(row=r, column=1).value == name:
            return {
                names[c - 1]: sheet.cell(row=r, column=c).value for c in range(1, len(names) + 1)
            }
    raise AssertionError(name)


def test_the_sheet_has_a_title_and_the_dingtalk_headers(workbook, org):
    book = load_workbook(BytesIO(workbook))
    assert book.sheetnames == ["考勤汇总"]
    sheet = book["考勤汇总"]
    title = sheet.cell(row=1, column=1).value
    assert title.startswith("考勤汇总表") and org.station_a.name in title
    assert "2026-10-01 至 2026-10-31" in title
    names = headers(sheet)
    assert names[: len(FIXED_HEADERS)] == FIXED_HEADERS
    assert names[-len(FINE_HEADERS) :] == FINE_HEADERS
    types = [t.name for t in LeaveType.objects.filter(active=True)]
    start = len(FIXED_HEADERS)
    assert names[start : start + len(types)] == types  # one column per leave type
    assert names[start + len(types) : start + len(types) + 3] == ["工作日", "休息日", "节假日"]
    groups = {sheet.cell(row=2, column=c).value for c in range(1, sheet.max_column + 1)}
    assert {"请假(天)", "加班时长(小时)"} <= groups
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A2:A3" in merged  # a single column spans both header rows


def test_numbers_are_numbers(workbook, org):
    sheet = load_workbook(BytesIO(workbook)).active
    row = row_of(sheet, org.engineer_a.name)
    assert row["工号"] == org.engineer_a.staff_no
    assert (row["应出勤天数"], row["迟到次数"], row["迟到时长"]) == (18, 4, 80)
    assert (row["严重迟到次数"], row["严重迟到时长"], row["旷工迟到次数"]) == (1, 35, 0)
    assert (row["早退次数"], row["早退时长"]) == (1, 20)
    assert (row["上班缺卡次数"], row["下班缺卡次数"], row["补卡次数"]) == (0, 1, 1)
    assert Decimal(str(row["出勤天数"])) == Decimal("15.5")
    assert Decimal(str(row["旷工天数"])) == 1 and Decimal(str(row["出差时长"])) == 1
    assert (Decimal(str(row["事假"])), Decimal(str(row["病假"])), row["年假"]) == (
        1,
        Decimal("0.5"),
        0,
    )
    assert [Decimal(str(row[k])) for k in ("工作日", "休息日", "节假日")] == [2, 2, 4]
    assert [
        Decimal(str(row[k])) for k in ("罚款(ATT-04)", "罚款(ATT-05)", "罚款(ATT-06)", "罚款合计")
    ] == [
        20,
        100,
        20,
        140,
    ]
    assert row["ATT-05 档位"] == 1
    assert row["通报级别"]  # notice to the vendor company (ATT-03)
    other = row_of(sheet, org.vendor_engineer_a.name)
    assert (other["迟到次数"], Decimal(str(other["罚款合计"]))) == (2, 0)
    assert other["通报级别"] and other["通报级别"] != row["通报级别"]  # criticism only


def test_one_row_per_person(workbook, org):
    sheet = load_workbook(BytesIO(workbook)).active
    names = [sheet.cell(row=r, column=1).value for r in range(4, sheet.max_row + 1)]
    assert sorted(names) == sorted(p.name for p in Person.objects.filter(unit=org.station_a))


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_reads_the_file(workbook, tmp_path, org):
    source = tmp_path / "summary.xlsx"
    source.write_bytes(workbook)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    with (tmp_path / "summary.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][:4] == FIXED_HEADERS[:4]
    engineer = next(r for r in rows if r and r[0] == org.engineer_a.name)
    assert engineer[FIXED_HEADERS.index("迟到时长")] == "80"
