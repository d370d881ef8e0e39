#!/usr/bin/env bash
# Compares `accessctl bench run` of two commits on one generated tree, in one session, and
# prints each phase's seconds side by side with the ratio (new / base).
#
# usage: Tests/Scripts/bench-compare.sh BASE_REV [REQUESTS]     (default: 100000 requests)
# needs: Swift, OpenSSH, git
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:?usage: bench-compare.sh BASE_REV [REQUESTS]}
n=${2:-100000}
now=2026-11-23T00:00:00Z
work=${BENCH_DIR:-$(mktemp -d)}
swift build -c release >&2
new_bin=$PWD/.build/release/accessctl
git worktree add -f "$work/base" "$base" >&2
(cd "$work/base" && swift build -c release >&2)
base_bin=$work/base/.build/release/accessctl
tree="$work/tree-$n"
[ -d "$tree" ] || "$new_bin" bench generate --out "$tree" --requests "$n" --live 100 >&2
"$base_bin" bench run --root "$tree" --now "$now" --templates "$work/base/templates" > "$work/base.txt"
"$new_bin" bench run --root "$tree" --now "$now" --templates templates > "$work/new.txt"
git worktree remove --force "$work/base" >&2
python3 - "$work/base.txt" "$work/new.txt" "$base" "$n" <<'PY'
import re, sys
def phases(path):
    out = {}
    for line in open(path):
        m = re.match(r"  (.+?)\s+([0-9.]+) s", line)
        if m: out[m.group(1).strip()] = float(m.group(2))
    return out
base, new = phases(sys.argv[1]), phases(sys.argv[2])
print(f"bench run on {sys.argv[4]} requests: base {sys.argv[3]} against the working tree")
print("| phase | base s | new s | new / base |")
print("|---|---:|---:|---:|")
for name, seconds in base.items():
    if name in new:
        print(f"| {name} | {seconds:.3f} | {new[name]:.3f} | {new[name] / seconds if seconds else float('nan'):.2f} |")
PY
