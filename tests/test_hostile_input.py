"""Hostile input named by the adversarial review: each is one `error:` line, exit 2, and nothing is sent.

Before these checks, each case ended in "unexpected failure ... report it", went silently to the API, read
without bound, or slept forever. The property-based tests (test_fuzz_*.py) look for the ones nobody named.
"""

from __future__ import annotations

import pytest

TO = ("--to", "+46700000100")
FROM = ("--from", "+46700000001")
TTS = ("callouts", "tts", *TO, *FROM, "--text", "Hello")
CONF = ("callouts", "conference", *TO, *FROM, "--conference-id", "standup")
CALL_ID_HINT = "callouts print it; e.g. CALL=$(sinchvoice callouts tts ... -q)"
BIG = "x" * 100_000


CASES = [
    # invalid UTF-8 in an argument reaches Python as lone surrogates (surrogateescape)
    (("calls", "get", "caf\udce9"), "error: argument 3 'caf\\xe9' is not UTF-8 text"),
    ((*TTS[:-1], "\udcff"), "error: argument 8 '\\xff' is not UTF-8 text"),
    (("conferences", "get", "\ud800"), "error: argument 3 '\\ud800' is not UTF-8 text"),
    # numbers: click's float() takes nan and inf, and time.sleep() raises on huge ones
    (("conferences", "get", "c", "--watch", "--interval", "nan"), "error: --interval nan is not a number"),
    (("conferences", "get", "c", "--watch", "--interval", "inf"), "error: --interval inf is not a number"),
    (("conferences", "get", "c", "--watch", "--interval", "1e400"), "error: --interval inf is not a number"),
    (("conferences", "get", "c", "--watch", "--interval", "0.1"),
     "error: --interval 0.1 is out of range: use 0.5 to 3600 seconds"),
    (("conferences", "get", "c", "--watch", "--interval", "1e300"),
     "error: --interval 1e+300 is out of range: use 0.5 to 3600 seconds"),
    ((*TTS, "--wait", "--wait-timeout", "nan"), "error: --wait-timeout nan is not a number"),
    ((*TTS, "--wait", "--wait-timeout", "inf"), "error: --wait-timeout inf is not a number"),
    (("demo", "--speed", "nan"), "error: --speed nan is not a number"),
    (("demo", "--speed", "1e308"), "error: --speed 1e+308 is out of range: use 1 to 1000 times real time"),
    # identifiers: control characters, absurd lengths
    (("calls", "get", "a\x1b[2Jb"), "error: the call id 'a\\x1b[2Jb' has a control character"),
    (("calls", "hangup", "a\nb"), "error: the call id 'a\\nb' has a control character"),
    (("calls", "get", BIG), "error: the call id is 100000 characters long; at most 256 are accepted"),
    (("calls", "say", BIG, "--text", "hi"), "error: the call id is 100000 characters long; at most 256 are accepted"),
    (("conferences", "get", "a\x00b"), "error: the conference id 'a\\x00b' has a control character"),
    (("conferences", "mute", "standup", "a\rb"), "error: the call id 'a\\rb' has a control character"),
    (("conferences", "kick", "standup", BIG, "--yes"),
     "error: the call id is 100000 characters long; at most 256 are accepted"),
    (("applications", "callbacks", "get", "--app", BIG),
     "error: --app is 100000 characters long; at most 256 are accepted"),
    (("applications", "numbers", "list", "--app", "k\x1b]0;pwned\x07"),
     "error: --app 'k\\x1b]0;pwned\\x07' has a control character"),
    # endless files
    ((*TTS[:-1], "@/dev/zero"), "error: --text: /dev/zero is larger than 1 MiB"),
    (("calls", "update", "abc", "--svaml", "@/dev/zero"), "error: --svaml: /dev/zero is larger than 1 MiB"),
    (("applications", "numbers", "assign", "--from-file", "/dev/zero", "--app", "k"),
     "error: --from-file: /dev/zero is larger than 1 MiB"),
    # NaN, Infinity and monster numbers are not JSON: never sent
    (("api", "POST", "/calling/v1/callouts", "--data", '{"method": "ttsCallout", "x": NaN}'),
     "error: --data: NaN is not JSON"),
    (("api", "PATCH", "/calling/v1/calls/id/abc", "--data", "[1e999]"), "error: --data: the number 1e999 is too large"),
    (("calls", "update", "abc", "--svaml", '{"action": {"name": "hangup"}, "instructions": [Infinity]}'),
     "error: --svaml: Infinity is not JSON"),
    (("callouts", "custom", "--ice", '{"action": {"name": "hangup", "n": ' + "7" * 5000 + "}}"),
     "error: --ice: a number has 5000 digits; at most 4300 are accepted"),
    (("api", "POST", "/calling/v1/callouts", "--data", '{"text": "\\udcff"}'),
     "error: --data: the JSON has a lone surrogate escape ('\\udcff'), which is not text"),
    # empty values that used to be dropped silently
    ((*CONF, "--dtmf", ""), "error: --dtmf is empty"),
    ((*TTS, "--locale", ""), "error: --locale is empty"),
    ((*CONF, "--locale", ""), "error: --locale is empty"),
]


