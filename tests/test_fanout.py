"""--concurrency of the multi-item commands (conference participants, numbers), judged by the sandbox's journal:
when each request arrived (`received`) and was answered (`time`). No assertion on wall time: a busy CI machine may
be slow, but it cannot make requests overlap that were sent one after another, nor the other way round."""

from __future__ import annotations

import json

import pytest

from tests.layouts import PARTICIPANT_ID

CONF = "bridge"
PARTICIPANT = f"/calling/v1/conferences/id/{CONF}/*"
SPEC_NUMBER = "/calling/v1/configuration/numbers/*"


def join(sandbox, count: int) -> list[str]:
    """`count` participants in CONF (placed straight at the sandbox), in the order the conference lists them."""
    with sandbox.client() as client:
        for n in range(count):
            body = {"cli": "+46700000009", "destination": {"type": "number", "endpoint": f"+467020{n:04d}9"},
                    "conferenceId": CONF}
            client.post("/calling/v1/callouts", json={"method": "conferenceCallout",
                                                      "conferenceCallout": body}).raise_for_status()
    sandbox.advance(3)
    return [p[PARTICIPANT_ID[sandbox.layout]] for p in sandbox.state()["conferences"][0]["participants"]]


def entries(sandbox, method: str) -> list[dict]:
    """The journal's requests of METHOD, their ISO `received` and `time` (answered) as seconds, to subtract."""
    return [{**r, "received": seconds(r["received"]), "time": seconds(r["time"])}
            for r in sandbox.requests() if r["method"] == method]


def seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def most_at_once(requests: list[dict]) -> int:
    """The largest number of these requests the sandbox was holding at the same moment."""
    events = sorted([(r["received"], 1) for r in requests] + [(r["time"], -1) for r in requests])
    held = most = 0
    for _, change in events:
        held += change
        most = max(most, held)
    return most


def one_after_another(requests: list[dict]) -> bool:
    ordered = sorted(requests, key=lambda r: r["received"])
    return all(later["received"] >= earlier["time"] for earlier, later in zip(ordered, ordered[1:], strict=False))


def muted(sandbox) -> dict:
    return {p[PARTICIPANT_ID[sandbox.layout]]: p["muted"] for p in sandbox.state()["conferences"][0]["participants"]}


@pytest.mark.parametrize("concurrency", [None, "4"])
def test_mute_all_sends_at_most_n_at_once_and_prints_in_input_order(cli, sandbox, concurrency):
    ids = join(sandbox, 20)
    sandbox.fault(method="PATCH", path=PARTICIPANT, delay=0.2, count=-1)
    args = () if concurrency is None else ("--concurrency", concurrency)
    result = cli("conferences", "mute", CONF, "--all", "-o", "json", *args, env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"callId": x, "outcome": "muted", "detail": ""} for x in ids]
    patches = entries(sandbox, "PATCH")
    assert sorted(r["path"].rsplit("/", 1)[1] for r in patches) == sorted(ids)  # each once
    assert 1 < most_at_once(patches) <= int(concurrency or 8)
    assert all(muted(sandbox).values())


def test_concurrency_1_sends_one_after_another(cli, sandbox):
    ids = join(sandbox, 5)
    sandbox.fault(method="PATCH", path=PARTICIPANT, delay=0.05, count=-1)
    result = cli("conferences", "mute", CONF, *ids[::-1], "--concurrency", "1", "-q", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (0, "".join(f"{x}\n" for x in ids[::-1]))
    patches = entries(sandbox, "PATCH")
    assert one_after_another(patches) and most_at_once(patches) == 1
    assert [r["path"].rsplit("/", 1)[1] for r in patches] == ids[::-1]  # in the order given


def test_a_429_pauses_every_worker_then_the_item_is_sent_again(cli, sandbox):
    ids = join(sandbox, 12)
    limited = ids[5]
    retry_after = 1.5
    sandbox.fault(method="PATCH", path=f"/calling/v1/conferences/id/{CONF}/{limited}", status=429,
                  retryAfter=retry_after, count=1)
    sandbox.fault(method="PATCH", path=PARTICIPANT, delay=0.1, count=-1)
    result = cli("conferences", "unmute", CONF, "--all", "--concurrency", "3", "-o", "json", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"callId": x, "outcome": "unmuted", "detail": ""} for x in ids]
    patches = entries(sandbox, "PATCH")
    assert [r["status"] for r in patches if r["path"].endswith(limited)] == [429, 200]
    answered_429 = next(r["time"] for r in patches if r["status"] == 429)
    # Requests already on their way may still arrive just after the 429 was answered (before the CLI has read it);
    # after that nobody sends until the Retry-After is over: without the shared pause, the other two workers would
    # have sent about 20 requests meanwhile.
    slack = 0.3
    later = [r["received"] - answered_429 for r in patches if r["received"] > answered_429 + slack]
    assert later and min(later) >= retry_after - 0.02
    assert len(entries(sandbox, "PATCH")) == len(ids) + 1
    assert result.sleeps == []  # the pause is the pacer's, shared; no worker slept on its own


