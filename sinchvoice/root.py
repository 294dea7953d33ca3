"""The root command: global options, and click's errors in our shape (exit codes: sinchvoice.exits; the tree:
sinchvoice.tree)."""

import sys
from typing import Annotated, Optional

import typer

from sinchvoice import __version__
from sinchvoice.config import ApiLayout, AuthScheme, OutputMode, Region
from sinchvoice.errors import SinchVoiceError
from sinchvoice.exits import exit_code, report
from sinchvoice.helptext import HelpGroup
from sinchvoice.option_values import parameter_source, refuse_empty_values


def _option_names(command) -> tuple[set[str], set[str]]:
    """(all option names, those that take a value) of a click command."""
    names, valued = set(), set()
    for param in getattr(command, "params", []):
        opts = set(getattr(param, "opts", [])) | set(getattr(param, "secondary_opts", []))
        if getattr(param, "param_type_name", "") != "option":
            continue
        names |= opts
        if not (getattr(param, "is_flag", False) or getattr(param, "count", False)):
            valued |= opts
    return names, valued


def global_options(root_command) -> list:
    """The root's options that also work after a subcommand: all but the eager ones (--version)."""
    return [param for param in root_command.params if param.param_type_name == "option" and not param.is_eager]


def global_option_names(root_command) -> tuple[set[str], set[str]]:
    """(flags, options that take a value) among the global options, e.g. ({"-q", "--quiet", ...}, {"-o", ...})."""
    names, valued = _option_names(root_command)
    hoisted = {name for param in global_options(root_command) for name in (*param.opts, *param.secondary_opts)}
    return hoisted - valued, hoisted & valued


def hoist_global_options(group, ctx, args: list[str]) -> list[str]:
    """Let global options follow the subcommand (`callouts tts ... -q`), as in gh, by moving them in front.

    Values of the subcommand's own options are skipped, so `--text -q` keeps its text.
    """
    front, rest, command, i = [], [], group, 0
    _, root_valued = _option_names(group)
    global_flags, global_valued = global_option_names(group)
    while i < len(args):
        token = args[i]
        if token == "--":
            rest += args[i:]
            break
        if command is group and not rest and token.startswith("-"):
            front.append(token)
            if token in root_valued and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
            i += 1
            continue
        names, valued = _option_names(command)
        flag = token.split("=", 1)[0]
        if flag not in names and (flag in global_flags or flag in global_valued):
            front.append(token)
            if flag in global_valued and "=" not in token and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
        elif token in valued:
            rest += args[i : i + 2]
            i += 1
        else:
            sub = command.get_command(ctx, token) if hasattr(command, "get_command") else None
            if sub is not None and not token.startswith("-"):
                command = sub
            rest.append(token)
        i += 1
    return front + rest


def global_epilog(root_command) -> str:
    """What every leaf's --help ends with: the global options, by name, as gh's INHERITED FLAGS."""
    names = ", ".join("/".join(param.opts) for param in global_options(root_command))
    return f"Global options work here too: {names} (see `sinchvoice --help`)."


def _mention_global_options(command, epilog: str) -> None:
    """Leaf --help pages say that the root's options apply, as gh's INHERITED FLAGS do (before the examples)."""
    if hasattr(command, "commands"):
        for sub in command.commands.values():
            _mention_global_options(sub, epilog)
    elif epilog not in (command.epilog or ""):
        command.epilog = epilog + (f"\n\n{command.epilog}" if command.epilog else "")


def prepare_area(command, name: str, root_command) -> None:
    """What every command of the tree gets, applied to an area as it loads (sinchvoice.tree)."""
    _mention_global_options(command, global_epilog(root_command))
    refuse_empty_values(command, name)


