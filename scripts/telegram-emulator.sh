#!/usr/bin/env bash
# A local Telegram: the telegram-test-api emulator (npm) as the Bot API server, for trying the bot without
# a real bot token. The tests start it the same way (tests/channels/telegram_emulator.py).
#
# Usage: scripts/telegram-emulator.sh [PORT]        run it (default port 8701) until Ctrl-C
#        scripts/telegram-emulator.sh --install     only install it (npm, once)
#        scripts/telegram-emulator.sh say TEXT      send TEXT to the bot as test user 4711 (PORT from $EMULATOR_PORT)
#        scripts/telegram-emulator.sh replies       print and consume the bot's new messages to user 4711
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${ESSBOT_TEST_CACHE:-$root/data/test-cache}/telegram-test-api"  # shared with the tests: installed once
package="telegram-test-api@4"
token="123456:local-emulator-token"  # the emulator takes any token of this form
user=4711
port="${EMULATOR_PORT:-8701}"

install() {
  [ -f "$prefix/node_modules/telegram-test-api/package.json" ] && return 0
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "The Telegram emulator needs Node.js and npm (apt-get install nodejs npm)." >&2
    exit 1
  fi
  mkdir -p "$prefix"
  npm install --no-audit --no-fund --prefix "$prefix" "$package" >&2 \
    || { echo "\`npm install $package\` failed (is the npm registry reachable?)" >&2; exit 1; }
}

client() {  # the emulator's client API: what a Telegram user does
  curl -fsS "http://127.0.0.1:$port$1" -H 'Content-Type: application/json' -d "$2"
  echo
}

case "${1:-}" in
  --install)
    install
    ;;
  say)
    text="${2:?usage: $0 say TEXT}"
    endpoint=/sendMessage
    entities='[]'
    if [[ "$text" == /* ]]; then  # a command: Telegram marks it as one
      endpoint=/sendCommand
      command="${text%% *}"
      entities="[{\"offset\":0,\"length\":${#command},\"type\":\"bot_command\"}]"
    fi
    body=$(python3 -c 'import json, sys, time
token, user, text, entities = sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
print(json.dumps({"botToken": token, "date": int(time.time()), "text": text, "entities": entities,
                  "from": {"id": user, "is_bot": False, "first_name": "Test", "language_code": "nl"},
                  "chat": {"id": user, "type": "private"}}))' "$token" "$user" "$text" "$entities")
    client "$endpoint" "$body"
    ;;
  replies)
    client /getUpdates "{\"token\":\"$token\",\"chatId\":$user}"
    ;;
  *)
    port="${1:-$port}"
    install
    cat <<EOF
Telegram-emulator op / on http://127.0.0.1:$port. Voor essbot / for essbot:
  export ESSBOT_TELEGRAM_TOKEN=$token
  export ESSBOT_TELEGRAM_BASE_URL=http://127.0.0.1:$port/bot
EOF
    # exec: the caller's SIGTERM reaches node, which stops the server
    NODE_PATH="$prefix/node_modules" exec node "$root/scripts/telegram-emulator.js" "$port"
    ;;
esac
