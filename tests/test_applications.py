"""applications numbers list/get and callbacks get/set against the sandbox: every output mode, URL rules, safety."""

import json

import pytest

from tests.layouts import CALLBACKS, KEY, NUMBERS, number_read, seeded


@pytest.fixture
def sandbox(any_sandbox):
    """Every test here runs in both layouts: the live one (the default) and the contract's."""
    return any_sandbox


def run(cli, sandbox, *args, **kwargs):
    return sandbox.run(cli, "applications", *args, **kwargs)


def journal(sandbox):
    return [(r["method"], r["path"], r["body"]) for r in sandbox.requests()]


# ---- numbers list ----------------------------------------------------------------------------------------

def test_list_table_is_plain_when_piped(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "number        application key                       capability",
        f"+46700000100  {KEY}  voice",
        f"+46700000101  {KEY}  voice",
        "+46700000102  (not assigned)                        voice",
        f"+46700000103  {KEY}  sms",
        "4 numbers",
    ]
    assert result.stderr == ""
    assert journal(sandbox) == [("GET", NUMBERS[sandbox.layout], None)]


def test_list_table_on_a_terminal_is_drawn_by_rich(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list", tty=True)
    assert result.exit_code == 0
    assert result.stdout.startswith("┏━")
    assert "+46700000103" in result.stdout and "4 numbers" in result.stdout


def test_list_json_is_the_api_body(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list", "-o", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"numbers": seeded(sandbox.layout)}


def test_list_csv_header_uses_the_api_field_names(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list", "-o", "csv")
    assert result.stdout == (
        "number,applicationKey,capability\n"
        f"+46700000100,{KEY},voice\n+46700000101,{KEY},voice\n+46700000102,,voice\n+46700000103,{KEY},sms\n"
    )


def test_list_quiet_prints_numbers_only(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list", "-q")
    assert result.stdout == "+46700000100\n+46700000101\n+46700000102\n+46700000103\n"


@pytest.mark.parametrize("filters, expected", [
    (["--capability", "voice"], ["+46700000100", "+46700000101", "+46700000102"]),
    (["--capability", "sms"], ["+46700000103"]),
    (["--app", KEY], ["+46700000100", "+46700000101", "+46700000103"]),
    (["--app", KEY.upper(), "--capability", "voice"], ["+46700000100", "+46700000101"]),
    (["--app", "someone-else"], []),
])
def test_list_filters_are_local_and_json_keeps_the_shape(cli, sandbox, filters, expected):
    quiet = run(cli, sandbox, "numbers", "list", "-q", *filters)
    assert quiet.stdout.split() == expected
    body = json.loads(run(cli, sandbox, "numbers", "list", "-o", "json", *filters).stdout)
    assert body == {"numbers": [n for n in seeded(sandbox.layout) if n["number"] in expected]}
    # filtering happens here: the API was asked for everything, without a query
    assert {(r["method"], r["path"], r["query"]) for r in sandbox.requests()} == {("GET", NUMBERS[sandbox.layout], "")}


def test_list_with_no_match_says_so_in_the_footer(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list", "--app", "nobody")
    assert result.stdout.splitlines() == ["number  application key  capability", "0 numbers"]


def test_list_bad_capability_is_a_usage_error(cli, sandbox):
    result = run(cli, sandbox, "numbers", "list", "--capability", "fax")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: invalid value for '--capability': 'fax' is not one of 'voice', 'sms'")
    assert sandbox.requests() == []


def test_list_remembers_numbers_for_completion(cli, sandbox, tmp_path):
    run(cli, sandbox, "numbers", "list", "--capability", "sms")
    history = (tmp_path / "state" / "history" / "numbers").read_text().split()
    assert history == ["+46700000100", "+46700000101", "+46700000102", "+46700000103"]


# ---- numbers get -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, expected", [
    ([], "Number +46700000102\nnumber           +46700000102\napplication key  (not assigned)\n"
         "capability       voice\n"),
    (["-q"], "+46700000102\n"),
    (["-o", "csv"], "number,applicationKey,capability\n+46700000102,,voice\n"),
    (["-o", "json"], json.dumps({"number": "+46700000102", "capability": "voice"}, indent=2) + "\n"),
])
def test_get_output_modes(cli, sandbox, mode, expected):
    result = run(cli, sandbox, "numbers", "get", "+46700000102", *mode)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert journal(sandbox) == [number_read(sandbox.layout, "+46700000102")]


def test_get_assigned_number_panel(cli, sandbox):
    result = run(cli, sandbox, "numbers", "get", "+46700000103")
    assert result.stdout.splitlines()[2] == f"application key  {KEY}"


def test_get_unknown_number_exits_3(cli, sandbox):
    result = run(cli, sandbox, "numbers", "get", "+46799999999")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == ["error: number +46799999999 not found",
                                          "hint: see `sinchvoice applications numbers list`"]


def test_get_checks_e164_before_sending(cli, sandbox):
    result = run(cli, sandbox, "numbers", "get", "0046700000102")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: number '0046700000102' is not an E.164 number",
                                          "hint: write + instead of the international prefix 00: +46700000102"]
    assert sandbox.requests() == []


# ---- callbacks -------------------------------------------------------------------------------------------

def test_callbacks_round_trip(cli, sandbox):
    empty = run(cli, sandbox, "callbacks", "get")
    assert empty.stdout.splitlines() == [f"Callbacks of application {KEY}", "primary   (none)", "fallback  (none)"]

    first = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/a",
                "--fallback", "https://example.com/b", "--yes")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines() == ["callback  old     new", "primary   (none)  https://example.com/a",
                                         "fallback  (none)  https://example.com/b"]
    second = run(cli, sandbox, "callbacks", "set", "--primary", "http://127.0.0.1:8800/", "--yes", "-o", "json")
    assert json.loads(second.stdout) == {
        "old": {"url": {"primary": "https://example.com/a", "fallback": "https://example.com/b"}},
        "new": {"url": {"primary": "http://127.0.0.1:8800/", "fallback": "https://example.com/b"}},
    }
    assert sandbox.state()["callbacks"] == {"url": {"primary": "http://127.0.0.1:8800/",
                                                    "fallback": "https://example.com/b"}}
    got = run(cli, sandbox, "callbacks", "get", "-o", "json")
    assert json.loads(got.stdout) == sandbox.state()["callbacks"]
    assert run(cli, sandbox, "callbacks", "get", "-q").stdout == "http://127.0.0.1:8800/\n"
    assert run(cli, sandbox, "callbacks", "get", "-o", "csv").stdout == (
        "primary,fallback\nhttp://127.0.0.1:8800/,https://example.com/b\n")
    # each set reads, writes, then reads back what the API now holds
    each_set = ["GET", "POST", "GET"]
    assert [m for m, p, _ in journal(sandbox)] == ["GET", *each_set, *each_set, "GET", "GET", "GET"]
    assert {p for _, p, _ in journal(sandbox)} == {CALLBACKS[sandbox.layout]}


def test_callbacks_set_csv_has_raw_values(cli, sandbox):
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/a", "-y", "-o", "csv")
    assert (result.exit_code, result.stdout) == (0, "callback,old,new\nprimary,,https://example.com/a\nfallback,,\n")


def test_callbacks_empty_fallback_clears_it(cli, sandbox):
    run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/a", "--fallback", "https://b.example", "-y")
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/a", "--fallback", "", "-y")
    assert result.stdout.splitlines()[-1] == "fallback  https://b.example      (none)"
    assert sandbox.state()["callbacks"] == {"url": {"primary": "https://example.com/a"}}
    assert sandbox.requests()[-2]["body"] == {"url": {"primary": "https://example.com/a", "fallback": ""}}


def test_callbacks_set_shows_what_the_api_holds_after_the_write(cli, sandbox):
    """The new values are read back (GET after the POST), not merged locally from what was sent."""
    run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/a", "--fallback", "https://b.example", "-y")
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/c", "-y", "-o", "json")
    assert result.exit_code == 0, result.stderr
    read_back = sandbox.requests()[-1]
    assert (read_back["method"], read_back["path"]) == ("GET", CALLBACKS[sandbox.layout])
    assert json.loads(result.stdout)["new"] == sandbox.state()["callbacks"] == {
        "url": {"primary": "https://example.com/c", "fallback": "https://b.example"}}


@pytest.mark.parametrize("url, accepted", [
    ("https://example.com/sinch", True),
    ("http://127.0.0.1:8800/", True),
    ("http://localhost/cb", True),
    ("http://[::1]:9000/cb", True),
    ("ftp://example.com/cb", False),
    ("/relative/path", False),
    ("example.com/cb", False),
    ("http://example.com/cb", False),
    ("https://", False),
    ("https://exa mple.com/", False),
    ("https://example.com:port/", False),
])
def test_callback_url_rules(cli, sandbox, url, accepted):
    result = run(cli, sandbox, "callbacks", "set", "--primary", url, "--yes")
    if accepted:
        assert result.exit_code == 0, result.stderr
        assert sandbox.state()["callbacks"]["url"]["primary"] == url
        return
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --primary ")
    assert sandbox.requests() == []


def test_callback_fallback_is_checked_too(cli, sandbox):
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://a.example", "--fallback", "http://b.example",
                 "--yes")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: --fallback 'http://b.example' uses http:// on a non-loopback host"
    assert sandbox.requests() == []


