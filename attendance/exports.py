"""The monthly attendance summary (考勤汇总表, ATT-07) as columns and as an .xlsx file.

The column names are those users know from DingTalk's monthly report (月度汇总), so the file can
be read next to one exported from DingTalk; crewdesk adds its fines (ATT-04/05/06) and the ATT-03
notice level, the ATT-10 arrival records of resident staff and the REQ-06 personal-leave pay
deduction. The same columns make the station page's table.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from operator import attrgetter as get
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from attendance.queries import PersonMonth
from core.clock import month_bounds

SHEET_NAME = "考勤汇总"
TITLE = "考勤汇总表"
LEAVE_GROUP = "请假(天)"
OVERTIME_GROUP = "加班时长(小时)"
ARRIVAL_GROUP = "到岗记录(ATT-10)"
OTHER_LEAVE = "leave"  # DayJudgement without a leave type

NOTICE_LABELS = {
    "": "",
    "criticism": _("Criticism at the regular meeting"),
    "vendor_notice": _("Notice to the vendor company"),
}


@dataclass(frozen=True)
class Column:
    key: str
    dingtalk: str  # the header of the 考勤汇总表, exactly as in DingTalk's monthly report
    label: Any  # the page's header (translated)
    value: Callable[[PersonMonth], Any]
    group: str = ""  # a two-row header: the DingTalk group above the column
    group_label: Any = ""
    number_format: str = "0"


def _fine(row: PersonMonth, rule_id: str, code: str | None = None) -> Decimal:
    return sum(
        (f.amount for f in row.summary.fines if f.rule_id == rule_id and code in (None, f.code)),
        Decimal("0"),
    )


def _band(row: PersonMonth) -> int:
    return next((f.count for f in row.summary.fines if f.code == "late_band"), 0)


def deduction_percent(row: PersonMonth) -> Decimal:
    """REQ-06: the share of the month's pay deducted for personal leave, in percent."""
    share = row.personal_leave.share if row.personal_leave else Decimal("0")
    return (share * 100).quantize(Decimal("0.01"))


def notice_label(level: str) -> str:
    return str(NOTICE_LABELS.get(level, level))


def remark(row: PersonMonth) -> str:
    """Closed month and corrections after the close: shown, never applied silently."""
    parts = []
    if row.locked:
        parts.append(str(_("Month closed")))
    if row.corrections:
        parts.append(str(_("{count} days corrected after the close")).format(count=row.corrections))
    return "; ".join(parts)


def leave_names(leave_types, rows: Sequence[PersonMonth]) -> list[tuple[str, str, str]]:
    """(code, Chinese name, name in the current language) of every leave type, plus codes found
    in the days that are no longer a leave type."""
    english = translation.get_language() == "en"
    names = [
        (t.code, t.name, (t.name_en if english and t.name_en else t.name)) for t in leave_types
    ]
    known = {code for code, _zh, _label in names}
    extra = sorted({code for row in rows for code in row.summary.leave_days} - known)
    for code in extra:
        label = str(_("Other leave")) if code == OTHER_LEAVE else code
        names.append((code, "其他" if code == OTHER_LEAVE else code, label))
    return names


