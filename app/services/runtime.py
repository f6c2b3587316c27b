"""The Qt-free half of the tray app's composition root: policy, engine, audit, state.

``Runtime`` owns the current (immutable) policy, an engine built for it, the audit log
and the list of problems that put the app in a degraded state. The tray, the clipboard
guard, the folder watcher and the right-click check all go through it, so one decision
sees one policy and every outcome is audited the same way.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.paths import AppPaths
from app.services.pipeline import Outcome, Pipeline
from app.services.secret_store import SecretStore


@dataclass(frozen=True, slots=True)
class RuntimeStatus:
    state: str  # "active" | "degraded"
    problems: tuple[str, ...]
    policy: dict[str, Any]


class Runtime:
    """Policy + engine + audit for the app. Thread-safe; the policy swaps atomically."""

    def __init__(
        self,
        paths: AppPaths,
        secret_store: SecretStore,
        *,
        policy_loader: Callable[[], Any] | None = None,
        audit: Any = None,
    ) -> None:
        self.paths = paths
        self.secret_store = secret_store
        self._lock = threading.Lock()
        self._problems: list[str] = []
        self._policy_problems: tuple[str, ...] = ()
        self._audit: Any = None
        self._policy_loader = policy_loader or self._default_policy_loader
        self._policy: Any = None
        # the audit log opens first, so that what loading the policy reports is recorded
        self._audit = audit if audit is not None else self._open_audit()
        self._policy = self._load_policy()
        self._apply_audit_settings()
        self._pipelines: dict[Any, Pipeline] = {}
        self._run_key = secrets.token_bytes(32)

    # -- policy ---------------------------------------------------------------------
    def _default_policy_loader(self) -> Any:
        from app.services.policy_store import load_effective_policy

        problems: list[str] = []
        policy = load_effective_policy(
            self.paths, self.secret_store, on_problem=problems.append,
            on_event=self._on_policy_event,
        )
        with self._lock:
            self._policy_problems = tuple(problems)
        return policy

    def _on_policy_event(self, kind: str, data: dict[str, Any]) -> None:
        details = {k: v for k, v in data.items() if isinstance(v, str | int | bool)}
        try:
            self.audit_admin(kind, details)
        except ValueError:  # a kind the audit log does not know: keep it, generically
            self.audit_admin("policy_event", {"kind": kind, **details})

    def start_site_watch(self) -> None:
        """Pick up the admin's machine-wide folder when it changes (poll from a timer)."""
        from app.services.policy_store import SiteWatcher

        self._site_watcher = SiteWatcher(self.paths.site, self.reload_policy)
        self._site_watcher.start()

    def poll_site(self) -> bool:
        watcher = getattr(self, "_site_watcher", None)
        return bool(watcher and watcher.poll())

    def stop_site_watch(self) -> None:
        watcher = getattr(self, "_site_watcher", None)
        if watcher is not None:
            watcher.stop()

    def _load_policy(self) -> Any:
        from app.services.policy import load_builtin_policy

        try:
            return self._policy_loader()
        except Exception as exc:  # never fall open: built-in defaults, and say so
            self._add_problem(
                f"policy could not be loaded ({type(exc).__name__}); running on the built-in "
                "defaults — run `presend policy status` for details"
            )
            return load_builtin_policy()

    def reload_policy(self) -> Any:
        new = self._load_policy()
        with self._lock:
            self._policy = new
        self._apply_audit_settings()
        return new

    def _apply_audit_settings(self) -> None:
        retention = getattr(getattr(self._policy, "audit", None), "retention_days", None)
        if self._audit is not None and retention:
            self._audit.retention_days = int(retention)

    @property
    def policy(self) -> Any:
        with self._lock:
            return self._policy

    # -- engine ---------------------------------------------------------------------
    def pipeline(self) -> Pipeline:
        from classifiers.build import make_engine

        policy = self.policy
        options = policy.engine_options
        with self._lock:
            pipe = self._pipelines.get(options)
        if pipe is None:
            pipe = Pipeline(make_engine(options), lambda: self.policy)
            with self._lock:
                self._pipelines = {options: pipe}
        return pipe

    def warm_up(self) -> threading.Thread:
        """Build the engine for the current policy and warm it on a background thread
        (classifiers.build.warm_up), so the first clip after the app starts is classified as
        fast as the rest. Returns the (daemon) thread."""
        from classifiers.build import warm_up

        def run() -> None:
            try:
                pipe = self.pipeline()
            except Exception as exc:  # the first real scan reports it again
                self._add_problem(f"engine could not be built ({type(exc).__name__})")
                return
            warm_up(pipe.engine)

        thread = threading.Thread(target=run, name="presend-warm-up", daemon=True)
        thread.start()
        return thread

    # -- keys -----------------------------------------------------------------------
    def fingerprint_key(self) -> bytes:
        key = getattr(self._audit, "fingerprint_key", b"") if self._audit else b""
        return key or self._run_key

    def redacted_text(self, outcome: Outcome) -> str | None:
        """The outcome's text with its reported findings replaced as the policy says, or
        None when the text was not kept (too large, or a document not held in memory)."""
        if outcome.text is None:
            return None
        from classifiers.redact import redact_text

        policy = self.policy
        return redact_text(outcome.text, tuple(outcome.decision.reported),  # type: ignore[attr-defined]
                           lambda f: policy.redaction_style(f.entity_type),
                           self.fingerprint_key())

    # -- audit ----------------------------------------------------------------------
    def _open_audit(self) -> Any:
        try:
            from app.services.audit import AuditLog

            log = AuditLog.open(self.paths, self.secret_store)
        except Exception as exc:
            self._add_problem(f"audit log unavailable ({type(exc).__name__}); see `presend paths`")
            return None
        state = log.state
        if not state.keyed:
            self._add_problem(state.message)
        return log

    @property
    def audit_log(self) -> Any:
        return self._audit

    def audit_outcome(
        self, outcome: Outcome, channel: str, action: str, override_reason: str | None = None
    ) -> bool:
        if self._audit is None:
            return False
        try:
            from app.services.audit import record_outcome

            record_outcome(self._audit, self.policy, outcome, channel, action, override_reason)
        except Exception as exc:
            self._add_problem(f"audit write failed ({type(exc).__name__})")
            return False
        return True

    def audit_admin(self, kind: str, details: dict[str, Any] | None = None,
                    override_reason: str | None = None) -> bool:
        if self._audit is None:
            return False
        from app.services.audit import AuditEvent

        policy = self._policy
        try:
            self._audit.append(
                AuditEvent.admin(
                    kind, details or {}, policy_serial=getattr(policy, "serial", None),
                    policy_digest=getattr(policy, "digest", None), override_reason=override_reason,
                )
            )
        except Exception as exc:
            self._add_problem(f"audit write failed ({type(exc).__name__})")
            return False
        return True

    def recent_decisions(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest decision records with findings, newest first (for Recent findings)."""
        if self._audit is None:
            return []
        rows: list[dict[str, Any]] = []
        try:
            for rec in self._audit.records():
                if rec.get("event") != "decision" or not rec.get("findings"):
                    continue
                rows.append(
                    {
                        "time": rec.get("time", ""),
                        "channel": rec.get("channel", ""),
                        "source": rec.get("source", ""),
                        "verdict": rec.get("verdict", ""),
                        "action": rec.get("action", ""),
                        "findings": ", ".join(
                            f"{f.get('count', 1)}× {f.get('entity_type')}"
                            for f in rec.get("findings", [])
                        ),
                    }
                )
        except Exception as exc:
            self._add_problem(f"audit log could not be read ({type(exc).__name__})")
        return rows[-limit:][::-1]

    # -- forwarding -------------------------------------------------------------------
    def start_forwarding(self, on_alert: Callable[[str, str], None] | None = None,
                         interval: float = 5.0) -> bool:
        """Forward the audit log to the policy's SIEM targets on a background thread."""
        self.stop_forwarding()
        if self._audit is None:
            return False
        from app.services.siem import Forwarder, SiemConfigError, targets_for_policy

        try:
            targets = targets_for_policy(self.policy)
        except SiemConfigError as exc:
            self._add_problem(f"SIEM forwarding is off: {exc}")
            return False
        if not targets:
            return False
        try:
            forwarder = Forwarder(targets, self.paths.spool_dir, self.secret_store,
                                  audit=self._audit, on_alert=on_alert)
        except Exception as exc:
            self._add_problem(f"SIEM forwarding could not start ({type(exc).__name__})")
            return False
        stop = threading.Event()
        thread = threading.Thread(target=forwarder.run, args=(self.paths.audit_dir, stop, interval),
                                  name="presend-forwarder", daemon=False)
        self._forwarding = (forwarder, stop, thread)
        thread.start()
        return True

    def stop_forwarding(self) -> None:
        current = getattr(self, "_forwarding", None)
        if current is None:
            return
        forwarder, stop, thread = current
        stop.set()
        thread.join(timeout=30)
        forwarder.close()
        self._forwarding = None

    # -- state ----------------------------------------------------------------------
    def _add_problem(self, message: str) -> None:
        with self._lock:
            if message not in self._problems:
                self._problems.append(message)

    def clear_problem(self, prefix: str) -> None:
        with self._lock:
            self._problems = [p for p in self._problems if not p.startswith(prefix)]

    def report_problem(self, message: str) -> None:
        self._add_problem(message)

    def status(self) -> RuntimeStatus:
        with self._lock:
            problems = tuple(dict.fromkeys(self._policy_problems + tuple(self._problems)))
            policy = self._policy
        info = policy.info() if hasattr(policy, "info") else {}
        info["keyring backend"] = self.secret_store.backend_name
        return RuntimeStatus("degraded" if problems else "active", problems, info)
