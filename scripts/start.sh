#!/usr/bin/env bash
# Set up rnn-widget on a fresh machine and open the tutorial in JupyterLab on 127.0.0.1.
# PORT=9999 bash scripts/start.sh picks another port.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[lab]"
ROOT=(); [ "$(id -u)" = 0 ] && ROOT=(--allow-root)
exec .venv/bin/jupyter lab notebooks/01_rnn_by_hand.ipynb \
  --ServerApp.jpserver_extensions="{'rnn_widget.nodelay': True}" \
  --ServerApp.ip=127.0.0.1 --ServerApp.port="${PORT:-8888}" "${ROOT[@]}"
