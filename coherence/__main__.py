"""``python -m coherence`` runs the CLI."""

import sys

from coherence.cli import main

if __name__ == "__main__":
    sys.exit(main())
