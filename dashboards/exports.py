"""A chart as an .xlsx file: its figures (one row per category, one column per series) and the
records behind it. Written in openpyxl's write-only mode from a database iterator, so a year of
company-wide rows streams through with bounded memory."""

from datetime import date, datetime
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dashboards import tables
from dashboards.charts import Chart
from dashboards.rules import Period

CHUNK = 2000  # rows fetched per database round trip while streaming
# Rows per file: a request answers within seconds and the sheet stays far below Excel's limit of
# 1,048,576 rows; beyond it the file says so (narrow the months or export one bar).
MAX_ROWS = 100_000


def _bold(sheet, values) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def chart_workbook(chart: Chart, rows, *, scope_name: str, period: Period) -> bytes:
    """Sheet "Figures" and sheet "Rows" of one chart. `rows` is the queryset behind it."""
    book = Workbook(write_only=True)
    figures = book.create_sheet(_("Figures")[:31])
    figures.append(_bold(figures, [chart.title]))
    figures.append(
        [
            scope_name,
            _("{first} to {last}").format(
                first=f"{period.first:%Y-%m}", last=f"{period.last:%Y-%m}"
            ),
        ]
    )
    figures.append([])
    header, body = chart.table()
    figures.append(_bold(figures, header))
    for line in body:
        figures.append([_cell(figures, v) for v in line])

    sheet = book.create_sheet(_("Rows")[:31])
    sheet.append(_bold(sheet, tables.header(chart.name)))
    for written, obj in enumerate(rows[: MAX_ROWS + 1].iterator(chunk_size=CHUNK)):
        if written == MAX_ROWS:
            note = _("Only the first {count} rows: narrow the months or export one bar.")
            sheet.append([note.format(count=MAX_ROWS)])
            break
        sheet.append([_cell(sheet, v) for v in tables.cells(chart.name, obj)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
