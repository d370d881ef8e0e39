#!/usr/bin/env bash
# How parse time grows with the length of one line: times `accessctl parse` on one-line JSON
# files of 64 KiB and 1 MiB (16x the bytes) and prints the ratio. Linear parsing gives about
# 16; the old column walk (quadratic) gave about 256. A measurement, not a test: these
# machines are noisy, so no threshold lives in the test suite.
#
# usage: Tests/Scripts/parse-scaling.sh [ACCESSCTL]     (default: .build/release/accessctl)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release/accessctl}
[ -x "$bin" ] || swift build -c release >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys
for name, size in (("small", 64 * 1024), ("large", 1024 * 1024 - 64)):
    items, text = [], '{"spec":['
    while len(text) < size - 16:
        text += '"v%d",' % len(text)
    open(f"{sys.argv[1]}/{name}.json", "w").write(text + '"end"]}')
PY
best() {  # the fastest of three runs, in seconds
    local best=""
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N); "$bin" parse "$1" > /dev/null; end=$(date +%s.%N)
        best=$(python3 -c "a='$best'; t=$end-$start; print(t if not a or t < float(a) else a)")
    done
    echo "$best"
}
small=$(best "$work/small.json"); large=$(best "$work/large.json")
python3 -c "print(f'64 KiB: {$small:.3f} s, 1 MiB: {$large:.3f} s, ratio {$large / $small:.1f} (linear ~16, quadratic ~256)')"
