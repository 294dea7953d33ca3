"""Numbers and callback URLs: the contract's per-number resource and the live platform's batch operations."""

from __future__ import annotations

from sinchvoice.sandbox import live_checks
from sinchvoice.sandbox.defaults import CURRENCY, RATE_PER_MINUTE
from sinchvoice.sandbox.problems import not_found
from sinchvoice.sandbox.validation import check_callbacks, check_number_configuration, parse_json

# A plausible answer of the deprecated number query: calling code -> (country, type of its mobile range).
COUNTRIES = {"46": "SE", "44": "GB", "49": "DE", "33": "FR", "34": "ES", "47": "NO", "45": "DK", "358": "FI",
             "31": "NL", "1": "US"}
MOBILE_PREFIXES = ("+467", "+447", "+4915", "+4916", "+4917", "+336", "+337", "+346", "+347", "+474", "+479")


class Configuration:
    """Handlers take (params, body bytes) and return (status, JSON dict or None), as in api.Api."""

    def __init__(self, state, key: str):
        self.state, self.key = state, key

    # ---- the contract: /calling/v1/configuration/numbers[/{number}], `applicationKey` -----------------

    def spec_list(self, params, body):
        with self.state.lock:
            return 200, {"numbers": [n.spec() for n in self.state.numbers.all()]}

    def spec_get(self, params, body):
        with self.state.lock:
            return 200, self.state.numbers.get(params["number"]).spec()

    def spec_update(self, params, body):
        doc = parse_json(body)
        check_number_configuration(doc, params["number"])
        with self.state.lock:
            entry = self.state.numbers.get(params["number"])
            entry.app = doc.get("applicationKey", self.key)
            entry.capability = doc.get("capability", entry.capability)
        return 200, None

    def spec_unassign(self, params, body):
        with self.state.lock:
            self.state.numbers.get(params["number"]).app = None
        return 200, None

    # ---- the platform: /v1/configuration/numbers, `applicationkey`, many numbers at once -------------

    def live_list(self, params, body):
        with self.state.lock:
            return 200, {"numbers": [n.live() for n in self.state.numbers.all()]}

    def live_assign(self, params, body):
        doc = parse_json(body)
        numbers = live_checks.check_assign(doc)
        with self.state.lock:
            self.state.numbers.assign(numbers, doc["applicationkey"], doc.get("capability"))
        return 204, None

    def live_unassign(self, params, body):
        doc = parse_json(body)
        number = live_checks.check_unassign(doc)
        with self.state.lock:
            self.state.numbers.unassign(number, doc["applicationkey"])
        return 204, None

    def query_number(self, params, body):
        number = live_checks.check_number(params["number"])
        code = next((c for c in sorted(COUNTRIES, key=len, reverse=True) if number[1:].startswith(c)), None)
        details = {
            "countryId": COUNTRIES.get(code, "ZZ"),
            "numberType": "Mobile" if number.startswith(MOBILE_PREFIXES) else "Fixed" if code else "Unknown",
            "normalizedNumber": number,
            "restricted": False,
            "rate": {"currencyId": CURRENCY, "amount": RATE_PER_MINUTE},
        }
        return 200, {"number": details}

    # ---- callback URLs: the same body on both paths ----------------------------------------------

    def _own_application(self, params) -> None:
        if params["application_key"].lower() != self.key.lower():
            raise not_found("Application")

    def get_callbacks(self, params, body):
        self._own_application(params)
        with self.state.lock:
            return 200, {"url": dict(self.state.callback_urls)}

    def update_callbacks(self, params, body):
        self._own_application(params)
        doc = parse_json(body)
        check_callbacks(doc)
        with self.state.lock:
            for role, url in doc.get("url", {}).items():
                if role not in ("primary", "fallback"):
                    continue
                if url:
                    self.state.callback_urls[role] = url.strip()
                else:  # an empty string clears the URL
                    self.state.callback_urls.pop(role, None)
        return 200, None
