"""``python -m qb_symbolic``: the ``qb-symbolic`` command."""

import sys

from .cli import main

sys.exit(main())
