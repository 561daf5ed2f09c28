#!/usr/bin/env bash
# Renders the sample statement's printable HTML page in headless Chromium and keeps a screenshot
# for the README (docs/sample-statement.png). Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet run --project src/CompFunctions.LocalHost -- demo --save-html "$out/statement.html" > "$out/demo.log"
scripts/chromium-screenshot.sh "$out/statement.html" "$PWD/docs/sample-statement.png" 2050
cp "$out/statement.html" docs/sample-statement.html
echo "docs/sample-statement.png and docs/sample-statement.html written"
