"""``python -m buckstop.api.cli``: the ``buckstop`` command."""

import sys

from .main import main

sys.exit(main())
