"""The fast path (sinchvoice.fastpath) reads a command line exactly as typer does, or leaves it to typer.

For generated command lines of every command (options in both spellings, global options anywhere, values that do
and do not convert, repeats, junk, environment variables), typer runs in-process with each command function
replaced by a recorder: whatever typer hands the command and the root's AppContext.from_options, the fast path
must hand the same, or decline. And it must not decline what people type: every example in every --help page
runs on it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shlex
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinchvoice import fastpath, fastpath_gen, helptext
from sinchvoice.context import AppContext
from sinchvoice.fastpath_table import COMMANDS, LEFT_TO_TYPER, ROOT
from tests.conftest import ROOT as REPO
from tests.fuzzing import _settings

ENVVARS = [param for param in ROOT if param.get("envvar")]
COMMAND_DECLINED = object()


class TyperRecorder:
    """The real typer tree, with every command function replaced by one that records what typer passes it."""

    def __init__(self):
        import typer

        from sinchvoice import tree

        self.leaf, self.root = None, None
        self._patches = contextlib.ExitStack()
        for path, entry in COMMANDS.items():
            self._patch(path, entry)
        original = AppContext.from_options.__func__

        def from_options(cls, env, values, given):
            self.root = ({name: values[name] for name in (param["name"] for param in ROOT)}, given)
            self.root_refused = True  # e.g. --timeout x: the same function refuses it on the fast path
            made = original(cls, env, values, given)
            self.root_refused = False
            return made

        self._patches.enter_context(_patched(AppContext, "from_options", classmethod(from_options)))
        self.command = typer.main.get_command(tree.build_app())

    def _patch(self, path: str, entry: dict) -> None:
        import importlib

        declared = getattr(importlib.import_module(entry["module"]), entry["attribute"])
        function = fastpath._function(entry, path)

        @functools.wraps(function)  # typer reads the signature through __wrapped__
        def record(**kwargs):
            kwargs.pop(entry["context"], None)
            self.leaf = (path, kwargs)

        if hasattr(declared, "function"):
            group = declared
            for name in path.split()[1:-1]:
                group = group.groups[name]
            settings, _ = group.commands[path.split()[-1]]
            self._patches.enter_context(_patched_item(group.commands, path.split()[-1], (settings, record)))
        else:
            module = sys.modules[entry["module"]]
            record.command_settings = function.command_settings
            self._patches.enter_context(_patched(module, entry["attribute"], record))

    def run(self, args: list[str]):
        """(path, command values, root values, given) as typer hands them over (path and values None when the
        root's options were refused by AppContext.from_options), or None if typer refused the command line."""
        self.leaf = self.root = None
        self.root_refused = False
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            with contextlib.suppress(BaseException):
                self.command.main(args=list(args), prog_name="sinchvoice", standalone_mode=False)
        if self.root_refused:
            return None, None, *self.root
        if self.leaf is None:
            return None
        return self.leaf[0], self.leaf[1], *self.root

    def close(self):
        self._patches.close()


@contextlib.contextmanager
def _patched(owner, name, value):
    old = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, old)


@contextlib.contextmanager
def _patched_item(mapping, key, value):
    old = mapping[key]
    mapping[key] = value
    try:
        yield
    finally:
        mapping[key] = old


@contextlib.contextmanager
def environment(values: dict):
    saved = dict(os.environ)
    for name in [name for name in os.environ if name.startswith(("SINCH", "_SINCHVOICE"))]:
        del os.environ[name]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def typer_side():
    recorder = TyperRecorder()
    yield recorder
    recorder.close()


def same_as_typer(typer_side, args: list[str], env: dict) -> None:
    with environment(env):
        expected = typer_side.run(args)
        parsed = fastpath.parse(args, os.environ, ROOT, COMMANDS)
    if parsed is None:
        return  # declined: typer runs it
    assert expected is not None, f"the fast path took what typer refuses: {args} {env}"
    path, values, root, given_names = expected
    assert repr(parsed.root) == repr(root)  # repr: NaN equals NaN, Enum members by name and value
    assert parsed.given == given_names
    if path is not None:  # else both stop at the root's options, in the same function with the same values
        assert parsed.path == path
        assert repr(parsed.values) == repr(values)


