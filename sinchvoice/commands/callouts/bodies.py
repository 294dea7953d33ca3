"""The fields of a callout's body, checked: parties, conference id, duration, optional fields."""

from __future__ import annotations

from sinchvoice import svaml
from sinchvoice.errors import UsageError
from sinchvoice.limits import MAX_CONFERENCE_ID, MAX_DURATION

INLINE_ICE_HINT = ('leave out --to and --from: the ICE\'s action names the callee and caller ID, e.g. {"action": '
                   '{"name": "connectPstn", "number": "+46700000000", "cli": "+46700000100"}}; or give --ice as a URL')


def custom_parties(app_ctx, to: str | None, caller_id: str | None, ice: str | None) -> dict:
    """Inline ICE on the platform calls whom its SVAML says; otherwise the callout names the callee and caller ID."""
    inline = ice is not None and not svaml.is_url(ice)
    if inline and app_ctx.layout.inline_ice_calls_alone:
        typed = [flag for flag, value in (("--to", to), ("--from", caller_id)) if value is not None]
        if typed:
            raise UsageError(f"{' and '.join(typed)} cannot go with inline ICE SVAML: the SVAML says whom to call",
                             hint=INLINE_ICE_HINT)
        return {}
    if to is None:
        unless = " (or inline ICE SVAML that says whom to call)" if app_ctx.layout.inline_ice_calls_alone else ""
        raise UsageError(f"a custom callout needs --to{unless}",
                         hint=f"e.g. --to +46700000000 --ice '{svaml.SKELETON}'")
    body = parties(app_ctx, to, caller_id)
    if ice is None and not app_ctx.layout.inline_ice_calls_alone:  # the contract requires it
        raise UsageError("a custom callout needs --ice", hint=f"e.g. --ice '{svaml.SKELETON}', or --ice @ice.json")
    return body


def custom_data(value: str | None) -> str | None:
    from sinchvoice.inputs import is_text

    if value is not None and not is_text(value):
        raise UsageError("--custom is not valid UTF-8 text", hint="check the terminal's encoding")
    return value


def parties(app_ctx, to: str, caller_id: str | None) -> dict:
    from sinchvoice.destinations import parse_destination

    destination = parse_destination(to)
    return {"cli": app_ctx.caller_id(caller_id), "destination": destination}


def add_given(body: dict, **values) -> None:
    """Add the optional fields that were given; a flag that is off is left out rather than sent as false."""
    body.update({key: value for key, value in values.items() if value is not None and value is not False})


def checked(check, value: str | None) -> str | None:
    # `value and check(value)` skipped the check for "" and dropped the option silently.
    return None if value is None else check(value)


def conference_id(value: str) -> str:
    if not value.strip():
        raise UsageError("--conference-id is empty", hint="name the conference, e.g. --conference-id standup")
    if len(value) > MAX_CONFERENCE_ID:
        raise UsageError(f"--conference-id is {len(value)} characters long; at most {MAX_CONFERENCE_ID} are allowed",
                         hint="use a shorter conference id")
    return value


def max_duration(seconds: int | None) -> int | None:
    if seconds is not None and not 1 <= seconds <= MAX_DURATION:
        raise UsageError(f"--max-duration {seconds} is out of range; use 1 to {MAX_DURATION} seconds (4 hours)")
    return seconds
