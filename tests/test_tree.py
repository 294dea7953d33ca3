"""The layout's rules: areas load lazily, no import cycle, areas never import each other, docs/architecture.md
names what exists."""

import ast
import json
import re
import subprocess
import sys

import pytest
import typer

from sinchvoice import tree
from tests.conftest import ROOT
from tests.sandbox_support import callout, tts

PACKAGE = ROOT / "sinchvoice"
AREAS_ON_DISK = sorted(p.name for p in (PACKAGE / "commands").iterdir() if (p / "__init__.py").exists())


def command_modules_loaded(*args: str, env: dict | None = None) -> tuple[int, list[str]]:
    """Run the CLI in a fresh interpreter; the sinchvoice.commands modules it imported, and its exit code."""
    code = ("import json, sys; from sinchvoice.cli import main; code = main(sys.argv[1:]); "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('sinchvoice.commands'))), "
            "file=sys.stderr); sys.exit(code)")
    import os

    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return result.returncode, json.loads(result.stderr.strip().splitlines()[-1])


def test_root_help_imports_no_command_module():
    code, loaded = command_modules_loaded("--help")
    assert code == 0
    assert loaded == []


def test_a_command_imports_its_own_area_only(sandbox):
    with sandbox.client() as client:
        call_id = callout(client, tts(text="Hello"))
    code, loaded = command_modules_loaded("calls", "get", call_id, "-o", "json", env=sandbox.env())
    assert code == 0
    assert {name.split(".")[2] for name in loaded if name.count(".") >= 2} == {"calls"}
    assert [r["path"] for r in sandbox.requests()][-1] == f"/calling/v1/calls/id/{call_id}"


def test_the_tree_knows_every_area_and_says_what_each_does_as_the_area_itself_does():
    assert sorted(tree.AREAS) == AREAS_ON_DISK
    for name, (_, _, text) in tree.AREAS.items():
        assert tree.load_area(name, tree.full_command()).get_short_help_str(200) == text, name


def test_the_full_tree_has_every_area_loaded_and_leaf_help_mentions_the_global_options():
    command = tree.full_command()
    assert list(command.commands) == list(tree.AREAS)
    assert "Global options work here too" in command.commands["calls"].commands["get"].epilog
    assert "Global options work here too" in command.commands["api"].epilog
    assert typer.main.get_command(tree.build_app()).get_command(None, "nonsense") is None


def imports_of(path) -> set[str]:
    """Every sinchvoice module a file imports, at module level or inside a function."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = package.removesuffix(".__init__") if path.name == "__init__.py" else package.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
    return {name for name in found if name.startswith("sinchvoice")}


def module_graph() -> dict[str, set[str]]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {name: {m for m in imports_of(path) if m in names and m != name} for name, path in names.items()}


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(name, trail):
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                return trail[trail.index(other):] + [other]
            if other not in state and (found := visit(other, trail + [other])):
                return found
        state[name] = 2
        return None

    return next((found for name in sorted(graph) if name not in state and (found := visit(name, [name]))), None)


def test_cycle_finder_finds_a_cycle():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_sinchvoice_modules():
    assert cycle_in(module_graph()) is None


# What may import the command tree: the entry point, the tree itself, and the generators reading it.
ABOVE_THE_TREE = ("sinchvoice.cli", "sinchvoice.__main__", "sinchvoice.tree", "sinchvoice.completion_gen",
                  "sinchvoice.docs_gen", "sinchvoice.help_gen", "sinchvoice.fastpath", "sinchvoice.fastpath_gen")


def test_areas_never_import_each_other_and_the_library_never_imports_commands():
    for name, imported in module_graph().items():
        area = name.split(".")[2] if name.startswith("sinchvoice.commands.") else None
        for other in imported:
            if other.startswith("sinchvoice.commands."):
                assert area == other.split(".")[2], f"{name} imports {other}"
            if not name.startswith(("sinchvoice.commands", *ABOVE_THE_TREE)):
                assert not other.startswith(("sinchvoice.commands", "sinchvoice.tree")), f"{name} imports {other}"


@pytest.mark.parametrize("named", sorted(set(re.findall(r"`(sinchvoice/[\w/.]+)`",
                                                        (ROOT / "docs" / "architecture.md").read_text()))))
def test_what_docs_architecture_names_exists(named):
    assert (ROOT / named.rstrip("/")).exists(), named
