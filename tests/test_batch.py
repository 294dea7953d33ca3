"""`callouts batch` against the sandbox: rows, templates, checks before sending, output, asking first, dry runs.

Resuming, unknown outcomes, pacing and interruptions are in test_batch_resume.py; the journal's own rules in
test_batch_journal.py.
"""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.batch_support import CALLOUTS, FAST, FROM, batch, call_ids, events, journal, people, posted, write


def tts(to: str, text: str, **extra) -> dict:
    return {"method": "ttsCallout", "ttsCallout": {"cli": FROM, "destination": {"type": "number", "endpoint": to},
                                                   "text": text, **extra}}


# ---- rows and templates ---------------------------------------------------------------------------------------

def test_one_signed_callout_per_csv_row_with_the_template_filled_in_and_a_table_of_results(cli, sandbox, tmp_path):
    source = write(tmp_path, "people.csv", "to,name,table\n+46701234561,Ann,4\n+46701234562,Bob,7\n")
    result = batch(cli, sandbox, source, "--text", "Hi {name}, table {table} is ready", "--yes", *FAST,
                   "--concurrency", "1")
    assert result.exit_code == 0, result.stderr
    assert posted(sandbox) == [tts("+46701234561", "Hi Ann, table 4 is ready"),
                               tts("+46701234562", "Hi Bob, table 7 is ready")]
    assert {r["auth"] for r in sandbox.requests()} == {"signed"}
    ids = call_ids(sandbox)
    width = len(ids["+46701234561"])
    assert result.stdout == (f"line  to            {'call id'.ljust(width)}  outcome  error\n"
                             f"2     +46701234561  {ids['+46701234561']}  placed\n"
                             f"3     +46701234562  {ids['+46701234562']}  placed\n")
    assert result.stderr == "2 rows: 2 placed\n"  # piped: nothing but the summary


def test_json_lines_rows_bring_their_own_text_caller_id_and_locale(cli, sandbox, tmp_path):
    source = write(tmp_path, "rows.jsonl", '{"to": "+46701234561", "text": "Own words", "from": "+46700000101"}\n'
                                           "\n"
                                           '{"to": "sip:alice@example.com", "locale": "sv-SE", "n": 3}\n'
                                           '{"to": "user:bob", "name": "Bob"}\n')
    result = batch(cli, sandbox, source, "--text", "Default {name}", "--locale", "en-GB", "--yes", *FAST,
                   "--concurrency", "1", "--skip-invalid", "-o", "json")
    assert result.exit_code == 0, result.stderr
    own = tts("+46701234561", "Own words", locale="en-GB")
    own["ttsCallout"]["cli"] = "+46700000101"
    assert posted(sandbox) == [own, {"method": "ttsCallout", "ttsCallout": {
        "cli": FROM, "destination": {"type": "username", "endpoint": "bob"}, "text": "Default Bob",
        "locale": "en-GB"}}]
    shown = json.loads(result.stdout)
    assert [(r["line"], r["to"], r["outcome"]) for r in shown] == [
        (1, "+46701234561", "placed"), (3, "sip:alice@example.com", "invalid"), (4, "user:bob", "placed")]
    assert shown[1]["error"] == {"message": "no value for {name} (used in --text)", "httpStatus": None,
                                 "errorCode": None, "reference": None}
    assert shown[0]["callId"] == call_ids(sandbox)["+46701234561"]


def test_conference_kind_calls_everyone_into_one_bridge_with_the_text_as_greeting(cli, sandbox, tmp_path):
    source = write(tmp_path, "team.csv", "to,conference_id\n+46701234561,\n+46701234562,other\n")
    result = batch(cli, sandbox, source, "--kind", "conference", "--conference-id", "incident", "--text",
                   "Welcome", "--yes", *FAST, "--concurrency", "1", "-q")
    assert result.exit_code == 0, result.stderr
    assert [b["conferenceCallout"] for b in posted(sandbox)] == [
        {"cli": FROM, "destination": {"type": "number", "endpoint": "+46701234561"}, "conferenceId": "incident",
         "greeting": "Welcome"},
        {"cli": FROM, "destination": {"type": "number", "endpoint": "+46701234562"}, "conferenceId": "other",
         "greeting": "Welcome"}]
    ids = call_ids(sandbox)
    assert result.stdout == f"{ids['+46701234561']}\n{ids['+46701234562']}\n"  # -q: the call ids


