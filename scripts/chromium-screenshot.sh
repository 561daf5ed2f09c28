#!/usr/bin/env bash
# chromium-screenshot.sh PAGE.html OUT.png HEIGHT: renders a local page in headless Chromium (a fresh
# profile, no network chatter) 1000 px wide and saves a screenshot. Needs Debian's chromium.
set -euo pipefail
page="$1" png="$2" height="$3"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  --hide-scrollbars --window-size="1000,$height" --screenshot="$png" \
  "file://$page" 2> "$profile/chromium.log"
