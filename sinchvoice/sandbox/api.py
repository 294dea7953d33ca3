"""The Voice API's routes in both layouts, and the traffic handlers (callouts, calls, conferences)."""

from __future__ import annotations

from urllib.parse import unquote

from sinchvoice import limits
from sinchvoice.sandbox import live_checks, shapes
from sinchvoice.sandbox.configuration import Configuration
from sinchvoice.sandbox.problems import Problem, invalid, not_found
from sinchvoice.sandbox.validation import check_callout, check_participant_command, check_svaml_update, parse_json

CALLOUTS = "/calling/v1/callouts"
CALL = "/calling/v1/calls/id/{call_id}"
CALL_LEG = "/calling/v1/calls/id/{call_id}/leg/{leg}"
CONFERENCE = "/calling/v1/conferences/id/{conference_id}"
PARTICIPANT = "/calling/v1/conferences/id/{conference_id}/{call_id}"
SPEC_NUMBERS = "/calling/v1/configuration/numbers"
SPEC_NUMBER = "/calling/v1/configuration/numbers/{number}"
SPEC_CALLBACKS = "/calling/v1/configuration/callbacks/applications/{application_key}"
LIVE_NUMBERS = "/v1/configuration/numbers"
LIVE_CALLBACKS = "/v1/configuration/callbacks/applications/{application_key}"
QUERY_NUMBER = "/v1/calling/query/number/{number}"


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