def test_csv_output_and_rows_from_standard_input(cli, sandbox, tmp_path):
    rows = "to,name\n+46701234561,Ann\n"
    result = batch(cli, sandbox, "-", "--text", "Hi {name}", "--yes", *FAST, "-o", "csv", input=rows)
    assert result.exit_code == 0, result.stderr
    call_id = call_ids(sandbox)["+46701234561"]
    assert result.stdout == f"line,to,callId,outcome,error\n2,+46701234561,{call_id},placed,\n"
    # Without a file to sit beside, the journal lives in the state folder, named after the input's hash.
    (found,) = (tmp_path / "state" / "batches").iterdir()
    assert found.name.endswith(".journal.jsonl") and journal(found)[0]["input"]["name"] == "-"
    again = batch(cli, sandbox, "-", "--text", "Hi {name}", "--yes", *FAST, "-q", input=rows)
    assert (again.exit_code, again.stdout) == (0, f"{call_id}\n")  # the same input resumes: nothing sent again
    assert len(posted(sandbox)) == 1


@pytest.mark.parametrize("text, rows, error, hint", [
    ("Hi {nmae}", "to,name\n+46701234561,Ann\n",
     "--text uses {nmae}, but the file has no 'nmae' column (it has: to, name)",
     "use a column of the file, or add that column"),
    ("Hi {name", "to,name\n+46701234561,Ann\n", "--text: expected '}' before end of string",
     "write {column} for a row's value, and {{ or }} for a brace itself"),
    ("Hi {name!r}", "to,name\n+46701234561,Ann\n", "--text: {name!r} formats a value; only {name} is supported",
     "write {column} for a row's value, and {{ or }} for a brace itself"),
    ("Hi {name}", "to,name\n+46701234561,Ann\n+46701234562,\n", "line 3: name is empty (--text uses {name})",
     "fill in name, or change --text; nothing was sent (--skip-invalid places the good rows)"),
])
def test_template_problems_exit_2_before_anything_is_sent(cli, sandbox, tmp_path, text, rows, error, hint):
    source = write(tmp_path, "people.csv", rows)
    result = batch(cli, sandbox, source, "--text", text, "--yes")
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [f"error: {error}",
                                                                                     f"hint: {hint}"])
    assert sandbox.requests() == [] and not os.path.exists(source + ".journal.jsonl")


def test_braces_doubled_in_a_template_are_braces(cli, sandbox, tmp_path):
    source = write(tmp_path, "people.csv", "to,name\n+46701234561,Ann\n")
    assert batch(cli, sandbox, source, "--text", "{{Hi}} {name}", "--yes", *FAST).exit_code == 0
    assert posted(sandbox)[0]["ttsCallout"]["text"] == "{Hi} Ann"


# ---- every row checked before the first call ------------------------------------------------------------------

AFTER = "nothing was sent (--skip-invalid places the good rows)"


