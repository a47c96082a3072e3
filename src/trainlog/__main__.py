"""python -m trainlog, and the `trainlog` console script (`run`).

Nothing is imported before the try: a Ctrl-C while the command's modules load (the first
~50 ms) is one line and exit 130, not a KeyboardInterrupt traceback.
"""

import sys


def run() -> None:
    try:
        from trainlog.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing of the current command was written\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
