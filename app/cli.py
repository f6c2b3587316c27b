"""The ``presend`` command: the CLI's composition root.

Exit codes (interface contract): 0 nothing reported, 1 findings reported, 2 usage error or
failure (one line on stderr; traceback only with -v), 3 the policy's verdict is block.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from app import __version__
from app.commands import COMMAND_MODULES
from app.commands.context import CliContext, CliError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise CliError(f"{message} (see `presend {self.prog.split()[-1]} --help`)"
                       if " " in self.prog else f"{message} (see `presend --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="presend",
        description="presend: stop sensitive data before it reaches an AI tool.",
    )
    parser.add_argument("--version", action="version", version=f"presend {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="more detail; tracebacks on errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print less")
    parser._presend_common = common  # type: ignore[attr-defined]
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.register(sub, common)
    paths_parser = sub.add_parser("paths", parents=[common], help="print every folder presend uses")
    paths_parser.set_defaults(handler=_run_paths)
    return parser


def _run_paths(args: argparse.Namespace, ctx: CliContext) -> int:
    for key, value in ctx.paths.as_dict().items():
        print(f"{key}: {value}", file=ctx.out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--presend-extract-child"]:
        # a frozen build starts its own executable as the sandboxed parser process
        from classifiers.extract.sandbox import child_main

        child_main()
        return 0
    verbose = "-v" in args_list or "--verbose" in args_list
    ctx = CliContext(verbose=verbose)
    try:
        parser = build_parser()
        if not args_list:
            args_list = ["tray"]
        args = parser.parse_args(args_list)
        ctx.verbose = bool(getattr(args, "verbose", False))
        ctx.quiet = bool(getattr(args, "quiet", False))
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(ctx.err)
            return 2
        return int(handler(args, ctx))
    except CliError as exc:
        print(f"presend: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("presend: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 2
    except Exception as exc:  # the one boundary that catches everything
        if ctx.verbose:
            traceback.print_exc()
        print(
            f"presend: internal error ({type(exc).__name__}); run again with -v for details "
            "and report it",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
