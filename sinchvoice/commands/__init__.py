"""One module per command group; a command parses input, calls the client, and hands results to output."""
