#!/bin/sh
# run.sh BUILD_DIR... - runs every unit-test program and command-line test
# script against each build directory, the directories side by side, and
# prints the combined count as its last line: "N passed, N failed, N
# skipped".  Exits non-zero if anything failed.
#
# A check that cannot run here (an optional tool is missing, or the system
# does not allow it) is skipped, and the reason is listed.  With CI set in
# the environment (CI=true), every skip counts as a failure: CI installs every
# tool, so there every check must run.
#
# With UNITS_ONLY=1 only the unit-test programs run, and EXEC (a command such
# as qemu-aarch64) runs them when the build is for another CPU.  LANES=N runs
# N tests of each build directory at a time (1 unless set).
case "${CI:-}" in '' | 0 | false | no) strict= ;; *) strict=1 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec_missing=
if [ -n "${EXEC:-}" ] && ! command -v "${EXEC%% *}" >/dev/null 2>&1; then
    exec_missing="${EXEC%% *} is not installed"
fi

# The tests of BUILD, in the order they run and report.
tests_of() {
    for t in "$1"/tests/test_* tests/cli_*.sh; do
        [ -e "$t" ] || continue
        case "$t" in *.sh) [ -z "${UNITS_ONLY:-}" ] || continue ;; esac
        echo "$t"
    done
}

# run_test BUILD T OUT: runs test T against BUILD, its log in OUT.log; its
# report line (or the failure's tail) goes to OUT.out (OUT.err), its skips
# to OUT.skips and its counts "passed failed skipped" to OUT.counts.
run_test() {
    build=$1 t=$2 log=$3.log
    case "$t" in
    *.sh)
        NNART="$build/nnart" sh "$t" >"$log" 2>&1
        ;;
    *)
        if [ -n "$exec_missing" ]; then
            echo "SKIP: every test of $t: $exec_missing" >"$log"
            echo "0 passed, 0 failed, 1 skipped" >>"$log"
            true
        else
            ${EXEC:-} "$t" >"$log" 2>&1
        fi
        ;;
    esac
    status=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
    s=$(echo "$line" | sed -n 's/.*, \([0-9]*\) skipped$/\1/p')
    p=${p:-0} s=${s:-0}
    : >"$3.out" >"$3.err"
    if [ -z "$line" ] || { [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
        # Crashed, or exited non-zero without counting a failure: one failure.
        f=$(( ${f:-0} + 1 ))
        echo "== $t ($build): exit status $status" >>"$3.err"
    fi
    grep '^SKIP: ' "$log" | sed "s|^SKIP: |$t ($build): |" >"$3.skips"
    if [ "$f" -ne 0 ]; then
        echo "== $t ($build): $line" >>"$3.err"
        sed 's/^/   /' "$log" | tail -n 40 >>"$3.err"
    else
        printf '%-32s %s\n' "$t ($build)" "$line" >"$3.out"
        grep '^SKIP: ' "$log" | sed 's/^/   /' >>"$3.out"
    fi
    echo "$p $f $s" >"$3.counts"
}

# run_lane BUILD N: one lane of build N; it claims the build's tests one at
# a time (the first to make the directory $work/N-I.claim takes test I), so
# that the lanes of a build share its tests out as they go.
run_lane() {
    i=0
    for t in $(tests_of "$1"); do
        i=$((i + 1))
        mkdir "$work/$2-$i.claim" 2>/dev/null || continue
        run_test "$1" "$t" "$work/$2-$i"
    done
}

# Every build directory with LANES lanes (1 unless set), all side by side
# (each lane runs one test at a time); the reports in the order given.
lanes=${LANES:-1}
[ "$lanes" -ge 1 ] 2>/dev/null || lanes=1
n=0
for build in "$@"; do
    n=$((n + 1))
    k=0
    while [ $k -lt "$lanes" ]; do
        k=$((k + 1))
        run_lane "$build" $n &
    done
done
wait
# A test whose lane left no counts (the lane itself died) is one failure.
passed=0 failed=0 skipped=0
skips=$work/skips
: >"$skips"
n=0
for build in "$@"; do
    n=$((n + 1))
    i=0
    for t in $(tests_of "$build"); do
        i=$((i + 1))
        out=$work/$n-$i
        cat "$out.out" 2>/dev/null
        cat "$out.err" 2>/dev/null >&2
        cat "$out.skips" 2>/dev/null >>"$skips"
        p=0 f=1 s=0
        [ -r "$out.counts" ] && read -r p f s <"$out.counts"
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    done
done
if [ "$skipped" -ne 0 ] && [ -n "$strict" ]; then
    echo "== CI=$CI: the $skipped skipped checks count as failures:" >&2
    sed 's/^/   /' "$skips" >&2
    failed=$((failed + skipped))
    skipped=0
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
