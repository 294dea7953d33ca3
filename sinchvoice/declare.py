"""How a command module declares its commands, without importing typer.

Command modules write `Option(...)`, `Argument(...)` and `Context` where typer's would go, and register with `group()`
or `single_command()`: records, nothing more. So importing a command module costs no typer, and a command line
sinchvoice.fastpath can parse runs without it. sinchvoice.tree hands the records to typer (`Group.typer()`) for
--help, completion, and every command line the fast path leaves to typer: typer stays the one definition of
what a command line means.
"""

from __future__ import annotations

from typing import Annotated, get_args, get_origin

EXAMPLES = "Examples:"


class Declared:
    """`Option(...)` or `Argument(...)` as written: typer's function of that name gets the same arguments."""

    def __init__(self, kind: str, args: tuple, kwargs: dict):
        self.kind, self.args, self.kwargs = kind, args, kwargs

    def for_typer(self, typer):
        return getattr(typer, self.kind)(*self.args, **self.kwargs)


def Option(*args, **kwargs) -> Declared:  # noqa: N802 (typer's name, so a signature reads as typer's would)
    return Declared("Option", args, kwargs)


def Argument(*args, **kwargs) -> Declared:  # noqa: N802
    return Declared("Argument", args, kwargs)


class Context:
    """Stands for typer.Context in a signature: the command receives click's context (or the fast path's)."""


def examples(*lines: str) -> str:
    """A command's epilog: its examples, each a whole `sinchvoice ...` command line, printed as written."""
    # `\b` keeps click from rewrapping the lines wherever the epilog is shown by plain click.
    return f"{EXAMPLES}\n\n\b\n" + "\n".join(f"$ {line}" for line in lines)


def single_command(**settings):
    """For an area that is one function (`api`, `sandbox`...): what `@app.command(...)` would take, e.g. its
    epilog; sinchvoice.tree.load_area passes it on when it makes the command."""
    def mark(function):
        function.command_settings = settings
        return function

    return mark


class Group:
    """A command group as declared: `@app.command(name, **settings)` and `app.add_typer(sub, name=...)` take
    what typer.Typer's would, and `typer()` builds that typer.Typer when the tree needs it."""

    def __init__(self, help: str, epilog: str | None = None):
        self.help, self.epilog = help, epilog
        self.commands: dict[str, tuple[dict, object]] = {}
        self.groups: dict[str, Group] = {}

    def command(self, name: str | None = None, **settings):
        def register(function):
            self.commands[name or function.__name__.replace("_", "-")] = (settings, function)
            return function

        return register

    def add_typer(self, group: Group, *, name: str) -> None:
        self.groups[name] = group

    def function(self, path: list[str]):
        """The function behind a command path under this group (`["numbers", "list"]`), or None."""
        head, *rest = path
        if not rest:
            return self.commands.get(head, (None, None))[1]
        return self.groups[head].function(rest) if head in self.groups else None

    def typer(self):
        """A typer.Typer of this group: plain help (rich markup would import rich on every --help), help on no
        args; the epilog holds its examples."""
        import typer

        app = typer.Typer(help=self.help, epilog=self.epilog, no_args_is_help=True, rich_markup_mode=None,
                          add_completion=False, pretty_exceptions_enable=False)
        for name, (settings, function) in self.commands.items():
            app.command(name, **settings)(for_typer(function))
        for name, group in self.groups.items():
            app.add_typer(group.typer(), name=name)
        return app


def group(help: str, epilog: str | None = None) -> Group:
    return Group(help, epilog)


def for_typer(function):
    """The function with typer's Option/Argument/Context in its annotations instead of the records (once: the
    function is changed in place, and a second call finds nothing left to change)."""
    import typer

    def translate(annotation):
        if annotation is Context:
            return typer.Context
        if get_origin(annotation) is Annotated:
            base, *metadata = get_args(annotation)
            return Annotated[(base, *(m.for_typer(typer) if isinstance(m, Declared) else m for m in metadata))]
        return annotation

    inner = function
    while inner is not None:  # a decorated command: typer reads the signature of the innermost function
        inner.__annotations__ = {name: translate(value) for name, value in inner.__annotations__.items()}
        inner = getattr(inner, "__wrapped__", None)
    return function