def test_callbacks_set_without_a_terminal_needs_yes_and_sends_nothing_not_even_the_read(cli, sandbox):
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/cb")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: refusing to change the callback URLs of application {KEY} without confirmation",
        "hint: pass --yes to confirm when not on a terminal"]
    assert sandbox.requests() == []


@pytest.mark.parametrize("answer, exit_code, methods", [
    ("y\n", 0, ["GET", "POST", "GET"]),
    ("n\n", 1, ["GET"]),  # read to show the change, nothing written
])
def test_callbacks_set_on_a_terminal_shows_old_and_new_before_asking(cli, sandbox, answer, exit_code, methods):
    run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/a", "--fallback", "https://b.example", "-y")
    sandbox_before, already = sandbox.state()["callbacks"], len(sandbox.requests())
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/cb", "--fallback", "",
                 tty=True, input=answer)
    assert result.exit_code == exit_code
    assert result.stderr.splitlines()[:3] == [
        "primary   https://example.com/a → https://example.com/cb",
        "fallback  https://b.example → (none)",
        f"Change the callback URLs of application {KEY}? [y/N] " + ("" if exit_code == 0 else "error: cancelled; "
                                                                                           "nothing was changed"),
    ]
    assert [r["method"] for r in sandbox.requests()[already:]] == methods
    expected = {"url": {"primary": "https://example.com/cb"}} if exit_code == 0 else sandbox_before
    assert sandbox.state()["callbacks"] == expected


