"""``python -m coherence`` runs the CLI."""

import sys

from coherence.cli import main

sys.exit(main())
