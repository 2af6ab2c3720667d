"""One module per command group of the `techpact` command line."""