@pytest.mark.parametrize("rows, error, hint", [
    ("to\n+46701234561\n+0701\n", "line 3: to '+0701' is not an E.164 number",
     f"write it with + and the country code, e.g. +46700000000; {AFTER}"),
    ("to\n+46701234561\n0046701234562\n", "line 3: to '0046701234562' is not an E.164 number",
     f"write + instead of the international prefix 00: +46701234562; {AFTER}"),
    ("to,text\n,Hello\n", "line 2: to is empty", f"write it with + and the country code, e.g. +46700000000; {AFTER}"),
    ("to,from\n+46701234561,12345\n", "line 2: from '12345' is not an E.164 number",
     f"write it with + and the country code, e.g. +46700000000; {AFTER}"),
    ("to,text\n+46701234561," + "x" * 601 + "\n", "line 2: text is 601 characters long; text-to-speech allows at most "
     "600", f"shorten it, or split it into several say instructions; {AFTER}"),
    ("to,text\n+46701234561,Hi,extra\n", "line 2: 3 values, but the header has 2 columns",
     f"fix the row, or leave it out; {AFTER}"),
    ("to\n+0701\n+46701234561\n12\n\nabc\n", "line 2: to '+0701' is not an E.164 number",
     f"write it with + and the country code, e.g. +46700000000; 2 more bad rows (lines 4, 6); {AFTER}"),
    ('{"to": "+46701234561", "text": "ok"}\n{"to": NaN, "text": "x"}\n', "line 2: the row: NaN is not JSON",
     f"fix the row, or leave it out; {AFTER}"),
    ('{"to": "+46701234561"}\n["+46701234562"]\n',
     'line 2: a JSON Lines row is an object, e.g. {"to": "+46701234567", "name": "Ann"}',
     f"fix the row, or leave it out; {AFTER}"),
    ('{"to": "+46701234561", "text": "a"}\n{"to": "+46701234562" "text": "b"}\n',
     "line 2: the row: invalid JSON at column 23: Expecting ',' delimiter", f"fix the row, or leave it out; {AFTER}"),
])
def test_a_bad_row_is_exit_2_naming_its_line_with_nothing_sent_and_no_journal(cli, sandbox, tmp_path, rows, error,
                                                                              hint):
    source = write(tmp_path, "rows.txt", rows)
    result = batch(cli, sandbox, source, "--text", "Hello", "--yes")
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [f"error: {error}",
                                                                                     f"hint: {hint}"])
    assert sandbox.requests() == [] and not os.path.exists(source + ".journal.jsonl")


@pytest.mark.parametrize("content, error, hint", [
    ("phone,name\n+46701234561,Ann\n", "line 1: the header has no 'to' column (it has: phone, name)",
     "the first row names the columns; call the destination column 'to'"),
    ("to,name,to\n", "line 1: the header names 'to' twice", "give each column its own name"),
    ("\n\n", "{name} has no rows", "give a CSV file with a header row (to,...) or JSON Lines"),
    ("to,conference_id\n+46701234561,x\n", "line 1: the conference_id column needs --kind conference",
     "add --kind conference, or drop the column"),
])
def test_a_file_that_is_not_a_batch_is_exit_2(cli, sandbox, tmp_path, content, error, hint):
    source = write(tmp_path, "in.csv", content)
    result = batch(cli, sandbox, source, "--text", "Hi", "--yes")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"error: {error.format(name=source)}",
                                                                  f"hint: {hint}"])
    assert sandbox.requests() == []


def test_bytes_that_are_not_utf8_and_endless_lines_name_their_line(cli, sandbox, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_bytes(b"to,name\n+46701234561,Ann\n+46701234562,B\xffb\n")
    result = batch(cli, sandbox, str(source), "--text", "Hi {name}", "--yes")
    assert result.stderr.splitlines()[0] == "error: line 3: not UTF-8 text"
    source.write_bytes(b"to,name\n" + b"+4670" + b"1" * 70000 + b"\n")
    result = batch(cli, sandbox, str(source), "--text", "Hi", "--yes")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2, "error: line 2 is over 64 KiB long; this does not look like a batch of callouts")
    assert sandbox.requests() == []


def test_skip_invalid_reports_the_bad_rows_and_places_the_others(cli, sandbox, tmp_path):
    source = write(tmp_path, "people.csv", "to,name\n+46701234561,Ann\n+0701,Bob\n+46701234563,\n+46701234564,Di\n")
    result = batch(cli, sandbox, source, "--text", "Hi {name}", "--yes", "--skip-invalid", *FAST, "-o", "csv")
    assert result.exit_code == 0, result.stderr
    assert sorted(b["ttsCallout"]["text"] for b in posted(sandbox)) == ["Hi Ann", "Hi Di"]
    lines = result.stdout.splitlines()
    assert lines[2:4] == ["3,+0701,,invalid,to '+0701' is not an E.164 number",
                          "4,+46701234563,,invalid,name is empty (--text uses {name})"]
    assert result.stderr.splitlines() == ["warning: skipping 2 invalid rows (lines 3, 4); see the results",
                                          "4 rows: 2 placed, 2 skipped (2 invalid)"]


