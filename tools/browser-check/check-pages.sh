#!/usr/bin/env bash
# Renders every web page of a running `fabriek serve` (small demo data) in headless Chromium at
# 375 px (a phone) and 1280 px wide, checks that no screenshot is blank and that each page's
# text holds the key numbers the API gives. Run by `.ci/run` (make browser-check).
# Usage: tools/browser-check/check-pages.sh [OUT_DIR]   (screenshots go to OUT_DIR, default .build/browser-check)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-.build/browser-check}
mkdir -p "$OUT"

SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
if ! command -v chromium >/dev/null; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
python3 -c 'import PIL' 2>/dev/null || python3 -m pip install -q pillow

swift build --product fabriek >/dev/null
swift build --product fabriek-admin >/dev/null
BIN=$(swift build --show-bin-path)
DATA=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
"$BIN/fabriek-admin" demo --data "$DATA" --scale small --seed 7 >/dev/null
TOKEN=$("$BIN/fabriek-admin" tokens issue --data "$DATA" --role admin --name browser-check)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/fabriek" serve --data "$DATA" --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 600); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$BASE/readyz" >/dev/null || { echo "server not ready"; cat "$OUT/server.log"; exit 1; }

api() { curl -fs -H "Authorization: Bearer $TOKEN" "$BASE$1"; }
HEAD=$(api /api/v1/log/head | python3 -c 'import json,sys; print(json.load(sys.stdin)["position"])')
MEMBERS=$(api "/api/v1/members?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
OPEN=$(api "/api/v1/tenders?limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tenders"]))')
MEMBER=$(api "/api/v1/members?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["members"][0]["memberId"])')
# any published job (the demo's are past their deadlines): the first of the open-data releases
TENDER=$(curl -fs "$BASE/api/v1/ocds/releases" | python3 -c 'import json,sys; r=json.load(sys.stdin)["releases"]; print(r[-1]["tender"]["id"] if r else "")')

# page | path | text that must appear
CHECKS=(
  "dashboard|/|id=\"position\">$HEAD<"
  "dashboard-kpi|/|SOC-1"
  "register|/register|id=\"total\">$MEMBERS<"
  "member|/leden/$MEMBER|Vaardigheden"
  "klussen|/klussen|id=\"open\">$OPEN<"
  "youregion|/youregion|Per kwartaal"
)
[ -n "$TENDER" ] && CHECKS+=("klus|/klussen/$TENDER|Percelen")

status=0
for check in "${CHECKS[@]}"; do
  IFS='|' read -r name path expect <<<"$check"
  dom=$(chromium --headless --no-sandbox --disable-gpu --dump-dom "$BASE$path" 2>/dev/null)
  if ! grep -qF -- "$expect" <<<"$dom"; then
    echo "FAIL $name ($path): page text lacks '$expect'"; status=1
  fi
  for width in 375 1280; do
    png="$OUT/$name-$width.png"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,1400" \
      --screenshot="$png" "$BASE$path" >/dev/null 2>&1
    if ! python3 - "$png" "$width" <<'PY'
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
w, h = img.size
colors = img.getcolors(maxcolors=1 << 20) or []
# not blank: more than a handful of colours, and no single colour covers everything
assert w == int(sys.argv[2]), f"width {w}, expected {sys.argv[2]}"
assert len(colors) > 20 and max(c for c, _ in colors) < 0.98 * w * h, f"blank-looking screenshot: {len(colors)} colours"
PY
    then echo "FAIL $name at $width px: blank screenshot ($png)"; status=1; fi
  done
  [ $status = 0 ] && echo "ok   $name ($path) at 375 and 1280 px"
done
exit $status
