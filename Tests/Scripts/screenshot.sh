#!/usr/bin/env bash
# Renders the report of the bundled access tree and photographs pages with headless
# Chromium, at desktop and phone widths, so a person can look at them before a release.
#
# usage: Tests/Scripts/screenshot.sh [OUT_DIR]      (default: a new temporary folder)
# needs: Swift, OpenSSH, Chromium (Debian: apt-get install chromium); optional: poppler-utils
set -euo pipefail
cd "$(dirname "$0")/../.."
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "screenshot.sh: Chromium is not installed (Debian: apt-get install chromium); nothing to do" >&2
    exit 0
fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
now=2026-12-01T04:00:00Z   # the bundled run
swift build -q
bin=$(swift build --show-bin-path)/accessctl
# A copy of the tree, so its committed state and audit log stay as they are.
tree=$(mktemp -d)
cp -R access/. "$tree"
"$bin" report --root "$tree" --out "$out/site" --now "$now" || true
"$bin" report --root "$tree" --out "$out/site-acme" --now "$now" --for acme-admins || true
shot() { # PAGE WIDTH HEIGHT NAME
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="$2,$3" --screenshot="$out/$4.png" "file://$out/$1" >/dev/null 2>&1
    echo "$out/$4.png"
}
shot site/index.html 1280 900 index-desktop
shot site/index.html 390 1400 index-phone
shot site/requests/acme-backup-debug-2026-11-22.html 1280 1400 request-desktop
shot site/resources/site/acme-prod.html 1280 1200 resource-desktop
shot site/administrators.html 1280 600 administrators-desktop
shot site/audit.html 1280 900 audit-desktop
shot site-acme/index.html 1280 900 acme-index-desktop
shot site-acme/requests/acme-backup-debug-2026-11-22.html 390 1600 acme-request-phone
"$browser" --headless --no-sandbox --disable-gpu --print-to-pdf="$out/request-print.pdf" --no-pdf-header-footer \
    "file://$out/site/requests/acme-backup-debug-2026-11-22.html" >/dev/null 2>&1 && echo "$out/request-print.pdf"
# The printed pages as pictures too, when poppler-utils is installed.
if command -v pdftoppm >/dev/null; then
    pdftoppm -r 60 -png "$out/request-print.pdf" "$out/request-print" && ls "$out"/request-print-*.png
fi
rm -rf "$tree"
