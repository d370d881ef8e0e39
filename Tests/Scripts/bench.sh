#!/usr/bin/env bash
# Benchmarks accessctl against the I/O floor (cat) and what a user would write instead
# (Python + PyYAML's C loader) on generated trees of 1k, 10k and 100k requests, all in one
# session, and prints a Markdown table of seconds and ratios. The report is compared with
# its own floor: Python writing the same files (names and sizes) in the same place.
#
# usage: Tests/Scripts/bench.sh [SIZES...]     (default: 1000 10000 100000)
# needs: Swift, OpenSSH, python3 with PyYAML (pip install pyyaml), GNU time (/usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-1000 10000 100000}")
read -r -a sizes <<< "${sizes[*]}"
now=2026-11-23T00:00:00Z
work=${BENCH_DIR:-$(mktemp -d)}
python3 -c 'import yaml; yaml.CSafeLoader' || { echo "PyYAML with its C loader is needed: pip install pyyaml" >&2; exit 1; }
swift build -c release >&2
bin=.build/release/accessctl
# The table's runs start cold, without the cache; the incremental section below keeps one.
export ACCESSCTL_CACHE=off

# Seconds of one run of a command (wall clock), its output thrown away.
seconds() { python3 - "$@" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{time.perf_counter() - start:.3f}")
PY
}
# Peak resident memory in MiB of one run, from GNU time.
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

# The per-signature floor: one bare ssh-keygen -Y verify, averaged over 200 runs.
floor_dir=$(mktemp -d)
ssh-keygen -q -t ed25519 -N '' -f "$floor_dir/key"
printf 'accessctl bench' > "$floor_dir/msg"
ssh-keygen -Y sign -f "$floor_dir/key" -n accessctl "$floor_dir/msg" 2>/dev/null
echo "\"u\" namespaces=\"accessctl\" $(cut -d' ' -f1,2 "$floor_dir/key.pub")" > "$floor_dir/allowed"
bare=$(python3 - "$floor_dir" <<'PY'
import subprocess, sys, time
d = sys.argv[1]
start = time.perf_counter()
for _ in range(200):
    with open(f"{d}/msg", "rb") as m:
        subprocess.run(["ssh-keygen", "-Y", "verify", "-f", f"{d}/allowed", "-I", "u", "-n", "accessctl", "-s", f"{d}/msg.sig"], stdin=m, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(f"{(time.perf_counter() - start) / 200 * 1000:.2f}")
PY
)
echo "bare ssh-keygen -Y verify: $bare ms per signature" >&2

echo "| requests | files | cat (floor) | Python+PyYAML | validate | ratio to cat | Python / validate | plan | reconcile | peak MiB (reconcile) | report | report pages | write floor | report / floor |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    tree="$work/tree-$n"
    [ -d "$tree" ] || "$bin" bench generate --out "$tree" --requests "$n" --live 100 >&2
    files=$(find "$tree" -name '*.yaml' -not -path '*/.*' | wc -l)
    # A tree never reconciled: validate and plan read no audit log.
    rm -rf "$tree/state" "$tree/audit"
    sync
    cat_s=$(seconds bash -c "find '$tree' -name '*.yaml' -not -path '*/.*' -print0 | xargs -0 cat > /dev/null")
    py_s=$(seconds python3 Tests/Scripts/load_yaml.py "$tree")
    validate_s=$(seconds "$bin" validate --root "$tree" --now "$now")
    plan_s=$(seconds "$bin" plan --root "$tree" --now "$now")
    rm -rf "$tree/state" "$tree/audit"
    reconcile_s=$(seconds "$bin" reconcile --root "$tree" --now "$now")
    rm -rf "$tree/state" "$tree/audit"
    reconcile_mb=$(peak "$bin" reconcile --root "$tree" --now "$now")
    # The report of the reconciled tree (state and audit log in place), then its write floor.
    rm -rf "$work/report-$n"
    report_s=$(seconds "$bin" report --root "$tree" --out "$work/report-$n" --now "$now")
    pages=$(find "$work/report-$n" -name '*.html' | wc -l)
    floor_s=$(python3 Tests/Scripts/write_floor.py "$work/report-$n")
    rm -rf "$tree/state" "$tree/audit" "$work/report-$n"
    echo "| $n | $files | $cat_s | $py_s | $validate_s | $(ratio "$validate_s" "$cat_s") | $(ratio "$py_s" "$validate_s") | $plan_s | $reconcile_s | $reconcile_mb | $report_s | $pages | $floor_s | $(ratio "$report_s" "$floor_s") |"
done

# Runs after one changed request on the largest tree: the first reconcile leaves the audit
# checkpoint in a cache (as a laptop's ~/.cache/accessctl, or a CI cache), then one pending
# request's reason is edited and each command runs once, as a user runs it.
last="$work/tree-${sizes[-1]}"
cache="$work/cache"
rm -rf "$cache" "$last/state" "$last/audit"
ACCESSCTL_CACHE="$cache" "$bin" reconcile --root "$last" --now "$now" > /dev/null
# The report as it stood before the change, so the one after it can keep unchanged pages.
rm -rf "$work/report-i"
ACCESSCTL_CACHE="$cache" "$bin" report --root "$last" --out "$work/report-i" --now "$now" > /dev/null
changed=$(grep -rL "decisions:" "$last/requests" | head -1 || true)
name=$(basename "$changed" .yaml)
cp "$changed" "$work/changed.orig"
sed -i 's/^  reason: \(.*\)$/  reason: \1 (edited)/' "$changed"
requester=$(awk '/requester:/ {print $2}' "$changed")
resource=$(sed -n 's/.*resources: \[\([^],]*\).*/\1/p' "$changed")
plan_nc=$(seconds "$bin" plan --root "$last" --now "$now")
plan_i=$(ACCESSCTL_CACHE="$cache" seconds "$bin" plan --root "$last" --now "$now")
validate_i=$(ACCESSCTL_CACHE="$cache" seconds "$bin" validate --root "$last" --now "$now")
check_i=$(ACCESSCTL_CACHE="$cache" seconds "$bin" check "$requester" read "$resource" --root "$last" --at "$now")
status_i=$(ACCESSCTL_CACHE="$cache" seconds "$bin" status "$name" --root "$last" --now "$now")
reconcile_i=$(ACCESSCTL_CACHE="$cache" seconds "$bin" reconcile --root "$last" --now "$now")
report_i=$(ACCESSCTL_CACHE="$cache" seconds "$bin" report --root "$last" --out "$work/report-i" --now "$now")
report_full=$(ACCESSCTL_CACHE="$cache" seconds "$bin" report --root "$last" --out "$work/report-i" --now "$now" --full)
cp "$work/changed.orig" "$changed"
rm -rf "$last/state" "$last/audit" "$work/report-i" "$cache"
echo
echo "After one changed request ($name), ${sizes[-1]} requests, whole commands, seconds:"
echo
echo "| plan, no cache | plan | validate | check | status NAME | reconcile | report | report --full |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| $plan_nc | $plan_i | $validate_i | $check_i | $status_i | $reconcile_i | $report_i | $report_full |"

echo
echo "Phases of one run in-process (accessctl bench run), largest tree:"
"$bin" bench run --root "$last" --now "$now"
echo "Signature checks one at a time:"
"$bin" bench run --root "$last" --now "$now" --jobs 1 | grep 'verify signatures'
echo "bare ssh-keygen -Y verify: $bare ms per signature"
echo "trees kept in $work" >&2