def summary_columns(leave_types, rows: Sequence[PersonMonth]) -> list[Column]:
    """The 考勤汇总表 columns in DingTalk's order, then crewdesk's fines and notice level."""
    columns = [
        Column("name", "姓名", _("Name"), lambda r: r.person.name, number_format="@"),
        Column(
            "staff_no", "工号", _("Staff number"), lambda r: r.person.staff_no, number_format="@"
        ),
        Column(
            "unit",
            "部门",
            _("Unit"),
            lambda r: r.person.unit.name if r.person.unit_id else "",
            number_format="@",
        ),
        Column("workdays", "应出勤天数", _("Required days"), get("summary.workdays")),
        Column(
            "attended_days",
            "出勤天数",
            _("Days attended"),
            get("summary.attended_days"),
            number_format="0.0",
        ),
        Column("rest_days", "休息天数", _("Rest days"), get("summary.rest_days")),
        Column("late_count", "迟到次数", _("Late arrivals"), get("summary.late_count")),
        Column("late_minutes", "迟到时长", _("Late minutes"), get("summary.late_minutes")),
        Column(
            "serious_late_count",
            "严重迟到次数",
            _("Serious late arrivals"),
            get("summary.serious_late_count"),
        ),
        Column(
            "serious_late_minutes",
            "严重迟到时长",
            _("Serious late minutes"),
            get("summary.serious_late_minutes"),
        ),
        Column(
            "absent_late_count",
            "旷工迟到次数",
            _("Late arrivals counted as absence"),
            get("summary.absent_late_count"),
        ),
        Column("early_count", "早退次数", _("Early leaves"), get("summary.early_count")),
        Column("early_minutes", "早退时长", _("Early-leave minutes"), get("summary.early_minutes")),
        Column("missing_in", "上班缺卡次数", _("Missing sign-ins"), get("summary.missing_in")),
        Column("missing_out", "下班缺卡次数", _("Missing sign-outs"), get("summary.missing_out")),
        Column(
            "absent_days",
            "旷工天数",
            _("Absent days"),
            get("summary.total_absent_days"),
            number_format="0.0",
        ),
        Column("makeup_count", "补卡次数", _("Make-up punches"), lambda r: r.makeup_count),
        Column(
            "trip_days", "出差时长", _("Trip days"), get("summary.trip_days"), number_format="0.0"
        ),
    ]
    for code, zh, label in leave_names(leave_types, rows):
        columns.append(
            Column(
                f"leave:{code}",
                zh,
                label,
                lambda r, code=code: r.summary.leave_days.get(code, Decimal("0")),
                group=LEAVE_GROUP,
                group_label=_("Leave (days)"),
                number_format="0.0",
            )
        )
    for kind, zh, label in (
        ("workday", "工作日", pgettext_lazy("overtime on", "Working days")),
        ("rest", "休息日", pgettext_lazy("overtime on", "Rest days")),
        ("holiday", "节假日", pgettext_lazy("overtime on", "Holidays")),
    ):
        columns.append(
            Column(
                f"overtime:{kind}",
                zh,
                label,
                lambda r, kind=kind: r.overtime_hours.get(kind, Decimal("0")),
                group=OVERTIME_GROUP,
                group_label=_("Overtime (hours)"),
                number_format="0.0",
            )
        )
    columns += [
        Column(
            "arrival_missing",
            "到岗缺记录次数",
            _("Missing records"),
            lambda r: r.arrival.missing if r.arrival else "",
            group=ARRIVAL_GROUP,
            group_label=_("Arrival record at the desk (ATT-10)"),
        ),
        Column(
            "arrival_late",
            "到岗迟到次数",
            _("Late arrivals"),
            lambda r: r.arrival.late if r.arrival else "",
            group=ARRIVAL_GROUP,
            group_label=_("Arrival record at the desk (ATT-10)"),
        ),
        Column(
            "personal_leave_days",
            "事假扣薪天数",
            _("Personal leave (days)"),
            lambda r: r.personal_leave.days if r.personal_leave else Decimal("0"),
            number_format="0.0",
        ),
        Column(
            "deduction_share",
            "扣薪比例(%)",
            _("Pay deduction share (%)"),
            deduction_percent,
            number_format="0.00",
        ),
        Column(
            "fine_att04",
            "罚款(ATT-04)",
            _("Fine ATT-04"),
            lambda r: _fine(r, "ATT-04"),
            number_format="0.00",
        ),
        Column("band_att05", "ATT-05 档位", _("ATT-05 band"), _band),
        Column(
            "fine_att05",
            "罚款(ATT-05)",
            _("Fine ATT-05"),
            lambda r: _fine(r, "ATT-05"),
            number_format="0.00",
        ),
        Column(
            "fine_att06",
            "罚款(ATT-06)",
            _("Fine ATT-06"),
            lambda r: _fine(r, "ATT-06"),
            number_format="0.00",
        ),
        Column(
            "fine_total",
            "罚款合计",
            _("Fines total"),
            lambda r: r.summary.fine_total,
            number_format="0.00",
        ),
        Column(
            "notice_level",
            "通报级别",
            _("Notice level (ATT-03)"),
            lambda r: notice_label(r.summary.notice_level),
            number_format="@",
        ),
        Column("remark", "备注", _("Remark"), remark, number_format="@"),
    ]
    return columns


def header_rows(columns: Sequence[Column]) -> list[dict]:
    """The two header rows as spans: a group over its columns, a single column over both rows."""
    top: list[dict] = []
    for index, column in enumerate(columns):
        if column.group and top and top[-1]["group"] == column.group:
            top[-1]["span"] += 1
            top[-1]["columns"].append(column)
            continue
        top.append(
            {
                "group": column.group,
                "dingtalk": column.group or column.dingtalk,
                "label": column.group_label or column.label,
                "span": 1,
                "start": index,
                "columns": [column] if column.group else [],
            }
        )
    return top


def summary_workbook(
    rows: Sequence[PersonMonth], *, unit_name: str, month, leave_types, generated_at
) -> bytes:
    """The 考勤汇总表 of a unit's month: a title row, two header rows, one row per person."""
    columns = summary_columns(leave_types, rows)
    first, last = month_bounds(month)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    width = len(columns)
    sheet.cell(
        row=1,
        column=1,
        value=(
            f"{TITLE}（{unit_name}）  统计日期：{first:%Y-%m-%d} 至 {last:%Y-%m-%d}  "
            f"报表生成时间：{generated_at:%Y-%m-%d %H:%M}  "
            "时长单位：迟到/早退 分钟，出差/请假 天，加班 小时"
        ),
    ).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for span in header_rows(columns):
        col = span["start"] + 1
        cell = sheet.cell(row=2, column=col, value=span["dingtalk"])
        if span["group"]:
            if span["span"] > 1:
                sheet.merge_cells(
                    start_row=2, start_column=col, end_row=2, end_column=col + span["span"] - 1
                )
            for offset, column in enumerate(span["columns"]):
                sub = sheet.cell(row=3, column=col + offset, value=column.dingtalk)
                sub.font, sub.fill, sub.alignment = bold, fill, centre
        else:
            sheet.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
    for number, row in enumerate(rows, start=4):
        for index, column in enumerate(columns, start=1):
            value = column.value(row)
            cell = sheet.cell(row=number, column=index, value=value)
            cell.number_format = "@" if isinstance(value, str) else column.number_format
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            8, min(24, len(column.dingtalk) * 2 + 2)
        )
    sheet.freeze_panes = "C4"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
