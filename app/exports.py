"""Spreadsheet files for the lists people print and carry.

CSV cells are formula-neutralised (see `people.roster.neutralise`); XLSX cells are written as
typed strings, which a spreadsheet shows as text and never evaluates, so no quote is needed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# Characters a sheet title may not hold (Excel, and openpyxl refuses them).
NOT_IN_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """A one-sheet workbook, written row by row (write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    safe_title = NOT_IN_SHEET_TITLE.sub("-", title)[:31].strip("'")
    sheet = workbook.create_sheet(title=safe_title or "Sheet")

    def text_cells(values: list[str]) -> list[WriteOnlyCell]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        return cells

    sheet.append(text_cells(header))
    for row in rows:
        sheet.append(text_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
