"""Shared hypothesis settings and strategies for the property tests (test_fuzz_*.py): hostile text and numbers.

Derandomized (the same examples on every run and machine), no deadline (a loaded 2-core CI box is slow, not
wrong) and no example database (nothing written into the work tree).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FAST = settings(derandomize=True, deadline=None, database=None, max_examples=200)
# Each example of the command-line properties runs the real CLI against the sandbox (tens of ms each).
CLI = settings(derandomize=True, deadline=None, database=None, max_examples=40,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Values the adversarial review used, and the shapes around them: encodings, control characters, path tricks,
# numbers json.loads and float() take but nothing else should, files that never end, rich markup.
HOSTILE = [
    "", " ", "\t", "-", "@", "@ ", "@/dev/zero", "@/nonexistent/x", "@/", "@~", "--", "-q", "--help",
    "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-300", "-1", "0", "0.1", "0.5", "3600.1", "1e308",
    "9" * 4301, "." , "..", "/", "//", "%2F", "%00", "a/b", "?x=1", "#x", "a b",
    "\x1b[2J", "\x1b]0;title\x07", "a\nb", "\r\n", "\x00", "\x7f", "\x85", "\u2028", "\u202etxt.exe",
    "\udcff", "caf\udce9", "\ud800", "\U0001f600", "x" * 100_000, "[/]", "[red]x[/red]", "${HOME}",
    "null", "true", "{}", "[]", "{", '"x"', '{"a": NaN}', "[1e999]", '"\\ud800"', "[" * 2000,
    '{"action": {"name": "hangup"}}', '{"instructions": [{"name": "say", "text": "hi"}], "action": {"name": "park"}}',
    '{"action": {"name": "hangup", "x": -Infinity}}', '{"action": {"name": "connectConf", "conferenceId": "c"}}',
    "+46700000100", "+46700000102", "0046700000100", "+0", "+1234567890123456", "sip:alice@example.com",
    "sip:@", "user:alice", "user:", "did:+46700000100", "did:", "en-US", "en-us", "Joanna", "1w2#*", "w",
    "https://example.com/a.wav", "http://127.0.0.1:1/x", "http://example.com/x", "https://", "ftp://x/y",
    "2024-05-01T12:00:00Z", "2024-05-01T12:00:00", "0001-01-01T00:00:00+23:59",
]
# Every character, lone surrogates and controls included (hypothesis leaves out surrogates by default).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
text = st.one_of(st.sampled_from(HOSTILE), st.text(ANY_CHAR, max_size=40),
                 st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(ANY_CHAR, max_size=8)))
number = st.one_of(st.sampled_from(["nan", "inf", "-inf", "1e400", "1e-300", "0", "-0", "0.49", "0.5", "2",
                                    "3600", "3601", "14400", "14401", "1e308", "9" * 5000, "1_0", "0x10", ""]),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str))
stdin = st.one_of(st.none(), st.binary(max_size=40),
                  st.sampled_from([b"caf\xe9", b"\xff\xfe{\x00}", b'{"a": NaN}', b"\xef\xbb\xbf+46700000100\n",
                                   b"+46700000100\r\n+46700000101\n", b"\x00" * 10, b"[" * 3000]))
