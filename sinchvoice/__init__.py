"""sinchvoice: a command-line tool for the Sinch Voice API."""

__version__ = "0.1.0"