def test_a_429_that_does_not_end_is_the_items_temporary_failure(cli, sandbox):
    ids = join(sandbox, 3)
    sandbox.fault(method="PATCH", path=f"/calling/v1/conferences/id/{CONF}/{ids[1]}", status=429, retryAfter=0,
                  count=-1)
    result = cli("conferences", "mute", CONF, *ids, "-o", "json", env=sandbox.env())
    assert result.exit_code == 75
    items = json.loads(result.stdout)
    assert [(i["callId"], i["outcome"]) for i in items] == [(ids[0], "muted"), (ids[1], "error"), (ids[2], "muted")]
    assert items[1]["detail"] == "Injected fault (HTTP 429) after 4 attempts"
    assert [r["status"] for r in entries(sandbox, "PATCH") if r["path"].endswith(ids[1])] == [429] * 4


def test_one_failure_among_many_keeps_the_batch_rule_and_the_others_are_done(cli, sandbox):
    ids = join(sandbox, 10)
    sandbox.fault(method="PATCH", path=f"/calling/v1/conferences/id/{CONF}/{ids[3]}", status=400, count=1)
    result = cli("conferences", "mute", CONF, "--all", "-o", "csv", env=sandbox.env())
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["callId,outcome,detail"] + [
        f"{x},error,Injected fault (HTTP 400) (errorCode 40000)" if x == ids[3] else f"{x},muted,"
        for x in ids]
    assert result.stderr.splitlines()[0] == "error: 1 of 10 participants failed; the other 9 were done"
    assert muted(sandbox) == {x: x != ids[3] for x in ids}


@pytest.mark.parametrize("value", ["0", "65", "-1"])
def test_concurrency_out_of_range_is_a_usage_error_and_sends_nothing(cli, sandbox, value):
    for args in (("conferences", "mute", CONF, "--all"), ("applications", "numbers", "unassign", "+46700000100",
                                                         "--yes")):
        result = cli(*args, "--concurrency", value, env=sandbox.env())
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (f"error: --concurrency {value} is out of range; use 1 to 64\n"
                                 "hint: e.g. --concurrency 8 (the default); 1 sends one at a time\n")
    assert sandbox.requests() == []


@pytest.mark.parametrize("concurrency", ["1", "8"])
def test_number_batches_send_concurrently_in_the_contracts_layout(cli, sandbox_spec, concurrency):
    sandbox = sandbox_spec
    sandbox.fault(method="DELETE", path=SPEC_NUMBER, delay=0.2, count=-1)
    numbers = ["+46700000103", "+46700000100", "+46700000102", "+46700000101"]
    result = cli("applications", "numbers", "unassign", *numbers, "--yes", "-o", "csv", "--concurrency", concurrency,
                 env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["number,outcome,detail", "+46700000103,unassigned,",
                                          "+46700000100,unassigned,", "+46700000102,unchanged,not assigned",
                                          "+46700000101,unassigned,"]
    deletes = entries(sandbox, "DELETE")
    assert len(deletes) == 3
    if concurrency == "1":
        assert one_after_another(sandbox.requests())
    else:
        assert most_at_once(deletes) > 1


def test_dry_run_prints_every_request_in_order_and_sends_none(cli, sandbox):
    ids = join(sandbox, 4)
    mark = len(sandbox.requests())
    result = cli("conferences", "mute", CONF, *ids, "--dry-run", env=sandbox.env())
    assert result.exit_code == 0
    assert [line.rsplit("/", 1)[1] for line in result.stdout.splitlines() if line.startswith("PATCH ")] == ids
    assert sandbox.requests()[mark:] == []
