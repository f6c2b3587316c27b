"""`presend log show|verify|export|forward`: read, check, export and forward the audit log."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.commands.context import CliContext, CliError
from app.services.audit import MAC_KEY_NAME, load_key, parse_time, read_records, verify_log
from app.services.audit_export import (
    RecordFilter,
    export_csv,
    export_json,
    select,
    show_line,
)
from app.services.secret_store import SecretStoreError
from classifiers.model import Severity


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    log_parser = sub.add_parser(
        "log", parents=[common], help="show, verify, export or forward the audit log"
    )
    log_sub = log_parser.add_subparsers(dest="log_command", metavar="SUBCOMMAND")
    log_parser.set_defaults(handler=lambda args, ctx: _usage(log_parser, ctx))

    show = log_sub.add_parser("show", parents=[common], help="print audit records, newest last")
    _add_filters(show)
    show.add_argument("--limit", type=int, default=0, help="only the last N matching records")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=run_show)

    verify = log_sub.add_parser(
        "verify", parents=[common], help="check the hash chain and MACs; report the first break"
    )
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.set_defaults(handler=run_verify)

    export = log_sub.add_parser("export", parents=[common], help="export records as JSON or CSV")
    export.add_argument("--format", choices=("json", "csv"), required=True)
    _add_filters(export)
    export.add_argument("-o", "--output", help="write to this file instead of standard output")
    export.set_defaults(handler=run_export)

    forward = log_sub.add_parser(
        "forward",
        parents=[common],
        help="push records not yet delivered to the policy's SIEM targets",
    )
    forward.add_argument("--target", action="append", help="only this target (by name)")
    forward.add_argument(
        "--timeout", type=float, default=60.0, help="give up after this many seconds (default 60)"
    )
    forward.set_defaults(handler=run_forward)

    cred = log_sub.add_parser(
        "set-credential",
        parents=[common],
        help="store a SIEM token or API key in the OS keyring (read from standard input)",
    )
    cred.add_argument("name", help="the `credential` name the policy's SIEM target uses")
    cred.set_defaults(handler=run_set_credential)


def _usage(parser: argparse.ArgumentParser, ctx: CliContext) -> int:
    parser.print_help(ctx.err)
    return 2


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", help="only records at or after DATE (2026-11-01 or an RFC 3339 time)")
    p.add_argument("--channel", choices=("clipboard", "folder", "file-check", "cli"))
    p.add_argument(
        "--severity",
        choices=[s.value for s in Severity],
        help="only decisions with a finding at or above this severity",
    )
    p.add_argument("--entity-type", help="only decisions with a finding of this entity type")


def _filter(args: argparse.Namespace) -> RecordFilter:
    since = None
    if args.since:
        try:
            since = parse_time(args.since)
        except ValueError:
            raise CliError(
                f"--since {args.since!r} is not a date; use a date like 2026-11-01 "
                "or an RFC 3339 time like 2026-11-01T09:00:00Z"
            ) from None
    return RecordFilter(
        since=since,
        channel=args.channel,
        min_severity=Severity.parse(args.severity) if args.severity else None,
        entity_type=args.entity_type,
    )


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    records = select(read_records(ctx.paths.audit_dir), _filter(args))
    if args.limit and args.limit > 0:
        from collections import deque

        records = iter(deque(records, maxlen=args.limit))
    for record in records:
        if args.format == "json":
            print(json.dumps(record, sort_keys=True), file=ctx.out)
        else:
            print(show_line(record), file=ctx.out)
    return 0


def _mac_key(ctx: CliContext) -> bytes | None:
    try:
        return load_key(ctx.secret_store(), MAC_KEY_NAME, create=False)
    except SecretStoreError:
        return None


def run_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    report = verify_log(ctx.paths.audit_dir, ctx.paths.state, _mac_key(ctx))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "records": report.records,
                    "files": report.files,
                    "problem": report.problem,
                    "notes": list(report.notes),
                    "macs_checked": report.macs_checked,
                    "unkeyed": report.unkeyed,
                    "last_seq": report.last_seq,
                },
                sort_keys=True,
            ),
            file=ctx.out,
        )
    elif report.ok:
        checked = (
            "hashes and MACs checked" if report.macs_checked else "hashes checked, MACs NOT checked"
        )
        print(
            f"audit log intact: {report.records} records in {report.files} files ({checked})",
            file=ctx.out,
        )
    else:
        print(f"audit log BROKEN: {report.problem}", file=ctx.out)
    if args.format != "json":
        for note in report.notes:
            print(f"note: {note}", file=ctx.out)
    if not report.ok:
        return 2
    return 1 if (report.unkeyed or not report.macs_checked) else 0


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    records = select(read_records(ctx.paths.audit_dir), _filter(args))
    write = export_csv if args.format == "csv" else export_json
    if args.output:
        target = Path(args.output)
        try:
            # newline="" lets the csv module write its own CRLF line ends
            with target.open("w", encoding="utf-8", newline="") as fh:
                count = write(records, fh)
        except OSError as exc:
            raise CliError(
                f"cannot write {target.name} ({type(exc).__name__}); choose a writable path"
            ) from None
        if not ctx.quiet:
            print(f"exported {count} records to {target}", file=ctx.err)
    else:
        write(records, ctx.out)
    return 0


def run_forward(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.services.siem import Forwarder, SiemConfigError, targets_for_policy
    from app.services.spool import SpoolBusy

    try:
        targets = targets_for_policy(ctx.policy(args))
    except SiemConfigError as exc:
        raise CliError(str(exc)) from None
    if args.target:
        wanted = set(args.target)
        unknown = wanted - {t.name for t in targets}
        if unknown:
            raise CliError(
                f"no SIEM target named {sorted(unknown)[0]!r} in the policy; "
                "run `presend policy show` to see the targets"
            )
        targets = tuple(t for t in targets if t.name in wanted)
    if not targets:
        print("no SIEM targets in the policy: nothing to forward", file=ctx.out)
        return 0
    from app.services.audit import AuditError, AuditLog

    try:
        audit = AuditLog.open(ctx.paths, ctx.secret_store())  # alerts are recorded too
    except AuditError:
        audit = None
    try:
        forwarder = Forwarder(
            targets,
            ctx.paths.spool_dir,
            ctx.secret_store(),
            audit=audit,
            on_alert=lambda name, message: ctx.warn(message),
        )
    except SpoolBusy as exc:
        raise CliError(str(exc)) from None
    with forwarder:
        summary = forwarder.drain(ctx.paths.audit_dir, timeout=args.timeout)
    for name, status in summary.items():
        print(f"{name}: {status.describe()}", file=ctx.out)
    if any(s.pending for s in summary.values()):
        print(
            "presend: some records are still waiting; they are kept and sent on the next "
            "`presend log forward` or by the tray app",
            file=sys.stderr,
        )
        return 2
    return 0


def run_set_credential(args: argparse.Namespace, ctx: CliContext) -> int:
    import getpass
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", args.name):
        raise CliError("credential names use letters, digits, '.', '_' and '-' (at most 64)")
    if ctx.stdin.isatty():
        value = getpass.getpass(f"value for {args.name}: ")
    else:
        value = ctx.stdin.readline()
    value = value.strip()
    if not value:
        raise CliError("no value given; pipe the token on standard input or type it at the prompt")
    try:
        ctx.secret_store().set(args.name, value)
    except SecretStoreError as exc:
        raise CliError(str(exc)) from None
    print(f"stored {args.name} in {ctx.secret_store().backend_name}", file=ctx.out)
    return 0
