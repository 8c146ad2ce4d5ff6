"""Composition root: settings, wiring and the ``foerderbuch`` command line."""
