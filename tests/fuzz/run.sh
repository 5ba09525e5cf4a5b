#!/bin/sh
# run.sh SECONDS WORKDIR FUZZER... - runs each libFuzzer target for SECONDS,
# one after the other, starting from its seed corpus (tests/fuzz/corpus/NAME,
# never modified: new inputs go to WORKDIR/corpus/NAME).  Prints one line per
# target with the number of inputs it ran; a crash, leak, sanitizer report,
# failed check, timeout or excessive allocation stops that target, leaves the
# input as WORKDIR/NAME-crash-... (or -leak-, -oom-, -timeout-) and makes the
# script exit non-zero.
seconds=$1 work=$2
shift 2
status=0
for bin in "$@"; do
    name=$(basename "$bin")
    mkdir -p "$work/corpus/$name"
    log="$work/$name.log"
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/$name-" \
        "$work/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "$name: ${runs:-?} inputs in ${seconds}s, no findings"
    else
        echo "$name: FAILED (exit status $rc) after ${runs:-?} inputs; log $log" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*assertion failed|bad error message|artifact_prefix|Test unit written)' "$log" | head -n 10 >&2
        status=1
    fi
done
exit $status
