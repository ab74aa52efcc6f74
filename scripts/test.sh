#!/usr/bin/env bash
# Installs the project with every extra the tests need and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test,st,llm
. .venv/bin/activate
python -m pytest "$@"
