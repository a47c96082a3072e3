"""trainlog survey commands (being built)."""
