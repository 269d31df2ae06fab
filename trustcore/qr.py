"""QR codes for the share link (shown large on the projector)."""

from __future__ import annotations

import functools
import io

import segno

from .i18n import ENGLISH, Translator
from .tokens import spelled_code


@functools.lru_cache(maxsize=64)
def qr_png(url: str, *, scale: int = 12) -> bytes:
    """A PNG QR code of ``url`` with error correction M and a quiet zone, black on white (made once per
    link and size: the console draws two on every rerun)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=3)
    return buf.getvalue()


def qr_svg(url: str) -> str:
    """The same QR code as SVG text (for the printable report)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="svg", scale=8, border=3, xmldecl=False, svgns=True)
    return buf.getvalue().decode("utf-8")


def alt_text(code: str, t: Translator = ENGLISH) -> str:
    """What the share link's QR code is, for someone who cannot see it (its ``alt`` text, in ``t``'s language)."""
    return t.gettext(
        "QR code that opens this session's share link, to join and rank. Session code: {code}", code=spelled_code(code)
    )
