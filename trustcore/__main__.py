"""``python -m trustcore``: the command line (see trustcore.cli)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
