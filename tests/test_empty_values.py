"""An empty option value (`--opt ""`, `--opt=`: often an unset shell variable) is exit 2 for every option, and an
empty environment variable means exactly what an unset one means."""

import json
import re

import pytest
import typer.main

from sinchvoice.tree import build_app

KEY = "aaaa1111-2222-4333-8444-555555555555"
SECRET = "U2VjcmV0U2VjcmV0"
# '' clears the fallback callback URL, as the README documents: the one option where empty means something.
ALLOWED = {("applications callbacks set", "--fallback")}


def valued_options():
    """(command path, option names) of every option in the real command tree that takes a value."""
    found = []

    def walk(command, path):
        for param in command.params:
            if param.param_type_name == "option" and not (param.is_flag or param.count):
                found.append((path, tuple(param.opts)))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(build_app()), ())
    return found


OPTIONS = [(path, opts) for path, opts in valued_options() if (" ".join(path), opts[0]) not in ALLOWED]


def test_the_tree_walk_finds_the_options_it_should():
    names = {(" ".join(path), opts[0]) for path, opts in OPTIONS}
    assert {("", "-p"), ("", "--base-url"), ("", "--timeout"), ("auth login", "--key"), ("api", "--data"),
            ("callouts tts", "--from"), ("listen", "--journal"), ("signature verify", "--header")} <= names
    assert len(OPTIONS) > 60


def shown(opts) -> str:
    return "/".join(sorted(opts, key=lambda name: name.startswith("--")))


@pytest.mark.parametrize("path, opts", OPTIONS, ids=lambda v: " ".join(v) or "root")
def test_every_empty_option_value_is_exit_2_naming_the_option(cli, sandbox, path, opts):
    command = list(path) or ["auth", "status"]
    long = next(name for name in opts if name.startswith("--"))
    expected = [f"error: {shown(opts)} is empty",
                f"hint: give {long} a value or leave the option out (an unset shell variable expands to nothing)"]
    forms = [[opts[0], ""], [f"{long}="]]
    for form in forms:
        args = [*form, *command] if not path else [*command, *form]
        result = cli(*args, env=sandbox.env())
        assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (2, expected, ""), args
    assert sandbox.requests() == []


@pytest.mark.parametrize("args", [
    ["--base-url", "", "calls", "get", "abc"],
    ["calls", "get", "abc", "--base-url="],
    ["callouts", "tts", "--to", "+46701234567", "--text", "hi", "--from", "+46700000009", "--base-url", ""],
    ["-q", "-p", "", "callouts", "tts", "--to", "+46701234567", "--text", "hi", "--from", "+46700000009"],
])
def test_nothing_is_sent_anywhere(cli, sandbox, args):
    result = cli(*args, env=sandbox.env())
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] in ("error: --base-url is empty", "error: -p/--profile is empty")
    assert sandbox.requests() == []


def test_an_empty_profile_never_means_the_active_one(cli, isolated):
    login = cli("auth", "login", "--key", KEY, "--secret-stdin", "--no-verify", input=SECRET + "\n")
    assert login.exit_code == 0, login.stderr
    for args in (["-p", "", "auth", "logout"], ["auth", "logout", "--profile="], ["auth", "logout", "-p", ""]):
        result = cli(*args)
        assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: -p/--profile is empty"), args
    assert cli("-q", "auth", "list").stdout == "default\n"
    assert isolated.passwords == {("sinchvoice", "default"): SECRET}


def test_a_fallback_of_empty_still_clears_it(cli, sandbox):
    env = sandbox.env()
    assert cli("applications", "callbacks", "set", "--primary", "https://example.com/a", "--fallback",
               "https://example.com/b", "-y", env=env).exit_code == 0
    result = cli("applications", "callbacks", "set", "--primary", "https://example.com/a", "--fallback=", "-y",
                 "-o", "json", env=env)
    assert result.exit_code == 0, result.stderr
    assert sandbox.requests()[-2]["body"] == {"url": {"primary": "https://example.com/a", "fallback": ""}}


# ---- empty environment variables are unset ----------------------------------------------------------------

VARIABLES = ["SINCHVOICE_PROFILE", "SINCHVOICE_REGION", "SINCHVOICE_BASE_URL", "SINCHVOICE_AUTH",
             "SINCHVOICE_OUTPUT", "SINCHVOICE_TIMEOUT", "SINCHVOICE_FROM", "SINCHVOICE_CONFIG_DIR",
             "SINCHVOICE_STATE_DIR", "SINCH_APPLICATION_KEY", "SINCH_APPLICATION_SECRET", "XDG_CONFIG_HOME"]


@pytest.mark.parametrize("variable", VARIABLES)
@pytest.mark.parametrize("args", [["-o", "json", "auth", "status"], ["--dry-run", "api", "GET", "/p"],
                                  ["--dry-run", "callouts", "tts", "--to", "+46701234567", "--text", "hi"],
                                  ["auth", "list"]], ids=lambda a: " ".join(a[:3]))
def test_an_empty_variable_means_the_same_as_an_unset_one(cli, variable, args):
    login = cli("-p", "work", "--region", "euc1", "auth", "login", "--key", KEY, "--secret-stdin", "--no-verify",
                "--from", "+46700000009", input=SECRET + "\n")
    assert login.exit_code == 0, login.stderr
    unset, empty = cli(*args, env={variable: None}), cli(*args, env={variable: ""})
    assert (empty.exit_code, stamped(empty.stdout), empty.stderr) == (
        unset.exit_code, stamped(unset.stdout), unset.stderr)
    if args[0] == "-o" and unset.exit_code == 0:
        assert json.loads(unset.stdout)["baseUrl"] == "https://calling-euc1.api.sinch.com"


def stamped(text: str) -> str:
    """A dry run shows the moment it signed at; two runs differ there only."""
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "<time>", text)
