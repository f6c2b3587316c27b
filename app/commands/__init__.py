"""One module per command group; each has ``register(subparsers)``.

A command's handler is ``run(args, ctx: CliContext) -> int`` (set with
``parser.set_defaults(handler=run)``); it raises ``CliError`` for failures that the user
can fix, which ``app.cli.main`` prints as one line and exit code 2.
"""

COMMAND_MODULES = (
    "app.commands.scan",
    "app.commands.policy",
    "app.commands.log",
    "app.commands.integrate",
    "app.commands.tray",
)
