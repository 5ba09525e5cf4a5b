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

# row STATUS MESSAGE CMD...: CMD exits with STATUS and its stderr is exactly
# the one line MESSAGE.
row() {
    want=$1 msg=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    printf '%s\n' "$msg" >"$tmp/want"
    if [ "$got" -ne "$want" ]; then
        fail "$*: exit status $got, expected $want; stderr: $(head -c 300 "$tmp/err")"
    elif ! cmp -s "$tmp/want" "$tmp/err"; then
        fail "$*: stderr is not the one line '$msg': $(head -c 300 "$tmp/err")"
    else
        pass
    fi
}

# rowre STATUS REGEX CMD...: the same, with the line matched entirely by an
# extended regular expression (for numbers that cannot be known in advance).
rowre() {
    want=$1 re=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$*: exit status $got, expected $want; stderr: $(head -c 300 "$tmp/err")"
    elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -Eq "^$re\$" "$tmp/err"; then
        fail "$*: stderr is not one line matching '$re': $(head -c 300 "$tmp/err")"
    else
        pass
    fi
}

# as_nobody BINARY: prepares to run BINARY without root's right to read and
# write anything.  Sets $unprivileged to the command prefix (env when not
# root), $NU to a copy of the binary and $DU to a copy of the bundled MNIST
# (.gz) that user nobody can reach wherever the tests run; or, when that is
# impossible, leaves $unprivileged empty and says why in $why.
as_nobody() {
    unprivileged= why= NU=$1 DU=data
    if [ "$(id -u)" -ne 0 ]; then
        unprivileged=env
        return
    fi
    if ! have setpriv; then
        why="running as root, and setpriv (util-linux) is not installed"
        return
    fi
    mkdir -p "$tmp/pub/data"
    cp "$1" "$tmp/pub/nnart" && cp data/*-ubyte.gz "$tmp/pub/data/" &&
        chmod -R a+rX "$tmp/pub" && chmod 711 "$tmp"
    NU=$tmp/pub/nnart DU=$tmp/pub/data
    if setpriv --reuid=65534 --regid=65534 --clear-groups "$NU" --version >/dev/null 2>&1; then
        unprivileged="setpriv --reuid=65534 --regid=65534 --clear-groups"
    else
        why="running as root, and user nobody cannot run a copy of $1 in $tmp"
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

# only DIR NAME...: DIR holds exactly the entries NAME... (no temporary file
# and nothing else left beside them).
only() {
    [ "$(ls -A "$1" | sort)" = "$(shift; for n in "$@"; do echo "$n"; done | sort)" ]
}

# same FILE COPY MODE: FILE is byte-identical with COPY and has the
# permission bits MODE (octal, as stat -c %a prints them).
same() { cmp -s "$1" "$2" && [ "$(stat -c %a "$1")" = "$3" ]; }
