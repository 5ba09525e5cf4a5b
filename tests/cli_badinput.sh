# cli_badinput.sh - a table of bad inputs for the nnart command, each with the
# exact message and exit status expected: malformed IDX and model files, paths
# that are not readable files, inconsistent data and models, and bad options.
# Every row: exit status 1 (bad file or data) or 2 (bad command line), exactly
# one line on stderr, and nothing else (no sanitizer report).
. tests/lib.sh
N=${NNART:-./nnart}

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

# ---- options ---------------------------------------------------------------
nl=$(printf 'a\nb')
row 2 "nnart train: unknown option '--a?b' (see nnart train --help)" "$N" train "--$nl"
row 2 "nnart train: --epochs: 'a?b' is not a whole number" "$N" train --epochs "$nl"

finish