def test_callbacks_set_on_a_terminal_with_yes_asks_nothing(cli, sandbox):
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/cb", "--yes", tty=True)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert sandbox.state()["callbacks"] == {"url": {"primary": "https://example.com/cb"}}


def test_callbacks_set_dry_run_sends_nothing(cli, sandbox):
    result = run(cli, sandbox, "callbacks", "set", "--primary", "https://example.com/cb", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"POST {sandbox.base_url}{CALLBACKS[sandbox.layout]}\n")
    assert '"primary": "https://example.com/cb"' in result.stdout
    assert sandbox.requests() == []


def test_callbacks_of_an_unknown_application_exit_3(cli, sandbox):
    result = run(cli, sandbox, "callbacks", "get", "--app", "00000000-0000-4000-8000-000000000000")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == "error: application 00000000-0000-4000-8000-000000000000 not found"


# ---- --app must not be empty -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["numbers", "list"],
    ["numbers", "assign", "+46700000102"],
    ["callbacks", "get"],
    ["callbacks", "set", "--primary", "https://example.com/cb", "--yes"],
])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_app_is_a_usage_error_not_the_default_key(cli, sandbox, args, value):
    result = run(cli, sandbox, *args, "--app", value)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: --app is empty", (
        "hint: give an application key, or omit --app for the profile's key (sinchvoice auth status)" if value else
        # '' is refused for every option alike, before the command runs (tests/test_empty_values.py)
        "hint: give --app a value or leave the option out (an unset shell variable expands to nothing)")]
    assert result.stdout == ""
    assert sandbox.requests() == []
