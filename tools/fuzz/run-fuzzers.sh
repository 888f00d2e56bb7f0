#!/usr/bin/env bash
# Coverage-guided fuzzing of the log's and the catalogue's decoders with libFuzzer.
#
#   tools/fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]   # default 3600 s, every target
#   tools/fuzz/run-fuzzers.sh --seed DATA_DIR                    # (re)write seeds from a store's log
#   tools/fuzz/run-fuzzers.sh --check SECONDS                    # bounded run for CI (see below)
#
# Builds tools/fabriek-fuzz with `-sanitize=fuzzer -DFUZZING` into .build-fuzz (release, its own
# scratch path: the normal build is untouched), linked with the toolchain's lld and without debug
# info (the system's ld.gold stops with "internal error in format_file_lineno" on the
# instrumented objects), then fuzzes each target for the given time,
# starting from Tests/FuzzCorpus/TARGET. New inputs that add coverage are merged back into that
# directory; a crash, hang (-timeout) or allocation over the limit (-malloc_limit_mb) is written
# there as crash-*/timeout-*/oom-* and stops the target. Commit the corpus: the tests
# (FuzzCorpusTests, PayloadFuzzCorpusTests) replay every file of it in the normal build.
# Results go to .build-fuzz/results.txt (target, seconds, executions, coverage, outcome).
# Targets: segment index block payload (tools/fabriek-fuzz) and import-line (the import line
# parser, inside fabriek-admin: tools/fabriek-admin/Support/ImportLineFuzzer.swift).
#
# --check SECONDS (what .ci/run calls): every target for SECONDS from the committed corpus, which
# is left as it is (new inputs and any crasher go to .build-fuzz/check-*), and the exit status is
# 1 if any target crashed, hung or allocated over the limit, naming the file to look at.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=Tests/FuzzCorpus
if [ "${1:-}" = "--seed" ]; then
  swift build --product fabriek-fuzz
  "$(swift build --show-bin-path)/fabriek-fuzz" seed "$2/log" "$corpus"
  exit 0
fi
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
seconds="${1:-3600}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(segment index block payload import-line)
built=" "
for target in "${targets[@]}"; do
  product=$([ "$target" = import-line ] && echo fabriek-admin || echo fabriek-fuzz)
  case "$built" in *" $product "*) continue;; esac
  swift build -c release --scratch-path .build-fuzz --product "$product" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -gnone -Xswiftc -use-ld=lld
  built="$built$product "
done
results=.build-fuzz/results.txt
found=0
for target in "${targets[@]}"; do
  bin=".build-fuzz/release/$([ "$target" = import-line ] && echo fabriek-admin || echo fabriek-fuzz)"
  work=".build-fuzz/corpus-$target"; rm -rf "$work"; mkdir -p "$work"
  log=".build-fuzz/fuzz-$target.log"
  artifacts="$corpus/$target/"
  if [ $check -eq 1 ]; then artifacts=".build-fuzz/check-$target/"; rm -rf "$artifacts"; mkdir -p "$artifacts"; fi
  start=$(date +%s)
  status=0
  "$bin" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "$corpus/$target" >"$log" 2>&1 || status=$?
  end=$(date +%s)
  # Keep only the new inputs that add coverage (a set cover: about half the files of -merge=1).
  [ $check -eq 1 ] || "$bin" "$target" -set_cover_merge=1 "$corpus/$target" "$work" >>"$log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  outcome=$([ $status -eq 0 ] && echo "no crash" || echo "FOUND (exit $status): see $log and ${artifacts}{crash,timeout,oom}-*")
  [ $status -eq 0 ] || found=1
  line="$(date -u +%FT%TZ) $target $((end - start)) s, ${execs:-?} executions, ${cov:-cov ?}, $outcome"
  echo "$line" | tee -a "$results"
done
if [ $check -eq 1 ] && [ $found -ne 0 ]; then
  echo "fuzz check: a target failed; add the input under ${corpus}/TARGET as a regression test once fixed" >&2
  exit 1
fi
