"""VoiceClient: one method per operation; the API's paths and bodies, in both layouts, live here and nowhere else.

Two layouts (live-platform.md): `live`, what the running Sinch platform serves (configuration on its own host,
under /v1/), and `spec`, the contract file's paths and bodies. Commands call the same methods whichever is in use
and ask `client.layout` only what exists on it (a call-leg operation, music on hold, batched assignment).
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import quote

from sinchvoice.errors import NotFoundError, UsageError, reworded

CALLOUTS = "/calling/v1/callouts"
CALL = "/calling/v1/calls/id/{call_id}"
CALL_LEG = "/calling/v1/calls/id/{call_id}/leg/{leg}"
CONFERENCE = "/calling/v1/conferences/id/{conference_id}"
PARTICIPANT = "/calling/v1/conferences/id/{conference_id}/{call_id}"

# Which fields each callout method's body may carry, per layout (the contract's schemas; live-platform.md).
_EVENTS = {"enableAce", "enableDice"}
SPEC_CALLOUT_FIELDS = {
    "ttsCallout": frozenset({"cli", "destination", "text", "locale", *_EVENTS}),
    "conferenceCallout": frozenset({"cli", "destination", "conferenceId", "dtmf", "maxDuration", "enablePie", "locale",
                                    "greeting", "mohClass", *_EVENTS}),
    "customCallout": frozenset({"cli", "destination", "ice", "ace", "pie"}),
}
LIVE_CALLOUT_FIELDS = {
    "ttsCallout": frozenset({"cli", "destination", "dtmf", "domain", "custom", "locale", "text", "prompts",
                             "enablePie", *_EVENTS}),
    "conferenceCallout": frozenset({*SPEC_CALLOUT_FIELDS["conferenceCallout"], "conferenceDtmfOptions", "custom",
                                    "domain"}),
    "customCallout": frozenset({"cli", "destination", "dtmf", "custom", "maxDuration", "ice", "ace", "pie"}),
}


class Layout(NamedTuple):
    """Everything that differs between the two layouts, as data; VoiceClient reads it, commands may ask it."""

    name: str
    numbers: str  # the number list (live: also where numbers are assigned and unassigned)
    number: str | None  # the contract's per-number resource; the platform has none ("get one" = the list filtered)
    callbacks: str
    key_field: str  # how a number's application key is spelled in request bodies
    numbers_per_request: int  # how many numbers one assignment request carries
    call_legs: bool  # PATCH .../calls/id/{callId}/leg/{leg} exists
    moh: bool  # a participant's onhold command may carry "moh"
    inline_ice_calls_alone: bool  # a custom callout whose ice is SVAML leaves out cli and destination
    callout_fields: dict

    def config_path(self) -> str:
        """What `auth login` reads to check credentials: an operation that exists on this layout."""
        return self.numbers

    def require_call_legs(self) -> None:
        if not self.call_legs:
            raise UsageError("the contract (--api-layout spec) has no call-leg operation",
                             hint="use `calls say` or `calls play` to reach the whole call, or --api-layout live")


SPEC = Layout(
    name="spec",
    numbers="/calling/v1/configuration/numbers",
    number="/calling/v1/configuration/numbers/{number}",
    callbacks="/calling/v1/configuration/callbacks/applications/{application_key}",
    key_field="applicationKey",
    numbers_per_request=1,
    call_legs=False,
    moh=False,
    inline_ice_calls_alone=False,
    callout_fields=SPEC_CALLOUT_FIELDS,
)
# 100 numbers a request: Sinch documents no maximum; 100 keep a body near 1.6 KB, and a refused request
# (one bad number refuses them all) leaves at most 100 to look at. 500 numbers: 5 POSTs and 2 GETs.
LIVE = Layout(
    name="live",
    numbers="/v1/configuration/numbers",
    number=None,
    callbacks="/v1/configuration/callbacks/applications/{application_key}",
    key_field="applicationkey",
    numbers_per_request=100,
    call_legs=True,
    moh=True,
    inline_ice_calls_alone=True,
    callout_fields=LIVE_CALLOUT_FIELDS,
)
LAYOUTS = {"live": LIVE, "spec": SPEC}


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")  # what `sinchvoice api` sends


def path_templates() -> list[str]:
    """Every path the client sends requests to, in both layouts, with `{call_id}`-style placeholders (what
    `sinchvoice api PATH` can reach; the completion scripts offer them)."""
    paths = [CALLOUTS, CALL, CALL_LEG, CONFERENCE, PARTICIPANT]
    for layout in LAYOUTS.values():
        paths += [path for path in (layout.numbers, layout.number, layout.callbacks) if path]
    return list(dict.fromkeys(paths))

# What each path value is called in messages, and where to find a good one.
SEGMENTS = {
    "call_id": ("call id", "check the call id: callouts print it, and `sinchvoice conferences get CONF` lists "
                           "participants"),
    "conference_id": ("conference id", "check the conference id: it is the --conference-id of the callouts"),
    "number": ("number", "give the number in E.164 form, e.g. +46700000100"),
    "application_key": ("application key", "check --app, or the profile's key (sinchvoice auth status)"),
    "leg": ("call leg", "use caller, callee or both"),
}


def check_segment(value: str, name: str) -> str:
    """A value that will be one URL path segment, or a UsageError (exit 2, nothing sent).

    `.` and `..` are refused, not encoded: httpx folds them into the parent path, which turned
    `conferences kick CONF .` into kick-all. Encoding them is no way out: httpx 0.28 does send `%2E` as is,
    but RFC 3986 (6.2.2.2) lets any server or proxy decode it and fold it the same way. Control characters
    and text that is not UTF-8 cannot be a real id. Everything else, `/ ? # %` included, is percent-encoded
    by `_path` (a literal `%2E` typed by a user travels as `%252E`).
    """
    from sinchvoice.inputs import check_identifier

    what, hint = SEGMENTS[name]
    return check_identifier(str(value), f"the {what}", hint=hint)


def _path(template: str, **values: str) -> str:
    # "+" stays literal so E.164 numbers read naturally in traces; everything else unsafe is escaped.
    return template.format(**{k: quote(check_segment(v, k), safe="+") for k, v in values.items()})


def call_id_of(answer: Any) -> str:
    """The call id a callout's answer carries (`callId`, or `callid` as the live platform may spell it).

    An accepted callout without a usable one may still ring a phone: exit 7, never an empty id on stdout.
    """
    from sinchvoice.answers import callout_maybe_placed

    call_id = answer.get("callId", answer.get("callid")) if isinstance(answer, dict) else None
    if not isinstance(call_id, str) or not call_id.strip():
        raise callout_maybe_placed("the answer has no call id")
    try:
        check_segment(call_id, "call_id")
    except UsageError:
        raise callout_maybe_placed("the answer has no usable call id") from None
    if any(c.isspace() for c in call_id):
        raise callout_maybe_placed("the answer has no usable call id")
    return call_id


# ---- reading answers in either spelling (live-platform.md "Reading responses robustly") ---------------------

def _text_field(item: Any, *names: str) -> str | None:
    """The first of NAMES that holds a non-empty string; anything else (a number, null, an object) is no value."""
    if not isinstance(item, dict):
        return None
    for name in names:
        value = item.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def participant_id(participant: Any) -> str | None:
    """A conference participant's call id: `id` on the platform, `callId` in the contract."""
    return _text_field(participant, "callId", "id")


