"""The user's own preferences file (``preferences.toml`` in the user's config folder).

It is a policy layer (see policy_store): it may only make decisions stricter unless the
admin policy lets users loosen. "Not sensitive" in the findings window adds a keyed-free
SHA-256 fingerprint of the value to ``allowlist.fingerprints`` here — never the value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.paths import AppPaths
from app.services.durable import write_text_atomically

FILE_NAME = "preferences.toml"


class PreferencesError(Exception):
    """The preferences file cannot be read or written; the message says what to do."""


def preferences_path(paths: AppPaths) -> Path:
    return paths.config / FILE_NAME


def may_allowlist(policy: Any) -> bool:
    """Whether a user may mark a finding as not sensitive under ``policy``."""
    return not (getattr(policy, "source", "") == "admin" and not policy.user_may_loosen)


def _quote(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in out)
    return f'"{out}"'


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return _quote(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise PreferencesError(f"cannot write a {type(v).__name__} to {FILE_NAME}")


def dumps(doc: Mapping[str, Any]) -> str:
    """TOML for a document of tables, scalars, arrays of scalars and arrays of tables."""
    lines: list[str] = []

    def table(prefix: str, data: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and not (
            isinstance(v, list) and v and all(isinstance(x, dict) for x in v))}
        if prefix and scalars:
            lines.append(f"[{prefix}]")
        for k, v in scalars.items():
            lines.append(f"{_key(k)} = {_value(v)}")
        if scalars:
            lines.append("")
        for k, v in data.items():
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            if isinstance(v, dict):
                table(name, v)
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                for item in v:
                    lines.append(f"[[{name}]]")
                    for ik, iv in item.items():
                        lines.append(f"{_key(ik)} = {_value(iv)}")
                    lines.append("")

    table("", doc)
    return "\n".join(lines).rstrip() + "\n"


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else _quote(k)


def read(paths: AppPaths) -> dict[str, Any]:
    path = preferences_path(paths)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PreferencesError(
            f"{FILE_NAME} cannot be read ({type(exc).__name__}); fix or delete it"
        ) from None


def write(paths: AppPaths, doc: Mapping[str, Any]) -> None:
    path = preferences_path(paths)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, dumps(doc))
    except OSError as exc:
        raise PreferencesError(f"cannot write {FILE_NAME} ({exc.strerror})") from None


def add_allowlisted_value(paths: AppPaths, policy: Any, value: str) -> str | None:
    """Allowlist ``value`` (by fingerprint) for this user; the entry, or None if the
    policy does not let users loosen decisions."""
    from app.services.policy import allowlist_fingerprint

    if not may_allowlist(policy):
        return None
    entry = allowlist_fingerprint(value)
    doc = read(paths)
    doc.setdefault("schema", 1)
    doc.setdefault("serial", 0)
    allow = doc.setdefault("allowlist", {})
    # arrays replace the layer below when merged: keep the admin's entries too
    inherited = list(getattr(policy, "allow_fingerprints", ()))
    current = list(allow.get("fingerprints", []))
    allow["fingerprints"] = sorted(set(inherited) | set(current) | {entry})
    write(paths, doc)
    return entry
