#!/usr/bin/env bash
# `make demo`: start the demo marketplace, sweep its three variants, print the lead queue, stop the market.
set -euo pipefail
VENV=${VENV:-.venv}
TW="$VENV/bin/tradewatch"
PORT=${DEMO_PORT:-8765}
KEYWORDS=${DEMO_KEYWORDS:-象牙,穿山甲,犀牛角,玳瑁,虎骨}
BASE="http://127.0.0.1:$PORT"

"$TW" demo-market serve --host 127.0.0.1 --port "$PORT" &
MARKET=$!
trap 'kill "$MARKET" 2>/dev/null || true; wait "$MARKET" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/robots.txt" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$MARKET" 2>/dev/null; then
    echo "The demo marketplace did not start (is port $PORT in use? set DEMO_PORT)." >&2
    exit 1
  fi
  sleep 0.1
done

"$TW" sweep --platform demo --platform demo-gbk --platform demo-js --keywords "$KEYWORDS" --base-url "$BASE"
"$TW" leads list --limit 40
