"""Translate R keras workshop code (``.R``, ``.Rmd``) to Python that uses kerasr.

R: ``source("lab.R")``
Python: ``translate_file("lab.R", "lab.py")`` or ``kerasr translate lab.R -o lab.py``
"""

from .core import translate_file, translate_r

__all__ = ["translate_file", "translate_r"]
