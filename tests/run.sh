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
# as qemu-aarch64) runs them when the build is for another CPU.
case "${CI:-}" in '' | 0 | false | no) strict= ;; *) strict=1 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec_missing=
if [ -n "${EXEC:-}" ] && ! command -v "${EXEC%% *}" >/dev/null 2>&1; then
    exec_missing="${EXEC%% *} is not installed"
fi

# run_build BUILD N: every test against BUILD; the report goes to
# $work/N.out (failures to $work/N.err), the skips to $work/N.skips and the
# counts "passed failed skipped" to $work/N.counts.
run_build() {
    build=$1 log=$work/$2.log skips=$work/$2.skips
    passed=0 failed=0 skipped=0
    : >"$skips"
    for t in "$build"/tests/test_* tests/cli_*.sh; do
        [ -e "$t" ] || continue
        case "$t" in
        *.sh)
            [ -z "${UNITS_ONLY:-}" ] || continue
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
        if [ -z "$line" ] || { [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
            # Crashed, or exited non-zero without counting a failure: one failure.
            f=$(( ${f:-0} + 1 ))
            echo "== $t ($build): exit status $status" >&2
        fi
        passed=$((passed + p))
        failed=$((failed + f))
        skipped=$((skipped + s))
        grep '^SKIP: ' "$log" | sed "s|^SKIP: |$t ($build): |" >>"$skips"
        if [ "$f" -ne 0 ]; then
            echo "== $t ($build): $line" >&2
            sed 's/^/   /' "$log" | tail -n 40 >&2
        else
            printf '%-32s %s\n' "$t ($build)" "$line"
            grep '^SKIP: ' "$log" | sed 's/^/   /'
        fi
    done
    echo "$passed $failed $skipped" >"$work/$2.counts"
}

# The build directories side by side (each is one lane of the machine's
# cores); their reports in the order given.
n=0
for build in "$@"; do
    n=$((n + 1))
    run_build "$build" $n >"$work/$n.out" 2>"$work/$n.err" &
done
wait
passed=0 failed=0 skipped=0
i=0
while [ $i -lt $n ]; do
    i=$((i + 1))
    cat "$work/$i.out"
    cat "$work/$i.err" >&2
    cat "$work/$i.skips" >>"$work/skips"
    set -- $(cat "$work/$i.counts" 2>/dev/null || echo "0 1 0")
    passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
done
skips=$work/skips
touch "$skips"
if [ "$skipped" -ne 0 ] && [ -n "$strict" ]; then
    echo "== CI=$CI: the $skipped skipped checks count as failures:" >&2
    sed 's/^/   /' "$skips" >&2
    failed=$((failed + skipped))
    skipped=0
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
