"""Run by Debian's system Python (which has LibreOffice's ``uno`` module), not by the project's venv:
``/usr/bin/python3 tests/lo_row_heights.py SOFFICE BOOK.xlsx PROFILE_DIR``.

Opens the workbook in a headless LibreOffice and prints, as JSON, for every sheet and every used row, the
row's height as the file sets it and the height LibreOffice's own "optimal row height" gives it (both in
1/100 mm): a row shorter than its optimal height cuts its wrapped text off (or lets it overlap the next).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(soffice: str, book: str, profile: str) -> None:
    pipe = f"trustcore-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 60
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline or office.poll() is not None:
                    raise
                time.sleep(0.2)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(book))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
        rows = []
        sheets = doc.Sheets
        for i in range(sheets.Count):
            sheet = sheets.getByIndex(i)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            used = cursor.RangeAddress.EndRow + 1
            for r in range(used):
                row = sheet.Rows.getByIndex(r)
                set_height = row.Height
                row.OptimalHeight = True
                rows.append({"sheet": sheet.Name, "row": r + 1, "height": set_height, "optimal": row.Height})
        doc.close(True)
        print(json.dumps(rows))
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge drops as the office quits
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:4])
