# lib.sh - helpers for the command-line tests (sourced).  $NNART is the binary.
# Each check counts one test.  A check that cannot run here (an optional tool
# is missing, or the system does not allow it) is skipped with its reason,
# never passed; finish prints "N passed, N failed, N skipped".
passed=0
failed=0
skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# skip WHAT WHY: the checks of WHAT did not run, because of WHY.
skip() { skipped=$((skipped + 1)); echo "SKIP: $1: $2"; }

# have TOOL: TOOL is a command on the PATH.
have() { command -v "$1" >/dev/null 2>&1; }

# sanitized BINARY: BINARY is built with AddressSanitizer.
sanitized() { grep -qa __asan_init "$1"; }

# expect STATUS PATTERN CMD...: CMD exits with STATUS and prints exactly one
# line on stderr, which matches the grep pattern PATTERN.
expect() {
    want=$1 pattern=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$got" -ne "$want" ]; then
        fail "$*: exit status $got, expected $want; stderr: $(head -c 300 "$tmp/err")"
    elif [ "$lines" -ne 1 ]; then
        fail "$*: $lines lines on stderr, expected one: $(head -c 300 "$tmp/err")"
    elif ! grep -q -- "$pattern" "$tmp/err"; then
        fail "$*: stderr lacks '$pattern': $(cat "$tmp/err")"
    else
        pass
    fi
}

# check DESCRIPTION CMD...: CMD succeeds.
check() {
    what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}

finish() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
