"""Shared hypothesis settings and strategies for the property tests (test_fuzz_*.py): hostile text and numbers.

Derandomized (the same examples on every run and machine), no deadline (a loaded 2-core CI box is slow, not
wrong) and no example database (nothing written into the work tree). To hunt for new failures, run them with
SINCHVOICE_FUZZ_EXAMPLES=2000: that many random examples per test, different on every run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_HUNT = int(os.environ.get("SINCHVOICE_FUZZ_EXAMPLES") or 0)


def _settings(examples: int, *suppress: HealthCheck) -> settings:
    # too_slow and data_too_large judge the machine's speed, which a loaded CI box must not fail a test on.
    return settings(derandomize=not _HUNT, deadline=None, database=None, max_examples=_HUNT or examples,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, *suppress])


FAST = _settings(200)
# For parsers that take microseconds: deeper searches, e.g. a surrogate after `user:`.
MANY = _settings(1500)
# Each example of the command-line properties runs the real CLI against the sandbox (tens of ms each); the
# test resets the sandbox itself for every example, so the function-scoped fixtures are safe to share.
CLI = _settings(40, HealthCheck.function_scoped_fixture)

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
_short = st.text(ANY_CHAR, max_size=8)


def _around(middle: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(lambda a, m, b: a + m + b, _short, middle, _short)


# One strategy per kind of trouble, so that each is drawn often, wherever it lands.
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(ANY_CHAR, max_size=40),
    _around(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),  # bytes that were not UTF-8
    _around(st.characters(codec=None, categories=["Cc", "Cf", "Zl", "Zp"])),  # controls, bidi, separators
    st.integers(min_value=1000, max_value=120_000).map(lambda n: "x" * n),  # ids and paths far too long
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), _short),
)
number = st.one_of(st.sampled_from(["nan", "inf", "-inf", "1e400", "1e-300", "0", "-0", "0.49", "0.5", "2",
                                    "3600", "3601", "14400", "14401", "1e308", "9" * 5000, "1_0", "0x10", ""]),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str))
stdin = st.one_of(st.none(), st.binary(max_size=40),
                  st.sampled_from([b"caf\xe9", b"\xff\xfe{\x00}", b'{"a": NaN}', b"\xef\xbb\xbf+46700000100\n",
                                   b"+46700000100\r\n+46700000101\n", b"\x00" * 10, b"[" * 3000]))