@pytest.mark.parametrize(("args", "error"), CASES, ids=lambda v: repr(v)[:60] if isinstance(v, tuple) else None)
def test_hostile_input_is_one_error_line_exit_2_and_nothing_sent(cli, sandbox, args, error):
    result = cli(*args, env=sandbox.env())
    lines = result.stderr.splitlines()
    assert (result.exit_code, lines[0]) == (2, error), result.stderr
    assert [line for line in lines if line.startswith("error:")] == [error]
    assert "unexpected failure" not in result.stderr
    assert sandbox.requests() == []


def test_invalid_utf8_on_stdin_is_refused(cli, sandbox):
    result = cli(*TTS[:-1], "-", input=b"caf\xe9 au lait", env=sandbox.env())
    assert (result.exit_code, result.stderr) == (2, "error: --text: standard input is not UTF-8 text\n"
                                                    "hint: convert it to UTF-8\n")
    assert sandbox.requests() == []


def test_an_argument_that_is_not_utf8_names_the_way_out(cli, sandbox):
    result = cli("calls", "get", "caf\udce9", env=sandbox.env())
    assert result.stderr.splitlines()[1] == ("hint: fix the encoding of the terminal or script (e.g. LANG=C.UTF-8); "
                                             "a file whose name is not UTF-8 can be piped in: - < FILE")


def test_stdin_over_1_mib_is_refused_without_reading_the_rest(cli, sandbox):
    result = cli("applications", "numbers", "assign", "--from-file", "-", "--app", "k",
                 input="+46700000100\n" * 100_000, env=sandbox.env())
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "error: --from-file: standard input is larger than 1 MiB",
        "hint: sinchvoice reads at most 1 MiB from @FILE, --from-file or standard input"])
    assert sandbox.requests() == []


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_max_skew_must_be_a_number(cli, sandbox, value):
    result = cli("signature", "verify", "--path", "/cb", "-H", "authorization: Application k:s", "-H",
                 "x-timestamp: 2024-05-01T12:00:00Z", "--max-skew", value, env=sandbox.env())
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"error: --max-skew {value} is not a number",
        "hint: give seconds, e.g. --max-skew 900, or leave it out to check only the signature"])


@pytest.mark.parametrize("value", ["0.5", "3600"])
def test_interval_bounds_are_accepted(cli, sandbox, value):
    # Checked before the first request: an unknown conference then answers 404 (exit 3), not a usage error.
    result = cli("conferences", "get", "nobody", "--watch", "--interval", value, env=sandbox.env())
    assert result.exit_code == 3, result.stderr
