# cli_faults.sh - nnart when writing fails or it is stopped: a read-only
# folder, a full disk, a file-size limit, a directory in the way, SIGINT,
# SIGTERM and SIGHUP in the middle of training, and divergence.  In every case the model
# already at the output path stays byte-identical and loadable, no temporary
# file is left, and the exit status and the one-line message say what happened.
. tests/lib.sh
N=${NNART:-./nnart}
mounted=
trap '[ -z "$mounted" ] || umount "$mounted"; chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT


# intact DIR WHAT: the model DIR/m.nnm is still the original (a copy of
# $tmp/orig.nnm), loads, and DIR holds no temporary file.
intact() {
    check "$2: the old model is byte-identical" cmp -s "$tmp/orig.nnm" "$1/m.nnm"
    check "$2: the old model loads" "$N" info "$1/m.nnm" >/dev/null
    check "$2: no temporary file left" [ -z "$(find "$1" -name '*.tmp-*')" ]
}

# A quick training run on 200 MNIST samples (runs in well under a second).
quick="--limit 200 --epochs 1 -q"
"$N" train $quick --seed 3 -o "$tmp/orig.nnm" >/dev/null 2>&1
check "the original model trains" [ -s "$tmp/orig.nnm" ]

# ---- a folder nnart may not write in -------------------------------------
# root writes anywhere, so as root the run is made as nobody (see as_nobody
# in lib.sh).
mkdir "$tmp/ro"
cp "$tmp/orig.nnm" "$tmp/ro/m.nnm"
chmod 555 "$tmp/ro"
as_nobody "$N"
if [ -n "$unprivileged" ]; then
    rowre 1 "nnart: $tmp/ro/m.nnm: cannot create: Permission denied" \
        $unprivileged "$NU" train --data "$DU" $quick -o "$tmp/ro/m.nnm"
    intact "$tmp/ro" "read-only folder"
    rowre 1 "nnart: $tmp/ro/h.csv: cannot create: Permission denied" \
        $unprivileged "$NU" train --data "$DU" $quick -o "$tmp/ro/m.nnm" --history "$tmp/ro/h.csv"
    intact "$tmp/ro" "read-only folder, history first"
else
    skip "a read-only folder" "$why"
fi
chmod 700 "$tmp"

# ---- a full disk: a 64 KB tmpfs (root only, where mounting is allowed) ------
# A 784-100-10 model needs 318 KB; the old 32 KB model fits beside it.
mkdir "$tmp/full"
if [ "$(id -u)" -ne 0 ]; then
    skip "a full disk" "mounting a 64 KB tmpfs needs root"
elif ! mount -t tmpfs -o size=64k nnart-test "$tmp/full" 2>"$tmp/mount.err"; then
    skip "a full disk" "cannot mount a 64 KB tmpfs here: $(head -n 1 "$tmp/mount.err")"
else
    mounted=$tmp/full
    cp "$tmp/orig.nnm" "$tmp/full/m.nnm"
    rowre 1 "nnart: $tmp/full/m.nnm: cannot write: No space left on device" \
        "$N" train $quick --layers 784-100-10 -o "$tmp/full/m.nnm"
    intact "$tmp/full" "full disk"
    umount "$tmp/full" && mounted=
fi

# ---- a file-size limit (RLIMIT_FSIZE), the same failure for anyone ---------
# SIGXFSZ is ignored so that write() fails with EFBIG instead of killing nnart.
mkdir "$tmp/fsize"
cp "$tmp/orig.nnm" "$tmp/fsize/m.nnm"
rowre 1 "nnart: $tmp/fsize/m.nnm: cannot write: File too large" \
    sh -c 'trap "" XFSZ; ulimit -f 16; exec "$@"' fsize "$N" train $quick -o "$tmp/fsize/m.nnm"
intact "$tmp/fsize" "file-size limit"

