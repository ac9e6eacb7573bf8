"""Languages of the cashier window: English (source) and Bulgarian (Qt Linguist).

The window's strings are compiled into ``resources/i18n/callshop_<lang>.qm``; Qt's
own ``qtbase_<lang>.qm`` (copied from PySide6) translates the standard buttons. The
user's choice is a per-till preference kept in ``ui.ini`` in the data directory,
apart from the shop's settings; without a choice the system language is used.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

__all__ = ["LANGUAGES", "Languages", "default_language", "preferences"]

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
#: Language code → its own name (shown in the chooser, never translated).
LANGUAGES = {"en": "English", "bg": "Български"}
_LOCALES = {"en": "en_GB", "bg": "bg_BG"}


def default_language(system: QLocale | None = None) -> str:
    """Bulgarian on a Bulgarian system, otherwise English."""
    locale = system if system is not None else QLocale.system()
    return "bg" if locale.language() == QLocale.Language.Bulgarian else "en"


def preferences(data_dir: Path) -> QSettings:
    """The till's user preferences (language …), apart from window geometry."""
    return QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)


class Languages:
    """Installs and swaps the translators of one application."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.current = "en"

    def locale(self) -> QLocale:
        return QLocale(_LOCALES.get(self.current, "en_GB"))

    def apply(self, language: str) -> None:
        """Switch to ``language``; widgets receive ``QEvent.LanguageChange``."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        self.current = language
        QLocale.setDefault(self.locale())
        if language == "en":
            return
        for name in (f"callshop_{language}.qm", f"admin_{language}.qm", f"qtbase_{language}.qm"):
            translator = QTranslator(self._app)
            if not translator.load(str(I18N_DIR / name)):
                raise FileNotFoundError(f"translation {I18N_DIR / name} is missing")
            self._app.installTranslator(translator)
            self._installed.append(translator)
