# cli_readme.sh - the README's examples run as shown.
#
# Every ```console block of README.md is a transcript: a line starting with "$ "
# is a command, and the lines after it, up to the next command or the end of
# the block, are what it prints (standard output and error together).
#   - A line "..." stands for any number of lines (none included).
#   - Times that vary from run to run ("0s 255us/step") are masked on both
#     sides, so the README shows real figures.
#   - A command shown without output must succeed.
# The commands run in order, in one scratch folder that holds ./nnart (the
# binary under test), data/ (the bundled MNIST) and build/ (its build folder),
# with the portable kernels (NNART_KERNELS=generic), whose numbers are the same
# on every CPU.  Blocks of another kind (```sh, ```c) are not run; the ```c
# block must be lines of tests/example.c, and once an example has written the
# default model nnart.nnm no other may replace it: each writes its own file.
. tests/lib.sh
N=${NNART:-./nnart}
case "$N" in /*) ;; *) N="$(pwd)/$N" ;; esac
readme=README.md

if sanitized "$N"; then
    # A minute per training there; the normal build runs the examples.
    echo "not applicable: $N is built with AddressSanitizer"
    finish
    exit
fi

# ---- the examples, one file per command: NNN.cmd, NNN.want, NNN.line ---------
mkdir "$tmp/ex"
awk -v dir="$tmp/ex" '
    function close_cmd() { if (cmd != "") { close(cmd); close(want) } cmd = "" }
    /^```console$/ { inblock = 1; next }
    inblock && /^```$/ { close_cmd(); inblock = 0; next }
    inblock && /^\$ / {
        close_cmd()
        n++
        cmd = sprintf("%s/%03d.cmd", dir, n); want = sprintf("%s/%03d.want", dir, n)
        print substr($0, 3) > cmd
        printf "" > want
        print NR > sprintf("%s/%03d.line", dir, n)
        close(sprintf("%s/%03d.line", dir, n))
        next
    }
    inblock && cmd != "" { print > want }
' "$readme"
count=$(ls "$tmp/ex" | grep -c '\.cmd$')
check "README.md has console examples ($count)" [ "$count" -ge 10 ]

# mask FILE: the lines of FILE with run-dependent times replaced.
mask() { sed -E 's/[0-9]+s [0-9]+(us|ms|s)\/step/Ts T\/step/g' "$1"; }

# matches WANT GOT: GOT's lines are WANT's, where a line "..." in WANT matches
# any run of lines.  The pieces between the "..." lines are found in order,
# each at the first place it fits; the first starts at GOT's first line and
# the last ends at its last.
matches() {
    awk '
        NR == FNR { want[++nw] = $0; next }
        { got[++ng] = $0 }
        END {
            pos = 1; i = 1
            while (i <= nw) {
                if (want[i] == "...") { free = 1; i++; continue }
                j = i
                while (j <= nw && want[j] != "...") j++
                len = j - i
                last = j > nw
                start = last && free ? ng - len + 1 : pos
                if (start < pos) exit 1
                for (;;) {
                    ok = start + len - 1 <= ng
                    for (k = 0; ok && k < len; k++)
                        if (got[start + k] != want[i + k]) ok = 0
                    if (ok || !free || last) break
                    start++
                    if (start + len - 1 > ng) break
                }
                if (!ok) exit 1
                pos = start + len; i = j; free = 0
            }
            exit !(free || pos == ng + 1)
        }
    ' "$1" "$2"
}

work="$tmp/work"
mkdir "$work"
ln -s "$N" "$work/nnart"
ln -s "$(pwd)/data" "$work/data"
ln -s "$(dirname "$N")" "$work/build"
for c in "$tmp"/ex/*.cmd; do
    e=${c%.cmd}
    line=$(cat "$e.line")
    cmd=$(cat "$c")
    before=$([ -f "$work/nnart.nnm" ] && cksum <"$work/nnart.nnm")
    (cd "$work" && NNART_KERNELS=generic sh -c "$cmd") >"$e.got" 2>&1 </dev/null
    status=$?
    after=$([ -f "$work/nnart.nnm" ] && cksum <"$work/nnart.nnm")
    if [ -n "$before" ] && [ "$before" != "$after" ]; then
        fail "README.md:$line: '$cmd' replaces the nnart.nnm of an earlier example (give it -o)"
    fi
    if [ ! -s "$e.want" ]; then
        check "README.md:$line: '$cmd' succeeds (exit status $status): $(head -c 300 "$e.got")" [ "$status" -eq 0 ]
    else
        mask "$e.want" >"$e.want.m"
        mask "$e.got" >"$e.got.m"
        if matches "$e.want.m" "$e.got.m"; then
            pass
        else
            if have diff; then
                diff "$e.want.m" "$e.got.m" >"$e.diff"
            else
                cp "$e.got" "$e.diff"
            fi
            fail "README.md:$line: '$cmd' printed something else (shown, then printed):
$(head -n 20 "$e.diff")"
        fi
    fi
done

# ---- the library example is tests/example.c ---------------------------------
awk '/^```c$/ { inblock = 1; next } inblock && /^```$/ { inblock = 0 } inblock' "$readme" \
    | grep -vx ' *\.\.\.' >"$tmp/c-lines"
check "README.md has the library example" [ -s "$tmp/c-lines" ]
while IFS= read -r l; do
    grep -Fxq -- "$l" tests/example.c || printf '%s\n' "$l"
done <"$tmp/c-lines" >"$tmp/c-stray"
check "README.md's C example is lines of tests/example.c; these are not: $(head -n 3 "$tmp/c-stray")" \
    [ ! -s "$tmp/c-stray" ]

finish
