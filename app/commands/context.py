"""CliContext: what every command handler receives (the CLI's composition root fills it)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from app.paths import AppPaths, app_paths


class CliError(Exception):
    """A failure the user can fix: printed as one line, exit code 2.

    The message says what went wrong and what to do; it never quotes scanned content.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class CliContext:
    paths: AppPaths = field(default_factory=app_paths)
    verbose: bool = False
    quiet: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: Any = field(default_factory=lambda: sys.stdin)
    _cache: dict[str, Any] = field(default_factory=dict)

    def secret_store(self):  # type: ignore[no-untyped-def]
        """The OS keyring store (lazily created; raises nothing until used)."""
        if "secret_store" not in self._cache:
            from app.services.secret_store import KeyringSecretStore

            self._cache["secret_store"] = KeyringSecretStore()
        return self._cache["secret_store"]

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"presend: {message}", file=self.err)

    # ------------------------------------------------------------ composition

    def policy(self, args: Any = None):  # type: ignore[no-untyped-def]
        """The policy in force, or the file given with --policy (tried out, never stored)."""
        override = getattr(args, "policy", None) if args is not None else None
        key = f"policy:{override}"
        if key not in self._cache:
            self._cache[key] = _load_policy(self, override)
        return self._cache[key]

    def pipeline(self, args: Any = None):  # type: ignore[no-untyped-def]
        from app.services.pipeline import Pipeline
        from classifiers.build import make_engine
        from classifiers.engine import usable_cores
        from classifiers.errors import RulePackError

        policy = self.policy(args)
        options = policy.engine_options
        from dataclasses import replace

        if getattr(args, "no_names", False):
            options = replace(options, names=False)
        # a text of more than one window is scanned in worker processes, one per core the
        # command may use (the engine forks them only where that is safe)
        options = replace(options, budget=replace(options.budget, processes=usable_cores()))
        try:
            engine = make_engine(options)
        except RulePackError as exc:
            raise CliError(
                f"the policy's rules are invalid ({len(exc.problems)} problem(s)): "
                f"{exc.problems[0] if exc.problems else exc}; fix them and try again"
            ) from None
        return Pipeline(engine, lambda: policy)

    def fingerprint_key(self) -> bytes:
        """The keyed-fingerprint key from the OS keyring, or a key for this run only."""
        if "fp_key" not in self._cache:
            import secrets

            key: bytes | None = None
            try:
                from app.services.policy_store import fingerprint_key

                key = fingerprint_key(self.secret_store())
            except Exception:
                key = None
            self._cache["fp_key"] = key or secrets.token_bytes(32)
        return self._cache["fp_key"]  # type: ignore[no-any-return]

    def audit_outcome(self, outcome: Any, channel: str, action: str | None = None) -> None:
        """Write one decision to the audit log; say so (never silently) if it cannot."""
        try:
            from app.services.audit import audit_outcome

            audit_outcome(self, outcome, channel, action)
        except ImportError:
            return
        except Exception as exc:
            self.warn(f"could not write the audit log ({type(exc).__name__}); check {self.paths.log}")


def _load_policy(ctx: CliContext, override: str | None):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from app.services import policy as policy_mod

    try:
        from app.services.policy_store import load_effective_policy
    except ImportError:
        load_effective_policy = None  # type: ignore[assignment]
    if load_effective_policy is not None:
        base = load_effective_policy(ctx.paths, ctx.secret_store(), on_problem=ctx.warn)
    else:
        base = policy_mod.load_builtin_policy()
    if not override:
        return base
    path = Path(override)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read policy {path.name}: {exc.strerror}") from None
    try:
        tried = policy_mod.parse_policy(text, source=path.name)
    except policy_mod.PolicyError as exc:
        raise CliError(f"invalid policy {path.name}: {exc}") from None
    combine = getattr(policy_mod, "try_out", None)
    return combine(base, tried) if combine else tried
