"""trainlog study commands (being built)."""