class Api:
    """Handlers take (params, body bytes) and return (status, JSON dict or None)."""

    def __init__(self, state, key: str, layout: str = "live"):
        if layout not in shapes.LAYOUTS:
            raise ValueError(f"api_layout must be one of {', '.join(shapes.LAYOUTS)}, not {layout!r}")
        self.state, self.key, self.layout = state, key, layout
        config = Configuration(state, key)
        table = {
            CALLOUTS: {"POST": self.create_callout},
            CALL: {"GET": self.get_call, "PATCH": self.update_call},
            CONFERENCE: {"GET": self.get_conference, "DELETE": self.kick_all},
            PARTICIPANT: {"PATCH": self.manage_participant, "DELETE": self.kick_participant},
            # The contract's configuration paths stay served in the live layout too, in the contract's shapes.
            SPEC_NUMBERS: {"GET": config.spec_list},
            SPEC_NUMBER: {"GET": config.spec_get, "POST": config.spec_update, "DELETE": config.spec_unassign},
            SPEC_CALLBACKS: {"GET": config.get_callbacks, "POST": config.update_callbacks},
        }
        if layout == "live":
            table.update({
                CALL_LEG: {"PATCH": self.manage_leg},
                LIVE_NUMBERS: {"GET": config.live_list, "POST": config.live_assign, "DELETE": config.live_unassign},
                LIVE_CALLBACKS: {"GET": config.get_callbacks, "POST": config.update_callbacks},
                QUERY_NUMBER: {"GET": config.query_number},
            })
        self.routes = [(_segments(template), methods) for template, methods in table.items()]

    def resolve(self, raw_path: str):
        """(methods, params) for a path as sent: each segment is decoded on its own, so an id holding an
        encoded slash (`a%2Fb`) stays one segment; unknown paths are 404."""
        segments = [unquote(s) for s in _segments(raw_path)]
        for template, methods in self.routes:
            if len(template) != len(segments):
                continue
            params = {}
            for pattern, segment in zip(template, segments, strict=True):
                if pattern.startswith("{"):
                    if not segment:
                        break
                    params[pattern[1:-1]] = segment
                elif pattern != segment:
                    break
            else:
                return methods, params
        raise Problem(404, 40400, "Resource not found")

    def handler(self, methods: dict, params: dict, method: str):
        """The handler for `method`; a method the path does not take is 405 only when what the path names
        exists (GET on `/conferences/id/a/b` of an unknown conference `a` is 404, as for any unknown id)."""
        if method in methods:
            return methods[method]
        self._must_exist(params)
        allow = ", ".join(sorted(methods))
        raise Problem(405, 40001, f"Method {method[:10]} not allowed here", {"Allow": allow})

    def _must_exist(self, params: dict) -> None:
        with self.state.lock:
            if "conference_id" in params and "call_id" in params:
                self.state.participant(params["conference_id"], params["call_id"])
            elif "conference_id" in params:
                self.state.get_conference(params["conference_id"])
            elif "call_id" in params:
                self.state.get_call(params["call_id"])
            if "number" in params:
                self.state.numbers.get(params["number"])
            if "application_key" in params and params["application_key"].lower() != self.key.lower():
                raise not_found("Application")

    # ---- callouts and calls ------------------------------------------------------------------

    def create_callout(self, params, body):
        doc = parse_json(body)
        order = live_checks.check_callout(doc) if self.layout == "live" else check_callout(doc)
        call = self.state.create_call(doc["method"], order)
        return 200, {"callId": call.call_id}

    def get_call(self, params, body):
        with self.state.lock:
            now = self.state.tick()
            call = self.state.get_call(params["call_id"])
            return 200, shapes.call(self.state.call_info(call, now), call, self.layout)

    def update_call(self, params, body):
        action = check_svaml_update(parse_json(body))
        self._apply(params["call_id"], action)
        return 200, None

    def manage_leg(self, params, body):
        if params["leg"] not in limits.CALL_LEGS:
            raise invalid(f"call leg must be caller, callee or both, not '{params['leg'][:20]}'")
        action = live_checks.check_leg(parse_json(body))
        self._apply(params["call_id"], action)
        return 200, None

    def _apply(self, call_id: str, action: str | None) -> None:
        with self.state.lock:
            self.state.tick()
            call = self.state.get_call(call_id)
            self.state.require_live(call)
            if action == "hangup":
                self.state.hangup(call)

    # ---- conferences -------------------------------------------------------------------------

    def get_conference(self, params, body):
        with self.state.lock:
            now = self.state.tick()
            info = self.state.conference_info(self.state.get_conference(params["conference_id"]), now)
            return 200, shapes.conference(info, self.layout)

    def kick_all(self, params, body):
        self.state.kick(params["conference_id"])
        return 200, None

    def manage_participant(self, params, body):
        doc = parse_json(body)
        if self.layout == "live":
            command, moh = live_checks.check_participant(doc)
        else:
            command, moh = check_participant_command(doc), None
        with self.state.lock:
            self.state.tick()
            participant = self.state.participant(params["conference_id"], params["call_id"])
            if command in ("mute", "unmute"):
                participant.muted = command == "mute"
            else:
                participant.onhold = command == "onhold"
                participant.moh = moh if participant.onhold else None
        return 200, None

    def kick_participant(self, params, body):
        self.state.kick(params["conference_id"], params["call_id"])
        return 200, None

    # ---- the control surface's view ----------------------------------------------------------

    def snapshot(self) -> dict:
        """Calls and conferences in this layout's shapes, plus what only the sandbox knows (method, ids)."""
        state = self.state
        with state.lock:
            now = state.tick()
            calls = [
                {**shapes.call(state.call_info(c, now), c, self.layout), "method": c.method,
                 "conferenceId": c.conference_id}
                for c in state.calls.values()
            ]
            conferences = [
                {"conferenceId": c.conference_id, **shapes.conference(state.conference_info(c, now), self.layout)}
                for c in state.conferences.values()
            ]
            numbers = [n.live() if self.layout == "live" else n.spec() for n in state.numbers.all()]
            clock = {"now": now, "manual": state.clock.manual, "speed": state.clock.speed,
                     "time": state.timestamp(now)}
            return {"clock": clock, "layout": self.layout, "calls": calls, "conferences": conferences,
                    "numbers": numbers, "callbacks": {"url": dict(state.callback_urls)}}
