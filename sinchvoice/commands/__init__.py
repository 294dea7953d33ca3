"""One module per command group (commands/<area>/commands.py); a command parses input, calls the client, and hands
results to output. Commands declare themselves with sinchvoice.declare."""
