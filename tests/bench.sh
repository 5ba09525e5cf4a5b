#!/bin/sh
# bench.sh [BUILD] - nnart's speed on this machine, every figure measured in
# this one run (`make bench`; about two minutes, a third of it PyTorch's).
# RUNS (5) sets the repetitions of (a), (b), (c) and (f), TORCH_RUNS (3)
# those of PyTorch's default job; the runs of a job's settings alternate, so
# that a busy spell of the machine falls on all of them.
#
#   peak      the machine's float32 FMA rate: tests/bench_peak.c, a tight loop
#             of twelve independent chains of fused multiply-adds at the
#             widest vector width, on one core and on all cores at once (the
#             FMA instructions in its loop are counted in the object: a
#             compiler that merged the chains would overstate the peak), and
#             the rate at which one core reads memory
#   floor     the least time the default job could take on this machine:
#             its FLOPs at one core's measured peak plus reading its 55 MB of
#             data at the measured read rate; each job's time is also given
#             as a ratio to its floor
#   OpenBLAS  if libopenblas is installed: nnart's kernels against OpenBLAS's
#             sgemm on the same products, one thread each
#             (tests/bench_kernels.c --blas)
#   (a)       the default job (`nnart train`: 784-10-10-10, 10 epochs of 60,000
#             MNIST images, batch 128, Adam), whole process including loading
#             the data and testing; RUNS runs each with the default thread
#             count (--threads 0: the first steps of each epoch try every
#             core and one thread computing while another fetches batches,
#             and the quicker way runs the rest of the epoch) and with
#             --threads 1 and 2: best and median wall time
#   (b)       `nnart evaluate` on the 10,000 test images, whole process
#   (c)       a wider net, 784-256-128-10, 2 epochs: training GFLOP/s from
#             the median training time, with the default thread count and
#             with --threads 1
#   (d)       the default net for 1, 5 and 10 epochs: cost per epoch
#   (e)       reading the 9.7 MB gzip-compressed training images with nnart's
#             own decoder against `gzip -dc` (tests/bench_gzip.c; CPU time)
#   threads   --threads 1 and --threads 2 must write identical model files
#   PyTorch   if python3 can import torch: the same jobs, whole process, and
#             nnart's speed-up (skipped, not failed, without it).  PyTorch is
#             held to one thread in every library it uses: torch's own
#             threads and OpenBLAS's, OpenMP's and MKL's (which
#             torch.set_num_threads does not limit), with OpenBLAS's kernels
#             forced as for the OpenBLAS line
#
# FLOPs are counted as 2 in out per sample for each product: the forward pass
# and the weight gradient of every layer, and the input gradient of every
# layer but the first.  That is what a dense first layer does: on MNIST,
# where 60% of the vectors of 8 pixels (42% of those of 16) are blank,
# nnart's first layer skips their products, so its GFLOP/s and its distance
# from the floor are those of the dense job it replaces.  GFLOP/s use the
# training time nnart itself reports (the sum of its per-epoch times, from
# --history), not data loading.
# Peak memory is the child's ru_maxrss (tests/bench_run.c).
set -u
BUILD=${1:-build}
N=$BUILD/nnart
RUN=$BUILD/tests/bench_run
RUNS=${RUNS:-5}
for f in "$N" "$RUN" "$BUILD/tests/bench_peak" "$BUILD/tests/bench_kernels" "$BUILD/tests/bench_gzip"; do
    [ -x "$f" ] || { echo "bench.sh: $f is missing; run make bench" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: runs CMD once under bench_run; appends
# "wall user sys rss status" to $tmp/NAME.times.
measure() {
    name=$1
    shift
    r=$("$RUN" "$tmp/$name.log" "$@")
    echo "$r" >>"$tmp/$name.times"
    status=$(echo "$r" | awk '{print $5}')
    if [ "$status" -ne 0 ]; then
        echo "bench.sh: '$*' failed (exit status $status):" >&2
        tail -n 5 "$tmp/$name.log" >&2
        exit 1
    fi
}

# stats NAME: "best median max_rss_MiB median_cpu" of the runs recorded for
# NAME (wall seconds; CPU seconds are user + system, all threads).
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stats() {
    best=$(awk '{ print $1 }' "$tmp/$1.times" | sort -n | head -n 1)
    med=$(awk '{ print $1 }' "$tmp/$1.times" | median)
    rss=$(awk '$4 > r { r = $4 } END { printf "%.1f", r / 1024 }' "$tmp/$1.times")
    cpu=$(awk '{ print $2 + $3 }' "$tmp/$1.times" | median)
    echo "$best $med $rss $cpu"
}

# train_seconds CSV: the training time in a --history file (sum of epochs).
train_seconds() {
    awk -F, 'NR > 1 { s += $6 } END { printf "%.4f\n", s }' "$1"
}

# flops_per_sample SPEC: FLOPs of one training sample for layers "784-10-10-10".
flops_per_sample() {
    echo "$1" | awk -F- '{ f = 0
        for (l = 1; l < NF; l++) f += (l == 1 ? 4 : 6) * $l * $(l + 1)
        print f }'
}

