"""``python -m central``: the same as ``callshop-central``."""

import sys

from central.cli import main

sys.exit(main())
