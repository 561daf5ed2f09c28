#!/usr/bin/env bash
# Runs the compare command on the bundled sample (every sample policy family, November 2026),
# renders its HTML report in headless Chromium and keeps a screenshot for the README
# (docs/sample-comparison.png). Needs Debian's chromium (apt-get install chromium).
# The budget lines depend on the day it runs: "on course" is judged on the days of the month elapsed.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet run --project src/CompFunctions.LocalHost -- compare --periods 2026-11 \
  --plans sdr-2026,pay-per-meeting-set,pay-per-sao,pay-per-stage,pay-on-closed-won,pay-on-pipeline \
  --html "$out/comparison.html" > "$out/compare.log"
scripts/chromium-screenshot.sh "$out/comparison.html" "$PWD/docs/sample-comparison.png" 2050
cp "$out/comparison.html" docs/sample-comparison.html
echo "docs/sample-comparison.png and docs/sample-comparison.html written"
