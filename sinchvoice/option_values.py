"""Rules every option value of the command tree follows, whatever the command: an empty value is refused."""

from __future__ import annotations

from sinchvoice.errors import UsageError

# The options for which '' means something: `applications callbacks set --fallback ''` clears the fallback URL.
EMPTY_ALLOWED = {("applications callbacks set", "--fallback")}


def parameter_source(ctx, name: str) -> str | None:
    """COMMANDLINE, ENVIRONMENT, DEFAULT...: where click took a value from (compared by name: no click import)."""
    source = ctx.get_parameter_source(name)
    return source.name if source is not None else None


def refuse_empty_values(command, path: str = "") -> None:
    """Every option of the tree refuses an empty value (`--opt ""`, `--opt=`), before its type sees it.

    An unset shell variable expands to '': `--base-url "$URL"` must not fall back to the production API, nor
    `-p "$P" auth logout` to the active profile, nor `--journal ""` become the current folder. (An empty
    environment variable is no value at all: click skips it, as our own reads of SINCH_* variables do.)
    """
    for param in command.params:
        takes_value = param.param_type_name == "option" and not (getattr(param, "is_flag", False) or
                                                                  getattr(param, "count", False))
        if takes_value and not any((path, name) in EMPTY_ALLOWED for name in param.opts):
            param.process_value = _nonempty(param, param.process_value)
    for name, sub in getattr(command, "commands", {}).items():
        refuse_empty_values(sub, f"{path} {name}".strip())


def _nonempty(param, process_value):
    def check(ctx, value):
        values = value if isinstance(value, (list, tuple)) else [value]
        if "" in values and parameter_source(ctx, param.name) == "COMMANDLINE":
            names = sorted(param.opts, key=lambda name: name.startswith("--"))  # -p/--profile
            long = next((name for name in names if name.startswith("--")), names[0])
            raise UsageError(f"{'/'.join(names)} is empty", hint=f"give {long} a value or leave the option out "
                                                                 "(an unset shell variable expands to nothing)")
        return process_value(ctx, value)

    return check
