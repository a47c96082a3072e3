"""trainlog: the record of how a district trains its cadres, and reports on it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trainlog")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
