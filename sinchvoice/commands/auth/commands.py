"""`auth`: log in, inspect and switch profiles; secrets go to the system keyring, never to the screen."""

from typing import Annotated, Optional

from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, Option, examples, group
from sinchvoice.errors import AuthError, NotFoundError, UsageError

app = group(help="Credentials and profiles.", epilog=examples(
    "sinchvoice auth login",
    "sinchvoice auth status",
    "sinchvoice -p work auth login",
    "sinchvoice auth switch work",
))
SAVED_OPTIONS = ("region", "base_url", "config_base_url", "api_layout", "auth")  # the global options a profile keeps


MAX_SECRET = 512  # Sinch secrets are 24 characters of base64; anything this long was not meant as one


def _secret_from_stdin(stdin) -> str:
    """The first line of stdin: capped, UTF-8, never a terminal (typed there, it would be echoed)."""
    from sinchvoice.inputs import read_value

    text = read_value("-", what="--secret-stdin", stdin=stdin)
    secret = (text.splitlines() or [""])[0].strip()
    if len(secret) > MAX_SECRET:
        raise UsageError(f"the secret on standard input is {len(secret)} characters long; a Sinch application "
                         f"secret is far shorter (at most {MAX_SECRET} accepted)",
                         hint="pipe only the secret, e.g. printf '%s\\n' \"$SECRET\" | sinchvoice auth login ...")
    return secret


def _ask(app_ctx, prompt: str, hidden: bool, flag: str) -> str:
    if not app_ctx.env.stdin_isatty:
        raise UsageError(f"{prompt} is required and stdin is not a terminal", hint=f"pass {flag}")
    return app_ctx.ask(prompt, hidden).strip()


@app.command(epilog=examples(
    "sinchvoice auth login",
    "sinchvoice auth login --key KEY --secret-stdin --from +46700000000",
    "sinchvoice -p work auth login --insecure-storage",
))
def login(
    ctx: Context,
    key: Annotated[Optional[str], Option("--key", metavar="KEY",
                                         help="Application key (prompted if missing).")] = None,
    secret_stdin: Annotated[bool, Option("--secret-stdin", help="Read the secret from stdin.")] = False,
    caller_id: Annotated[Optional[str], Option("--from", metavar="NUMBER",
                                               help="Default caller ID for callouts (E.164).")] = None,
    insecure_storage: Annotated[bool, Option("--insecure-storage",
                                             help="No keyring: keep the secret in a 0600 file.")] = False,
    no_verify: Annotated[bool, Option("--no-verify", help="Skip the test request.")] = False,
) -> None:
    """Store an application's key and secret in a profile.

    The secret goes to the system keyring (or, with --insecure-storage, a file only you can read). Global
    --region, --base-url, --config-base-url, --api-layout and --auth given on this command line are saved in
    the profile too (not their SINCHVOICE_* variables, which apply to this run only). The credentials are
    checked with one read of the numbers (on the configuration host, in the live layout).
    """
    from sinchvoice.credentials import Credentials, KeyringUnavailable, mask
    from sinchvoice.destinations import check_e164
    from sinchvoice.signing import is_valid_secret

    app_ctx = app_context(ctx)
    env, settings, out = app_ctx.env, app_ctx.settings, app_ctx.out
    if caller_id:
        caller_id = check_e164(caller_id, "--from")
    storage = "file" if insecure_storage else "keyring"
    if not insecure_storage:
        try:
            app_ctx.secrets.keyring_check()
        except KeyringUnavailable as exc:
            raise AuthError(
                f"cannot store the secret safely: {exc}",
                hint="unlock or install a keyring, use --insecure-storage (0600 file), "
                "or set SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET instead",
            ) from None
    key = (key or _ask(app_ctx, "Application key", False, "--key")).strip()
    if secret_stdin:
        secret = _secret_from_stdin(env.stdin)
    else:
        secret = _ask(app_ctx, "Application secret", True, "--secret-stdin")
    if not key or not secret:
        raise UsageError("the application key and secret must not be empty")
    if not is_valid_secret(secret):
        raise UsageError("the application secret is not base64", hint="copy it exactly from the Sinch dashboard")
    verified = "not checked (--no-verify)"
    if not no_verify:
        verified = "checked against " + _verify(app_ctx, Credentials(key, secret, "login"))
    profile = settings.profile
    try:
        app_ctx.secrets.put(profile, secret, storage)
        stored = app_ctx.secrets.get(profile, storage)
    except KeyringUnavailable as exc:
        raise AuthError(f"storing the secret failed: {exc}", hint="try --insecure-storage") from None
    if stored != secret:
        raise AuthError("the secret could not be read back after storing it", hint="try --insecure-storage")
    # Only now the profile: a failed secret store must not leave a key that has no secret.
    # Only options typed on this command line: SINCHVOICE_* variables are for the shell they are set in.
    # Anything not given keeps the value the profile has (re-read under the lock, as saved meanwhile).
    chosen = {name: getattr(settings, name) for name in SAVED_OPTIONS if settings.given_on_command_line(name)}
    app_ctx.store.save_profile(profile, {"application_key": key, "secret_storage": storage, **chosen,
                                         **({"from": caller_id} if caller_id else {})})
    if insecure_storage:
        out.warn(f"the secret is stored unencrypted in {app_ctx.secrets.file} (mode 0600)")
    app_ctx.remember("profiles", profile)
    where = "the system keyring" if storage == "keyring" else str(app_ctx.secrets.file)
    out.note(f"Logged in as profile {profile!r}: key {mask(key)} {verified}; secret saved in {where}, "
             f"profile in {app_ctx.store.path}")


