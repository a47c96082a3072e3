"""trainlog reports commands (being built)."""
