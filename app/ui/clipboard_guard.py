"""The clipboard guard: every new clip is classified off the GUI thread and acted on.

- Reacts to ``dataChanged`` (and the X11 PRIMARY selection's ``selectionChanged`` when
  enabled). macOS only reports other apps' changes while presend is in front, so there
  the guard polls (``poll_interval_ms``) and compares the clip's digest.
- A newer clip supersedes an older scan (tickets: stale results are dropped).
- The guard ignores its own writes (redaction, restore) by digest.
- Text and HTML are classified as text; a copied file list is classified as files.
- The plan (``app.services.clipboard_plan``) says what to do; the original of a redacted
  or cleared clip is kept in memory only, so the user can restore it (with a reason when
  the policy asks for one), which is audited.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard

from app.services.clipboard_plan import ClipPlan, plan_clip
from app.services.pipeline import Outcome, strictest
from app.services.runtime import Runtime
from app.ui.jobs import Jobs

CHANNEL = "clipboard"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ClipEvent:
    """What the guard did with one clip (for the tray, the findings window and tests)."""

    ticket: int
    outcome: Outcome
    plan: ClipPlan
    original_text: str
    original_html: str | None
    files: tuple[str, ...] = ()
    destination: str | None = None  # where the clip was headed when decided (None: unknown)


class ClipboardGuard(QObject):
    checked = Signal(object)  # ClipEvent: a clip was classified and acted on
    restored = Signal(object)  # ClipEvent: the user restored the original
    failed = Signal(str)  # a scan failed (type name only)

    def __init__(
        self,
        clipboard: QClipboard,
        runtime: Runtime,
        jobs: Jobs | None = None,
        *,
        watch_selection: bool = False,
        poll_interval_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self._runtime = runtime
        self._jobs = jobs or Jobs()
        self._ticket = 0
        self._own_digests: set[str] = set()
        self._allowed_digest: str | None = None
        self._last_seen_digest: str | None = None
        self._paused = False
        self._inflight: dict[int, tuple[str, str | None, tuple[str, ...]]] = {}
        self.last_event: ClipEvent | None = None
        self._destination: str | None = None  # None: unknown (counts as an AI tool)
        clipboard.dataChanged.connect(self._on_clipboard_data_changed)
        self._watch_selection = watch_selection and clipboard.supportsSelection()
        if self._watch_selection:
            clipboard.selectionChanged.connect(self._on_clipboard_selection_changed)
        if poll_interval_ms is None and sys.platform == "darwin":
            poll_interval_ms = 500
        self._poll = None
        if poll_interval_ms:
            self._poll = QTimer(self)
            self._poll.setInterval(poll_interval_ms)
            self._poll.timeout.connect(self._on_poll_timer_timeout)
            self._poll.start()

    # -- state ------------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        self._paused = paused

    @property
    def busy(self) -> bool:
        return bool(self._inflight)

    # -- clipboard events -----------------------------------------------------------------
    @Slot()
    def _on_clipboard_data_changed(self) -> None:
        self._consider(QClipboard.Mode.Clipboard)

    @Slot()
    def _on_clipboard_selection_changed(self) -> None:
        self._consider(QClipboard.Mode.Selection)

    @Slot()
    def _on_poll_timer_timeout(self) -> None:
        self._consider(QClipboard.Mode.Clipboard, only_if_new=True)

    def check_now(self) -> int | None:
        """Classify what is on the clipboard now, even if it was seen before."""
        return self._consider(QClipboard.Mode.Clipboard, force=True)

    def _consider(
        self, mode: QClipboard.Mode, force: bool = False, only_if_new: bool = False
    ) -> int | None:
        if self._paused and not force:
            return None
        mime = self._clipboard.mimeData(mode)
        if mime is None:
            return None
        text, html, files = _read(mime)
        if not text and not files:
            return None
        digest = _digest(text + "\0" + "\n".join(files))
        if only_if_new and digest == self._last_seen_digest:
            return None
        self._last_seen_digest = digest
        if not force and (digest in self._own_digests or digest == self._allowed_digest):
            return None  # our own write, or a clip the user chose to restore
        self._ticket += 1
        ticket = self._ticket
        self._inflight = {ticket: (text, html, files)}  # older scans are superseded
        runtime = self._runtime
        destination = self._destination

        def work() -> Outcome:
            from app.services.decide import Channel

            pipeline = runtime.pipeline()
            if files and not text.strip():
                outcomes = [pipeline.classify_path(Path(f), Channel.CLIPBOARD,
                                                   destination=destination) for f in files]
                return strictest(outcomes)
            return pipeline.classify_text(text, "clipboard", Channel.CLIPBOARD,
                                          destination=destination)

        self._jobs.submit(ticket, work, self._on_job_finished, self._on_job_failed)
        return ticket

    # -- results (GUI thread) ---------------------------------------------------------------
    @Slot(int, object)
    def _on_job_finished(self, ticket: int, outcome: object) -> None:
        content = self._inflight.pop(ticket, None)
        if content is None or ticket != self._ticket:
            return  # superseded by a newer clip
        assert isinstance(outcome, Outcome)
        text, html, files = content
        self._act(ticket, outcome, text, html, files)

    def _act(self, ticket: int, outcome: Outcome, text: str, html: str | None,
             files: tuple[str, ...], why: str = "") -> ClipEvent:
        policy = self._runtime.policy
        decision = outcome.decision
        to_redact = getattr(decision, "to_redact", None) or tuple(decision.reported)  # type: ignore[attr-defined]
        simulated = bool(getattr(decision, "simulated", False))
        intended = getattr(getattr(decision, "effective_intended", None), "value", None)
        plan = plan_clip(
            verdict=intended if simulated and intended else outcome.verdict,
            findings=tuple(to_redact) if outcome.verdict == "redact" else tuple(decision.reported),  # type: ignore[attr-defined]
            text=text,
            html_text=html,
            style_for=lambda f: policy.redaction_style(f.entity_type),
            key=self._runtime.fingerprint_key(),
            simulation=simulated,
            may_override=bool(getattr(decision, "may_override", True)),
            reason_required=bool(getattr(decision, "reason_required", False)),
            complete=outcome.result.complete,
        )
        if files and plan.action == "redact":
            # a file list cannot be redacted in place: clear it instead, and say so
            plan = plan_clip(verdict="block", findings=plan.findings, text=text, html_text=None,
                             style_for=lambda f: "label", key=b"", may_override=plan.may_override,
                             reason_required=plan.reason_required)
        if why and plan.title:
            plan = replace(plan, message=f"{plan.message} ({why})")
        if plan.changes_clipboard:
            self._write(plan.new_text or "", plan.new_html)
        action = {"allow": "allowed", "log": "logged", "warn": "warned", "redact": "redacted",
                  "block": "cleared"}[plan.action]
        if simulated:
            action = f"simulated-{getattr(decision.intended, 'value', plan.intended)}"  # type: ignore[attr-defined]
        if why:
            action += "-for-destination"
        if plan.action != "allow" or decision.reported:  # type: ignore[attr-defined]
            self._runtime.audit_outcome(outcome, CHANNEL, action)
        event = ClipEvent(ticket, outcome, plan, text, html, files, self._destination)
        self.last_event = event
        self.checked.emit(event)
        return event

    # -- destination awareness -------------------------------------------------------
    @property
    def destination(self) -> str | None:
        return self._destination

    def set_destination(self, destination: str | None) -> ClipEvent | None:
        """The foreground application changed. When it is an AI tool and the clip on the
        clipboard deserves more there than it got when copied, act now: before a paste."""
        if destination == self._destination:
            return None
        self._destination = destination
        event = self.last_event
        if (event is None or event.ticket != self._ticket or self._paused
                or destination is None or destination.startswith("app:")):
            return None
        if event.plan.changes_clipboard:
            return None  # already redacted or cleared
        from app.services.decide import decide

        result = event.outcome.result
        decision = decide(self._runtime.policy, result, _clipboard_channel(), destination)
        if decision.verdict <= event.outcome.decision.verdict:  # type: ignore[attr-defined]
            return None
        outcome = Outcome(result=result, decision=decision, text=event.outcome.text)
        return self._act(event.ticket, outcome, event.original_text, event.original_html,
                         event.files, why=f"you switched to {destination}")

    @Slot(int, str)
    def _on_job_failed(self, ticket: int, error: str) -> None:
        self._inflight.pop(ticket, None)
        self._runtime.audit_admin("scan_failed", {"channel": CHANNEL, "error": error})
        self.failed.emit(error)

    # -- writing ------------------------------------------------------------------------
    def _write(self, text: str, html: str | None) -> None:
        files: tuple[str, ...] = ()
        self._own_digests = {_digest(text + "\0" + "\n".join(files))}
        self._last_seen_digest = next(iter(self._own_digests))
        if html is not None:
            mime = QMimeData()
            mime.setText(text)
            mime.setHtml(html)
            self._clipboard.setMimeData(mime)
        elif text:
            self._clipboard.setText(text)
        else:
            self._clipboard.clear()

    def redact_now(self, event: ClipEvent | None = None) -> bool:
        """Redact a clip that was only warned about (the notification's 'Redact now')."""
        event = event or self.last_event
        if event is None or event.ticket != self._ticket or event.files:
            return False
        policy = self._runtime.policy
        plan = plan_clip(verdict="redact", findings=event.plan.findings, text=event.original_text,
                         html_text=event.original_html,
                         style_for=lambda f: policy.redaction_style(f.entity_type),
                         key=self._runtime.fingerprint_key())
        self._write(plan.new_text or "", plan.new_html)
        self._runtime.audit_outcome(event.outcome, CHANNEL, "redacted-by-user")
        self.last_event = ClipEvent(event.ticket, event.outcome, plan, event.original_text,
                                    event.original_html)
        return True

    def restore(self, reason: str | None, event: ClipEvent | None = None) -> bool:
        """Put the original back (the user's override); audited with the reason."""
        event = event or self.last_event
        if event is None or not event.plan.changes_clipboard or event.ticket != self._ticket:
            return False
        if not event.plan.may_override:
            return False
        if event.plan.reason_required and not (reason and reason.strip()):
            return False
        self._allowed_digest = _digest(event.original_text + "\0" + "\n".join(event.files))
        if event.files:
            mime = QMimeData()
            from PySide6.QtCore import QUrl

            mime.setUrls([QUrl.fromLocalFile(f) for f in event.files])
            self._clipboard.setMimeData(mime)
        else:
            self._write(event.original_text, event.original_html)
            self._own_digests = set()
        self._runtime.audit_outcome(event.outcome, CHANNEL, "restored-by-user",
                                    override_reason=reason or "")
        self.restored.emit(event)
        return True

    def detach(self) -> None:
        """Stop listening to the clipboard (at shutdown)."""
        self._clipboard.dataChanged.disconnect(self._on_clipboard_data_changed)
        if self._watch_selection:
            self._clipboard.selectionChanged.disconnect(self._on_clipboard_selection_changed)
        if self._poll is not None:
            self._poll.stop()
        self._inflight.clear()

    def clear_if_owned(self) -> None:
        """At quit: a clipboard presend owns would vanish anyway; clear it cleanly."""
        if self._clipboard.ownsClipboard():
            self._clipboard.clear()


def _read(mime: QMimeData) -> tuple[str, str | None, tuple[str, ...]]:
    files: tuple[str, ...] = ()
    if mime.hasUrls():
        files = tuple(u.toLocalFile() for u in mime.urls() if u.isLocalFile())
    text = mime.text() if mime.hasText() else ""
    if files and text.strip() and all(
        line.strip().startswith(("file://", "/")) for line in text.splitlines() if line.strip()
    ):
        text = ""  # the text flavour of a file list is just the paths
    html = mime.html() if mime.hasHtml() else None
    if html and not text:
        from html.parser import HTMLParser

        class _Text(HTMLParser):
            def __init__(self) -> None:
                super().__init__()
                self.parts: list[str] = []

            def handle_data(self, data: str) -> None:
                self.parts.append(data)

        p = _Text()
        p.feed(html)
        text = "".join(p.parts)
    return text, html, files


def _clipboard_channel():  # type: ignore[no-untyped-def]
    from app.services.decide import Channel

    return Channel.CLIPBOARD
