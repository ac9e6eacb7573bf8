"""Start-up checks of the cashier window that need no window."""

from __future__ import annotations

import ctypes.util

import pytest

from ui import app


def test_missing_xcb_libraries_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert app.missing_display_libraries() == ["libxcb-cursor0", "libxkbcommon-x11-0"]


def test_offscreen_needs_no_x11_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert app.missing_display_libraries() == []
