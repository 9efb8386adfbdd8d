"""`python -m generator` is the `sitegen` command."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