def application_key_of(number: Any) -> str | None:
    """The application a number is assigned to: `applicationkey` on the platform, `applicationKey` in the contract."""
    return _text_field(number, "applicationKey", "applicationkey")


def objects(body: Any, field: str) -> list[dict]:
    """The objects of a list field; a server may answer nonsense (`null`, strings among the items), never a crash."""
    items = body.get(field) if isinstance(body, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


class VoiceClient:
    """Thin: builds paths and bodies for the layout in use, returns the API's JSON as dicts."""

    def __init__(self, transport, layout: str | Layout = "live"):
        self.transport = transport
        self.layout = LAYOUTS[layout] if isinstance(layout, str) else layout

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Raw escape hatch for `sinchvoice api`: same auth, retries and error mapping."""
        return self.transport.request(method, path, body)

    def _read(self, method: str, path: str, body: Any = None) -> dict | None:
        """An operation that answers with a JSON object: anything else is the server misbehaving."""
        return self.transport.request(method, path, body, expect_object=True)

    # Callouts
    def create_callout(self, body: dict) -> dict | None:
        """The API's answer, checked to carry a usable call id (see `call_id_of`); None in --dry-run."""
        self._check_callout(body)
        answer = self._read("POST", CALLOUTS, body)
        if answer is not None:
            call_id_of(answer)
        return answer

    def _check_callout(self, body: dict) -> None:
        method = body.get("method")
        allowed = self.layout.callout_fields.get(method, frozenset())
        extra = sorted(set(body.get(method) or {}) - allowed)
        if extra:
            other = ", or use --api-layout live (the platform has it)" if self.layout is SPEC else ""
            raise UsageError(f"{method} has no {', '.join(extra)} in the {self.layout.name} layout",
                             hint=f"leave out the option that sets {extra[0]}{other}")

    # Calls
    def get_call(self, call_id: str) -> dict:
        return self._read("GET", _path(CALL, call_id=call_id))

    def update_call(self, call_id: str, svaml: dict) -> dict:
        return self.transport.request("PATCH", _path(CALL, call_id=call_id), svaml)

    def manage_call_leg(self, call_id: str, leg: str, svaml: dict) -> dict:
        """Play or say something to one side of a call (the platform's 14th operation; not in the contract)."""
        self.layout.require_call_legs()
        return self.transport.request("PATCH", _path(CALL_LEG, call_id=call_id, leg=leg), svaml)

    # Conferences
    def get_conference(self, conference_id: str) -> dict:
        return self._read("GET", _path(CONFERENCE, conference_id=conference_id))

    def kick_all_from_conference(self, conference_id: str) -> dict:
        return self.transport.request("DELETE", _path(CONFERENCE, conference_id=conference_id))

    def manage_conference_participant(self, conference_id: str, call_id: str, command: str,
                                      moh: str | None = None) -> dict:
        """`moh` goes with onhold where the layout has it (live); the contract's command carries only "command"."""
        path = _path(PARTICIPANT, conference_id=conference_id, call_id=call_id)
        body = {"command": command}
        if moh is not None and command == "onhold" and self.layout.moh:
            body["moh"] = moh
        return self.transport.request("PATCH", path, body)

    def kick_participant_from_conference(self, conference_id: str, call_id: str) -> dict:
        return self.transport.request("DELETE", _path(PARTICIPANT, conference_id=conference_id, call_id=call_id))

    # Numbers
    def get_numbers(self) -> dict:
        return self._read("GET", self.layout.numbers)

    def get_number(self, number: str) -> dict | None:
        """One number's configuration: the contract's resource, or (live) the list filtered; 404 either way."""
        if self.layout.number is not None:
            return self._read("GET", _path(self.layout.number, number=number))
        check_segment(number, "number")
        body = self.get_numbers()
        if body is None:  # --dry-run
            return None
        found = next((item for item in objects(body, "numbers") if item.get("number") == number), None)
        if found is None:
            raise NotFoundError(f"number {number} is not one of this account's numbers")
        return found

    def assign_numbers(self, numbers: list[str], application_key: str, capability: str | None = None) -> dict:
        """One request assigning NUMBERS (at most `layout.numbers_per_request` of them) to an application."""
        if not 1 <= len(numbers) <= self.layout.numbers_per_request:
            raise ValueError(f"{len(numbers)} numbers in one request; the {self.layout.name} layout takes "
                             f"1 to {self.layout.numbers_per_request}")
        body = {self.layout.key_field: application_key, **({"capability": capability} if capability else {})}
        if self.layout.number is not None:
            return self.transport.request("POST", _path(self.layout.number, number=numbers[0]), body)
        for number in numbers:
            check_segment(number, "number")  # not a path value here, but held to the same rule
        return self.transport.request("POST", self.layout.numbers, {"numbers": list(numbers), **body})

    def unassign_number(self, number: str, application_key: str | None = None, capability: str | None = None) -> dict:
        """The contract deletes the number's resource; the platform takes a JSON body naming the number, the
        application it is assigned to and (optionally) the capability."""
        if self.layout.number is not None:
            return self.transport.request("DELETE", _path(self.layout.number, number=number))
        check_segment(number, "number")
        if not application_key:
            raise ValueError("the live layout unassigns a number from a named application")
        body = {"number": number, self.layout.key_field: application_key,
                **({"capability": capability} if capability else {})}
        return self.transport.request("DELETE", self.layout.numbers, body)

    # Callback URLs
    def get_application_callbacks(self, application_key: str) -> dict:
        return self._read("GET", _path(self.layout.callbacks, application_key=application_key))

    def update_application_callbacks(self, application_key: str, callbacks: dict) -> dict:
        return self.transport.request("POST", _path(self.layout.callbacks, application_key=application_key),
                                      callbacks)

    def close(self) -> None:
        self.transport.close()


def no_such_operation(client, error: NotFoundError, doing: str) -> NotFoundError:
    """A 404 for a path that always exists on the layout in use: say where it went and what to change."""
    path = client.layout.config_path()
    other = "spec" if client.layout.name == "live" else "live"
    return reworded(
        error, f"could not {doing}: GET {client.transport.shown_host(path)}{path} answered 404 (no such operation "
        f"on that server in the {client.layout.name} layout)",
        hint=f"if the server implements the contract file, use --api-layout {other}; if numbers live on another "
             "host, give it with --config-base-url URL")
