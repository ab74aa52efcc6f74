#!/usr/bin/env bash
# Creates .venv and installs the project with the given extras (default: none).
# Usage: scripts/setup.sh [test,st,llm]
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-python3}"
# The Dutch word list (OpenTaal, Debian's wdutch) tells the name redactor which words are ordinary words.
if [ ! -e /usr/share/dict/nederlands ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wdutch >/dev/null) \
      || echo "warning: could not install wdutch; names that are also words are redacted less well" >&2
  else
    echo "note: install Debian's wdutch (/usr/share/dict/nederlands) for the best name redaction" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
. .venv/bin/activate
# pip warns once per package about find-links folders this machine lacks; keep the real output readable.
pipq() { python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
pipq install -q --upgrade pip
if [[ ",$extras," == *",st,"* ]]; then
  # The CPU wheel of torch first: left to the resolver, pip would fetch a multi-GB CUDA build.
  pipq install -q "torch==2.13.0"
fi
if [ -n "$extras" ]; then
  pipq install -q -e ".[$extras]"
else
  pipq install -q -e .
fi
