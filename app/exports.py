"""Spreadsheet files for the lists people print and carry.

CSV cells are formula-neutralised (see `people.roster.neutralise`); XLSX cells are written as
typed strings, which a spreadsheet shows as text and never evaluates, so no quote is needed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """A one-sheet workbook, written row by row (write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")

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
