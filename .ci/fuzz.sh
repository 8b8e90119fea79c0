#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (fuzz/fuzz_targets/), a fixed small
# budget per target on one core; any crash, panic, failed assertion, leak,
# timeout or out-of-memory fails CI. Seeds are fuzz/corpus/<target>/ (read
# only: new inputs go to a scratch folder); a crash leaves its input in
# fuzz/artifacts/<target>/.
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
summary=()
status=0
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "corpus/$t" "artifacts/$t"
  log="$scratch/$t.log"
  # shellcheck disable=SC2046
  if "$bin/$t" "$scratch/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
      -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 $(dict_of "$t") >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
    summary+=("$(printf '%-16s %10s runs  cov: %s' "$t" "$runs" "$cov")")
  else
    status=1
    summary+=("$(printf '%-16s FAILED (input in fuzz/artifacts/%s/)' "$t" "$t")")
    tail -40 "$log"
  fi
done
echo "fuzzing, ${SECONDS_PER_TARGET} s per target:"
printf '  %s\n' "${summary[@]}"
exit $status