# div A B: A / B to one decimal (A and B may be awk expressions).
div() { awk "BEGIN { printf \"%.1f\\n\", ($1) / ($2) }"; }

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
variant=$("$BUILD/tests/bench_kernels" --variant | cut -d' ' -f1)
echo "nnart benchmark on ${cpu:-an unknown CPU} ($(uname -m), $variant kernels)," \
    "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores online"
echo "compiler: $(${CC:-cc} --version 2>/dev/null | head -n 1)"
# Other programs on the same cores slow every figure down; say how busy it was.
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
echo "load average at the start: $(load)"

# Peak, and the FMA instructions in the loop that measured it.
set -- $("$BUILD/tests/bench_peak" 0.5)
peak_variant=$2 peak1=$3 peakn=$4 cores=$5 read_gbs=$6
lanes=$(case $peak_variant in avx512) echo 16 ;; avx2) echo 8 ;; *) echo 1 ;; esac)
if command -v objdump >/dev/null 2>&1; then
    fmas=$(objdump -d "$BUILD/tests/bench_peak" |
        awk -v f="<loop_$lanes>:" '$2 == f { on = 1; next } on && /^$/ { exit } on' |
        grep -c 'fmadd\|fmla')
    if [ "$fmas" -lt 12 ]; then
        echo "bench.sh: the peak loop holds $fmas FMA instructions, not 12: the compiler" \
            "merged its chains and the peak would be overstated" >&2
        exit 1
    fi
    fma_note="$fmas FMA instructions in the loop"
else
    fma_note="FMA count not checked: no objdump"
fi
echo "kernels: $("$BUILD/tests/bench_kernels" --variant)"
echo "peak (FMA loop, $peak_variant, $fma_note): $peak1 GFLOP/s on 1 core," \
    "$peakn GFLOP/s on $cores cores; memory read $read_gbs GB/s on 1 core"
echo "single-thread kernel rates (tests/bench_kernels.c):"
"$BUILD/tests/bench_kernels" --active 0.1 | sed 's/^/    /'
"$BUILD/tests/bench_kernels" --blas 0.1 | sed 's/^/    /'
echo

# (a) The default job.
i=0
while [ $i -lt "$RUNS" ]; do
    measure default "$N" train -q -o "$tmp/default.nnm"
    measure default1 "$N" train -q --threads 1 -o "$tmp/default1.nnm"
    measure default2 "$N" train -q --threads 2 -o "$tmp/default2.nnm"
    i=$((i + 1))
done
acc=$(sed -n 's/^test: .*accuracy \([0-9.]*\).*/\1/p' "$tmp/default.log")
set -- $(stats default)
a_best=$1 a_med=$2 a_rss=$3 a_cpu=$4
set -- $(stats default1)
a1_best=$1 a1_med=$2 a1_rss=$3 a1_cpu=$4
set -- $(stats default2)
a2_best=$1 a2_med=$2 a2_rss=$3 a2_cpu=$4

# (b) Evaluation of the 10,000 test images.
i=0
while [ $i -lt "$RUNS" ]; do
    measure eval "$N" evaluate -m "$tmp/default.nnm"
    i=$((i + 1))
