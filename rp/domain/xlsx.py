"""The class sheet as an XLSX workbook, written by XlsxWriter: one sheet, bold caption and header rows.

XlsxWriter writes the file directly (no object model kept to read back), which costs a few
milliseconds for a class sheet where openpyxl spent 20-25 ms; it also takes care of what a
spreadsheet file may not hold (control characters in text, sheet-name rules).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import xlsxwriter

#: Characters a worksheet name may not contain.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def workbook(title: str, rows: Sequence[Sequence[object]], bold_rows: set[int], widths: dict[str, float]) -> bytes:
    """Return an XLSX file of one sheet ``title``: ``rows`` of str/int/float, 1-based ``bold_rows`` in bold.

    ``widths`` maps column letters ("B") to widths in characters. Text is always stored as text (a
    value starting with "=" is not a formula).
    """
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_NOT_IN_SHEET_NAMES.sub(" ", title)[:31] or "Sheet1")
    bold = book.add_format({"bold": True})
    for column, width in widths.items():
        sheet.set_column(f"{column}:{column}", width)
    for n, row in enumerate(rows):
        style = bold if n + 1 in bold_rows else None
        for i, value in enumerate(row):
            if value is None or value == "" or isinstance(value, bool):
                if style is not None:
                    sheet.write_blank(n, i, None, style)
                continue
            if isinstance(value, int | float):
                sheet.write_number(n, i, value, style)
            else:
                sheet.write_string(n, i, str(value), style)
    book.close()
    return buf.getvalue()
