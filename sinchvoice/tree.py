"""The command tree: which area answers which name, each area's module imported only when it is invoked.

click's lazy-group pattern: the root knows every area's name and one-line help from AREAS, so `sinchvoice
--help` imports no command module and `sinchvoice calls get` imports only sinchvoice.commands.calls. Tools
that need the whole tree (completion_gen, root.hoist_global_options walking a command line, tests) get it
by asking: `full_command()` loads every area.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import typer

from sinchvoice.declare import Group, examples, for_typer
from sinchvoice.helptext import HelpCommand, adopt, write_commands
from sinchvoice.root import RootGroup, prepare_area, root

# name -> (module, attribute, the one-line help `sinchvoice --help` shows), in the order of that listing.
# The attribute is a Group (sinchvoice.declare) or a function (a single command). test_tree checks the help here
# against the area's own.
AREAS: dict[str, tuple[str, str, str]] = {
    "api": ("sinchvoice.commands.api.commands", "api", "Send a raw authenticated request; print the JSON."),
    "sandbox": ("sinchvoice.commands.sandbox.commands", "sandbox", "Run a local Sinch Voice API, free and offline."),
    "demo": ("sinchvoice.commands.demo.commands", "demo", "Tour the main jobs on a built-in sandbox."),
    "listen": ("sinchvoice.commands.listen.commands", "listen",
               "Receive, verify and answer callbacks on a local URL."),
    "auth": ("sinchvoice.commands.auth.commands", "app", "Credentials and profiles."),
    "callouts": ("sinchvoice.commands.callouts.commands", "app", "Place calls: text-to-speech, conference, custom."),
    "calls": ("sinchvoice.commands.calls.commands", "app", "See and steer a call: status, say, play, hang up."),
    "conferences": ("sinchvoice.commands.conferences.commands", "app",
                    "See who is in a conference; mute, hold, kick participants."),
    "applications": ("sinchvoice.commands.applications.commands", "app",
                     "Numbers and callback URLs of your Voice applications."),
    "signature": ("sinchvoice.commands.signature.commands", "app",
                  "Sign a request or check a callback's signature by hand."),
    "completion": ("sinchvoice.commands.completion.commands", "app",
                   "Shell completions that answer without starting Python."),
}


def load_area(name: str, root_command):
    """The click command of one area, imported now."""
    from importlib import import_module

    module, attribute, _ = AREAS[name]
    declared = getattr(import_module(module), attribute)
    if isinstance(declared, Group):
        app = declared.typer()
    else:  # a single command: typer builds it from a one-command app
        app = typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)
        app.command(name, cls=HelpCommand, **getattr(declared, "command_settings", {}))(for_typer(declared))
    command = typer.main.get_command(adopt(app))
    command.name = name
    prepare_area(command, name, root_command)
    return command


class Areas(MutableMapping):
    """The root's `commands`: every name known from AREAS, each area loaded on first access."""

    def __init__(self, root_command):
        self.root_command, self.loaded = root_command, {}

    def __getitem__(self, name: str):
        if name not in self.loaded:
            if name not in AREAS:
                raise KeyError(name)
            self.loaded[name] = load_area(name, self.root_command)
        return self.loaded[name]

    def __iter__(self):
        return iter(AREAS)

    def __len__(self) -> int:
        return len(AREAS)

    def __setitem__(self, name: str, command) -> None:
        raise TypeError("the command tree is sinchvoice.tree.AREAS")

    def __delitem__(self, name: str) -> None:
        raise TypeError("the command tree is sinchvoice.tree.AREAS")


class LazyRootGroup(RootGroup):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = Areas(self)

    def list_commands(self, ctx) -> list[str]:
        return list(AREAS)

    def format_commands(self, ctx, formatter) -> None:
        """The command list from AREAS' one-line help (the areas' own, test_tree checks), no area imported."""
        write_commands(formatter, [(name, text) for name, (_, _, text) in AREAS.items()])


def build_app() -> typer.Typer:
    """The `sinchvoice` app; its areas load when invoked."""
    app = typer.Typer(cls=LazyRootGroup, no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                      pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["-h", "--help"]})
    app.callback(epilog=examples(
        "sinchvoice sandbox",
        'sinchvoice callouts tts --to +46701234567 --text "Your table is ready"',
        "sinchvoice calls get CALL_ID --watch",
        "sinchvoice conferences get standup",
    ))(root)
    return app


def full_command(app: typer.Typer | None = None):
    """The root click command with every area loaded (completion scripts, tests)."""
    command = typer.main.get_command(app if app is not None else build_app())
    for name in command.list_commands(None):
        command.get_command(None, name)
    return command