def test_the_same_destination_is_called_once_unless_duplicates_are_allowed(cli, sandbox, tmp_path):
    source = write(tmp_path, "people.csv", "to,name\n+46701234561,Ann\n+46701234562,Bob\n"
                                           "+46701234561,Ann again\n")
    result = batch(cli, sandbox, source, "--text", "Hi {name}", "--yes", *FAST, "-o", "csv")
    assert result.exit_code == 0, result.stderr
    assert sorted(b["ttsCallout"]["text"] for b in posted(sandbox)) == ["Hi Ann", "Hi Bob"]
    assert result.stdout.splitlines()[3] == "4,+46701234561,,duplicate,same destination as line 2"
    assert result.stderr.splitlines() == [
        "warning: not calling 1 row whose destination an earlier row has (line 4); --allow-duplicates calls them",
        "3 rows: 2 placed, 1 skipped (1 duplicate)"]
    other = write(tmp_path, "again.csv", "to\n+46701234561\n+46701234561\n")
    result = batch(cli, sandbox, other, "--text", "Hi", "--yes", *FAST, "--allow-duplicates")
    assert result.exit_code == 0 and len(posted(sandbox)) == 4


@pytest.mark.parametrize("args, error, hint", [
    (("--rate", "0"), "--rate 0 is out of range: use 0.01 to 1000 callouts per second", "e.g. --rate 5 (the default)"),
    (("--rate", "nan"), "--rate nan is not a number", "e.g. --rate 5 (the default)"),
    (("--concurrency", "0"), "--concurrency 0 is out of range; use 1 to 256", "e.g. --concurrency 8 (the default)"),
    (("--wait-timeout", "5"), "--wait-timeout only applies with --wait", "add --wait to follow the calls"),
    (("--conference-id", "x"), "--conference-id needs --kind conference",
     "add --kind conference to call everyone into that conference"),
    (("--from", "0701"), "--from '0701' is not an E.164 number", "write it with + and the country code, e.g. "
                                                                 "+46700000000"),
    (("--kind", "conference"), "line 2: no conference id", "pass --conference-id, or add a conference_id column; "
                                                           f"1 more bad row (line 3); {AFTER}"),
])
def test_bad_options_exit_2_before_anything_is_sent(cli, sandbox, tmp_path, args, error, hint):
    source = people(tmp_path, 2)
    result = batch(cli, sandbox, source, "--text", "Hi", "--yes", *args)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"error: {error}", f"hint: {hint}"])
    assert sandbox.requests() == []


def test_a_missing_file_and_a_terminal_on_stdin_are_usage_errors(cli, sandbox, tmp_path):
    result = batch(cli, sandbox, str(tmp_path / "nope.csv"), "--text", "Hi", "--yes")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, f"error: no such file: {tmp_path / 'nope.csv'}")
    result = batch(cli, sandbox, "-", "--text", "-", "--yes", input="to\n+46701234561\n")
    assert result.stderr.splitlines()[0] == "error: the rows and --text cannot both come from standard input"


# ---- asking first, and dry runs -------------------------------------------------------------------------------

def test_off_a_terminal_it_needs_yes_and_sends_nothing_without_it(cli, sandbox, tmp_path):
    source = people(tmp_path, 1000)
    result = batch(cli, sandbox, source, "--text", "Hi {name}")
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [
        "error: refusing to place 1,000 calls from +46700000100 at 5/s, about 3 min 20 s without confirmation",
        "hint: pass --yes to confirm when not on a terminal"])
    assert sandbox.requests() == [] and not os.path.exists(source + ".journal.jsonl")