done
set -- $(stats eval)
b_best=$1 b_med=$2 b_rss=$3 b_cpu=$4

# (c) The wide net, 2 epochs, training time from the history; the default
# thread count (every core, for a model this size) and one.
WIDE=784-256-128-10
i=0
while [ $i -lt "$RUNS" ]; do
    measure wide "$N" train --layers $WIDE --epochs 2 --no-test -q -o "$tmp/wide.nnm" \
        --history "$tmp/wide.csv"
    train_seconds "$tmp/wide.csv" >>"$tmp/wide.train"
    measure wide1 "$N" train --layers $WIDE --epochs 2 --no-test -q --threads 1 \
        -o "$tmp/wide1.nnm" --history "$tmp/wide1.csv"
    train_seconds "$tmp/wide1.csv" >>"$tmp/wide1.train"
    i=$((i + 1))
done
c_train=$(median <"$tmp/wide.train")
c1_train=$(median <"$tmp/wide1.train")
c_flops=$(awk -v f="$(flops_per_sample $WIDE)" 'BEGIN { print f * 60000 * 2 }')
c_gflops=$(div "$c_flops" "$c_train * 1e9")
c1_gflops=$(div "$c_flops" "$c1_train * 1e9")
set -- $(stats wide)
c_wall=$2 c_rss=$3

# (d) Epochs 1, 5, 10 of the default net.
for e in 1 5 10; do
    measure "ep$e" "$N" train --epochs $e -q -o "$tmp/ep$e.nnm" --history "$tmp/ep$e.csv"
done

# (e) gzip: nnart's decoder against the system's gzip, best of RUNS each.
set -- $("$BUILD/tests/bench_gzip" data/train-images-idx3-ubyte.gz "$RUNS")
e_ours=$2 e_gzip=$5 e_ratio=${10}

# Threads: identical files.
measure t1 "$N" train --threads 1 --epochs 2 -q -o "$tmp/t1.nnm"
measure t2 "$N" train --threads 2 --epochs 2 -q -o "$tmp/t2.nnm"
if cmp -s "$tmp/t1.nnm" "$tmp/t2.nnm"; then same=yes; else same=NO; fi

DEF=784-10-10-10
def_flops=$(awk -v f="$(flops_per_sample $DEF)" 'BEGIN { print f * 60000 * 10 }')
a_train=$(train_seconds "$tmp/ep10.csv")

printf '%-42s %7s %9s %8s %9s\n' "job (whole process, $RUNS runs)" "best s" "median s" "CPU s" "peak MiB"
printf '%-42s %7s %9s %8s %9s\n' "(a) nnart train (the default job)" "$a_best" "$a_med" "$a_cpu" "$a_rss"
printf '%-42s %7s %9s %8s %9s\n' "    nnart train --threads 1" "$a1_best" "$a1_med" "$a1_cpu" "$a1_rss"
printf '%-42s %7s %9s %8s %9s\n' "    nnart train --threads 2" "$a2_best" "$a2_med" "$a2_cpu" "$a2_rss"
printf '%-42s %7s %9s %8s %9s\n' "(b) nnart evaluate (10,000 test images)" "$b_best" "$b_med" "$b_cpu" "$b_rss"
echo "    default job: test accuracy $acc; training alone $a_train s =" \
    "$(div "$def_flops" "$a_train * 1e9") GFLOP/s ($(awk -v f="$def_flops" 'BEGIN { printf "%.1f", f / 1e9 }') GFLOP)"
data_bytes=$(cat data/train-images-idx3-ubyte data/train-labels-idx1-ubyte \
    data/t10k-images-idx3-ubyte data/t10k-labels-idx1-ubyte | wc -c)
floor=$(awk -v f="$def_flops" -v p="$peak1" -v b="$data_bytes" -v r="$read_gbs" \
    'BEGIN { printf "%.3f", f / (p * 1e9) + b / (r * 1e9) }')
