#!/usr/bin/env bash
# Installs the project with every extra the tests need and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test,st,llm
# The Telegram tests run the telegram-test-api emulator (npm); this machine kind has Node.js, install it if not.
if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Node.js and npm for the Telegram emulator"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) \
    || echo "warning: could not install npm; the Telegram tests will fail" >&2
fi
# The console's browser test drives Debian's chromium (no browser is downloaded by Playwright).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian chromium for the browser test"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install chromium; the browser test will be skipped (or fail under CI)" >&2
  else
    echo "note: /usr/bin/chromium is absent; install Debian's chromium to run the browser test" >&2
  fi
fi
# The load bench's test drives wrk when it is there (and its Python client either way).
if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
    || echo "note: could not install wrk; the load bench is tested with its Python client only" >&2
fi
. .venv/bin/activate
python -m pytest "$@"
