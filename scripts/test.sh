#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine and run them all:
# Python (model, widget, notebooks), JS unit tests (vitest) and real-browser tests (Playwright
# driving Debian's chromium against JupyterLab and Voila servers the tests start on 127.0.0.1).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k seeds`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "== Python environment (.venv)"
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch is a test-only dependency, pinned to the CPU build this machine has on disk
.venv/bin/python -m pip install -q "torch==2.13.0"
echo "== npm build and the package (editable; the build hook runs esbuild)"
# `npm ci` refuses lock files written without resolved URLs (this machine's npm config), so
# install from the lock file without rewriting it
npm install --no-audit --no-fund --no-save --loglevel=error
npm run build --silent
.venv/bin/python -m pip install -q -e ".[test]"

echo "== lint, format and types (Python: ruff, mypy; JS: biome, tsc --checkJs)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
npm run lint --silent
npm run typecheck --silent

echo "== JS unit tests (on fixtures written by the Python side)"
.venv/bin/python scripts/make_fixtures.py
npm test --silent

echo "== Python and browser tests"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
