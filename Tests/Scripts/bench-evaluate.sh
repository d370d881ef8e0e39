#!/usr/bin/env bash
# Benchmarks access evaluation (issue 7) on a generated tree of 10k principals, 1k teams and
# 50k resources: `accessctl bench evaluate` times the answers in-process once the tree is
# loaded, and each whole command is timed as a user runs it. The baseline, measured in the
# same session, is `cat` reading every manifest. Prints a Markdown table.
#
# usage: Tests/Scripts/bench-evaluate.sh        (BENCH_DIR=DIR keeps the tree between runs)
# needs: Swift, OpenSSH, python3
set -euo pipefail
cd "$(dirname "$0")/../.."
now=2026-11-23T00:00:00Z
work=${BENCH_DIR:-$(mktemp -d)}
tree=$work/eval
swift build -c release >&2
bin=$PWD/.build/release/accessctl
if [ ! -f "$tree/accessctl.yaml" ]; then
  "$bin" bench generate --out "$tree" --requests 10000 --principals 10000 --resources 50000 --live 100 --now "$now" >&2
fi

# Median wall-clock seconds of three runs of a command, its output thrown away.
median() { python3 - "$@" <<'PY'
import subprocess, sys, time
times = []
for _ in range(3):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(f"{sorted(times)[1]:.3f}")
PY
}

# Three questions: an agent with a live signed request, a customer's administrator whose
# binding covers a whole account, and an organisation administrator who reaches everything.
questions=("agent-1065 read site:c229-s77" "c3-admin-1 read site:c3-s7" "admin-1 restart site:c3-s7")
cat_s=$(cd "$tree" && median sh -c "find . -path ./.bench-keys -prune -o -type f -name '*.yaml' -print0 | xargs -0 cat")
echo "| question | read (cat) | load + validate | check | who-can | access | check command | who-can command | access command |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for q in "${questions[@]}"; do
  read -r principal action resource <<< "$q"
  out=$("$bin" bench evaluate "$principal" "$action" "$resource" --root "$tree" --now "$now" --repeat 5)
  echo "$out" >&2
  col() { echo "$out" | awk -v row="$1" 'index($0, "  " row " ") == 1 { for (i = 1; i <= NF; i++) if ($(i + 1) == "s") { print $i; exit } }'; }
  load=$(python3 -c "print(f'{$(col "load and parse") + $(col validate):.3f}')")
  check_c=$(median "$bin" check "$principal" "$action" "$resource" --root "$tree" --at "$now")
  who_c=$(median "$bin" who-can "$action" "$resource" --root "$tree" --at "$now")
  access_c=$(median "$bin" access "$principal" --root "$tree" --at "$now")
  echo "| \`$q\` | $cat_s | $load | $(col "check answer") | $(col "who-can answer") | $(col "access answer") | $check_c | $who_c | $access_c |"
done
