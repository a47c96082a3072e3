"""trainlog: the record of how a district trains its cadres, and reports on it."""


def __getattr__(name: str) -> str:
    # Looked up only when asked for (`--version`): importlib.metadata costs every command time.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("trainlog")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
