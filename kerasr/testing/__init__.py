"""Smoke-testing course material with pytest: the ``kerasr`` pytest plugin and its helpers.

The plugin (``kerasr.testing.plugin``) is registered through the ``pytest11`` entry point and
does nothing until one of its ``--kerasr-*`` options (or ``kerasr_*`` ini settings) is used.
This package imports neither pytest nor Keras; ``kerasr.testing.caps`` is read by kerasr's
``fit()``, ``evaluate()`` and ``predict()``.

R: (the workshops have no test runner)
Python: ``pytest --kerasr-fast --kerasr-labs labs/``
"""

__all__: list[str] = []
