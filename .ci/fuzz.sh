#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (fuzz/fuzz_targets/), a fixed small
# budget per target, one target per core at a time (FUZZ_JOBS); any crash,
# panic, failed assertion, leak, timeout or out-of-memory fails CI. Seeds are
# fuzz/corpus/<target>/ (read only: new inputs go to a scratch folder); a
# crash leaves its input in fuzz/artifacts/<target>/.
#
#   bash .ci/fuzz.sh                         # CI: 10 s per target (every target)
#   FUZZ_SECONDS=600 bash .ci/fuzz.sh http_connection   # a long campaign
#
# Runs on the stable toolchain: `-s none` needs no sanitizer runtime and no
# nightly (debug assertions and overflow checks are on: -a).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${FUZZ_SECONDS:-10}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi

cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -s none -a
# The binaries are run directly: `cargo fuzz run` would rebuild first.
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release"

dict_of() {
  case "$1" in
    http_*) echo "-dict=dict/http.dict" ;;
    display_filter) echo "-dict=dict/filter.dict" ;;
  esac
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# One target per core at a time (each libFuzzer run uses one core).
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Runs target $1; leaves its summary line in $scratch/$1.result and its
# log's tail beside it when it fails.
fuzz_one() {
  local t="$1" log="$scratch/$1.log"
  mkdir -p "$scratch/$t" "corpus/$t" "artifacts/$t"
  # shellcheck disable=SC2046
  if "$bin/$t" "$scratch/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
      -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 $(dict_of "$t") >"$log" 2>&1; then
    local runs cov
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
    printf '%-16s %10s runs  cov: %s\n' "$t" "$runs" "$cov" >"$scratch/$t.result"
  else
    printf '%-16s FAILED (input in fuzz/artifacts/%s/)\n' "$t" "$t" >"$scratch/$t.result"
    tail -40 "$log" >"$scratch/$t.failure"
  fi
}

running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

status=0
echo "fuzzing, ${SECONDS_PER_TARGET} s per target, ${jobs} at a time:"
for t in "${targets[@]}"; do
  if [ -e "$scratch/$t.failure" ]; then
    status=1
    cat "$scratch/$t.failure"
  fi
  printf '  %s' "$(cat "$scratch/$t.result" 2>/dev/null || printf '%-16s FAILED (no result)\n' "$t")"
  echo
done
exit $status