# Values around each type's edges: what converts, what click refuses, what only looks like an option.
TEXT = st.sampled_from(["hello", "+46701234567", "-", "-q", "--help", "--", "a=b", "é", "@file", "0", " x ",
                        "\udcff", "", "--text", "-o"])
INT = st.one_of(st.integers(-3, 70_000).map(str), st.sampled_from(["5_0", " 7", "+3", "1e3", "0x10", "x", "", "٣"]),
                st.sampled_from(["-1", "0", "1", "65535", "65536", "100000", "100001"]))  # around every bound
FLOAT = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.sampled_from(["1", "nan", "inf", "-1", "-0.5", "0", "1_0", " 2 ", "x", "", "0.5"]))


def value_of(param: dict) -> st.SearchStrategy:
    if param["type"] == "choice":
        choices = param["choices"]
        return st.one_of(st.sampled_from(choices), st.sampled_from(["", "X", choices[0].upper(), " " + choices[0]]))
    return {"str": TEXT, "int": INT, "float": FLOAT}[param["type"]]


@st.composite
def option_tokens(draw, param: dict) -> list[str]:
    name = draw(st.sampled_from(param["opts"]))
    if param["type"] == "flag":
        return [f"{name}=1"] if name.startswith("--") and draw(st.integers(0, 9)) == 0 else [name]
    value = draw(value_of(param))
    return [f"{name}={value}"] if name.startswith("--") and draw(st.booleans()) else [name, value]


@st.composite
def command_line(draw, path: str) -> tuple[list[str], dict]:
    params = COMMANDS[path]["params"]
    root_options = ROOT
    chunks = []
    for param in params:
        if param["kind"] == "argument":
            for _ in range(draw(st.integers(0, 3 if param.get("multiple") else 1))):
                chunks.append([draw(TEXT)])
        else:
            for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2]) if not param.get("required") else
                                st.sampled_from([0, 1, 1, 1, 1, 2]))):
                chunks.append(draw(option_tokens(param)))
    for _ in range(draw(st.integers(0, 3))):
        chunks.append(draw(option_tokens(draw(st.sampled_from(root_options)))))
    if draw(st.integers(0, 9)) == 0:
        chunks.append([draw(st.sampled_from(["--nope", "-x", "-qv", "--help", "-h", "--version", "--", "extra"]))])
    front = [draw(option_tokens(draw(st.sampled_from(root_options)))) for _ in range(draw(st.integers(0, 2)))]
    args = [token for chunk in front for token in chunk] + path.split()
    args += [token for chunk in draw(st.permutations(chunks)) for token in chunk]
    env = {}
    for param in draw(st.lists(st.sampled_from(ENVVARS), max_size=3, unique_by=lambda p: p["name"])):
        env[param["envvar"]] = draw(value_of(param).filter(lambda v: "\udcff" not in v))
    return args, env


@pytest.mark.parametrize("path", sorted(COMMANDS))
@given(data=st.data())
@_settings(40)
def test_the_fast_path_reads_a_command_line_as_typer_does_or_declines(typer_side, path, data):
    args, env = data.draw(command_line(path))
    same_as_typer(typer_side, args, env)


EXAMPLES = [(" ".join(path), line) for path, command, _ in helptext.walk(__import__("sinchvoice.tree").tree
                                                                         .full_command())
            for line in helptext.examples_of(command) if not hasattr(command, "commands")]


@pytest.mark.parametrize("path, line", EXAMPLES)
def test_every_help_example_runs_on_the_fast_path(typer_side, path, line):
    args = shlex.split(line)[1:]
    with environment({}):
        parsed = fastpath.parse(args, os.environ, ROOT, COMMANDS)
    if path in LEFT_TO_TYPER or "--help" in args:
        assert parsed is None
        return
    assert parsed is not None and parsed.path == path, line
    same_as_typer(typer_side, args, {})


