"""The `listen` area: the local callback listener's command (the server itself is sinchvoice.listener)."""
