"""Writing rows of leads to CSV or XLSX files that spreadsheets open safely.

CSV is UTF-8 with a byte-order mark (`utf-8-sig`) so Excel and WPS detect the encoding. Every text cell is
sanitised (control and bidi characters shown escaped; XLSX cannot hold most controls at all) and guarded
against formula injection: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
`'`, and XLSX text cells are written with the string type so nothing is ever evaluated. XLSX uses
openpyxl's write-only mode, so memory stays flat for large exports.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core.safe_text import neutralise_formula, safe_str

FORMATS = ("csv", "xlsx")
Progress = Callable[[int], None]


def export_cell(value: Any) -> Any:
    """A cell value safe for a spreadsheet: numbers stay numbers, dates become ISO text, text is guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    return neutralise_formula(safe_str(value, multiline=True))


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], progress: Progress | None = None
) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([export_cell(name) for name in header])
        for row in rows:
            writer.writerow([export_cell(value) for value in row])
            count += 1
            if progress is not None:
                progress(1)
    return count


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Progress | None = None,
    *,
    sheet_title: str = "线索",
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.freeze_panes = "A2"

    def cells(values: Sequence[Any], *, bold: bool = False) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            cleaned = export_cell(value)
            cell = WriteOnlyCell(sheet, value=cleaned)
            if isinstance(cleaned, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            if bold:
                cell.font = Font(bold=True)
            out.append(cell)
        return out

    sheet.append(cells(header, bold=True))
    count = 0
    for row in rows:
        sheet.append(cells(row))
        count += 1
        if progress is not None:
            progress(1)
    workbook.save(path)
    return count


def write_table(
    path: Path, fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], progress: Progress | None = None
) -> int:
    """Write `rows` under `header` to `path` as `fmt` (csv or xlsx); returns the number of rows."""
    if fmt == "csv":
        return write_csv(path, header, rows, progress)
    if fmt == "xlsx":
        return write_xlsx(path, header, rows, progress)
    raise ValueError(f"unknown export format {fmt!r}")
