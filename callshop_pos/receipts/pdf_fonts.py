"""The PDF documents' fonts and colours: DejaVu shipped in ``resources/fonts/``, embedded."""

from __future__ import annotations

from importlib import resources

__all__ = ["FONT_BOLD", "FONT_MONO", "FONT_REGULAR", "INK", "MM", "MUTED", "RED", "register_fonts"]

FONT_REGULAR = "CallShopSans"
FONT_BOLD = "CallShopSans-Bold"
FONT_MONO = "CallShopMono"
_FONT_FILES = {
    FONT_REGULAR: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}

MM = 72.0 / 25.4
INK = (0.12, 0.12, 0.14)
MUTED = (0.42, 0.43, 0.47)
RED = (0.70, 0.10, 0.10)


def register_fonts() -> None:
    """Register the shipped fonts with reportlab (idempotent; reportlab's registry is global)."""
    from reportlab.lib.fonts import addMapping  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made

    registered = set(pdfmetrics.getRegisteredFontNames())
    folder = resources.files("resources.fonts")
    for name, filename in _FONT_FILES.items():
        if name not in registered:
            with resources.as_file(folder / filename) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FONT_REGULAR, 0, 0, FONT_REGULAR)
    addMapping(FONT_REGULAR, 1, 0, FONT_BOLD)