floor_ratio=$(awk -v a="$a_med" -v f="$floor" 'BEGIN { printf "%.2f", a / f }')
echo "    floor: $floor s ($(awk -v f="$def_flops" 'BEGIN { printf "%.1f", f / 1e9 }') GFLOP at $peak1" \
    "GFLOP/s + $(awk -v b="$data_bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB at $read_gbs GB/s);" \
    "the default job takes ${floor_ratio}x the floor (median), $(div "$a1_med" "$floor")x with" \
    "--threads 1, $(div "$a_train" "$floor")x for training alone"
pct() { awk -v a="$1" -v p="$2" 'BEGIN { printf "%.0f%%", 100 * a / p }'; }
echo "(c) $WIDE, 2 epochs ($(awk -v f="$c_flops" 'BEGIN { printf "%.1f", f / 1e9 }') GFLOP, counted as dense), median of $RUNS runs:"
echo "    default (all cores): training $c_train s = $c_gflops GFLOP/s = $(pct "$c_gflops" "$peakn") of the" \
    "$cores-core peak (whole process, median $c_wall s, $c_rss MiB)"
echo "    --threads 1: training $c1_train s = $c1_gflops GFLOP/s = $(pct "$c1_gflops" "$peak1")" \
    "of the 1-core peak"
printf '(d) epochs      whole process s   training s   s per epoch\n'
for e in 1 5 10; do
    set -- $(stats "ep$e")
    t=$(train_seconds "$tmp/ep$e.csv")
    printf '    %-11s %13s %12s %13s\n' "$e" "$1" "$t" "$(awk -v t="$t" -v e="$e" 'BEGIN { printf "%.4f", t / e }')"
done
echo "(e) gunzip of the training images (9.7 MB -> 47 MB), CPU s, best: nnart $e_ours," \
    "gzip -dc $e_gzip: ${e_ratio}x gzip's time"
echo "threads: --threads 1 and --threads 2 write identical model files: $same"

# PyTorch, if it can be imported (Debian's python3-torch lives under /usr/bin,
# behind any other python3 on the PATH); PYTHONS overrides the candidates.
py=
for p in ${PYTHONS:-python3 /usr/bin/python3}; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c "import torch" >/dev/null 2>&1; then
        py=$p
        break
    fi
done
# Every thread pool PyTorch may use held to one thread; OpenBLAS's kernels
# forced to the CPU's widest vectors (it may not recognise a newer CPU).
case $peak_variant in avx512) coretype=SkylakeX ;; avx2) coretype=Haswell ;; *) coretype= ;; esac
coretype=${OPENBLAS_CORETYPE:-$coretype}
one_thread="OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1${coretype:+ OPENBLAS_CORETYPE=$coretype}"
echo
if [ -z "$py" ]; then
    echo "PyTorch: not importable by ${PYTHONS:-python3 or /usr/bin/python3}; comparison skipped"
    torch_ratio=
else
    i=0
    while [ $i -lt "${TORCH_RUNS:-3}" ]; do
        measure torch env $one_thread "$py" tests/bench_torch.py --layers $DEF --epochs 10
        tail -n 1 "$tmp/torch.log" | awk '{ print $6 }' >>"$tmp/torch.train"
        i=$((i + 1))
    done
    set -- $(tail -n 1 "$tmp/torch.log")
    t_ver=$2 t_acc=$4
    t_train=$(median <"$tmp/torch.train")
    set -- $(stats torch)
    t_wall=$2 t_rss=$3
    measure torchwide env $one_thread "$py" tests/bench_torch.py --layers $WIDE --epochs 2
    set -- $(cat "$tmp/torchwide.log" | tail -n 1)
    tw_train=$6
    torch_ratio=$(div "$t_wall" "$a_med")
    echo "PyTorch $t_ver (1 thread: $one_thread), same job, whole process, median of" \
        "${TORCH_RUNS:-3} runs: $t_wall s ($t_rss MiB), test accuracy $t_acc (nnart $acc)"
    echo "    nnart speed-up, whole process: ${torch_ratio}x (default threads, median)," \
        "$(div "$t_wall" "$a1_med")x (--threads 1, median)"
    echo "    training loops alone: PyTorch $t_train s, nnart $a_train s:" \
        "$(div "$t_train" "$a_train")x"
    echo "    $WIDE, 2 epochs, training alone: PyTorch $tw_train s, nnart $c_train s:" \
        "$(div "$tw_train" "$c_train")x"
