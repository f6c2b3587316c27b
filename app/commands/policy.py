"""`presend policy ...`: show, check, sign, verify and import the policy.

Admin side (a machine that signs; never needs presend's keyring): ``keygen``, ``sign``,
``validate``, ``verify --pub``. User machine: ``import``, ``status``, ``show``,
``export``, ``verify``, ``trust``. Every refusal is one line that says what to do; the
policy in force stays.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

from app.commands.context import CliContext, CliError
from app.services.policy import PolicyError, load_builtin_policy, parse_policy
from app.services.policy_store import (
    SITE_KEYS_DIR,
    SITE_POLICY,
    USER_PREFERENCES,
    PolicyManager,
    PolicyRefused,
    verify_signed,
)
from app.services.secret_store import SecretStoreError
from app.services.signing import (
    KeyFileError,
    PublicKey,
    load_public_key,
    load_signature,
    sign_file,
    signature_path,
    write_key_pair,
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "policy", parents=[common], help="show, check, sign, verify and import the policy"
    )
    psub = parser.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    parser.set_defaults(handler=lambda args, ctx: _usage(parser, ctx))

    show = psub.add_parser("show", parents=[common], help="print the policy in force")
    show.set_defaults(handler=run_show)

    status = psub.add_parser(
        "status",
        parents=[common],
        help="source, serial, digest, signer, when verified, keyring backend, problems",
    )
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.set_defaults(handler=run_status)

    validate = psub.add_parser(
        "validate", parents=[common], help="check a policy file; list every problem"
    )
    validate.add_argument("file", metavar="FILE")
    validate.set_defaults(handler=run_validate)

    imp = psub.add_parser(
        "import",
        parents=[common],
        help="verify FILE with FILE.sig, check its serial and store it in the OS keyring",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--pub", metavar="PUBFILE", help="the signer's public key (must be pinned)")
    imp.set_defaults(handler=run_import)

    export = psub.add_parser(
        "export", parents=[common], help="print the policy in force (or write it with --out)"
    )
    export.add_argument(
        "--out", metavar="DIR", help="write policy.toml and, if signed, policy.toml.sig here"
    )
    export.set_defaults(handler=run_export)

    keygen = psub.add_parser(
        "keygen", parents=[common], help="new Ed25519 key pair: KEYFILE (0600) and KEYFILE.pub"
    )
    keygen.add_argument("keyfile", metavar="KEYFILE")
    keygen.set_defaults(handler=run_keygen)

    sign = psub.add_parser(
        "sign", parents=[common], help="check FILE and write its detached signature FILE.sig"
    )
    sign.add_argument("file", metavar="FILE")
    sign.add_argument("--key", metavar="KEYFILE", required=True, help="the private key")
    sign.set_defaults(handler=run_sign)

    verify = psub.add_parser(
        "verify",
        parents=[common],
        help="check FILE.sig against the trusted (or the given) key and FILE as a policy",
    )
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--pub", metavar="PUBFILE", help="verify with this public key")
    verify.set_defaults(handler=run_verify)

    trust = psub.add_parser(
        "trust",
        parents=[common],
        help="pin an admin public key: policies it signs can then be imported here",
    )
    trust.add_argument("key", metavar="PUBFILE")
    trust.set_defaults(handler=run_trust)

    try:
        data_commands = importlib.import_module("app.commands.policy_data")
    except ImportError:
        data_commands = None
    if data_commands is not None:
        data_commands.add_subcommands(psub, common)


def _usage(parser: argparse.ArgumentParser, ctx: CliContext) -> int:
    parser.print_help(ctx.err)
    return 2


# --------------------------------------------------------------------------- helpers


def _manager(ctx: CliContext) -> PolicyManager:
    if "policy_manager" not in ctx._cache:
        manager = PolicyManager(ctx.paths, ctx.secret_store(), on_event=_audit_sink(ctx))
        manager.refresh()
        ctx._cache["policy_manager"] = manager
    return ctx._cache["policy_manager"]  # type: ignore[no-any-return]


def _audit_sink(ctx: CliContext) -> Any:
    """Write policy events to the audit log when the audit module is present."""

    def sink(kind: str, data: dict[str, Any]) -> None:
        try:
            audit = importlib.import_module("app.services.audit")
        except ImportError:
            return
        try:
            log = ctx._cache.get("audit_log")
            if log is None:
                log = audit.AuditLog.open(ctx.paths, ctx.secret_store())
                ctx._cache["audit_log"] = log
            details = {k: v for k, v in data.items() if isinstance(v, str | int | bool)}
            log.append(
                audit.AuditEvent.admin(
                    kind,
                    details,
                    policy_serial=data.get("serial")
                    if isinstance(data.get("serial"), int)
                    else None,
                    policy_digest=data.get("digest")
                    if isinstance(data.get("digest"), str)
                    else None,
                )
            )
        except Exception as exc:  # never let the audit log stop a policy command
            ctx.warn(f"could not write the audit log ({type(exc).__name__}); check {ctx.paths.log}")

    return sink


def _read(path_text: str, what: str = "policy") -> tuple[Path, bytes]:
    path = Path(path_text)
    try:
        return path, path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"no {what} file {path.name}; check the path") from None
    except OSError as exc:
        raise CliError(f"cannot read {path.name} ({exc.strerror}); check the path") from None


def _pub(path_text: str | None) -> PublicKey | None:
    if not path_text:
        return None
    try:
        return load_public_key(Path(path_text))
    except KeyFileError as exc:
        raise CliError(str(exc)) from None


def _print_problems(ctx: CliContext, problems: tuple[str, ...] | list[str]) -> None:
    for problem in problems:
        print(problem, file=ctx.err)


# --------------------------------------------------------------------------- handlers


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    manager = _manager(ctx)
    policy = manager.current
    base = manager.admin_policy or load_builtin_policy()
    _print_text(ctx, base.text)
    if policy.stricter:
        layers, how = policy.stricter, "may only make decisions stricter"
    elif policy.source == "user":
        layers, how = (policy,), "laid over the policy above"
    else:
        layers, how = (), ""
    for layer in layers:
        print(f"\n# --- {USER_PREFERENCES} ({how}) ---", file=ctx.out)
        _print_text(ctx, layer.text)
    return 0


def _print_text(ctx: CliContext, text: str) -> None:
    print(text, file=ctx.out, end="" if text.endswith("\n") else "\n")


def run_status(args: argparse.Namespace, ctx: CliContext) -> int:
    status = _manager(ctx).status()
    if args.format == "json":
        json.dump(status.to_dict(), ctx.out, indent=2)
        print(file=ctx.out)
        return 0
    rows = [
        ("source", status.source + (f" + {', '.join(status.layers)}" if status.layers else "")),
        ("serial", str(status.serial)),
        ("digest", status.digest),
        ("signer", status.signer or "-"),
        ("verified", status.verified_at or "-"),
        ("stored", "yes (OS keyring)" if status.stored else "no"),
        ("backend", status.backend),
        ("keyring", status.keyring),
        (
            "highest serial",
            "-" if status.highest_serial in (None, -1) else str(status.highest_serial),
        ),
    ]
    for name, value in rows:
        print(f"{name + ':':<16}{value}", file=ctx.out)
    for problem in status.problems:
        print(f"{'problem:':<16}{problem}", file=ctx.out)
    return 0


def run_validate(args: argparse.Namespace, ctx: CliContext) -> int:
    path, data = _read(args.file)
    try:
        policy = parse_policy(data.decode("utf-8"), source="admin", origin=path.name,
                              data_dir=path.resolve().parent)
    except UnicodeDecodeError:
        raise CliError(f"{path.name} is not UTF-8 text; save it as UTF-8") from None
    except PolicyError as exc:
        _print_problems(ctx, exc.problems)
        raise CliError(
            f"{path.name} is not a valid policy ({len(exc.problems)} problem(s) above); "
            "fix them and validate again"
        ) from None
    if not ctx.quiet:
        print(f"{path.name}: valid policy, serial {policy.serial}", file=ctx.out)
    return 0


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    path, data = _read(args.file)
    pub = _pub(args.pub)
    try:
        sig = load_signature(signature_path(path))
    except KeyFileError as exc:
        raise CliError(str(exc)) from None
    try:
        manager = _manager(ctx)
        policy = manager.import_signed(data, sig, pub, origin=path.name)
    except PolicyRefused as exc:
        if exc.data.get("problems"):
            _print_problems(ctx, exc.data["problems"])
        raise CliError(f"{path.name} refused: {exc.reason}") from None
    except SecretStoreError as exc:
        raise CliError(f"{path.name} not imported: {exc}") from None
    if not ctx.quiet:
        print(
            f"accepted {path.name}: serial {policy.serial}, signed by key {sig.key_id}, "
            f"stored in the OS keyring ({manager.store.backend_name})",
            file=ctx.out,
        )
    return 0


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    manager = _manager(ctx)
    admin = manager.admin_policy
    policy = admin or manager.current
    if not args.out:
        _print_text(ctx, policy.text)
        return 0
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / SITE_POLICY).write_text(policy.text, encoding="utf-8")
        written = [SITE_POLICY]
        if admin is not None and manager.status().stored:
            env = manager.store.load_envelope()
            if env is not None:
                (out / SITE_POLICY).write_bytes(env.policy)
                (out / (SITE_POLICY + ".sig")).write_text(env.signature.to_text(), "ascii")
                written.append(SITE_POLICY + ".sig")
    except OSError as exc:
        raise CliError(f"cannot write to {out} ({exc.strerror}); choose another folder") from None
    except (PolicyRefused, SecretStoreError) as exc:
        raise CliError(f"cannot read the stored policy: {exc}") from None
    if not ctx.quiet:
        print(f"wrote {', '.join(written)} to {out}", file=ctx.out)
    return 0


def run_keygen(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.keyfile)
    try:
        public = write_key_pair(path)
    except KeyFileError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(
            f"cannot write {path.name} ({exc.strerror}); choose another folder"
        ) from None
    if not ctx.quiet:
        print(
            f"wrote {path.name} (private, mode 0600: keep it off user machines) and "
            f"{path.name}.pub (key id {public.key_id}: copy it to {SITE_KEYS_DIR}/)",
            file=ctx.out,
        )
    return 0


def run_sign(args: argparse.Namespace, ctx: CliContext) -> int:
    path, data = _read(args.file)
    try:
        parse_policy(data.decode("utf-8"), source="admin", origin=path.name,
                     data_dir=path.resolve().parent)
    except UnicodeDecodeError:
        raise CliError(f"{path.name} is not UTF-8 text; save it as UTF-8") from None
    except PolicyError as exc:
        _print_problems(ctx, exc.problems)
        raise CliError(f"not signed: {path.name} is not a valid policy; fix it first") from None
    try:
        out = sign_file(path, Path(args.key))
    except KeyFileError as exc:
        raise CliError(str(exc)) from None
    if not ctx.quiet:
        print(f"wrote {out.name}", file=ctx.out)
    return 0


def run_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    path, data = _read(args.file)
    try:
        sig = load_signature(signature_path(path))
    except KeyFileError as exc:
        raise CliError(str(exc)) from None
    pub = _pub(args.pub)
    if pub is not None:
        keys = [pub]
    else:
        keys = []
        try:
            keys = [t.key for t in _manager(ctx).store.trusted_keys()]
        except (SecretStoreError, PolicyRefused) as exc:
            ctx.warn(f"pinned keys not read ({exc}); using the machine-wide folder's keys")
        site = ctx.paths.site / SITE_KEYS_DIR
        for f in sorted(site.glob("*.pub")) if site.is_dir() else []:
            try:
                key = load_public_key(f)
            except KeyFileError:
                continue
            if all(k.key_id != key.key_id for k in keys):
                keys.append(key)
        if not keys:
            raise CliError(
                "no trusted key to verify with; give one with --pub PUBFILE, or pin one "
                "(`presend policy trust PUBFILE`)"
            )
    try:
        policy, signer = verify_signed(data, sig, keys)
    except PolicyRefused as exc:
        if exc.data.get("problems"):
            _print_problems(ctx, exc.data["problems"])
        raise CliError(f"{path.name}: {exc.reason}") from None
    if not ctx.quiet:
        print(
            f"{path.name}: good signature by key {signer.key_id}; valid policy, "
            f"serial {policy.serial}",
            file=ctx.out,
        )
    return 0


def run_trust(args: argparse.Namespace, ctx: CliContext) -> int:
    key = _pub(args.key)
    assert key is not None
    try:
        added = _manager(ctx).trust(key)
    except PolicyRefused as exc:
        raise CliError(exc.reason) from None
    except SecretStoreError as exc:
        raise CliError(f"key not pinned: {exc}") from None
    if not ctx.quiet:
        if added:
            print(
                f"pinned key {key.key_id} in the OS keyring: policies signed by it can now be "
                "imported on this machine for this user, and replace the policy in force",
                file=ctx.out,
            )
        else:
            print(f"key {key.key_id} was already pinned", file=ctx.out)
    return 0
