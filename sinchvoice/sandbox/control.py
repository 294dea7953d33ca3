"""The unauthenticated `/_sandbox/` control surface: state, journals, reset, clock, faults."""

from __future__ import annotations

from sinchvoice.sandbox.problems import Problem, invalid
from sinchvoice.sandbox.validation import loads_strict


class Control:
    def __init__(self, sandbox):
        self.sb = sandbox
        self.routes = {
            "state": {"GET": self.state},
            "requests": {"GET": self.requests},
            "callbacks": {"GET": self.callbacks},
            "reset": {"POST": self.reset},
            "clock/advance": {"POST": self.advance},
            "faults": {"GET": self.list_faults, "POST": self.add_fault, "DELETE": self.clear_faults},
        }

    def handle(self, method: str, path: str, body: bytes):
        methods = self.routes.get(path.removeprefix("/_sandbox/").strip("/"))
        if methods is None:
            raise Problem(404, 40400, "No such sandbox control route")
        if method not in methods:
            raise Problem(405, 40001, f"Method {method[:10]} not allowed here", {"Allow": ", ".join(methods)})
        return methods[method](body)

    @staticmethod
    def _json(body: bytes):
        try:
            return loads_strict(body) if body.strip() else {}
        except ValueError as exc:
            raise invalid(f"Malformed JSON: {exc}") from None

    def state(self, body):
        return 200, self.sb.api.snapshot()

    def requests(self, body):
        # internalErrors counts the 500s the sandbox answered because of a bug of its own (the test suite
        # fails any test that caused one); injected faults are not bugs and are not counted.
        return 200, {**self.sb.journal.report(), "internalErrors": self.sb.internal_errors}

    def callbacks(self, body):
        # Let deliveries that are already due land first, so a reader sees a settled journal.
        self.sb.state.tick()
        self.sb.deliverer.wait_idle(self.sb.deliverer.timeout * 2 + 1)
        return 200, {"callbacks": list(self.sb.deliverer.journal)}

    def reset(self, body):
        self.sb.reset()
        return 200, {"ok": True}

    def advance(self, body):
        doc = self._json(body)
        seconds = doc.get("seconds") if isinstance(doc, dict) else None
        if not self.sb.clock.manual:
            raise Problem(
                409, 40900, "The clock is real (started with --speed); only a manual clock advances"
            )
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10**7:
            raise invalid("seconds must be a number between 0 and 10000000")
        self.sb.clock.advance(seconds)
        now = self.sb.state.tick()
        self.sb.deliverer.wait_idle(self.sb.deliverer.timeout * 2 + 1)
        return 200, {"now": now}

    def list_faults(self, body):
        return 200, {"faults": self.sb.faults.list()}

    def add_fault(self, body):
        return 200, self.sb.faults.add(self._json(body))

    def clear_faults(self, body):
        self.sb.faults.clear()
        return 200, {"ok": True}