class RootGroup(HelpGroup):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_empty_values(self)  # the root's own options; the areas' as they load (prepare_area)

    def parse_args(self, ctx, args):
        from sinchvoice.inputs import check_arguments

        try:
            check_arguments(args)  # bytes that are not UTF-8, anywhere on the command line
            return super().parse_args(ctx, hoist_global_options(self, ctx, list(args)))
        except typer.TyperException as error:  # the root's own options, e.g. `-o xml`
            raise typer.Exit(report_usage(ctx, error)) from None
        except (SinchVoiceError, KeyboardInterrupt) as error:  # `--base-url ""`; Ctrl-C (click: "Aborted!", 1)
            raise typer.Exit(exit_code(ctx, error)) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as error:  # a subcommand's bad option or missing argument
            raise typer.Exit(report_usage(ctx, error)) from None
        except (Exception, KeyboardInterrupt) as error:
            raise typer.Exit(exit_code(ctx, error)) from None


def report_usage(ctx, error) -> int:
    """click's usage errors in our shape: one `error:` line and a `hint:`, not a usage block; exit 2."""
    if type(error).__name__ == "NoArgsIsHelpError":  # a bare group asks for its help, as with gh: exit 0
        print(error.format_message(), file=sys.stdout)
        return 0
    message = " ".join(error.format_message().split()).rstrip(".")  # one line, whatever click's layout
    param = getattr(error, "param", None)
    if param is not None and isinstance(param.envvar, str) and getattr(error, "ctx", None) is not None:
        source = error.ctx.get_parameter_source(param.name)
        if source is None or source.name != "ENVIRONMENT":  # the value was typed: its variable is not to blame
            message = message.replace(f" (env var: '{param.envvar}')", "")
    path = error.ctx.command_path if getattr(error, "ctx", None) else "sinchvoice"
    report(ctx, SinchVoiceError(message[:1].lower() + message[1:], hint=f"see `{path} --help`"))
    return getattr(error, "exit_code", 2)


def _show_version(value: bool) -> None:
    if value:
        print(f"sinchvoice {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    profile: Annotated[Optional[str], typer.Option("-p", "--profile", envvar="SINCHVOICE_PROFILE", metavar="NAME",
                                                   help="Stored profile to use.")] = None,
    region: Annotated[Optional[Region], typer.Option(
        envvar="SINCHVOICE_REGION", metavar="REGION",
        help="API region: global (default), euc1, use1, sae1, apse1 or apse2.")] = None,
    base_url: Annotated[Optional[str], typer.Option(envvar="SINCHVOICE_BASE_URL", metavar="URL",
                                                    help="Override the API host (http:// only on loopback).")] = None,
    config_base_url: Annotated[Optional[str], typer.Option(
        envvar="SINCHVOICE_CONFIG_BASE_URL", metavar="URL",
        help="Host for numbers and callback URLs (default: --base-url if given, else "
             "https://callingapi.sinch.com).")] = None,
    api_layout: Annotated[Optional[ApiLayout], typer.Option(
        envvar="SINCHVOICE_API_LAYOUT",
        help="live: the running Sinch platform (default); spec: the contract file's paths and bodies.")] = None,
    auth: Annotated[Optional[AuthScheme], typer.Option(envvar="SINCHVOICE_AUTH",
                                                       help="Request authentication (default signed).")] = None,
    output: Annotated[Optional[OutputMode], typer.Option("-o", "--output", envvar="SINCHVOICE_OUTPUT",
                                                         metavar="FORMAT",
                                                         help="table (default), json (the API body) or csv.")
                      ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print only identifiers.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Trace HTTP on stderr (redacted).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the request instead of sending it.")] = False,
    timeout: Annotated[Optional[str], typer.Option(envvar="SINCHVOICE_TIMEOUT", metavar="SECONDS",
                                                   help="Request timeout, 0.1-3600 s (default 30).")] = None,
    yes: Annotated[bool, typer.Option("-y", "--yes", help="Skip confirmation of destructive actions.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Sinch Voice API from your shell: callouts, calls, conferences, numbers, and an offline sandbox."""
    values = dict(locals())  # the options as typer converted them (ctx.params holds click's raw strings)
    from sinchvoice.context import AppContext
    from sinchvoice.environment import Environment

    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    given = frozenset(name for name in ctx.params if parameter_source(ctx, name) == "COMMANDLINE")
    ctx.obj = AppContext.from_options(env, values, given)
    ctx.call_on_close(ctx.obj.close)
