# cli_threads.sh - the thread count never changes a result: training with 1,
# 2 and 3 threads writes byte-identical model files and evaluation prints the
# same report, for every kernel variant (NNART_KERNELS; one this CPU cannot
# run falls back to the best it can).
. tests/lib.sh
N=${NNART:-./nnart}

train() { # train VARIANT THREADS [more options]: writes $tmp/VARIANT-THREADS.nnm
    k=$1 t=$2
    shift 2
    NNART_KERNELS=$k "$N" train --limit 2000 --epochs 2 --batch 100 --val-split 0.1 --no-test \
        --threads "$t" -o "$tmp/$k-$t.nnm" "$@" >"$tmp/$k-$t.log" 2>&1
    check "$k: train --threads $t exits 0" [ $? -eq 0 ]
    grep -o 'loss: .*' "$tmp/$k-$t.log" >"$tmp/$k-$t.out" # the metrics, without timings
}

for k in generic avx2 avx512; do
    train $k 1
    train $k 2
    check "$k: --threads 2 model file identical to --threads 1" \
        cmp -s "$tmp/$k-1.nnm" "$tmp/$k-2.nnm"
    check "$k: metrics printed" [ -s "$tmp/$k-1.out" ]
    check "$k: --threads 2 reports metrics identical to --threads 1" \
        cmp -s "$tmp/$k-1.out" "$tmp/$k-2.out"
    for t in 1 2 3; do
        NNART_KERNELS=$k "$N" evaluate -m "$tmp/$k-1.nnm" --limit 3000 --threads "$t" \
            >"$tmp/$k-$t.eval" 2>&1
        check "$k: evaluate --threads $t exits 0" [ $? -eq 0 ]
    done
    check "$k: evaluate --threads 2 identical to --threads 1" cmp -s "$tmp/$k-1.eval" "$tmp/$k-2.eval"
    check "$k: evaluate --threads 3 identical to --threads 1" cmp -s "$tmp/$k-1.eval" "$tmp/$k-3.eval"
done

# More threads than cores, and the default (0 = every core), with the
# variant chosen for this CPU.
train best 1
train best 3
train best 0
check "--threads 3 model file identical to --threads 1" cmp -s "$tmp/best-1.nnm" "$tmp/best-3.nnm"
check "--threads 0 model file identical to --threads 1" cmp -s "$tmp/best-1.nnm" "$tmp/best-0.nnm"

finish
