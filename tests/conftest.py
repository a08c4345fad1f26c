"""Order of the whole run: the browser tests (tests/e2e/) last.

They share one Playwright session for the whole run (tests/e2e/conftest.py), and Playwright's sync
API keeps an asyncio loop marked as running in the main thread until the session ends; tests that
run their own loop (`asyncio.run`, tests/test_marimo.py) must come before. Fast tests first also
means a broken model fails in seconds, not after the browsers."""

from __future__ import annotations


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: "/e2e/" in item.nodeid.replace("\\", "/") or item.nodeid.startswith("e2e/"))
