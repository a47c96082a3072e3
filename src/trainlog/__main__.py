"""python -m trainlog."""

from trainlog.cli import main

main()
