"""Every table and panel on a terminal of 60, 80 and 120 columns: ids whole, no line wider than the terminal."""

from __future__ import annotations

import re

import pytest

from tests.batch_support import FAST, batch, call_ids, write
from tests.test_conferences import CONF, callout, join

WIDTHS = (60, 80, 120)
APP = "11111111-2222-4333-8444-555555555555"  # the sandbox's application key
SIP = "sip:alice@example.com"


def drawn(cli, sandbox, width: int, *args: str, input: str | None = None):
    result = cli(*args, tty=True, input=input, env={**sandbox.env(), "NO_COLOR": "1", "COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout)


def assert_fits(text: str, width: int, *whole: str) -> None:
    assert [line for line in text.splitlines() if len(line) > width] == []
    for value in whole:
        assert value in text, f"{value} is not shown whole"
    assert "…" not in text


@pytest.fixture
def conference(sandbox):
    """Two numbers and a sip: participant, whose address is the widest cell."""
    ids = join(sandbox, "+46701000011", "+46701000012")
    ids.append(callout(sandbox, "+46701000013"))
    body = {"cli": "+46700000009", "destination": {"type": "sip", "endpoint": SIP}, "conferenceId": CONF}
    with sandbox.client() as client:
        response = client.post("/calling/v1/callouts", json={"method": "conferenceCallout", "conferenceCallout": body})
    ids.append(response.json()["callId"])
    sandbox.advance(3)
    return ids


@pytest.mark.parametrize("width", WIDTHS)
def test_conference_participants_keep_every_call_id_whole(cli, sandbox, conference, width):
    text = drawn(cli, sandbox, width, "conferences", "get", CONF)
    assert_fits(text, width, *conference)


def test_conference_table_at_80_columns_drops_the_held_column_and_names_the_number(cli, sandbox, conference):
    lines = drawn(cli, sandbox, 80, "conferences", "get", CONF).splitlines()
    assert lines[1] == "┃ call id                              ┃ number                ┃ time ┃ muted ┃"
    assert lines[6] == f"│ {conference[3]} │ {SIP} │ 0:01 │ no    │"
    assert lines[-1].rstrip() == "4 participants"


def test_conference_table_at_120_columns_has_every_column(cli, sandbox, conference):
    lines = drawn(cli, sandbox, 120, "conferences", "get", CONF).splitlines()
    assert lines[1] == "┃ call id                              ┃ number                ┃ time ┃ muted ┃ held ┃"


def test_conference_table_at_60_columns_folds_the_address_not_the_id(cli, sandbox, conference):
    lines = drawn(cli, sandbox, 60, "conferences", "get", CONF).splitlines()
    assert lines[1] == "┃ call id                              ┃ number            ┃"
    assert lines[6:8] == [f"│ {conference[3]} │ sip:alice@example │",
                          f"│ {' ' * 36} │ .com              │"]


@pytest.mark.parametrize("width", WIDTHS)
def test_participant_results_keep_call_ids_whole(cli, sandbox, conference, width):
    text = drawn(cli, sandbox, width, "conferences", "mute", CONF, "--all")
    assert_fits(text, width, *conference)


@pytest.mark.parametrize("width", WIDTHS)
def test_numbers_list_keeps_numbers_and_keys_whole(cli, sandbox, width):
    text = drawn(cli, sandbox, width, "applications", "numbers", "list")
    assert_fits(text, width, "+46700000100", "+46700000103", APP)
    assert ("capability" in text) == (width > 60)  # the least useful column goes first
    assert "v…" not in text


def test_an_unassigned_number_reads_the_same_in_list_and_get(cli, sandbox):
    listed = [line for line in drawn(cli, sandbox, 80, "applications", "numbers", "list").splitlines()
              if "+46700000102" in line]
    assert listed == ["│ +46700000102 │ (not assigned)                       │ voice      │"]
    shown = drawn(cli, sandbox, 80, "applications", "numbers", "get", "+46700000102")
    assert "│ application key  (not assigned) │" in shown
    piped = cli("applications", "numbers", "list", "-o", "csv", env=sandbox.env())
    assert "+46700000102,,voice\n" in piped.stdout  # scripts keep the raw, empty value


@pytest.mark.parametrize("width", WIDTHS)
def test_number_results_and_get_keep_numbers_whole(cli, sandbox, width):
    text = drawn(cli, sandbox, width, "applications", "numbers", "assign", "+46700000102", "+46700000103")
    assert_fits(text, width, "+46700000102", "+46700000103")
    assert_fits(drawn(cli, sandbox, width, "applications", "numbers", "get", "+46700000100"), width,
                "+46700000100", APP)


@pytest.mark.parametrize("width", WIDTHS)
def test_callbacks_keep_the_application_key_and_urls_whole(cli, sandbox, width):
    url = "https://callbacks.example.com/sinch/voice/events"
    text = drawn(cli, sandbox, width, "applications", "callbacks", "set", "--primary", url, "--yes")
    assert_fits(text, width)
    assert url in (text if width > 60 else unfolded(text))  # a URL may fold onto the next line, never cut
    text = drawn(cli, sandbox, width, "applications", "callbacks", "get")
    assert_fits(text, width, APP)
    assert url in (text if width > 60 else unfolded(text))


def unfolded(text: str) -> str:
    """The table without borders or spaces: a cell folded over two lines reads as one piece again."""
    return re.sub(r"[\s│]", "", text)


@pytest.mark.parametrize("width", WIDTHS)
def test_calls_get_panel_keeps_the_call_id_whole(cli, sandbox, conference, width):
    text = drawn(cli, sandbox, width, "calls", "get", conference[3])
    assert_fits(text, width, conference[3], SIP)


@pytest.mark.parametrize("width", WIDTHS)
def test_batch_results_keep_call_ids_whole(cli, sandbox, tmp_path, width):
    source = write(tmp_path, "people.csv", f"to\n+46701234561\n{SIP}\n")
    result = batch(cli, sandbox, source, "--text", "Hello", "--yes", *FAST, tty=True,
                   env={"NO_COLOR": "1", "COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout)
    assert_fits(text, width, *call_ids(sandbox).values())
