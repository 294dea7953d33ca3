"""What each row's callout is made of: the options (checked once) plus the row's own columns (checked per row)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sinchvoice.commands.callouts.batch import KINDS
from sinchvoice.commands.callouts.batch.template import Template
from sinchvoice.errors import UsageError
from sinchvoice.limits import MAX_CONFERENCE_ID

COLUMNS = ("to", "text", "from", "locale", "conference_id")  # any other column is a template variable
NO_CALLER_HINT = "add a from column, pass --from +E164, or set SINCHVOICE_FROM"


@dataclass(frozen=True)
class Shape:
    """The options that shape every request; the journal keeps them and a resume must match them."""

    kind: str = "tts"
    text: str | None = None  # the --text template as given (after reading @FILE)
    conference_id: str | None = None
    caller_id: str | None = None  # --from, SINCHVOICE_FROM or the profile's; a row's `from` wins
    locale: str | None = None
    allow_duplicates: bool = False

    def __post_init__(self):
        from sinchvoice import svaml
        from sinchvoice.destinations import check_e164

        if self.kind not in KINDS:
            raise UsageError(f"--kind {self.kind} is not one of {', '.join(KINDS)}")
        if self.conference_id is not None:
            _check_conference_id(self.conference_id, "--conference-id")
            if self.kind != "conference":
                raise UsageError("--conference-id needs --kind conference",
                                 hint="add --kind conference to call everyone into that conference")
        if self.caller_id is not None:
            check_e164(self.caller_id, "--from")
        if self.locale is not None:
            svaml.check_locale(self.locale)
        object.__setattr__(self, "template", Template(self.text) if self.text is not None else None)

    def fingerprint(self) -> dict:
        return asdict(self)

    @property
    def method(self) -> str:
        return "ttsCallout" if self.kind == "tts" else "conferenceCallout"

    def check_columns(self, header: list[str] | None) -> None:
        """What is wrong for every row of a CSV file is said once, before reading any row."""
        if header is None:
            return
        if "conference_id" in header and self.kind != "conference":
            raise UsageError("line 1: the conference_id column needs --kind conference",
                             hint="add --kind conference, or drop the column")
        for name in self.template.names if self.template else ():
            if name not in header:
                raise UsageError(f"--text uses {{{name}}}, but the file has no '{name}' column (it has: "
                                 f"{', '.join(header)})", hint="use a column of the file, or add that column")

    def build(self, values: dict) -> tuple[str, dict]:
        """(destination key for finding duplicates, the createCallout body); a UsageError is the row's problem."""
        from sinchvoice.destinations import check_e164, parse_destination

        destination = parse_destination(values.get("to", ""), "to")
        cli = values.get("from") or self.caller_id
        if not cli:
            raise UsageError("no caller ID: the row has no from, and no default is set", hint=NO_CALLER_HINT)
        body = {"cli": check_e164(cli, "from"), "destination": destination}
        body.update(self._kind_fields(values))
        key = f"{destination['type']}:{destination['endpoint'].lower()}"
        return key, {"method": self.method, self.method: body}

    def _kind_fields(self, values: dict) -> dict:
        from sinchvoice import svaml

        fields = {}
        text = values.get("text") or (self.template.render(values) if self.template else None)
        if self.kind == "tts":
            if text is None:
                raise UsageError("no text to speak", hint="pass --text, or add a text column")
            fields["text"] = svaml.check_text(text, "text")
        else:
            conference_id = values.get("conference_id") or self.conference_id
            if not conference_id:
                raise UsageError("no conference id", hint="pass --conference-id, or add a conference_id column")
            fields["conferenceId"] = _check_conference_id(conference_id, "conference_id")
            if text is not None:
                fields["greeting"] = svaml.check_text(text, "greeting")
        locale = values.get("locale") or self.locale
        if locale:
            fields["locale"] = svaml.check_locale(locale, "locale")
        return fields


def _check_conference_id(value: str, what: str) -> str:
    if not value.strip():
        raise UsageError(f"{what} is empty", hint="name the conference, e.g. standup")
    if len(value) > MAX_CONFERENCE_ID:
        raise UsageError(f"{what} is {len(value)} characters long; at most {MAX_CONFERENCE_ID} are allowed",
                         hint="use a shorter conference id")
    return value
