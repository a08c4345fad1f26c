"""Helpers for tests/test_fuzz.py (not collected: no module here is named test_*)."""
