"""The 13 Voice API operations: a route table at the spec's paths and one short handler per operation."""

from __future__ import annotations

import re

from sinchvoice.sandbox import validation as v
from sinchvoice.sandbox.problems import Problem, not_found

SEGMENT = "(?P<{}>[^/]+)"


def _route(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\{(\w+)\}", lambda m: SEGMENT.format(m.group(1)), template) + "$")


class Api:
    """Handlers take (params, body bytes) and return (status, JSON dict or None)."""

    def __init__(self, state, key: str):
        self.state, self.key = state, key
        self.routes = [
            (_route("/calling/v1/callouts"), {"POST": self.create_callout}),
            (_route("/calling/v1/calls/id/{call_id}"), {"GET": self.get_call, "PATCH": self.update_call}),
            (
                _route("/calling/v1/conferences/id/{conference_id}"),
                {"GET": self.get_conference, "DELETE": self.kick_all},
            ),
            (
                _route("/calling/v1/conferences/id/{conference_id}/{call_id}"),
                {"PATCH": self.manage_participant, "DELETE": self.kick_participant},
            ),
            (_route("/calling/v1/configuration/numbers"), {"GET": self.get_numbers}),
            (
                _route("/calling/v1/configuration/numbers/{number}"),
                {"GET": self.get_number, "POST": self.update_number, "DELETE": self.unassign_number},
            ),
            (
                _route("/calling/v1/configuration/callbacks/applications/{application_key}"),
                {"GET": self.get_callbacks, "POST": self.update_callbacks},
            ),
        ]

    def resolve(self, method: str, path: str):
        """(handler, params); unknown paths are 404, known paths with another method 405."""
        for pattern, methods in self.routes:
            match = pattern.match(path)
            if match:
                if method not in methods:
                    allow = ", ".join(sorted(methods))
                    raise Problem(405, 40001, f"Method {method[:10]} not allowed here", {"Allow": allow})
                return methods[method], match.groupdict()
        raise Problem(404, 40400, "Resource not found")

    # ---- callouts and calls ------------------------------------------------------------------

    def create_callout(self, params, body):
        doc = v.parse_json(body)
        v.check_callout(doc)
        call = self.state.create_call(doc["method"], doc[doc["method"]])
        return 200, {"callId": call.call_id}

    def get_call(self, params, body):
        with self.state.lock:
            now = self.state.tick()
            return 200, self.state.call_info(self.state.get_call(params["call_id"]), now)

    def update_call(self, params, body):
        doc = v.parse_json(body)
        action = v.check_svaml_update(doc)
        with self.state.lock:
            self.state.tick()
            call = self.state.get_call(params["call_id"])
            self.state.require_live(call)
            if action == "hangup":
                self.state.hangup(call)
        return 200, None

    # ---- conferences -------------------------------------------------------------------------

    def get_conference(self, params, body):
        with self.state.lock:
            now = self.state.tick()
            return 200, self.state.conference_info(self.state.get_conference(params["conference_id"]), now)

    def kick_all(self, params, body):
        self.state.kick(params["conference_id"])
        return 200, None

    def manage_participant(self, params, body):
        command = v.check_participant_command(v.parse_json(body))
        with self.state.lock:
            self.state.tick()
            participant = self.state.participant(params["conference_id"], params["call_id"])
            if command in ("mute", "unmute"):
                participant.muted = command == "mute"
            else:
                participant.onhold = command == "onhold"
        return 200, None

    def kick_participant(self, params, body):
        self.state.kick(params["conference_id"], params["call_id"])
        return 200, None

    # ---- configuration -----------------------------------------------------------------------

    def get_numbers(self, params, body):
        with self.state.lock:
            return 200, {"numbers": [dict(n) for n in self.state.numbers.values()]}

    def get_number(self, params, body):
        with self.state.lock:
            return 200, dict(self.state.get_number(params["number"]))

    def update_number(self, params, body):
        doc = v.parse_json(body)
        v.check_number_configuration(doc, params["number"])
        with self.state.lock:
            config = self.state.get_number(params["number"])
            config["applicationKey"] = doc.get("applicationKey", self.key)
            config["capability"] = doc.get("capability", config.get("capability", "voice"))
        return 200, None

    def unassign_number(self, params, body):
        with self.state.lock:
            self.state.get_number(params["number"]).pop("applicationKey", None)
        return 200, None

    def _own_application(self, params) -> None:
        if params["application_key"].lower() != self.key.lower():
            raise not_found("Application")

    def get_callbacks(self, params, body):
        self._own_application(params)
        with self.state.lock:
            return 200, {"url": dict(self.state.callback_urls)}

    def update_callbacks(self, params, body):
        self._own_application(params)
        doc = v.parse_json(body)
        v.check_callbacks(doc)
        with self.state.lock:
            for role, url in doc.get("url", {}).items():
                if role not in ("primary", "fallback"):
                    continue
                if url:
                    self.state.callback_urls[role] = url.strip()
                else:  # an empty string clears the URL
                    self.state.callback_urls.pop(role, None)
        return 200, None
