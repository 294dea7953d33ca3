"""The root command: global options, and the one place errors become exit codes (the tree: sinchvoice.tree)."""

import os
import sys
from enum import Enum
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from sinchvoice import __version__
from sinchvoice.errors import SinchVoiceError
from sinchvoice.option_values import parameter_source, refuse_empty_values


class Region(str, Enum):
    global_ = "global"
    euc1 = "euc1"
    use1 = "use1"
    sae1 = "sae1"
    apse1 = "apse1"
    apse2 = "apse2"


class AuthScheme(str, Enum):
    signed = "signed"
    basic = "basic"


class ApiLayout(str, Enum):
    live = "live"
    spec = "spec"


class OutputMode(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


GLOBAL_FLAGS = {"-q", "--quiet", "-v", "--verbose", "--dry-run", "-y", "--yes"}
GLOBAL_VALUED = {"-p", "--profile", "--region", "--base-url", "--config-base-url", "--api-layout", "--auth", "-o",
                 "--output", "--timeout"}


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


def hoist_global_options(group, ctx, args: list[str]) -> list[str]:
    """Let global options follow the subcommand (`callouts tts ... -q`), as in gh, by moving them in front.

    Values of the subcommand's own options are skipped, so `--text -q` keeps its text.
    """
    front, rest, command, i = [], [], group, 0
    _, root_valued = _option_names(group)
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
        if flag not in names and (flag in GLOBAL_FLAGS or flag in GLOBAL_VALUED):
            front.append(token)
            if flag in GLOBAL_VALUED and "=" not in token and i + 1 < len(args):
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


GLOBAL_EPILOG = ("Global options work here too: -o/--output, -q, -v, --dry-run, -y/--yes, -p/--profile, "
                 "--region, --base-url, --config-base-url, --api-layout, --auth, --timeout "
                 "(see `sinchvoice --help`).")


def _mention_global_options(group) -> None:
    """Leaf --help pages say that the root's options apply, as gh's INHERITED FLAGS do."""
    for command in getattr(group, "commands", {}).values():
        if hasattr(command, "commands"):
            _mention_global_options(command)
        elif not command.epilog:
            command.epilog = GLOBAL_EPILOG


def prepare_area(command, name: str) -> None:
    """What every command of the tree gets, applied to an area as it loads (sinchvoice.tree)."""
    if hasattr(command, "commands"):
        _mention_global_options(command)
    elif not command.epilog:
        command.epilog = GLOBAL_EPILOG
    refuse_empty_values(command, name)


class RootGroup(TyperGroup):
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
        except SinchVoiceError as error:  # the root's own options, e.g. `--base-url ""`
            report(ctx, error)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1
            print("interrupted", file=sys.stderr)
            raise typer.Exit(130) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SinchVoiceError as error:
            report(ctx, error)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            # click would turn this into "Aborted!" and exit 1; the contract says 130 for Ctrl-C.
            print("interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        except typer.TyperException as error:  # a subcommand's bad option or missing argument
            raise typer.Exit(report_usage(ctx, error)) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # stdout's reader has gone (`| head -1`): whatever was done stays done
            from sinchvoice.output import stdout_closed

            raise typer.Exit(stdout_closed()) from None
        except Exception as error:
            if os.environ.get("SINCHVOICE_DEBUG"):
                raise
            # A bug, not user input: one line, and the way to get the details, never locals or secrets.
            report(ctx, SinchVoiceError(f"unexpected failure: {type(error).__name__}: {error}",
                                        hint="run again with SINCHVOICE_DEBUG=1 for a traceback, and report it"))
            raise typer.Exit(1) from None


def report_usage(ctx, error) -> int:
    """click's usage errors in our shape: one `error:` line and a `hint:`, not a usage block; exit 2."""
    if type(error).__name__ == "NoArgsIsHelpError":  # a bare group asks for its help, as with gh: exit 0
        print(error.format_message(), file=sys.stdout)
        return 0
    message = " ".join(error.format_message().split()).rstrip(".")  # one line, whatever click's layout
    path = error.ctx.command_path if getattr(error, "ctx", None) else "sinchvoice"
    report(ctx, SinchVoiceError(message[:1].lower() + message[1:], hint=f"see `{path} --help`"))
    return getattr(error, "exit_code", 2)


def report(ctx, error: SinchVoiceError) -> None:
    from sinchvoice.context import AppContext
    from sinchvoice.environment import Environment
    from sinchvoice.output import Output

    obj = ctx.obj
    if isinstance(obj, AppContext):
        out = obj.out
    else:  # before the root callback finished: -o may still ask for the JSON error object
        mode = ctx.params.get("output")  # click's raw value, or typer's enum
        mode = getattr(mode, "value", mode) or "table"
        out = Output(obj if isinstance(obj, Environment) else Environment(), mode)
    out.error(error.message, error.hint, error.details)


def _show_version(value: bool) -> None:
    if value:
        print(f"sinchvoice {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    profile: Annotated[Optional[str], typer.Option("-p", "--profile", envvar="SINCHVOICE_PROFILE", metavar="NAME",
                                                   help="Stored profile to use.")] = None,
    region: Annotated[Optional[Region], typer.Option(envvar="SINCHVOICE_REGION",
                                                     help="API region (default global).")] = None,
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
                                                         help="table, json (the API body) or csv.")] = None,
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
    from sinchvoice.config import ConfigStore, Options, Settings, parse_timeout
    from sinchvoice.context import AppContext
    from sinchvoice.environment import Environment

    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    given = frozenset(name for name in ctx.params if parameter_source(ctx, name) == "COMMANDLINE")
    # Checked now, so a bad one is refused even by a command that would not use it.
    seconds = None if timeout is None else parse_timeout(timeout, "--timeout" if "timeout" in given
                                                         else "SINCHVOICE_TIMEOUT")
    options = Options(profile=profile, region=region and region.value, base_url=base_url,
                      config_base_url=config_base_url, api_layout=api_layout and api_layout.value,
                      auth=auth and auth.value, timeout=seconds, output=output.value if output else "table",
                      quiet=quiet, verbose=verbose, dry_run=dry_run, yes=yes, on_command_line=given)
    # Nothing is read from disk here: the settings read the config file when a command first needs them.
    ctx.obj = AppContext(env, Settings(ConfigStore(env.config_dir), options))
    ctx.call_on_close(ctx.obj.close)
