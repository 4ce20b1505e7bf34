"""`python -m gu1lint` runs the same CLI as the `gu1lint` script."""

import sys

from gu1lint.cli import main

sys.exit(main())
