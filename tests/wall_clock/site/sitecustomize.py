"""Child processes of a test run with CALLSHOP_TEST_NOW set travel like the parent.

Only on the PYTHONPATH of processes started by such a run (tests/wall_clock).
"""

import os
import sys

if os.environ.get("CALLSHOP_TEST_NOW"):
    sys.path.insert(
        0,
        os.path.dirname(
            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        ),
    )
    from tests.wall_clock import start_from_env

    start_from_env()
