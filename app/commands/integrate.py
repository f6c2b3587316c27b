"""``presend integrate install|uninstall``: right-click entries and start-at-login."""

from __future__ import annotations

import argparse

from app.commands.context import CliContext, CliError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from app.services.integrate import TARGETS

    parser = sub.add_parser(
        "integrate",
        parents=[common],
        help="add or remove 'Check with presend' in file managers and start at login",
        description=(
            "Add (install) or remove (uninstall) presend's right-click 'Check with presend' "
            "entries, launcher and start-at-login for the current user; no admin rights "
            "needed. Default: every target that fits this system."
        ),
    )
    actions = parser.add_subparsers(dest="integrate_action", metavar="ACTION")
    for name, text in (
        ("install", "write the entries (idempotent)"),
        ("uninstall", "remove exactly what install added"),
    ):
        p = actions.add_parser(name, parents=[common], help=text)
        p.add_argument(
            "--target",
            action="append",
            choices=TARGETS,
            metavar="TARGET",
            help=f"one of {', '.join(TARGETS)}; repeat for several (default: all for this OS)",
        )
        p.add_argument(
            "--dry-run", action="store_true", help="list what would change; change nothing"
        )
        p.set_defaults(handler=run, integrate_action=name)
    parser.set_defaults(handler=_usage)


def _usage(args: argparse.Namespace, ctx: CliContext) -> int:
    raise CliError("say what to do: `presend integrate install` or `presend integrate uninstall`")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.services import integrate

    host = integrate.Host.current()
    targets = list(dict.fromkeys(args.target or ()))
    if not targets:
        if args.integrate_action == "uninstall":
            targets = list(integrate.TARGETS)
        else:
            targets = list(integrate.default_targets(host.platform))
    try:
        if args.integrate_action == "install":
            report = integrate.install(targets, host, dry_run=args.dry_run)
        else:
            report = integrate.uninstall(targets, host, dry_run=args.dry_run)
    except integrate.IntegrationError as exc:
        raise CliError(str(exc)) from None
    verb = "would" if args.dry_run else ""
    if not ctx.quiet:
        for line in report.actions:
            print(f"{verb} {line}".strip(), file=ctx.out)
        if not report.actions:
            what = "installed" if args.integrate_action == "install" else "removed"
            print(f"nothing to change: already {what} ({', '.join(targets)})", file=ctx.out)
    return 0
