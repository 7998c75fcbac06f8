"""Allow ``python -m initiative_lib``."""

import sys

from initiative_lib.cli import main

sys.exit(main())
