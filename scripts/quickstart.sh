#!/usr/bin/env bash
# Quickstart: install, index the sample knowledge base and answer a sample question,
# all on embedded defaults (SQLite, embedded Chroma, bundled e5 model, extractive answers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
essbot ingest
essbot ask "Twee groepen in mijn jongerencentrum schelden elkaar steeds harder uit. Wat raadt de depolarisatie-aanpak aan?"
