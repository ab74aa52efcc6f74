#!/usr/bin/env bash
# axe-core (npm), the accessibility engine the widget's browser test runs in Chromium
# (tests/channels/axe.py). Installed once into the test cache, as scripts/telegram-emulator.sh installs
# its emulator; prints the path of axe.min.js.
#
# Usage: scripts/axe-core.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${ESSBOT_TEST_CACHE:-$root/data/test-cache}/axe-core"
package="axe-core@4"
script="$prefix/node_modules/axe-core/axe.min.js"

if [ ! -f "$script" ]; then
  if ! command -v npm >/dev/null; then
    echo "axe-core is installed with npm (apt-get install nodejs npm)." >&2
    exit 1
  fi
  mkdir -p "$prefix"
  npm install --no-audit --no-fund --prefix "$prefix" "$package" >&2 \
    || { echo "\`npm install $package\` failed (is the npm registry reachable?)" >&2; exit 1; }
fi
echo "$script"
