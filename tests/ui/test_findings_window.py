"""The findings window: masked highlights by default, a verdict banner people can read."""

from __future__ import annotations

from app.ui.dialogs.findings import FindingsView, FindingsWindow, banner_for, highlighted_html
from classifiers.detectors.base import make_finding

TEXT = "Hi Ana,\nthe card is 4539 1488 0343 6467 and the key AKIAZ3MPLQ4RSTUVWX7Y.\n"


def _findings():
    card_at = TEXT.index("4539")
    key_at = TEXT.index("AKIA")
    return (
        make_finding("CREDIT_CARD", TEXT, card_at, card_at + 19, 0.98, "financial/credit-card"),
        make_finding("AWS_ACCESS_KEY", TEXT, key_at, key_at + 20, 0.97, "secrets/aws-access-key"),
    )


def test_values_are_masked_unless_revealed(qtbot) -> None:
    win = FindingsWindow(FindingsView("notes.txt", "redact", _findings(), TEXT))
    qtbot.addWidget(win)
    shown = win.shown_text()
    assert "4539 1488 0343 6467" not in shown and "AKIAZ3MPLQ4RSTUVWX7Y" not in shown
    assert "**** **** **** 6467" in shown
    assert "Hi Ana," in shown  # the surrounding text stays readable
    win.reveal.setChecked(True)
    assert "4539 1488 0343 6467" in win.shown_text()
    assert win.table.rowCount() == 2
    assert win.table.item(0, 0).text() == "CREDIT_CARD"


def test_banner_says_do_not_share_for_redact_and_block(qtbot) -> None:
    win = FindingsWindow(FindingsView("notes.txt", "block", _findings(), TEXT))
    qtbot.addWidget(win)
    assert "Do not share" in win.banner.text()
    assert banner_for("allow", False, True) == "safe"
    assert banner_for("warn", True, True) == "care"
    assert banner_for("allow", False, False) == "care"  # incomplete is never "safe"


def test_highlights_are_marked_up_spans(qtbot) -> None:
    html = highlighted_html(TEXT, _findings(), reveal=False)
    assert html.count("<span") == 2
    assert "AKIAZ3MPLQ4RSTUVWX7Y" not in html


def test_false_positive_button_emits_the_selected_finding(qtbot) -> None:
    win = FindingsWindow(FindingsView("notes.txt", "warn", _findings(), TEXT))
    qtbot.addWidget(win)
    assert not win.fp_button.isEnabled()
    win.table.selectRow(1)
    assert win.fp_button.isEnabled()
    with qtbot.waitSignal(win.false_positive_requested) as sig:
        win.fp_button.click()
    assert sig.args[0].entity_type == "AWS_ACCESS_KEY"


def test_document_without_text_shows_only_the_table(qtbot) -> None:
    win = FindingsWindow(FindingsView("big.pdf", "warn", _findings()[:1], None))
    qtbot.addWidget(win)
    assert "not shown here" in win.shown_text()
    assert not win.copy_button.isEnabled()
