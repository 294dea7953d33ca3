"""`completion`: static shell completion scripts (no Python on TAB)."""

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, examples, group
from sinchvoice.errors import SinchVoiceError, UsageError

app = group(help="Shell completions that answer without starting Python.", epilog=examples(
    "sinchvoice completion install",
    "sinchvoice completion show zsh",
))


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command(epilog=examples(
    "sinchvoice completion show zsh",
    "sinchvoice completion show fish",
))
def show(ctx: Context,
         shell: Annotated[Shell, Argument(metavar="SHELL", help="bash, zsh or fish.")]) -> None:
    """Print the completion script of a shell.

    It is generated from the command tree; put it wherever your shell loads completions from.
    """
    from sinchvoice.completion_gen import generate

    # A script is raw text for the shell, not data to render: written as is whatever -o says.
    app_context(ctx).env.stdout.write(generate(shell.value))


@app.command(epilog=examples(
    "sinchvoice completion install",
    "sinchvoice completion install zsh",
))
def install(
    ctx: Context,
    shell: Annotated[Optional[Shell], Argument(metavar="SHELL",
                                               help="bash, zsh or fish (default: from $SHELL).")] = None,
) -> None:
    """Install the completion script where the shell loads it.

    Prints how to turn it on. Never edits your shell's startup files: when a line is needed there, it is printed for
    you to add.
    """
    from sinchvoice.completion_gen import generate
    from sinchvoice.files import make_dirs, write_atomic

    app_ctx = app_context(ctx)
    name = shell.value if shell else _detect()
    target, script = target_path(name), generate(name)
    try:  # 0644 and 0755 whatever the umask: the shell must read it, and nobody else may change what it runs
        make_dirs(target.parent, 0o755)
        write_atomic(target, script, 0o644)
    except OSError as exc:
        raise SinchVoiceError(f"cannot write {target}: {exc.strerror or exc}",
                              hint=f"save the output of `sinchvoice completion show {name}` yourself") from None
    app_ctx.out.render({"shell": name, "path": str(target), "activate": activation(name, target)},
                       panel=[("shell", name), ("installed", target)], title="sinchvoice completion",
                       ids=[target])
    for line in activation(name, target):
        app_ctx.out.note(line)


def _detect() -> str:
    login_shell = os.environ.get("SHELL", "")
    name = os.path.basename(login_shell)
    if name not in {s.value for s in Shell}:
        raise UsageError(f"cannot tell which shell to install for ($SHELL is {login_shell!r})",
                         hint="name it: sinchvoice completion install bash|zsh|fish")
    return name


def _home(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback)


def target_path(shell: str) -> Path:
    """Per-user places each shell (bash-completion, zsh fpath, fish) loads completions from."""
    if shell == "bash":
        user_dir = os.environ.get("BASH_COMPLETION_USER_DIR")
        base = Path(user_dir) if user_dir else _home("XDG_DATA_HOME", ".local/share") / "bash-completion"
        return base / "completions" / "sinchvoice"
    if shell == "zsh":
        return _home("XDG_DATA_HOME", ".local/share") / "zsh" / "site-functions" / "_sinchvoice"
    return _home("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / "sinchvoice.fish"


def activation(shell: str, target: Path) -> list[str]:
    """What the user does next; the exact lines to add, since rc files are never edited for them."""
    if shell == "bash":
        return ["bash-completion loads it in new shells. Without the bash-completion package, add to ~/.bashrc:",
                f"  source {target}",
                f"For this shell now: source {target}"]
    if shell == "zsh":
        return ["Add to ~/.zshrc, before compinit runs (e.g. above `autoload -Uz compinit && compinit`):",
                f"  fpath=({target.parent} $fpath)",
                "then open a new shell (if TAB still shows nothing: rm -f ~/.zcompdump*; compinit)."]
    return ["fish loads it in new sessions.", f"For this session now: source {target}"]
