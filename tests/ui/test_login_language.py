"""Login refusals are shown in the till's language, with how long a lock lasts."""

from __future__ import annotations

import pytest

from callshop_pos.services import auth
from ui.i18n import Languages
from ui.login import LoginDialog


@pytest.fixture
def bulgarian_till(qapp):
    languages = Languages(qapp)
    languages.apply("bg")
    yield
    languages.apply("en")


def _refusal(qtbot, seeded, password: str) -> str:
    dialog = LoginDialog(lambda name, pw: auth.login(seeded.shop, name, pw))
    qtbot.addWidget(dialog)
    dialog.user_edit.setText("olga")
    dialog.password_edit.setText(password)
    dialog._on_submit()
    return dialog.error_label.text()


def test_login_refusals_are_in_bulgarian(qtbot, seeded, bulgarian_till) -> None:
    assert _refusal(qtbot, seeded, "wrong-one") == "Грешно потребителско име или парола."
    for _ in range(3):
        _refusal(qtbot, seeded, "wrong-one")
    text = _refusal(qtbot, seeded, "wrong-one")
    assert text.startswith("Грешно потребителско име или парола") and "5 мин" in text
    seeded.shop.clock.advance(90)
    text = _refusal(qtbot, seeded, "wrong-one")
    assert "заключен" in text and "3 мин 30 с" in text, text


def test_login_refusals_in_english(qtbot, seeded) -> None:
    assert _refusal(qtbot, seeded, "wrong-one") == "Wrong user name or password."
