#!/usr/bin/env bash
# Makes sure a Chromium and a CJK font are there for JS-rendered platforms.
# Debian's Chromium where apt can install it (Playwright cannot download browsers on every machine);
# elsewhere Playwright's own download is the fallback.
set -euo pipefail
VENV=${VENV:-.venv}

have_font() { fc-list 2>/dev/null | grep -i -e wqy -e "noto sans cjk" -e "noto serif cjk" >/dev/null; }

if [ -x /usr/bin/chromium ] && have_font; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's Chromium and a CJK font (fonts-wqy-zenhei)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
  exit 0
fi
echo "No apt-get here: using Playwright's own Chromium (install a CJK font yourself for screenshots)."
"$VENV/bin/playwright" install chromium
