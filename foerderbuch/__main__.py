"""``python -m foerderbuch``: the same command line as ``foerderbuch``."""

from foerderbuch.cli import main

raise SystemExit(main())
