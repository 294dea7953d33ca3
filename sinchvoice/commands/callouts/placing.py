"""Placing one callout: sent once, then its id printed or the call followed (--wait), whatever happens next."""

from __future__ import annotations

from sinchvoice.errors import CalloutInterrupted, OutcomeUnknown, UsageError


def check_wait(wait: bool, seconds: float | None) -> float:
    from sinchvoice import callstatus

    if seconds is not None and not wait:  # ignoring it would let a script believe it waited
        raise UsageError("--wait-timeout only applies with --wait",
                         hint=f"add --wait to follow the call: --wait --wait-timeout {seconds:g}")
    return callstatus.check_wait_timeout(callstatus.DEFAULT_WAIT_TIMEOUT if seconds is None else seconds)


def place(app_ctx, method: str, body: dict, label: str, wait: bool, wait_timeout: float | None) -> None:
    """Send the callout once (the transport never replays it), then print its id or follow it.

    Once the API has accepted it the call exists and costs money, so whatever happens next (Ctrl-C, a --wait
    that cannot follow it, a closed stdout) its id is printed, or named in the error when stdout is gone.
    """
    from sinchvoice.client import call_id_of

    wait_timeout = check_wait(wait, wait_timeout)
    result = app_ctx.client().create_callout({"method": method, method: body})
    if result is None:  # --dry-run: the request was printed, nothing was sent
        return
    call_id, printed = call_id_of(result), []

    def print_call_id() -> None:
        if not printed:
            printed.append(call_id)
            app_ctx.out.one_id(result, "callId", call_id)

    try:
        try:
            _accepted(app_ctx, body, label, call_id, print_call_id, wait, wait_timeout)
        except KeyboardInterrupt:
            from sinchvoice.callstatus import next_steps

            print_call_id()
            # The API accepted the callout: the call goes on, so name it.
            raise CalloutInterrupted(f"interrupted; call {call_id} was placed", hint=next_steps(call_id)) from None
    except (BrokenPipeError, StdoutClosed):
        raise OutcomeUnknown(f"call {call_id} was placed, but its id could not be written to stdout (it is closed)",
                             hint=f"see it with `sinchvoice calls get {call_id}`; do not place it again") from None


class StdoutClosed(Exception):
    """Started with no stdout at all (`>&-`): Python's sys.stdout is None and every print would vanish."""


def _accepted(app_ctx, body: dict, label: str, call_id: str, print_call_id, wait: bool, wait_timeout: float) -> None:
    from sinchvoice import callstatus
    from sinchvoice.destinations import describe_destination

    app_ctx.remember("calls", call_id)
    if "conferenceId" in body:
        app_ctx.remember("conferences", body["conferenceId"])
    if app_ctx.env.stdout_closed:  # say so now, with the id, rather than follow a call whose result nobody sees
        raise StdoutClosed
    if app_ctx.env.stdout_isatty or app_ctx.env.stderr_isatty:
        whom = (f"{describe_destination(body['destination'])} from {body['cli']}" if "destination" in body
                else "whom the ICE SVAML says")
        app_ctx.out.note(f"Calling {whom} ({label})")
    if wait:
        # A conference call stays up as long as the bridge: answered is as far as there is to wait.
        callstatus.wait(app_ctx, call_id, wait_timeout, until_joined="conferenceId" in body)  # prints what it knows
    else:
        print_call_id()