@pytest.mark.parametrize("args, env", [
    (["calls", "get", "ID", "-o", "json"], {}),
    (["-o", "json", "calls", "get", "ID"], {"SINCHVOICE_OUTPUT": "csv"}),
    (["calls", "get", "ID"], {"SINCHVOICE_OUTPUT": "json", "SINCHVOICE_TIMEOUT": "5"}),
    (["callouts", "tts", "--to", "+46701234567", "--to=+46701234568", "--text", "-q", "-q"], {}),
    (["conferences", "mute", "c", "a", "b", "--concurrency=3"], {"SINCHVOICE_REGION": "euc1"}),
    (["sandbox", "--port", "0", "--api-layout", "spec", "--numbers", "10"], {}),
])
def test_typical_command_lines_take_the_fast_path(typer_side, args, env):
    with environment(env):
        assert fastpath.parse(args, os.environ, ROOT, COMMANDS) is not None
    same_as_typer(typer_side, args, env)


@pytest.mark.parametrize("args, env", [
    (["calls", "get", "ID", "--help"], {}),
    (["calls", "get", "ID", "-o", "xml"], {}),  # typer words the error
    (["calls", "get", "ID"], {"SINCHVOICE_OUTPUT": "xml"}),
    (["calls", "get", "ID", "-qv"], {}),
    (["calls", "get", "ID", "-o", "json", "-o", "csv"], {}),  # a repeat: typer decides which wins
    (["calls", "get", "--", "ID"], {}),
    (["calls", "get", ""], {}),
    (["calls", "get", "ID", "--base-url="], {}),
    (["calls", "get", "caf\udce9"], {}),
    (["calls", "get"], {}),
    (["calls", "get", "ID", "extra"], {}),
    (["calls"], {}),
    (["calls", "nope"], {}),
    (["sandbox", "--port", "70000"], {}),
    (["sandbox", "--port", "-1"], {}),  # a lower bound of 0 is one too
    (["signature", "verify", "--path", "/x", "--body", "{}", "--max-skew", "-1"], {}),
    (["callouts", "batch", "people.csv", "--text", "Hi"], {}),  # left to typer: a file-path argument
    (["calls", "get", "ID"], {"_SINCHVOICE_COMPLETE": "bash_complete"}),
])
def test_the_fast_path_leaves_to_typer(args, env):
    with environment(env):
        assert fastpath.parse(args, os.environ, ROOT, COMMANDS) is None


def test_each_command_resolves_to_the_function_typer_calls():
    from sinchvoice import tree

    root = tree.full_command()
    for path, entry in COMMANDS.items():
        command = root
        for name in path.split():
            command = command.get_command(None, name)
        assert command.callback.__wrapped__ is fastpath._function(entry, path), path


def test_the_table_is_that_of_todays_command_tree():
    assert fastpath_gen.main(["--check"]) == 0, "run: python -m sinchvoice.fastpath_gen --write"


def test_a_command_run_by_the_fast_path_and_by_typer_answers_the_same(sandbox, tmp_path):
    """Whole processes: output, errors and exit codes, for a success, an API error and a bad timeout."""
    typer_only = "import sys; from sinchvoice.tree import build_app; build_app()(args=sys.argv[1:], " \
                 "prog_name='sinchvoice')"
    env = {**os.environ, **sandbox.env(), "PYTHONPATH": str(REPO), "SINCHVOICE_CONFIG_DIR": str(tmp_path),
           "SINCHVOICE_NO_HISTORY": "1"}
    for args in (["applications", "numbers", "list", "-o", "json"], ["calls", "get", "nope"],
                 ["calls", "get", "nope", "-o", "json"], ["--timeout", "0", "calls", "get", "x"],
                 ["conferences", "get", "nothing", "-q"]):
        fast = subprocess.run([sys.executable, "-m", "sinchvoice", *args], capture_output=True, text=True,
                              env=env, timeout=60)
        slow = subprocess.run([sys.executable, "-c", typer_only, *args], capture_output=True, text=True,
                              env=env, timeout=60)
        answers = [(run.returncode, run.stdout, re.sub(r'"reference": "[^"]*"', "", run.stderr))
                   for run in (fast, slow)]  # the sandbox gives each error a reference of its own
        assert answers[0] == answers[1], args
