# cli_valgrind.sh - a short training, an evaluation, an info, every picture
# command and the explanations, and failures (a bad file, a bad output path)
# under valgrind's memcheck: no invalid read or write, no use of an
# uninitialised value, and no memory definitely or indirectly lost, on the
# success paths and on the error paths.  It does not apply to a sanitized
# build (ASan already checks it, and cannot run under valgrind); without
# valgrind its checks are skipped.
. tests/lib.sh
N=${NNART:-./nnart}

if sanitized "$N"; then
    echo "not applicable: $N is built with AddressSanitizer"
    finish
    exit
fi
if ! have valgrind; then
    skip "memcheck of every command and three failures (18 checks)" "valgrind is not installed"
    finish
    exit
fi

# vg STATUS WHAT CMD...: CMD runs clean under memcheck and exits with STATUS.
vg() {
    want=$1 what=$2
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --log-file="$tmp/vg.log" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -eq 99 ] || [ -s "$tmp/vg.log" ]; then
        fail "$what: memcheck found errors: $(head -c 2000 "$tmp/vg.log")"
    elif [ "$got" -ne "$want" ]; then
        fail "$what: exit status $got, expected $want: $(head -c 300 "$tmp/err")"
    else
        pass
    fi
}

vg 0 "train" "$N" train --limit 500 --epochs 1 --val-split 0.2 -o "$tmp/m.nnm" --history "$tmp/h.csv"
vg 0 "evaluate" "$N" evaluate -m "$tmp/m.nnm" --limit 500
vg 0 "info" "$N" info "$tmp/m.nnm"
head -c 1000 "$tmp/m.nnm" >"$tmp/cut.nnm"
vg 1 "evaluate a truncated model" "$N" evaluate -m "$tmp/cut.nnm"
{ printf '\0\0\10\2\0\0\0\3\0\0\3\20'; head -c 2352 /dev/zero; } >"$tmp/images" # 3 x 784
printf '\0\0\10\1\0\0\0\3\0\1\13' >"$tmp/labels"                             # 0 1 11
vg 1 "train on labels outside the classes" "$N" train --train-images "$tmp/images" \
    --train-labels "$tmp/labels" --layers 784-10-10-10 --no-test -o "$tmp/x.nnm"
check "the failure was the labels" grep -q "label 11 is outside" "$tmp/err"
vg 0 "predict a poster" "$N" predict -m "$tmp/m.nnm" --count 3 --render "$tmp/p.png"
vg 0 "dream" "$N" dream -m "$tmp/m.nnm" --class 3 --steps 20 --polish 0 --jitter 1 \
    --render "$tmp/d.png"
vg 0 "dream of hidden units" "$N" dream -m "$tmp/m.nnm" --layer 1 --steps 10 --render "$tmp/u.png"
vg 0 "show" "$N" show -m "$tmp/m.nnm" --render "$tmp/s.png"
vg 0 "explain by every method" "$N" explain -m "$tmp/m.nnm" --method all --samples 5 \
    --render "$tmp/e.png"
vg 0 "weights" "$N" weights -m "$tmp/m.nnm" --render "$tmp/w.png"
vg 0 "plot" "$N" plot "$tmp/h.csv" --render "$tmp/c.png"
vg 0 "export --npz" "$N" export -m "$tmp/m.nnm" --npz "$tmp/m.npz"
vg 0 "import" "$N" import "$tmp/m.npz" -o "$tmp/i.nnm"
head -c 3000 "$tmp/m.npz" >"$tmp/cut.npz"
vg 1 "import a truncated archive" "$N" import "$tmp/cut.npz" -o "$tmp/x.nnm"
vg 0 "predict --format npy" "$N" predict -m "$tmp/i.nnm" --count 3 --format npy
vg 1 "a render path in a missing folder" "$N" predict -m "$tmp/m.nnm" --render "$tmp/no/p.png"

finish
