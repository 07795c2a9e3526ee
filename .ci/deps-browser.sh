#!/usr/bin/env bash
# A real browser for tests/test_browser.py (issue 6): Debian's chromium, driven by the
# Python package playwright against /usr/bin/chromium. Never `playwright install`: the
# tests launch the system Chromium, so nothing is downloaded from a browser CDN.
# Idempotent: installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1; then
  if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  fi
fi

PYTHON="${VENV:-.venv}/bin/python"
if [ -x "$PYTHON" ] && ! "$PYTHON" -c "import playwright" 2>/dev/null; then
  "$PYTHON" -m pip install --quiet "playwright>=1.45"
fi
# Otherwise `make test` installs the test extra, which lists playwright.