# ---- a directory where the model should go --------------------------------
mkdir "$tmp/dir" "$tmp/dir/m.nnm"
rowre 1 "nnart: $tmp/dir/m.nnm: is a directory, not a file" \
    "$N" train $quick -o "$tmp/dir/m.nnm"
check "directory in the way: no temporary file left" [ -z "$(find "$tmp/dir" -name '*.tmp-*')" ]

# ---- signals in the middle of training --------------------------------------
# A script's background job starts with SIGINT ignored (there is no job
# control), and nnart leaves it so; `env --default-signal=INT` (coreutils 8.31
# and later) starts it the way an interactive shell's would be.
if env --default-signal=INT true 2>/dev/null; then
    as_foreground="env --default-signal=INT"
else
    as_foreground=
fi

# start D: copies the original model to D/m.nnm and starts a long training
# (a million epochs of 1000 samples: some minutes) in the background, with the
# command in $launch, saving to it; returns once the first epoch is finished,
# with the process in $pid.
start() {
    d=$1
    mkdir "$d"
    cp "$tmp/orig.nnm" "$d/m.nnm"
    $launch "$N" train --limit 1000 --epochs 1000000 -o "$d/m.nnm" >"$d/out" 2>"$d/err" \
        </dev/null &
    pid=$!
    i=0
    while [ $i -lt 300 ] && ! grep -q '^8/8 ' "$d/out"; do
        sleep 0.1
        i=$((i + 1))
    done
}

# stop SIGNAL STATUS: starts a training (see start), sends SIGNAL, and checks
# that nnart stops within a few seconds with STATUS, naming the epoch, the step
# and the signal.
stop() {
    d=$tmp/sig$1
    start "$d"
    check "$1: training was under way" grep -q '^8/8 ' "$d/out"
    kill -s "$1" "$pid"
    # A watchdog: training stops after the current batch, long before this.
    # (It takes its sleep along when it is told to go.)
    sh -c 'sleep 20 & s=$!; trap "kill \$s; exit 0" TERM; wait $s; kill -s KILL $0' "$pid" \
        >/dev/null 2>&1 &
    dog=$!
    wait "$pid"
    got=$?
    kill "$dog" 2>/dev/null
    wait "$dog" 2>/dev/null
    check "$1: exit status $got is $2" [ "$got" -eq "$2" ]
    check "$1: one line on stderr" [ "$(wc -l <"$d/err")" -eq 1 ]
    check "$1: the message names epoch, step and signal" grep -Eq \
        "^nnart: training interrupted at epoch [0-9]+, step [0-9]+, by SIG$1; no model saved\$" "$d/err"
    intact "$d" "SIG$1"
}
if [ -n "$as_foreground" ]; then
    launch=$as_foreground
    stop INT 130
else
    skip "SIGINT during training" "env cannot start a command with SIGINT restored (coreutils 8.31 or later can)"
fi
launch=
stop TERM 143
stop HUP 129

# SIGINT inherited as ignored stays ignored: training goes on, and SIGTERM then
# stops it as usual.
start "$tmp/sigign"
kill -s INT "$pid"
sleep 1
check "ignored SIGINT: training goes on" kill -0 "$pid"
kill -s TERM "$pid"
wait "$pid"
got=$?
check "ignored SIGINT: SIGTERM then stops it with 143 (got $got)" [ "$got" -eq 143 ]
check "ignored SIGINT: the message names SIGTERM" grep -q "by SIGTERM; no model saved" \
    "$tmp/sigign/err"
intact "$tmp/sigign" "ignored SIGINT"

# ---- divergence ----------------------------------------------------------
mkdir "$tmp/nan"
cp "$tmp/orig.nnm" "$tmp/nan/m.nnm"
rowre 1 "nnart: training diverged at epoch [0-9]+, step [0-9]+: the loss is (NaN|infinite) \(try a smaller learning rate\)" \
    "$N" train --limit 1000 --epochs 5 --lr 1e6 --optimizer sgd -o "$tmp/nan/m.nnm"
intact "$tmp/nan" "divergence"

finish
