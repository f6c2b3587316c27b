"""``presend scan``, ``presend redact`` and ``presend check``: the engine on the command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from app.commands.context import CliContext, CliError
from app.services.durable import write_text_atomically
from app.services.pipeline import Outcome, Pipeline, walk_files
from app.services.report import reported, to_json, to_sarif, to_text

STDIN = "-"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    scan = sub.add_parser(
        "scan",
        parents=[common],
        help="classify files, folders (recursively) or standard input; print findings",
        description="Classify files, folders (recursively) or standard input (-).",
    )
    scan.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - for stdin")
    scan.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    _engine_options(scan)
    scan.set_defaults(handler=run_scan)

    redact = sub.add_parser(
        "redact",
        parents=[common],
        help="print (or write) the content with findings replaced as the policy says",
    )
    redact.add_argument("path", nargs="?", default=STDIN, metavar="PATH")
    redact.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    redact.add_argument(
        "--style",
        choices=("label", "mask", "hash", "remove"),
        help="one style for every finding (default: the policy's style per entity type)",
    )
    _engine_options(redact)
    redact.set_defaults(handler=run_redact)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="the right-click action: scan, then show the result in a window",
    )
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--no-gui", action="store_true", help="print the result as `scan` does")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    _engine_options(check)
    check.set_defaults(handler=run_check)


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", metavar="FILE", help="try this policy file instead of the stored one")
    p.add_argument(
        "--show-values", action="store_true", help="print raw matched values (off by default)"
    )
    p.add_argument(
        "--no-names",
        action="store_true",
        help="skip name/address detection (faster; personal names are not checked)",
    )


# ---------------------------------------------------------------- scan


def run_scan(args: argparse.Namespace, ctx: CliContext) -> int:
    paths = list(args.paths)
    if not paths:
        if _stdin_is_tty(ctx):
            raise CliError("nothing to scan: give files or folders, or pipe text and use `-`")
        paths = [STDIN]
    pipeline = ctx.pipeline(args)
    from app.services.decide import Channel

    outcomes = list(_classify_all(paths, pipeline, Channel.CLI, ctx))
    _print_outcomes(outcomes, args, ctx)
    return exit_code(outcomes)


def exit_code(outcomes: list[Outcome]) -> int:
    if any(o.result.error for o in outcomes):
        return 2
    if any(o.verdict == "block" for o in outcomes):
        return 3
    if any(reported(o) for o in outcomes) or any(
        o.verdict in ("warn", "redact") for o in outcomes
    ):
        return 1
    return 0


def _print_outcomes(outcomes: list[Outcome], args: argparse.Namespace, ctx: CliContext) -> None:
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        text = to_json(outcomes, args.show_values)
    elif fmt == "sarif":
        text = to_sarif(outcomes, args.show_values)
    else:
        text = to_text(outcomes, args.show_values, quiet=ctx.quiet)
    if text:
        print(text, file=ctx.out)
    for o in outcomes:
        if o.result.error:
            ctx.warn(o.result.error)


def _classify_all(
    paths: list[str], pipeline: Pipeline, channel: object, ctx: CliContext
) -> Iterator[Outcome]:
    files: list[str | Path] = []
    for p in paths:
        if p == STDIN:
            files.append(STDIN)
            continue
        path = Path(p)
        if path.is_dir():
            files.extend(walk_files(path))
        else:
            files.append(path)
    progress = _Progress(len(files), ctx) if len(files) > 1 else None
    for i, item in enumerate(files):
        if progress:
            progress.update(i, str(item))
        if item == STDIN:
            yield pipeline.classify_text(_read_stdin(ctx), STDIN, channel)
        else:
            assert isinstance(item, Path)
            yield pipeline.classify_path(item, channel)
    if progress:
        progress.done()


class _Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, ctx: CliContext) -> None:
        self.total = total
        self.ctx = ctx
        self.enabled = not ctx.quiet and _isatty(ctx.err)

    def update(self, done: int, name: str) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(1, self.total))
        label = name if len(name) <= 40 else "…" + name[-39:]
        self.ctx.err.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} {label:<40}"
        )
        self.ctx.err.flush()

    def done(self) -> None:
        if self.enabled:
            self.ctx.err.write("\r" + " " * 90 + "\r")
            self.ctx.err.flush()


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except Exception:
        return False


def _stdin_is_tty(ctx: CliContext) -> bool:
    return _isatty(ctx.stdin)


def _read_stdin(ctx: CliContext) -> str:
    from classifiers.errors import ExtractionError
    from classifiers.extract.text import decode_bytes

    stream = getattr(ctx.stdin, "buffer", ctx.stdin)
    data = stream.read()
    if isinstance(data, str):
        return data
    try:
        return decode_bytes(data, "standard input")[0]
    except ExtractionError as exc:
        raise CliError(str(exc)) from None


# ---------------------------------------------------------------- redact


def run_redact(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.services.decide import Channel
    from classifiers.redact import redact_text

    pipeline = ctx.pipeline(args)
    if args.path == STDIN:
        if _stdin_is_tty(ctx):
            raise CliError("nothing to redact: give a file, or pipe text and use `-`")
        outcome = pipeline.classify_text(_read_stdin(ctx), STDIN, Channel.CLI)
    else:
        path = Path(args.path)
        if path.is_dir():
            raise CliError(f"{path.name}: is a folder; redact one file at a time")
        outcome = pipeline.classify_path(path, Channel.CLI, keep_text=True)
    if outcome.result.error:
        raise CliError(outcome.result.error)
    if outcome.text is None:
        raise CliError(
            f"{Path(args.path).name}: too large to redact in memory; split it and try again"
        )
    policy = ctx.policy(args)
    key = ctx.fingerprint_key()

    def style_for(f):  # type: ignore[no-untyped-def]
        return args.style or policy.redaction_style(f.entity_type)

    redacted = redact_text(outcome.text, reported(outcome), style_for, key)
    if args.output:
        out = Path(args.output)
        try:
            write_text_atomically(out, redacted)
        except OSError as exc:
            raise CliError(f"cannot write {out.name}: {exc.strerror}; choose another -o path") from None
    else:
        ctx.out.write(redacted)
        ctx.out.flush()
    if not outcome.result.complete:
        ctx.warn("not everything could be checked: " + "; ".join(outcome.result.notes))
    n = len(reported(outcome))
    if not ctx.quiet and args.output:
        print(f"presend: {n} finding{'s' if n != 1 else ''} redacted", file=ctx.err)
    return 0


# ---------------------------------------------------------------- check


def run_check(args: argparse.Namespace, ctx: CliContext) -> int:
    if os.environ.get("PRESEND_CHECK_NO_GUI"):  # scripted checks and integration tests
        args.no_gui = True
    if not args.no_gui:
        try:
            from app.ui.check_launcher import launch_check
        except ImportError:
            launch_check = None  # type: ignore[assignment]
        if launch_check is not None and _has_display():
            return int(launch_check([str(Path(p).resolve()) for p in args.paths], args))
        if not ctx.quiet:
            print("presend: no display; printing the result instead", file=ctx.err)
    from app.services.decide import Channel

    pipeline = ctx.pipeline(args)
    outcomes = list(_classify_all(list(args.paths), pipeline, Channel.FILE_CHECK, ctx))
    for o in outcomes:
        ctx.audit_outcome(o, "file-check")
    _print_outcomes(outcomes, args, ctx)
    return exit_code(outcomes)


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
