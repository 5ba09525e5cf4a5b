#!/bin/sh
# run.sh SECONDS WORKDIR FUZZER... - runs each libFuzzer target for SECONDS
# from its seed corpus (tests/fuzz/corpus/NAME, never modified: new inputs go
# to WORKDIR/corpus/NAME), as many at once as there are cores online (JOBS
# overrides).  Prints one line per target with the number of inputs it ran;
# a crash, leak, sanitizer report, failed check, timeout or excessive
# allocation stops that target, leaves the input as WORKDIR/NAME-crash-...
# (or -leak-, -oom-, -timeout-) and makes the script exit non-zero.
seconds=$1 work=$2
shift 2
jobs=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1

# fuzz BIN: runs one target; its verdict goes to WORKDIR/NAME.result, its
# exit status to WORKDIR/NAME.status.
fuzz() {
    name=$(basename "$1")
    mkdir -p "$work/corpus/$name"
    log="$work/$name.log"
    "$1" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/$name-" \
        "$work/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "$name: ${runs:-?} inputs in ${seconds}s, no findings" >"$work/$name.result"
    else
        {
            echo "$name: FAILED (exit status $rc) after ${runs:-?} inputs; log $log"
            grep -E '^(==[0-9]+==ERROR|SUMMARY|.*assertion failed|bad error message|artifact_prefix|Test unit written)' "$log" | head -n 10
        } >"$work/$name.result"
    fi
    echo "$rc" >"$work/$name.status"
}

# Groups of $jobs targets at a time; the verdicts in the order given.
status=0
while [ $# -gt 0 ]; do
    group=
    n=0
    while [ $# -gt 0 ] && [ $n -lt "$jobs" ]; do
        fuzz "$1" &
        group="$group $1"
        n=$((n + 1))
        shift
    done
    wait
    for bin in $group; do
        name=$(basename "$bin")
        if [ "$(cat "$work/$name.status")" -eq 0 ]; then
            cat "$work/$name.result"
        else
            cat "$work/$name.result" >&2
            status=1
        fi
    done
done
exit $status
