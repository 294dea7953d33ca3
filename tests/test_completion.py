"""Static completion scripts: driven in real bash, zsh and fish; fresh against the tree; `completion install`."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import typer
import typer.main

from sinchvoice import history
from sinchvoice.completion_gen import FILES, SHELLS, generate, walk
from sinchvoice.tree import build_app
from tests.conftest import ROOT, SENTINEL_SECRET

CALL_IDS = ["4398599d-1ba0-4d29-8b1a-5a9f0ff8d0a1", "4398599d-1ba0-4d29-8b1a-5a9f0ff8d0b2", "9e5a1c2b-aaaa"]
REGIONS = ["global", "euc1", "use1", "sae1", "apse1", "apse2"]


def tree():
    return typer.main.get_command(build_app())


def top_level() -> list[str]:
    return [name for name, cmd in tree().commands.items() if not cmd.hidden]


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("completions")
    for shell in SHELLS:
        (folder / FILES[shell]).write_text(generate(shell))
    return {shell: folder / FILES[shell] for shell in SHELLS}


# --- drivers: one per shell, each returns what TAB offers -------------------------------------------------


def bash_complete(script: Path, line: str, env: dict | None = None) -> list[str]:
    """Source the script, call its function as bash would (COMP_WORDS/CWORD/LINE/POINT), print COMPREPLY."""
    driver = (f'source {script}; COMP_LINE="$1"; COMP_POINT=${{#1}}; read -ra COMP_WORDS <<< "$1"; '
              '[[ $1 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); '
              '_sinchvoice; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", driver, "bash", line], capture_output=True,
                            text=True, env={**os.environ, **(env or {})}, timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [word for word in result.stdout.splitlines() if word]


def fish_complete(script: Path, line: str, env: dict | None = None) -> list[str]:
    result = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C $argv[1]", line],
                            capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [entry.split("\t")[0] for entry in result.stdout.splitlines()]


def in_terminal(argv: list[str], setup: str, keys: str, out: Path, env: dict | None = None) -> list[str]:
    """Type `keys` into an interactive shell on a pseudo-terminal, after `setup` has shown the READY prompt.

    `keys` end by appending __DONE__ to `out`; returns the lines written to `out` before it.
    """
    master, slave = os.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            env={**os.environ, "TERM": "dumb", **(env or {})})
    os.close(slave)
    screen = bytearray()

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            screen.extend(data)

    threading.Thread(target=drain, daemon=True).start()
    try:
        os.write(master, setup.encode() + b"\n")
        _wait(lambda: b"READY> " in screen, screen)  # typed-ahead keys are flushed while the line editor starts
        os.write(master, keys.encode())
        _wait(lambda: out.exists() and "__DONE__" in out.read_text(), screen)
        lines = out.read_text().splitlines()
        return lines[: lines.index("__DONE__")]
    finally:
        proc.kill()
        proc.wait(5)
        os.close(master)


def _wait(condition, screen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"shell did not answer; screen: {bytes(screen[-2000:])!r}")
        time.sleep(0.01)


def zsh_complete(script: Path, line: str, env: dict | None = None) -> list[str]:
    """Real zsh completion (compinit, script autoloaded from fpath); compadd is wrapped to record the matches."""
    out = script.parent / f"zsh-{time.monotonic_ns()}.out"
    setup = (f"bindkey -e; fpath=({script.parent} $fpath); autoload -Uz compinit; compinit -u -D; "
             "compadd() { local a; for a in \"$@\"; do [[ $a == -- ]] && break; "
             "if [[ $a == -[OAD] ]]; then builtin compadd \"$@\"; return; fi; done; "
             f"local -a hits; builtin compadd -O hits \"$@\"; print -rl -- $hits >> {out}; builtin compadd \"$@\"; }}; "
             "PS1='READY''> '")
    keys = f"{line}\t\x15print -r -- __DONE__ >> {out}\n"
    # _files may add the same match in two passes; zsh lists it once.
    return list(dict.fromkeys(in_terminal(["zsh", "-f", "-i"], setup, keys, out, env)))


def line_after_tab(shell: str, script: Path, line: str) -> str:
    """The command line after one TAB in the real line editor (bash readline, zsh zle): what got inserted."""
    out = script.parent / f"{shell}-{time.monotonic_ns()}.line"
    if shell == "bash":
        argv, setup = ["bash", "--norc", "--noprofile", "-i"], f"source {script}; PS1='READY''> '"
    else:
        argv = ["zsh", "-f", "-i"]
        setup = f"bindkey -e; fpath=({script.parent} $fpath); autoload -Uz compinit; compinit -u -D; PS1='READY''> '"
    # After TAB: go to the start, turn the line into `printf` of its words, append them to the file.
    keys = f"{line}\t\x01printf '%s\\n' \x05 >> {out}; echo __DONE__ >> {out}\n"
    return " ".join(in_terminal(argv, setup, keys, out))


DRIVERS = {"bash": bash_complete, "zsh": zsh_complete, "fish": fish_complete}


def needs(shell: str):
    return pytest.mark.skipif(shutil.which(shell) is None, reason=f"{shell} is not installed")


ALL_SHELLS = [pytest.param(shell, marks=needs(shell)) for shell in SHELLS]


# --- what TAB offers ----------------------------------------------------------------------------------------


STATIC_CASES = [
    ("sinchvoice ", top_level),
    ("sinchvoice au", lambda: ["auth"]),
    ("sinchvoice auth ", lambda: ["login", "status", "logout", "list", "switch"]),
    ("sinchvoice --output ", lambda: ["table", "json", "csv"]),
    ("sinchvoice auth status -o ", lambda: ["table", "json", "csv"]),  # global options after the subcommand
    ("sinchvoice --region ", lambda: REGIONS),
    ("sinchvoice --region e", lambda: ["euc1"]),
    ("sinchvoice auth list --auth ", lambda: ["signed", "basic"]),
    ("sinchvoice completion show ", lambda: ["bash", "zsh", "fish"]),
    ("sinchvoice calls ", lambda: ["get", "update", "hangup", "say", "play", "leg"]),
    ("sinchvoice calls leg abc --leg ", lambda: ["caller", "callee", "both"]),
    ("sinchvoice --api-layout ", lambda: ["live", "spec"]),
    ("sinchvoice callouts conference --moh ", lambda: ["ring", "music1", "music2", "music3"]),
    ("sinchvoice conferences hold standup --moh m", lambda: ["music1", "music2", "music3"]),
    ("sinchvoice calls say abc --then ", lambda: ["continue", "hangup"]),
    ("sinchvoice applications numbers list --capability ", lambda: ["voice", "sms"]),
    ("sinchvoice -o json --base-url http://127.0.0.1:8700 auth sw", lambda: ["switch"]),
    ("sinchvoice auth login --s", lambda: ["--secret-stdin"]),
    ("sinchvoice sandbox --port ", lambda: []),  # a free value: no file names, no guesses
]


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize("line, expected", STATIC_CASES, ids=[c[0] for c in STATIC_CASES])
def test_tab_offers_the_tree(shell, line, expected, scripts):
    assert sorted(DRIVERS[shell](scripts[shell], line)) == sorted(expected())


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_options_of_a_subcommand_include_the_global_ones(shell, scripts):
    offered = DRIVERS[shell](scripts[shell], "sinchvoice auth login --")
    own = {"--key", "--secret-stdin", "--from", "--insecure-storage", "--no-verify", "--help"}
    assert own | {"--profile", "--region", "--base-url", "--config-base-url", "--api-layout", "--auth", "--output",
                  "--quiet", "--verbose", "--dry-run", "--timeout", "--yes"} <= set(offered)
    assert "--version" not in offered  # only valid before the subcommand


def test_calls_group_offers_its_subcommands(scripts):
    real = tree().commands["calls"].commands
    assert sorted(bash_complete(scripts["bash"], "sinchvoice calls ")) == sorted(real) == [
        "get", "hangup", "leg", "play", "say", "update"]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_ids_from_real_commands_complete(shell, scripts, cli, sandbox):
    """As the issue words it: a callout, a conference callout and `numbers list` fill what TAB offers."""
    placed = cli("callouts", "tts", "--from", "+46700000009", "--to", "+46701234567", "--text", "hi", "-q",
                 env=sandbox.env())
    joined = cli("callouts", "conference", "--from", "+46700000009", "--to", "+46701234568",
                 "--conference-id", "standup", "-q", env=sandbox.env())
    listed = cli("applications", "numbers", "list", env=sandbox.env())
    assert placed.exit_code == joined.exit_code == listed.exit_code == 0
    complete = DRIVERS[shell]
    assert sorted(complete(scripts[shell], "sinchvoice calls get ")) == sorted(
        [placed.stdout.strip(), joined.stdout.strip()])
    assert complete(scripts[shell], "sinchvoice conferences get ") == ["standup"]
    assert sorted(complete(scripts[shell], "sinchvoice applications numbers get +4670000010")) == [
        "+46700000100", "+46700000101", "+46700000102", "+46700000103"]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_profiles_come_from_logins(shell, scripts, cli):
    for name in ("work", "home"):
        login = cli("-p", name, "auth", "login", "--key", "K", "--secret-stdin", "--no-verify",
                    input=SENTINEL_SECRET + "\n")
        assert login.exit_code == 0, login.stderr
    complete = DRIVERS[shell]
    assert sorted(complete(scripts[shell], "sinchvoice -p ")) == ["home", "work"]
    assert sorted(complete(scripts[shell], "sinchvoice auth status --profile ")) == ["home", "work"]
    assert complete(scripts[shell], "sinchvoice auth switch w") == ["work"]


ID_CASES = [
    ("calls", CALL_IDS, "sinchvoice calls get ", CALL_IDS),
    ("calls", CALL_IDS, "sinchvoice -q calls hangup 4398", CALL_IDS[:2]),
    ("conferences", ["conf-1", "conf-2"], "sinchvoice conferences get ", ["conf-1", "conf-2"]),
    ("calls", CALL_IDS, "sinchvoice conferences mute conf-1 9e", CALL_IDS[2:]),  # CALL_ID... after CONF_ID
    ("numbers", ["+46700000100", "+46700000102"], "sinchvoice applications numbers get +", ["+46700000100",
                                                                                          "+46700000102"]),
]


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize("kind, values, line, expected", ID_CASES, ids=[c[2] for c in ID_CASES])
def test_recent_ids_complete_arguments(shell, kind, values, line, expected, scripts, tmp_path):
    history.remember(tmp_path / "state", kind, values)
    assert sorted(DRIVERS[shell](scripts[shell], line)) == sorted(expected)


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize("variables, state", [
    ({"SINCHVOICE_STATE_DIR": "custom"}, "custom"),
    ({"SINCHVOICE_STATE_DIR": "", "XDG_STATE_HOME": "xdg"}, "xdg/sinchvoice"),
    ({"SINCHVOICE_STATE_DIR": "", "HOME": "home"}, "home/.local/state/sinchvoice"),
])
def test_scripts_find_the_state_dir_as_the_cli_does(shell, variables, state, scripts, tmp_path):
    env = {name: str(tmp_path / value) if value else "" for name, value in variables.items()}
    history.remember(tmp_path / state, "calls", CALL_IDS[:1])
    assert DRIVERS[shell](scripts[shell], "sinchvoice calls get ", env) == CALL_IDS[:1]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_no_history_switch_and_foreign_lines(shell, scripts, tmp_path):
    history.remember(tmp_path / "state", "calls", CALL_IDS[:1])
    calls_file = history.path(tmp_path / "state", "calls")
    calls_file.write_text(calls_file.read_text() + "$(touch pwned)\n`touch pwned`\nwith space\n")
    assert DRIVERS[shell](scripts[shell], "sinchvoice calls get ") == CALL_IDS[:1]
    assert DRIVERS[shell](scripts[shell], "sinchvoice calls get ", {"SINCHVOICE_NO_HISTORY": "1"}) == []
    assert not list(tmp_path.rglob("pwned")) and not Path("pwned").exists()


def test_bash_tab_never_starts_python(scripts, tmp_path):
    """Python and sinchvoice on PATH are traps that leave a mark if anything runs them."""
    traps = tmp_path / "bin"
    traps.mkdir()
    for name in ("python", "python3", "sinchvoice"):
        (traps / name).write_text(f"#!/bin/sh\ntouch {tmp_path}/started-{name}\n")
        (traps / name).chmod(0o755)
    env = {"PATH": f"{traps}:{os.environ['PATH']}"}
    history.remember(tmp_path / "state", "calls", CALL_IDS)
    for line in ("sinchvoice ", "sinchvoice calls get ", "sinchvoice --output ", "sinchvoice auth login --"):
        assert bash_complete(scripts["bash"], line, env)
    assert not list(tmp_path.glob("started-*"))


@pytest.mark.parametrize("shell", [pytest.param(s, marks=needs(s)) for s in ("bash", "zsh")])
@pytest.mark.parametrize("line, after", [
    ("sinchvoice auth status --output=j", "sinchvoice auth status --output=json"),
    ("sinchvoice --base-url http://127.0.0.1:8700 auth swi", "sinchvoice --base-url http://127.0.0.1:8700 auth switch"),
    ("sinchvoice calls get 9e", f"sinchvoice calls get {CALL_IDS[2]}"),
])
def test_line_editor_inserts_the_completion(shell, line, after, scripts, tmp_path):
    history.remember(tmp_path / "state", "calls", CALL_IDS)
    assert line_after_tab(shell, scripts[shell], line) == after


@needs("fish")
def test_fish_completes_option_values_written_with_equals(scripts):
    assert fish_complete(scripts["fish"], "sinchvoice auth status --output=j") == ["--output=json"]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_file_options_complete_file_names(shell, tmp_path, monkeypatch):
    """The rule: click Path types, a few named options, and options whose help names a FILE (not `@FILE`)."""
    app = typer.Typer(add_completion=False)

    @app.callback()
    def root() -> None: ...

    @app.command()
    def load(from_file: str = typer.Option(None, "--from-file"), reply_dir: str = typer.Option(None),
             config: Path = typer.Option(None), out: str = typer.Option(None, help="Write to FILE."),
             log_file: str = typer.Option(None), sounds_dir: str = typer.Option(None),
             svaml: str = typer.Option(None, help="SVAML: JSON, @FILE or -."),
             name: str = typer.Option(None, help="A name.")) -> None: ...

    node = next(n for n in walk(app)[0] if n.path == ("load",))
    assert node.values == {"--from-file": "f", "--reply-dir": "d", "--config": "f", "--out": "f", "--log-file": "f",
                           "--sounds-dir": "d", "--svaml": "v", "--name": "v"}
    (tmp_path / "numbers.txt").write_text("")
    (tmp_path / "replies").mkdir()
    script = tmp_path / "scripts" / FILES[shell]
    script.parent.mkdir()
    script.write_text(generate(shell, app))
    monkeypatch.chdir(tmp_path)
    complete = DRIVERS[shell]
    assert [f.rstrip("/") for f in complete(script, "sinchvoice load --from-file num")] == ["numbers.txt"]
    assert [f.rstrip("/") for f in complete(script, "sinchvoice load --reply-dir r")] == ["replies"]
    assert complete(script, "sinchvoice load --svaml ") == []


def test_positional_ids_follow_the_table_for_commands_that_exist():
    args = {node.path: node.args for node in walk(build_app())[0]}
    assert args[("auth", "switch")] == ["h:profiles"]
    assert args[("calls", "get")] == ["h:calls"]
    assert args[("conferences", "mute")][:2] == ["h:conferences", "h:calls*"]
    assert args[("applications", "numbers", "get")] == ["h:numbers"]
    assert args[("completion", "show")] == ["c:bash,zsh,fish"]  # a Choice beats the table
    assert args[("api",)] == ["v", "v"]


# --- freshness, show and install ------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_checked_in_scripts_are_fresh(shell, cli):
    checked_in = (ROOT / "completions" / FILES[shell]).read_text()
    assert checked_in == generate(shell), (
        f"completions/{FILES[shell]} is stale: run `python -m sinchvoice.completion_gen --write completions/`")
    shown = cli("completion", "show", shell)
    assert (shown.exit_code, shown.stdout) == (0, checked_in)


@pytest.mark.parametrize("shell, relative, activation", [
    ("bash", "data/bash-completion/completions/sinchvoice", "  source {path}"),
    ("zsh", "data/zsh/site-functions/_sinchvoice", "  fpath=({folder} $fpath)"),
    ("fish", "config/fish/completions/sinchvoice.fish", "For this session now: source {path}"),
])
def test_install_writes_where_the_shell_looks_and_says_how_to_activate(shell, relative, activation, cli, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".zshrc").write_text("# mine\n")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "SHELL": f"/usr/bin/{shell}"}
    result = cli("completion", "install", env=env)
    path = tmp_path / relative
    assert result.exit_code == 0, result.stderr
    assert path.read_text() == generate(shell)
    assert result.stdout == f"sinchvoice completion\nshell      {shell}\ninstalled  {path}\n"
    assert activation.format(path=path, folder=path.parent) in result.stderr.splitlines()
    assert (home / ".zshrc").read_text() == "# mine\n" and sorted(p.name for p in home.iterdir()) == [".zshrc"]
    assert cli("-q", "completion", "install", shell, env={**env, "SHELL": "/bin/sh"}).stdout == f"{path}\n"


def test_install_defaults_to_home_dirs_and_refuses_an_unknown_shell(cli, tmp_path):
    result = cli("completion", "install", "fish", env={"SHELL": "/bin/sh"})
    assert result.exit_code == 0
    assert (tmp_path / "home/.config/fish/completions/sinchvoice.fish").exists()
    unknown = cli("completion", "install", env={"SHELL": "/bin/tcsh"})
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert unknown.stderr == ("error: cannot tell which shell to install for ($SHELL is '/bin/tcsh')\n"
                              "hint: name it: sinchvoice completion install bash|zsh|fish\n")