fi

# (f) paint: `nnart paint --size 1920x1080` with the default network (x, y,
# r and 8 latent inputs, 4 hidden layers of 32 sin units, 3 sigmoid outputs),
# whole process including the PNG, RUNS runs with every core and with
# --threads 1.  Its forward pass is 2 in out FLOPs per pixel for each layer;
# the rate divides them by the whole process's wall time (a lower bound) and
# is set against the peak measured at the start; on a busy machine the rate
# per CPU second (FLOPs over user + system time) says more.
paint_flops=$(awk 'BEGIN { printf "%.0f", 2 * (11 * 32 + 3 * 32 * 32 + 32 * 3) * 1920 * 1080 }')
for i in $(seq "$RUNS"); do
    measure paint "$N" paint --size 1920x1080 --render "$tmp/paint.png"
    measure paint1 "$N" paint --size 1920x1080 --threads 1 --render "$tmp/paint1.png"
done
set -- $(stats paint)
p_best=$1 p_med=$2 p_rss=$3 p_cpu=$4
set -- $(stats paint1)
p1_best=$1 p1_med=$2 p1_cpu=$4
p_gflops=$(div "$paint_flops" "$p_best * 1e9")
p1_gflops=$(div "$paint_flops" "$p1_best * 1e9")
if cmp -s "$tmp/paint.png" "$tmp/paint1.png"; then p_same=yes; else p_same=NO; fi
echo
echo "(f) nnart paint --size 1920x1080 (2.1 Mpixels, $(awk -v f="$paint_flops" 'BEGIN { printf "%.1f", f / 1e9 }') GFLOP), whole process, $RUNS runs:"
echo "    all cores: best $p_best s, median $p_med s, CPU $p_cpu s, $p_rss MiB;" \
    "$p_gflops GFLOP/s = $(pct "$p_gflops" "$peakn") of the $cores-core peak"
echo "    --threads 1: best $p1_best s, median $p1_med s, CPU $p1_cpu s;" \
    "$p1_gflops GFLOP/s = $(pct "$p1_gflops" "$peak1") of the 1-core peak;" \
    "$(div "$paint_flops" "$p1_cpu * 1e9") GFLOP per CPU second"
echo "    the same bytes for every core and --threads 1: $p_same"
# PNG compression on every kind of picture (tests/bench_deflate.sh).
echo
sh tests/bench_deflate.sh "$BUILD" "$tmp/default.nnm" "$tmp/wide.nnm" "$tmp/ep10.csv"

echo
echo "load average at the end: $(load)"
echo "targets:"
ok() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "NOT met"; fi; }
echo "    default job within 2x the floor (median ${floor_ratio}x): $(ok "$floor_ratio <= 2")"
echo "    peak memory of the default job < 60 MB ($a_rss MiB): $(ok "$a_rss * 1.048576 < 60")"
echo "    wide net, 1 thread, >= 60% of the 1-core peak ($c1_gflops of $peak1 GFLOP/s):" \
    "$(ok "$c1_gflops >= 0.6 * $peak1")"
if [ "$cores" -ge 2 ]; then
    # The FMA loop's own gain on every core says what this run of the
    # machine allowed (two virtual processors may share a physical core).
    gain=$(awk -v a="$c1_train" -v b="$c_train" 'BEGIN { printf "%.2f", a / b }')
    peak_gain=$(awk -v a="$peakn" -v b="$peak1" 'BEGIN { printf "%.2f", a / b }')
    echo "    wide net gains >= 1.7x on $cores threads (${gain}x; the FMA loop gained" \
        "${peak_gain}x): $(ok "$gain >= 1.7")"
fi
echo "    --threads 1 and 2 identical model files: $(ok "\"$same\" == \"yes\"")"
if [ -n "$torch_ratio" ]; then
    echo "    >= 25x faster than PyTorch on one thread, whole process (${torch_ratio}x):" \
        "$(ok "$torch_ratio >= 25")"
fi
echo "    nnart paint at 1920x1080 < 1 s wall (median $p_med s): $(ok "$p_med < 1")"
