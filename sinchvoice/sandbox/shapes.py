"""Response shapes per API layout: the contract's (`spec`) or the running platform's (`live`)."""

from __future__ import annotations

LAYOUTS = ("live", "spec")


def call(info: dict, call, layout: str) -> dict:
    """`info` is State.call_info (the contract's shape). Live: parties are {type, endpoint}; `custom` is there."""
    if layout == "spec":
        return info
    party_from = {"type": "number", "endpoint": call.cli}
    party_to = {"type": call.destination["type"], "endpoint": call.destination["endpoint"]}
    return {**info, "from": party_from, "to": party_to, "custom": call.custom}


def conference(info: dict, layout: str) -> dict:
    """Live: no conferenceId, and each participant's call id is `id`."""
    if layout == "spec":
        return info
    participants = [{"cli": p["cli"], "id": p["callId"], **_rest(p)} for p in info["participants"]]
    return {"participants": participants}


def _rest(participant: dict) -> dict:
    return {k: v for k, v in participant.items() if k not in ("cli", "callId")}

