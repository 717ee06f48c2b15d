"""Statements as .xlsx (openpyxl): a person's month, a station's summary for the admin department
(KPI-11) and the quarterly client scores (KPI-10). Headers are translated in the user's language;
money cells are numbers formatted with two places, so the admin department can add them up."""

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from statements.queries import PersonStatement
from statements.rules import FAMILIES

MONEY = "#,##0.00"
POINTS = "0.0#"


def _header(sheet, row: int, labels: Sequence[Any]) -> None:
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=col, value=str(label))
        cell.font, cell.fill = bold, fill


def _put(sheet, row: int, values: Sequence[Any], formats: dict[int, str] | None = None) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        if formats and col in formats:
            cell.number_format = formats[col]


def _widths(sheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def _bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _state(statement: PersonStatement) -> str:
    return _("Provisional") if statement.provisional else _("Closed")


def person_workbook(statement: PersonStatement) -> bytes:
    """KPI-11: one person's month: the figures, fines by rule, each entry and the settlement."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{statement.month:%Y-%m}"
    sheet.cell(
        row=1,
        column=1,
        value=f"{statement.name} ({statement.staff_no}) · {statement.unit} · "
        f"{statement.month:%Y-%m} · {_state(statement)}",
    ).font = Font(bold=True, size=13)
    rows = [
        (_("Points deducted"), statement.points, POINTS),
        (_("Points left"), statement.points_left, POINTS),
        (_("Fines by rule (CNY)"), statement.rule_fines, MONEY),
        (_("Attendance fines (CNY)"), statement.attendance_fines, MONEY),
        (_("Total (CNY)"), statement.total, MONEY),
    ]
    if statement.settlement:
        rows.append((_("May be deducted from pay (CNY)"), statement.settlement.deductible, MONEY))
    for number, (label, value, fmt) in enumerate(rows, start=3):
        _put(sheet, number, [str(label), value], {2: fmt})
    row = len(rows) + 4
    _header(sheet, row, [_("Rule"), _("Count"), _("Points"), _("Fine (CNY)")])
    for line in statement.lines + statement.attendance_lines:
        row += 1
        _put(sheet, row, [line.rule_id, line.count, line.points, line.fine], {3: POINTS, 4: MONEY})
    row += 2
    _header(sheet, row, [_("Rule"), _("State"), _("Points"), _("Fine (CNY)"), _("Why")])
    for entry in statement.entries:
        row += 1
        _put(
            sheet,
            row,
            [entry.rule_id, entry.state_label, entry.points, entry.fine, entry.why],
            {3: POINTS, 4: MONEY},
        )
    _widths(sheet, [30, 16, 10, 14, 50])
    return _bytes(book)


def station_headers() -> list[str]:
    return [
        _("Staff number"),
        _("Name"),
        _("Points deducted"),
        *[_("{family} fines").format(family=f) for f in FAMILIES if f != "ATT"],
        _("Attendance fines"),
        _("Total (CNY)"),
        _("May be deducted"),
        _("Settlement flagged"),
        _("Decisions"),
    ]


def station_row(s: PersonStatement) -> list[Any]:
    families = s.fines_by_family
    return [
        s.staff_no,
        s.name,
        s.points,
        *[families[f] for f in FAMILIES if f != "ATT"],
        s.attendance_fines,
        s.total,
        s.settlement.deductible if s.settlement else None,
        _("Yes") if s.flagged else "",
        ", ".join(f"{d.rule_id} {d.kind_label} ({d.state_label})" for d in s.decisions),
    ]


def station_workbook(statements: Sequence[PersonStatement], *, unit_name: str, month) -> bytes:
    """KPI-11: the station's summary for the admin department, one row per person."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    sheet.cell(
        row=1, column=1, value=f"{unit_name} · {month:%Y-%m} · {_('Assessment summary')}"
    ).font = Font(bold=True, size=13)
    headers = station_headers()
    _header(sheet, 2, headers)
    money_cols = {n: MONEY for n in range(4, len(headers) - 1)}
    number = 2
    for number, statement in enumerate(statements, start=3):
        _put(sheet, number, station_row(statement), {3: POINTS, **money_cols})
    if statements:  # the bottom line as formulas, so the sheet stays right when edited
        total_row = number + 1
        sheet.cell(row=total_row, column=1, value=str(_("Total"))).font = Font(bold=True)
        for col in range(3, len(headers) - 1):
            letter = get_column_letter(col)
            cell = sheet.cell(row=total_row, column=col, value=f"=SUM({letter}3:{letter}{number})")
            cell.font, cell.number_format = Font(bold=True), money_cols.get(col, POINTS)
    _widths(sheet, [14, 14, 10, 12, 12, 12, 14, 12, 14, 10, 50])
    return _bytes(book)


def quarter_workbook(rows: Sequence[Any], *, unit_name: str, quarter: str) -> bytes:
    """KPI-10: the quarterly client score per engineer, with the inputs it rests on."""
    book = Workbook()
    sheet = book.active
    sheet.title = quarter
    sheet.cell(
        row=1, column=1, value=f"{unit_name} · {quarter} · KPI-10 {_('Quarterly client score')}"
    ).font = Font(bold=True, size=13)
    _header(
        sheet,
        2,
        [
            _("Staff number"),
            _("Name"),
            _("Inspections done"),
            _("Inspections planned"),
            _("Faults fixed"),
            _("Fixed late"),
            _("Orders"),
            _("SLA breaches"),
            _("Satisfaction"),
            _("Callbacks"),
            _("Score"),
        ],
    )
    for number, row in enumerate(rows, start=3):
        i = row.inputs
        _put(
            sheet,
            number,
            [
                row.person.staff_no,
                row.person.name,
                i.inspections_done,
                i.inspections_planned,
                i.faults_fixed,
                i.faults_fixed_late,
                i.orders,
                i.breaches,
                i.satisfaction,
                i.callbacks,
                row.score.score,
            ],
        )
    _widths(sheet, [14, 14, 12, 12, 10, 10, 10, 10, 12, 10, 10])
    return _bytes(book)