@pytest.mark.parametrize("answer, code", [("y\n", 0), ("n\n", 1), ("", 130)])
def test_on_a_terminal_it_says_what_it_will_do_and_asks(cli, sandbox, tmp_path, answer, code):
    source = people(tmp_path, 3)
    result = batch(cli, sandbox, source, "--text", "Hi {name}", *FAST, tty=True, input=answer)
    assert result.exit_code == code
    assert result.stderr.startswith("Place 3 calls from +46700000100 at 1000/s, about 1 s? [y/N] ")
    assert len(posted(sandbox)) == (3 if code == 0 else 0)
    assert os.path.exists(source + ".journal.jsonl") is (code == 0)  # declined: no journal left behind


def test_dry_run_prints_the_plan_and_the_first_requests_and_sends_nothing(cli, sandbox, tmp_path):
    source = people(tmp_path, 5)
    result = batch(cli, sandbox, source, "--text", "Hi {name}", "--dry-run")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Would place 5 calls from +46700000100 at 5/s, about 1 s (nothing is sent).\n"
                          f"Journal: {source}.journal.jsonl (not written in a dry run)\n\nline 2:\n"
                          f"POST {sandbox.base_url}/calling/v1/callouts\n")
    assert out.count("POST ") == 3 and '"text": "Hi P2"' in out and "P3" not in out
    assert "authorization: Application 11111111-2222-4333-8444-555555555555:<redacted>" in out
    assert sandbox.requests() == [] and not os.path.exists(source + ".journal.jsonl")


# ---- the journal ----------------------------------------------------------------------------------------------

def test_the_journal_records_each_step_of_each_row_in_order_and_is_private(cli, sandbox, tmp_path):
    source = people(tmp_path, 2)
    result = batch(cli, sandbox, source, "--text", "Hi {name}", "--yes", *FAST, "--concurrency", "1")
    assert result.exit_code == 0, result.stderr
    path = source + ".journal.jsonl"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert events(path) == [("batch",), ("run",), ("intent", 0), ("sending", 0), ("go", 0), ("placed", 0),
                            ("intent", 1), ("sending", 1), ("go", 1), ("placed", 1)]
    records = journal(path)
    header, run = records[0], records[1]
    assert header["input"]["rows"] == 2 and len(header["input"]["sha256"]) == 64
    assert header["request"] == {"kind": "tts", "text": "Hi {name}", "conference_id": None, "caller_id": FROM,
                                 "locale": None, "allow_duplicates": False}
    assert run["pid"] > 0 and "boot" in run
    assert records[2] == {"event": "intent", "row": 0, "line": 2, "to": "+46700000009"}
    ids = call_ids(sandbox)
    assert [r["callId"] for r in records if r["event"] == "placed"] == [ids["+46700000009"], ids["+46700000019"]]


def test_a_custom_journal_path_and_the_sandbox_received_what_the_journal_says(cli, sandbox, tmp_path):
    source = people(tmp_path, 3)
    path = tmp_path / "logs" / "run.jsonl"
    path.parent.mkdir()
    result = batch(cli, sandbox, source, "--text", "Hi", "--yes", *FAST, "--journal", str(path))
    assert result.exit_code == 0, result.stderr
    placed = {r["callId"] for r in journal(path) if r["event"] == "placed"}
    assert placed == set(call_ids(sandbox).values()) and len(placed) == 3
    assert [r["path"] for r in sandbox.requests()] == [CALLOUTS] * 3


def test_without_credentials_it_says_so_before_asking_and_a_finished_batch_needs_none(cli, sandbox, tmp_path):
    source = people(tmp_path, 2)
    no_key = {"SINCH_APPLICATION_KEY": "", "SINCH_APPLICATION_SECRET": ""}
    result = batch(cli, sandbox, source, "--text", "Hi", "--yes", env=no_key)
    assert result.exit_code == 4 and result.stderr.startswith("error: no credentials")
    assert sandbox.requests() == [] and not os.path.exists(source + ".journal.jsonl")
    assert batch(cli, sandbox, source, "--text", "Hi", "--yes", *FAST).exit_code == 0
    again = batch(cli, sandbox, source, "--text", "Hi", env=no_key)  # nothing left to send: nothing to sign
    assert (again.exit_code, again.stderr) == (0, "2 rows: 2 placed (0 in this run)\n")
