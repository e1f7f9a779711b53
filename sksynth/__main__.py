"""``python -m sksynth``: the ``sksynth`` command line (see :mod:`sksynth.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
