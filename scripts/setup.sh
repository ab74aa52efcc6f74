#!/usr/bin/env bash
# Creates .venv and installs the project with the given extras (default: none).
# Usage: scripts/setup.sh [test,st,llm]
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
if [[ ",$extras," == *",st,"* ]]; then
  # The CPU wheel of torch first: left to the resolver, pip would fetch a multi-GB CUDA build.
  python -m pip install -q "torch==2.13.0"
fi
if [ -n "$extras" ]; then
  python -m pip install -q -e ".[$extras]"
else
  python -m pip install -q -e .
fi
