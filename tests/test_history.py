"""The completion history: capped, newest last, atomic, identifiers only, never secrets, switchable off."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from sinchvoice import history
from tests.conftest import SENTINEL_SECRET


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


def test_newest_last_without_duplicates(state):
    history.remember(state, "calls", ["a", "b", "c"])
    history.remember(state, "calls", ["b", "d", "d"])
    assert history.path(state, "calls").read_text() == "a\nc\nb\nd\n"
    assert history.read(state, "calls") == ["a", "c", "b", "d"]


def test_capped_at_the_last_fifty(state):
    history.remember(state, "conferences", [f"conf-{i}" for i in range(60)])
    history.remember(state, "conferences", ["conf-60"])
    kept = history.read(state, "conferences")
    assert kept == [f"conf-{i}" for i in range(11, 61)] and len(kept) == history.CAP == 50


@pytest.mark.parametrize("value", [
    "with space", "quote'd", "$(touch x)", "", "x" * 129, "a\nb", "trailing\n", None, 42])
def test_only_identifiers_are_kept(state, value):
    history.remember(state, "numbers", ["+46700000100", value])
    assert history.read(state, "numbers") == ["+46700000100"]


def test_unknown_kind_is_a_programming_error(state):
    with pytest.raises(ValueError):
        history.remember(state, "secrets", ["x"])


def test_files_are_private_and_no_temp_files_remain(state):
    for i in range(20):
        history.remember(state, "calls", [f"call-{i}"])
    folder = history.path(state, "calls").parent
    assert sorted(p.name for p in folder.iterdir()) == ["calls"]
    assert stat.S_IMODE(history.path(state, "calls").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(state, monkeypatch):
    history.remember(state, "calls", ["old"])

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    history.remember(state, "calls", ["new"])  # best effort: never raises into a command
    assert history.path(state, "calls").read_text() == "old\n"
    assert sorted(p.name for p in history.path(state, "calls").parent.iterdir()) == ["calls"]


def test_a_concurrent_reader_never_sees_a_partial_file(state):
    """Every write replaces a full 50-line file; a reader in a loop must only ever see full files."""
    target = history.path(state, "calls")
    history.remember(state, "calls", [f"id-{i:04d}" for i in range(50)])
    stop, seen = threading.Event(), []

    def read_loop():
        while not stop.is_set():
            text = target.read_text()
            seen.append((len(text.splitlines()), text.endswith("\n")))

    reader = threading.Thread(target=read_loop)
    reader.start()
    try:
        for round_ in range(200):
            history.remember(state, "calls", [f"id-{round_:04d}-{i:02d}" for i in range(50)])
    finally:
        stop.set()
        reader.join()
    assert seen and set(seen) == {(50, True)}


def test_switched_off_writes_nothing(state, monkeypatch):
    monkeypatch.setenv("SINCHVOICE_NO_HISTORY", "1")
    history.remember(state, "calls", ["a"])
    assert not state.exists()


def test_forget_removes_and_writes_only_on_a_change(state):
    history.forget(state, "profiles", ["work"])
    assert not state.exists()
    history.remember(state, "profiles", ["default", "work"])
    history.forget(state, "profiles", ["work"])
    assert history.read(state, "profiles") == ["default"]


def test_foreign_lines_are_ignored_when_reading(state):
    history.path(state, "calls").parent.mkdir(parents=True)
    history.path(state, "calls").write_text("good-1\n$(rm -rf ~)\nhas space\ngood-2\n")
    assert history.read(state, "calls") == ["good-1", "good-2"]
    history.remember(state, "calls", ["good-3"])
    assert history.path(state, "calls").read_text() == "good-1\ngood-2\ngood-3\n"


def login(cli, profile, env=None):
    return cli("-p", profile, "auth", "login", "--key", "aaaa1111-2222-4333-8444-555555555555", "--secret-stdin",
               "--no-verify", input=SENTINEL_SECRET + "\n", env=env)


def test_login_records_the_profile_and_never_the_secret_or_key(cli, tmp_path):
    assert login(cli, "work").exit_code == 0
    assert login(cli, "home").exit_code == 0
    state = tmp_path / "state"
    assert history.read(state, "profiles") == ["work", "home"]
    for path in state.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert SENTINEL_SECRET not in text and "aaaa1111" not in text, path
    assert cli("-p", "work", "auth", "logout").exit_code == 0
    assert history.read(state, "profiles") == ["home"]


def test_login_with_history_off_leaves_no_state(cli, tmp_path):
    assert login(cli, "work", env={"SINCHVOICE_NO_HISTORY": "1"}).exit_code == 0
    assert not (tmp_path / "state").exists()
