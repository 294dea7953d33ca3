"""What every command receives: settings (read on first use), the environment, and lazily built credentials,
client and output."""

from __future__ import annotations

from functools import cached_property

from sinchvoice.config import AuthScheme, ConfigStore, Settings
from sinchvoice.environment import Environment
from sinchvoice.errors import Interrupted, SinchVoiceError, UsageError


class AppContext:
    def __init__(self, env: Environment, settings: Settings):
        self.env = env
        self.settings = settings
        self._client = None

    @classmethod
    def from_options(cls, env: Environment, values: dict, given: frozenset) -> AppContext:
        """From the root's option values (`given`: the names typed on the command line, not taken from the
        environment). Nothing is read from disk here: the settings read the config file when first needed."""
        from sinchvoice.config import Options, OutputMode, parse_timeout

        timeout = values["timeout"]
        # Checked now, so a bad one is refused even by a command that would not use it.
        seconds = None if timeout is None else parse_timeout(timeout, "--timeout" if "timeout" in given
                                                             else "SINCHVOICE_TIMEOUT")
        options = Options(profile=values["profile"], region=values["region"], base_url=values["base_url"],
                          config_base_url=values["config_base_url"], api_layout=values["api_layout"],
                          auth=values["auth"], timeout=seconds, output=values["output"] or OutputMode.table,
                          quiet=values["quiet"], verbose=values["verbose"], dry_run=values["dry_run"],
                          yes=values["yes"], on_command_line=given)
        return cls(env, Settings(ConfigStore(env.config_dir), options))

    @property
    def store(self) -> ConfigStore:
        return self.settings.store

    @cached_property
    def out(self):
        from sinchvoice.output import Output

        return Output(self.env, self.settings.output, self.settings.quiet)

    @cached_property
    def secrets(self):
        from sinchvoice.credentials import SecretStore

        return SecretStore(self.env.config_dir, self.env.keyring_timeout)

    def credentials(self):
        """Environment credentials need no profile, so they never read the config file."""
        from sinchvoice.credentials import from_environment, resolve

        from_env = from_environment()
        if from_env is not None and self.settings.given_on_command_line("profile"):
            self.out.warn(f"-p {self.settings.profile} is not used: SINCH_APPLICATION_KEY and "
                          "SINCH_APPLICATION_SECRET are set, and they win over profiles")
        return from_env or resolve(self.store, self.secrets, self.settings.profile)

    def signing_credentials(self):
        """Credentials whose secret can key an HMAC: signing requests, or checking callbacks' signatures."""
        from sinchvoice.signing import is_valid_secret

        credentials = self.credentials()
        if not is_valid_secret(credentials.secret):
            raise UsageError(
                "the application secret is not base64, so signatures cannot be made or checked",
                hint="copy the secret exactly from the Sinch dashboard (it ends in ==), or use --auth basic",
            )
        return credentials

    @property
    def layout(self):
        """The API layout in use (client.LAYOUTS), known without credentials: usage checks come first."""
        from sinchvoice.client import LAYOUTS

        return LAYOUTS[self.settings.api_layout]

    def client(self):
        """One client (one connection pool) per invocation, built on first use."""
        if self._client is None:
            from sinchvoice.transport import check_base_url

            check_base_url(self.settings.api_url)  # bad input is reported before missing credentials
            check_base_url(self.settings.config_url, "--config-base-url")
            credentials = self.signing_credentials() if self.settings.auth is AuthScheme.signed else self.credentials()
            self._client = self.client_for(credentials, dry_run=self.settings.dry_run)
        return self._client

    def client_for(self, credentials, dry_run: bool = False):
        """A client with these settings and other credentials (auth login tries them before storing)."""
        from sinchvoice.client import VoiceClient
        from sinchvoice.transport import Transport

        settings = self.settings
        return VoiceClient(Transport(
            base_url=settings.api_url, config_base_url=settings.config_url, credentials=credentials,
            auth_scheme=settings.auth, timeout=settings.timeout, verbose=settings.verbose, dry_run=dry_run,
            trace=self.env.stderr, out=self.env.stdout, sleep=self.env.sleep,
        ), settings.api_layout)

    def remember(self, kind: str, *values: str) -> None:
        """Feed the completion history (calls, conferences, numbers, profiles); never during --dry-run."""
        if not self.settings.dry_run:
            from sinchvoice import history

            history.remember(self.env.state_dir, kind, values)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def caller_id(self, explicit: str | None) -> str:
        """--from, else SINCHVOICE_FROM, else the profile's default caller ID; the API requires one."""
        from sinchvoice.destinations import check_e164

        value = explicit or self.settings.caller_id
        import os

        # Name where the bad value came from: the option, the variable, or the profile.
        what = "--from" if explicit else "SINCHVOICE_FROM" if os.environ.get("SINCHVOICE_FROM") else (
            f"the caller ID of profile {self.settings.profile!r}")
        if not value:
            raise UsageError(
                "no caller ID: callouts need --from",
                hint="pass --from +E164, set SINCHVOICE_FROM, or store one with `sinchvoice auth login --from +E164`",
            )
        return check_e164(value, what)

    def application_key(self, explicit: str | None = None) -> str:
        if explicit:
            return explicit
        return self.settings.application_key or self.credentials().key

    def confirm(self, question: str) -> None:
        """Destructive actions: ask on a TTY, demand --yes otherwise; dry-run needs neither."""
        if self.settings.yes or self.settings.dry_run:
            return
        if not self.env.stdin_isatty:
            raise UsageError(f"refusing to {question} without confirmation",
                             hint="pass --yes to confirm when not on a terminal")
        try:  # Ctrl-C may come as soon as the question shows, before reading has begun
            print(f"{question[0].upper()}{question[1:]}? [y/N] ", end="", file=self.env.stderr, flush=True)
            answer = self.env.stdin.readline()
        except KeyboardInterrupt:
            self._end_prompt_line()
            raise Interrupted(line_ended=True) from None
        except UnicodeDecodeError:  # a terminal in another encoding typed something: not a yes
            answer = "?"
        if not answer:  # Ctrl-D: the user left, which is not an answer
            self._end_prompt_line()
            raise Interrupted(line_ended=True)
        if answer.strip().lower() not in ("y", "yes"):
            raise SinchVoiceError("cancelled; nothing was changed")

    def ask(self, prompt: str, hidden: bool = False) -> str:
        """One line typed at the terminal (hidden: not echoed). Ctrl-C or Ctrl-D raises Interrupted (exit 130,
        `interrupted`) once the prompt's line is ended."""
        import typer

        try:
            return typer.prompt(prompt, hide_input=hidden, err=True)
        except typer.Abort:  # click's name for Ctrl-C and Ctrl-D at a prompt
            if not hidden:  # after a hidden prompt click has ended the line itself
                self._end_prompt_line()
            raise Interrupted(line_ended=True) from None

    def _end_prompt_line(self) -> None:
        """The cursor sits after the prompt (and the terminal's ^C): `interrupted` goes on a line of its own."""
        print(file=self.env.stderr, flush=True)


def app_context(ctx) -> AppContext:
    return ctx.find_root().obj
