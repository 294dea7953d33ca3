"""A stateful local emulator of the Sinch Voice API; import `server` or `app`, this package stays light."""