def _verify(app_ctx, credentials) -> str:
    """One cheap authenticated call, so a typo is caught now rather than at the first callout; returns where.

    A 404 is no verdict on the credentials: the server has no such operation, so the layout or host is wrong.
    No connection is no verdict either: the hint says how to log in without the check.
    """
    from sinchvoice.client import no_such_operation
    from sinchvoice.errors import TemporaryError

    client = app_ctx.client_for(credentials)
    try:
        client.get_numbers()
        return f"{client.transport.shown_host(client.layout.numbers)} (read the numbers)"
    except NotFoundError as error:
        error = no_such_operation(client, error, "check the credentials")
        error.hint += " (or skip the check with --no-verify)"
        raise error from None
    except TemporaryError as error:
        if error.details.get("httpStatus") is None:  # no answer at all: offline, or nothing listening
            error.hint = f"{error.hint}; or log in without the check: add --no-verify"
        raise
    finally:
        client.close()


@app.command(epilog=examples(
    "sinchvoice auth status",
    "sinchvoice -p work auth status -o json",
))
def status(ctx: Context) -> None:
    """Show which credentials are used and where the secret lives.

    The key is shown masked; the secret never is.
    """
    from sinchvoice.config import ApiLayout
    from sinchvoice.credentials import mask
    from sinchvoice.urls import redact_userinfo

    app_ctx = app_context(ctx)
    settings, out = app_ctx.settings, app_ctx.out
    credentials = app_ctx.credentials()
    where = {"environment": "environment (SINCH_APPLICATION_SECRET)", "keyring": "system keyring",
             "file": f"{app_ctx.secrets.file} (unencrypted)"}[credentials.source]
    if credentials.source == "file":
        out.warn(f"the secret of profile {settings.profile!r} is stored unencrypted; prefer the system keyring")
    api_url, config_url = redact_userinfo(settings.api_url), redact_userinfo(settings.config_url)
    if settings.api_layout is ApiLayout.spec:  # the contract's configuration paths are on the one API host
        config_url = api_url
    body = {"profile": settings.profile, "applicationKey": mask(credentials.key), "secret": where,
            "credentialsFrom": "environment" if credentials.source == "environment" else "profile",
            "auth": settings.auth, "region": settings.region, "apiLayout": settings.api_layout, "baseUrl": api_url,
            "configBaseUrl": config_url, "callerId": settings.caller_id}
    fields = [("profile", body["profile"]), ("application key", body["applicationKey"]), ("secret", where),
              ("auth", settings.auth), ("API layout", settings.api_layout), ("API", api_url),
              ("configuration API", config_url), ("caller ID", settings.caller_id or "(none)")]
    out.render(body, panel=fields, title="sinchvoice auth", ids=[settings.profile])


@app.command(epilog=examples(
    "sinchvoice auth logout",
    "sinchvoice -p work auth logout",
))
def logout(ctx: Context) -> None:
    """Forget a profile and delete its secret.

    The active profile, or the one -p names.
    """
    from sinchvoice.credentials import KeyringUnavailable

    app_ctx = app_context(ctx)
    name = app_ctx.settings.profile
    profile = app_ctx.store.profile(name)
    if not profile:
        raise AuthError(f"no profile named {name!r}", hint="see `sinchvoice auth list`")
    try:
        app_ctx.secrets.delete_everywhere(name)
    except KeyringUnavailable as exc:
        if profile.get("secret_storage", "keyring") == "keyring":  # a file-stored secret never was there
            app_ctx.out.warn(f"could not delete the secret from the keyring: {exc}")
    app_ctx.store.remove_profile(name)
    from sinchvoice import history

    history.forget(app_ctx.env.state_dir, "profiles", [name])
    app_ctx.out.note(f"Logged out: profile {name!r} removed")


@app.command("list", epilog=examples(
    "sinchvoice auth list",
    "sinchvoice auth list -o csv",
))
def list_profiles(ctx: Context) -> None:
    """List stored profiles; the active one is marked."""
    from sinchvoice.credentials import mask

    app_ctx = app_context(ctx)
    store = app_ctx.store
    body = [{"profile": name, "active": name == store.active,
             "applicationKey": mask(store.profile(name).get("application_key", "")),
             "region": store.profile(name).get("region", "global"),
             "secretStorage": store.profile(name).get("secret_storage", "keyring")} for name in store.names()]
    if not body and app_ctx.out.mode == "table" and not app_ctx.out.quiet:  # an empty table would say nothing
        app_ctx.out.note("no profiles yet: add one with `sinchvoice auth login` (or `sinchvoice -p NAME auth login`)")
        return
    # Scripts get field names and a real boolean, people get a marker.
    app_ctx.out.render(
        body, columns=["", "profile", "application key", "region", "secret"],
        rows=[["*" if p["active"] else "", p["profile"], p["applicationKey"], p["region"], p["secretStorage"]]
              for p in body], ids=store.names(),
        csv_columns=["profile", "active", "applicationKey", "region", "secretStorage"],
        csv_rows=[[p["profile"], str(p["active"]).lower(), p["applicationKey"], p["region"], p["secretStorage"]]
                  for p in body])


@app.command(epilog=examples(
    "sinchvoice auth switch work",
    "sinchvoice auth switch default",
))
def switch(ctx: Context,
           name: Annotated[str, Argument(metavar="NAME", help="Profile to make active.")]) -> None:
    """Make a profile the active one.

    Commands use it unless -p or SINCHVOICE_PROFILE names another.
    """
    app_ctx = app_context(ctx)
    app_ctx.store.switch(name)
    app_ctx.out.note(f"Active profile: {name}")
