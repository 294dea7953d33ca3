"""Test helpers for following a call (--wait, --watch) and interrupting it with Ctrl-C."""


def interrupt_on_sleep(sandbox, number):
    """An on_sleep hook: the clock advances as usual until Ctrl-C interrupts the NUMBERth sleep."""
    sleeps = []

    def on_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == number:
            raise KeyboardInterrupt
        sandbox.advance(seconds)

    return on_sleep


def stopped(call_id, where):
    return (f"error: stopped following call {call_id}; {where}\n"
            f"hint: follow it with `sinchvoice calls get {call_id} --watch`, "
            f"or end it with `sinchvoice calls hangup {call_id}`\n")
