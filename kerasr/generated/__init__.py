"""Generated R-named families (see tools/generate_api.py)."""
