#!/bin/sh
# run.sh BUILD_DIR... - runs every unit-test program and command-line test
# script against each build directory and prints the combined count as its
# last line: "N passed, N failed".  Exits non-zero if anything failed.
# With UNITS_ONLY=1 only the unit-test programs run, and EXEC (a command such
# as qemu-aarch64) runs them when the build is for another CPU.
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for build in "$@"; do
    for t in "$build"/tests/test_* tests/cli_*.sh; do
        [ -e "$t" ] || continue
        case "$t" in
        *.sh)
            [ -z "${UNITS_ONLY:-}" ] || continue
            NNART="$build/nnart" sh "$t" >"$log" 2>&1
            ;;
        *) ${EXEC:-} "$t" >"$log" 2>&1 ;;
        esac
        status=$?
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
        if [ -z "$line" ] || { [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
            # Crashed, or exited non-zero without counting a failure: one failure.
            p=${p:-0}
            f=$(( ${f:-0} + 1 ))
            echo "== $t ($build): exit status $status" >&2
        fi
        passed=$((passed + p))
        failed=$((failed + f))
        if [ "$f" -ne 0 ]; then
            echo "== $t ($build): $line" >&2
            sed 's/^/   /' "$log" | tail -n 40 >&2
        else
            printf '%-32s %s\n' "$t ($build)" "$line"
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
