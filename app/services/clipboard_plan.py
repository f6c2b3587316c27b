"""What the clipboard guard does with a classified clip: a pure plan, no Qt, no I/O.

The Qt guard (app/ui/clipboard_guard.py) reads the clipboard, runs the pipeline on a
worker thread, asks ``plan_clip`` what to do, and carries the plan out on the GUI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from classifiers.model import Finding
from classifiers.redact import redact_text, replacement

ACTIONS = ("allow", "log", "warn", "redact", "block")


@dataclass(frozen=True, slots=True)
class ClipPlan:
    """``action`` is what is done (in simulation mode: ``warn`` at most, and
    ``intended`` says what would have been done)."""

    action: str
    intended: str
    findings: tuple[Finding, ...]
    new_text: str | None = None  # replacement text for redact; "" for block
    new_html: str | None = None
    title: str = ""
    message: str = ""
    may_override: bool = True
    reason_required: bool = False

    @property
    def changes_clipboard(self) -> bool:
        return self.new_text is not None


def summarise_types(findings: tuple[Finding, ...], most: int = 3) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.entity_type] = counts.get(f.entity_type, 0) + 1
    parts = [f"{n}× {t}" if n > 1 else t for t, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    extra = len(parts) - most
    return ", ".join(parts[:most]) + (f" and {extra} more" if extra > 0 else "")


def redact_html(source_html: str, findings: tuple[Finding, ...], style_for: Callable[[Finding], str],
                key: bytes) -> str:
    """Replace each finding's value in an HTML flavour (raw and entity-escaped forms)."""
    out = source_html
    for f in sorted(findings, key=lambda f: -len(f.value)):
        if not f.value:
            continue
        rep = html.escape(replacement(f, style_for(f), key))
        for form in {f.value, html.escape(f.value, quote=False), html.escape(f.value)}:
            out = out.replace(form, rep)
    return out


def plan_clip(
    *,
    verdict: str,
    findings: tuple[Finding, ...],
    text: str,
    html_text: str | None,
    style_for: Callable[[Finding], str],
    key: bytes,
    simulation: bool = False,
    may_override: bool = True,
    reason_required: bool = False,
    complete: bool = True,
) -> ClipPlan:
    what = summarise_types(findings) if findings else "content that could not be fully checked"
    if verdict not in ACTIONS:
        verdict = "warn"  # unknown verdicts never fall open
    if simulation and verdict in ("warn", "redact", "block"):
        return ClipPlan(
            action="warn", intended=verdict, findings=findings,
            title="presend (simulation)",
            message=f"Would {verdict} this clip: {what}. Nothing was changed.",
            may_override=False,
        )
    if verdict == "redact":
        new_text = redact_text(text, findings, style_for, key)
        new_html = redact_html(html_text, findings, style_for, key) if html_text else None
        return ClipPlan(
            action="redact", intended="redact", findings=findings, new_text=new_text,
            new_html=new_html, title="Clipboard redacted",
            message=f"presend replaced {what} in the clipboard with placeholders."
            + (" Click to see details or restore." if may_override else ""),
            may_override=may_override, reason_required=reason_required,
        )
    if verdict == "block":
        return ClipPlan(
            action="block", intended="block", findings=findings, new_text="",
            title="Clipboard cleared",
            message=f"presend cleared the clipboard: it held {what}.",
            may_override=may_override, reason_required=reason_required,
        )
    if verdict == "warn":
        note = "" if complete else " (not everything could be checked)"
        return ClipPlan(
            action="warn", intended="warn", findings=findings, title="Sensitive content copied",
            message=f"The clipboard holds {what}{note}. Click to see details or redact it.",
            may_override=may_override, reason_required=reason_required,
        )
    return ClipPlan(action=verdict, intended=verdict, findings=findings)
