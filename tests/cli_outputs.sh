# cli_outputs.sh - the output rule, row by row, for every output of every
# command: train -o and --history, and the --render of predict, dream,
# weights, evaluate and plot.
#
#   a bad path (missing folder, a directory, a folder nnart may not write)
#       fails at once, before any work: exit 1, one line naming the path,
#       the old file untouched;
#   a regular file is replaced keeping its mode; a symbolic link (dangling
#       or not) is followed and its target replaced in the target's folder;
#       a FIFO, a character device and - are written straight through;
#   two outputs naming the same file are a usage error (exit 2), nothing
#       written; a failed save leaves every other output of the run as it was;
#   standard output is checked (a full disk is exit 1, one line), and a
#       reader that stopped is not an error for a listing;
#   a 255-byte name saves; a name over the limit fails at once;
#   divergence, also of the validation loss, writes nothing;
#   gzip data followed by zero padding loads; followed by junk it does not.
#
# In every failing row the old files stay byte-identical with their modes,
# and no temporary file is left (each folder holds exactly what it held).
# Signals have their own script, cli_signals.sh.
. tests/lib.sh
N=${NNART:-./nnart}
# (Read-only folders are made writable again, so that anyone can remove them.)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
# A time limit that proves "at once": nnart loads its data and opens its
# outputs in well under a second; the work it is given would take minutes.
if sanitized "$N"; then at_once=15; else at_once=4; fi

quick="--limit 200 --epochs 1 -q"
"$N" train --limit 200 --epochs 2 -q -o "$tmp/m.nnm" --history "$tmp/h.csv" >/dev/null 2>&1
check "a model and a history to start from" [ -s "$tmp/m.nnm" -a -s "$tmp/h.csv" ]

# Runs as nobody read the model and the history from a folder nobody can
# reach (as_nobody makes $tmp/pub when running as root).
as_nobody "$N"
P=$tmp/pub
mkdir -p "$P"
cp "$tmp/m.nnm" "$tmp/h.csv" "$P/"
chmod a+rX "$P" "$P/m.nnm" "$P/h.csv"
M=$P/m.nnm H=$P/h.csv

# The outputs, each with its file name extension.
writers="model history predict dream weights evaluate plot"
ext() { case $1 in model) echo nnm ;; history) echo csv ;; *) echo png ;; esac; }

# write W PATH: runs the command whose output W goes to PATH: the binary $B
# with data $D, after the prefix $pre (a user, a time limit); with work=long,
# work that takes minutes.  train's other output (-o beside --history) goes
# into the folder $S.
write() {
    if [ "$work" = long ]; then
        t="--limit 1000 --epochs 1000000" steps=1000000
    else
        t=$quick steps=30
    fi
    case $1 in
    model) $pre "$B" train --data "$D" $t -o "$2" ;;
    history) $pre "$B" train --data "$D" $t -o "$S/x.nnm" --history "$2" ;;
    predict) $pre "$B" predict -m "$M" -d "$D" --count 3 --render "$2" ;;
    dream) $pre "$B" dream -m "$M" -k 3 --steps $steps -r "$2" ;;
    weights) $pre "$B" weights -m "$M" -r "$2" ;;
    evaluate) $pre "$B" evaluate -m "$M" -d "$D" --limit 1000 -r "$2" ;;
    plot) $pre "$B" plot "$H" -r "$2" ;;
    esac
}

# valid W FILE: FILE is what W writes: a model that loads, a history, a PNG.
valid() {
    case $1 in
    model) "$N" info "$2" >/dev/null 2>&1 ;;
    history) [ "$(head -n 1 "$2" 2>/dev/null | cut -d, -f1)" = epoch ] ;;
    *) [ "$(od -An -tx1 -N8 "$2" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] ;;
    esac
}

# side_clean W WHAT: train's other output was not written (the folder $S is
# empty), and $S is ready for the next row.
side_clean() {
    [ "$1" = history ] || return 0
    check "$2: the other output of the run is not written" only "$S"
    rm -rf "$S" && mkdir "$S" && chmod 777 "$S"
}

# The old file every row starts from: mode 640, content no writer makes.
old() {
    printf 'old file\n' >"$1" && chmod 640 "$1"
    cp "$1" "$tmp/old.copy"
}

# succeeds WHAT CMD...: CMD exits 0 (its output in $tmp/out, $tmp/err).
succeeds() {
    what=$1
    shift
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    if [ "$st" -eq 0 ]; then pass; else fail "$what: exit status $st: $(head -c 300 "$tmp/err")"; fi
}

S=$P/side
mkdir "$S" && chmod 777 "$S"
B=$N D=$PWD/data pre= work=quick

# ---- a bad path fails at once, before any work -------------------------------
# (stdout empty: no table, no picture report, no training progress)
pre="timeout $at_once" work=long
for w in $writers; do
    e=$(ext "$w")
    # a missing folder
    p=$tmp/missing-$w/x.$e
    expect 1 "$p" write "$w" "$p"
    check "$w, missing folder: nothing done" [ ! -s "$tmp/out" ]
    check "$w, missing folder: the folder is not created" [ ! -e "$tmp/missing-$w" ]
    side_clean "$w" "$w, missing folder"
    # a directory
    p=$tmp/dir-$w/x.$e
    mkdir -p "$p"
    expect 1 "$p" write "$w" "$p"
    check "$w, a directory: nothing done" [ ! -s "$tmp/out" ]
    check "$w, a directory: still an empty directory" only "$p"
    check "$w, a directory: nothing beside it" only "$tmp/dir-$w" "x.$e"
    side_clean "$w" "$w, a directory"
done
pre=
if [ -n "$unprivileged" ]; then
    # a folder nobody may write in, with an old file in it
    B=$NU D=$DU
    for w in $writers; do
        e=$(ext "$w")
        d=$P/ro-$w
        mkdir "$d"
        old "$d/x.$e"
        chmod 555 "$d"
        pre="timeout $at_once $unprivileged" work=long
        expect 1 "$d/x.$e" write "$w" "$d/x.$e"
        pre= work=quick
        check "$w, read-only folder: nothing done" [ ! -s "$tmp/out" ]
        check "$w, read-only folder: the old file is untouched" same "$d/x.$e" "$tmp/old.copy" 640
        check "$w, read-only folder: no temporary file" only "$d" "x.$e"
        side_clean "$w" "$w, read-only folder"
    done
    B=$N D=$PWD/data
else
    skip "a folder nnart may not write in" "$why"
fi

# ---- a regular file is replaced, keeping its mode -----------------------------
# (and, as root, its owner and group: those of user nobody here)
pre= work=quick
for w in $writers; do
    e=$(ext "$w")
    d=$tmp/file-$w
    mkdir "$d"
    old "$d/x.$e"
    [ "$(id -u)" -ne 0 ] || chown 65534:65534 "$d/x.$e"
    succeeds "$w, replacing a file: exit 0" write "$w" "$d/x.$e"
    check "$w, replacing a file: new and valid" valid "$w" "$d/x.$e"
    check "$w, replacing a file: mode 640 kept (got $(stat -c %a "$d/x.$e"))" \
        [ "$(stat -c %a "$d/x.$e")" = 640 ]
    [ "$(id -u)" -ne 0 ] || check "$w, replacing a file: owner kept (got $(stat -c %u:%g "$d/x.$e"))" \
        [ "$(stat -c %u:%g "$d/x.$e")" = 65534:65534 ]
    check "$w, replacing a file: no temporary file" only "$d" "x.$e"
    rm -f "$S"/*
done

# ---- a symbolic link is followed; the target replaced in its own folder -------
for w in $writers; do
    e=$(ext "$w")
    d=$tmp/link-$w
    mkdir "$d" "$d/links" "$d/target"
    old "$d/target/t.$e"
    ln -s "../target/t.$e" "$d/links/x.$e"
    ln -s "../target/new.$e" "$d/links/dangling.$e"
    succeeds "$w, a symbolic link: exit 0" write "$w" "$d/links/x.$e"
    check "$w, a symbolic link: still the same link" [ "$(readlink "$d/links/x.$e")" = "../target/t.$e" ]
    check "$w, a symbolic link: the target is new and valid" valid "$w" "$d/target/t.$e"
    check "$w, a symbolic link: the target keeps mode 640" [ "$(stat -c %a "$d/target/t.$e")" = 640 ]
    succeeds "$w, a dangling link: exit 0" write "$w" "$d/links/dangling.$e"
    check "$w, a dangling link: still the same link" [ "$(readlink "$d/links/dangling.$e")" = "../target/new.$e" ]
    check "$w, a dangling link: its target is created, valid" valid "$w" "$d/target/new.$e"
    check "$w, links: no temporary file beside the links" only "$d/links" "x.$e" "dangling.$e"
    check "$w, links: no temporary file beside the targets" only "$d/target" "t.$e" "new.$e"
    rm -f "$S"/*
done

# ---- a FIFO and a character device are written straight through -------------
# A device node of our own (the null device's numbers) as root, where nnart
# could replace it; /dev/null itself otherwise, which it cannot.
# (As root, never /dev/null itself: a wrong rule would replace it.)
null=/dev/null
if [ "$(id -u)" -eq 0 ]; then
    mkdir "$tmp/dev"
    if mknod "$tmp/dev/null" c 1 3 2>/dev/null && echo x >"$tmp/dev/null" 2>/dev/null; then
        null=$tmp/dev/null
    else
        null=
    fi
fi
for w in $writers; do
    e=$(ext "$w")
    d=$tmp/fifo-$w
    mkdir "$d"
    mkfifo "$d/x.$e"
    cat "$d/x.$e" >"$tmp/fifo.got" &
    reader=$!
    pre="timeout $at_once"
    succeeds "$w, a FIFO: exit 0" write "$w" "$d/x.$e"
    pre=
    i=0
    while [ $i -lt 20 ] && kill -0 "$reader" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    kill "$reader" 2>/dev/null
    wait "$reader" 2>/dev/null
    check "$w, a FIFO: the bytes came through it" valid "$w" "$tmp/fifo.got"
    check "$w, a FIFO: still a FIFO" [ -p "$d/x.$e" ]
    check "$w, a FIFO: no temporary file" only "$d" "x.$e"
    rm -f "$S"/*
    if [ -z "$null" ]; then
        skip "$w, a character device" "running as root, and no device node can be made in $tmp"
        continue
    fi
    # The null device: the extension is not needed to write it, but the
    # pictures need one to choose a format: $null.png would be a new file, so
    # the pictures write the device under a name with the extension, a link.
    if [ "$w" = model ] || [ "$w" = history ]; then
        target=$null
    else
        ln -sf "$null" "$d/null.$e"
        target=$d/null.$e
    fi
    succeeds "$w, the null device: exit 0" write "$w" "$target"
    check "$w, the null device: still a character device" [ -c "$null" ]
    rm -f "$S"/* "$d/null.$e"
done
[ "$null" != "$tmp/dev/null" ] || check "no temporary beside the device node" only "$tmp/dev" null

# ---- - is standard output -------------------------------------------------------
# The picture goes to standard output; no file named - is made.
mkdir "$tmp/dash"
B=$(cd "$(dirname "$N")" && pwd)/$(basename "$N")
for w in $writers; do
    (cd "$tmp/dash" && write "$w" -) >"$tmp/dash.out" 2>"$tmp/dash.err"
    st=$?
    check "$w, -: exit 0 (got $st: $(head -c 200 "$tmp/dash.err"))" [ "$st" -eq 0 ]
    case $w in
    model) sig=NNARTMDL ;; history) sig=epoch, ;; *) sig=PNG ;;
    esac
    check "$w, -: the output is on standard output" grep -aq "$sig" "$tmp/dash.out"
    check "$w, -: no file named -" only "$tmp/dash"
    rm -f "$S"/*
done
B=$N

# ---- two outputs naming the same file --------------------------------------------
mkdir "$tmp/twice"
old "$tmp/twice/x"
ln -s x "$tmp/twice/link"
rowre 2 ".*($tmp/twice/x|--history|--output).*" \
    "$N" train $quick -o "$tmp/twice/x" --history "$tmp/twice/x"
check "-o X --history X: X is untouched" same "$tmp/twice/x" "$tmp/old.copy" 640
rowre 2 ".*($tmp/twice/(x|link)|--history|--output).*" \
    "$N" train $quick -o "$tmp/twice/link" --history "$tmp/twice/x"
check "-o LINK --history X: X is untouched" same "$tmp/twice/x" "$tmp/old.copy" 640
ln "$tmp/twice/x" "$tmp/twice/hard"
rowre 2 ".*($tmp/twice/(x|hard)|--history|--output).*" \
    "$N" train $quick -o "$tmp/twice/hard" --history "$tmp/twice/x"
check "-o HARDLINK --history X: X is untouched" same "$tmp/twice/x" "$tmp/old.copy" 640
rowre 2 ".*($tmp/twice/new|--history|--output).*" \
    "$N" train $quick -o "$tmp/twice/new" --history "$tmp/twice/new"
check "-o X --history X, X new: nothing written" only "$tmp/twice" x link hard

# ---- a failed save leaves the other outputs as they were -----------------------
# The model may not be written (a read-only folder, as nobody); the history,
# in a folder it may write, keeps its old content.  And the other way round.
if [ -n "$unprivileged" ]; then
    d=$P/half
    mkdir "$d" "$d/ro" "$d/rw"
    old "$d/ro/m.nnm"
    old "$d/rw/h.csv"
    cp "$M" "$d/rw/m.nnm" && chmod 640 "$d/rw/m.nnm"
    chmod 555 "$d/ro"
    chmod 777 "$d/rw"
    expect 1 "$d/ro/m.nnm" $unprivileged "$NU" train --data "$DU" $quick \
        -o "$d/ro/m.nnm" --history "$d/rw/h.csv"
    check "model not writable: the history is not rewritten" same "$d/rw/h.csv" "$tmp/old.copy" 640
    check "model not writable: no temporary beside the history" only "$d/rw" h.csv m.nnm
    check "model not writable: no temporary beside the model" only "$d/ro" m.nnm
    cp "$d/rw/m.nnm" "$tmp/m.copy"
    expect 1 "$d/ro/h.csv" $unprivileged "$NU" train --data "$DU" $quick \
        -o "$d/rw/m.nnm" --history "$d/ro/h.csv"
    check "history not writable: the model is not rewritten" same "$d/rw/m.nnm" "$tmp/m.copy" 640
    check "history not writable: no temporary left" only "$d/rw" h.csv m.nnm
else
    skip "a failed save beside a writable output" "$why"
fi
# A failure while writing (a file-size limit of 8 KB: the model needs 32 KB,
# the history far less): neither output lands.
d=$tmp/fsize
mkdir "$d"
old "$d/h.csv"
cp "$M" "$d/m.nnm" && chmod 640 "$d/m.nnm" && cp "$M" "$tmp/m.copy"
expect 1 "$d/m.nnm" sh -c 'trap "" XFSZ; ulimit -f 16; exec "$@"' fsize \
    "$N" train $quick -o "$d/m.nnm" --history "$d/h.csv"
check "model write fails: the history is not rewritten" same "$d/h.csv" "$tmp/old.copy" 640
check "model write fails: the model is untouched" same "$d/m.nnm" "$tmp/m.copy" 640
check "model write fails: no temporary left" only "$d" h.csv m.nnm

# ---- standard output -----------------------------------------------------------
# A full disk: exit 1 and one line naming standard output.
full() { "$@" >/dev/full; }
if [ -w /dev/full ]; then
    expect 1 "standard output" full "$N" info "$M"
    expect 1 "standard output" full "$N" predict -m "$M" --format csv
    expect 1 "standard output" full "$N" predict -m "$M"
    expect 1 "standard output" full "$N" evaluate -m "$M" --limit 1000
    expect 1 "standard output" full "$N" plot "$H" -r "$tmp/full.png"
    expect 1 "standard output" full "$N" train $quick -o "$tmp/full.nnm"
else
    skip "standard output on a full disk" "/dev/full is not there"
fi
# A reader that stopped (head -n 1): a listing ends quietly with status 0,
# whether SIGPIPE is the default or ignored (then every write fails, EPIPE).
# 10000 rows (a megabyte) are far more than a pipe holds.
pipe() {
    { "$N" predict -m "$M" --count 10000 "$@" 2>"$tmp/pipe.err"; echo $? >"$tmp/pipe.st"; } |
        head -n 1 >/dev/null
}
for how in default ignored; do
    for f in text csv; do
        if [ $how = default ]; then pipe --format $f; else (trap '' PIPE; pipe --format $f); fi
        check "predict --format $f | head -n 1, SIGPIPE $how: status 0 (got $(cat "$tmp/pipe.st"))" \
            [ "$(cat "$tmp/pipe.st")" = 0 ]
        check "predict --format $f | head -n 1, SIGPIPE $how: no message ($(head -c 200 "$tmp/pipe.err"))" \
            [ ! -s "$tmp/pipe.err" ]
    done
done
# The same for a picture written to standard output (a PPM poster of 400
# rows, megabytes): its reader stopping is not an error either.
picture_pipe() {
    { "$N" predict -m "$M" --count 400 --render - --render-format ppm 2>"$tmp/pipe.err"
        echo $? >"$tmp/pipe.st"; } | head -c 100 >/dev/null
}
for how in default ignored; do
    if [ $how = default ]; then picture_pipe; else (trap '' PIPE; picture_pipe); fi
    check "predict --render - | head -c 100, SIGPIPE $how: status 0 (got $(cat "$tmp/pipe.st"))" \
        [ "$(cat "$tmp/pipe.st")" = 0 ]
    check "predict --render - | head -c 100, SIGPIPE $how: no message ($(grep "nnart:" "$tmp/pipe.err"))" \
        [ -z "$(grep 'nnart:' "$tmp/pipe.err")" ]
done
# Training whose progress reader stopped does not die silently, and does not
# lose the model: it is saved, or the one line says why not.
for how in default ignored; do
    rm -f "$tmp/pipe.nnm"
    run() {
        { "$N" train --limit 1000 --epochs 3 -o "$tmp/pipe.nnm" 2>"$tmp/pipe.err"
            echo $? >"$tmp/pipe.st"; } | head -n 1 >/dev/null
    }
    if [ $how = default ]; then run; else (trap '' PIPE; run); fi
    st=$(cat "$tmp/pipe.st")
    check "train | head -n 1, SIGPIPE $how: not killed by SIGPIPE (status $st)" [ "$st" -ne 141 ]
    if [ "$st" -eq 0 ]; then
        check "train | head -n 1, SIGPIPE $how: the model is saved" valid model "$tmp/pipe.nnm"
    else
        check "train | head -n 1, SIGPIPE $how: status $st with one line" \
            [ "$(wc -l <"$tmp/pipe.err")" -eq 1 ]
    fi
done

# ---- long names -------------------------------------------------------------------
# A name of the system's limit saves (its temporary must fit too); one byte
# longer fails at once.
max=$(getconf NAME_MAX "$tmp" 2>/dev/null || echo 255)
name() { printf "%0$(($1 - 4))d" 0 | tr 0 a; printf '.%s' "$2"; }
for len in 254 $max; do
    d=$tmp/long$len
    mkdir "$d"
    nm=$(name "$len" nnm) np=$(name "$len" png)
    succeeds "a $len-byte model name" "$N" train $quick -o "$d/$nm"
    check "a $len-byte model name: saved" valid model "$d/$nm"
    succeeds "a $len-byte picture name" "$N" weights -m "$M" -r "$d/$np"
    check "a $len-byte picture name: saved" valid weights "$d/$np"
    check "$len-byte names: no temporary file" only "$d" "$nm" "$np"
done
n=$(name $((max + 1)) nnm)
expect 1 "$n" timeout $at_once "$N" train --limit 1000 --epochs 1000000 -o "$tmp/long$max/$n"
check "a name over the limit: nothing done" [ ! -s "$tmp/out" ]

# ---- divergence writes nothing -------------------------------------------------------
# The loss (a learning rate of a million), and the validation loss alone (the
# training loss of its two steps still finite).
d=$tmp/nan
mkdir "$d"
old "$d/h.csv"
cp "$M" "$d/m.nnm" && chmod 640 "$d/m.nnm" && cp "$M" "$tmp/m.copy"
diverged="nnart: .*epoch [0-9]+.*step [0-9]+.*"
rowre 1 "$diverged" env NNART_KERNELS=generic "$N" train --limit 1000 --epochs 5 --lr 1e6 \
    --optimizer sgd -o "$d/m.nnm" --history "$d/h.csv"
check "loss NaN: the model is untouched" same "$d/m.nnm" "$tmp/m.copy" 640
check "loss NaN: the history is untouched" same "$d/h.csv" "$tmp/old.copy" 640
check "loss NaN: no temporary file" only "$d" h.csv m.nnm
rowre 1 "$diverged" env NNART_KERNELS=generic "$N" train --optimizer sgd --lr 1e6 \
    --val-split 0.5 --limit 512 --epochs 1 --no-test -q -o "$d/m.nnm" --history "$d/h.csv"
check "validation loss NaN: the model is untouched" same "$d/m.nnm" "$tmp/m.copy" 640
check "validation loss NaN: the history is untouched" same "$d/h.csv" "$tmp/old.copy" 640
check "validation loss NaN: no temporary file" only "$d" h.csv m.nnm

# ---- gzip: zero padding after the last member ---------------------------------------
d=$tmp/gz
mkdir "$d"
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    cp "data/$f.gz" "$d/$f.gz"
    head -c 4096 /dev/zero >>"$d/$f.gz"
done
cp data/t10k-labels-idx1-ubyte.gz "$d/junk.gz" && printf 'junk' >>"$d/junk.gz"
cp data/t10k-labels-idx1-ubyte.gz "$d/zerojunk.gz" &&
    { head -c 512 /dev/zero; printf 'x'; } >>"$d/zerojunk.gz"
"$N" evaluate -m "$M" --images "$d/t10k-images-idx3-ubyte.gz" \
    --labels "$d/t10k-labels-idx1-ubyte.gz" >"$tmp/out" 2>"$tmp/err"
check "zero-padded gzip: evaluate loads it ($(head -c 200 "$tmp/err"))" grep -q 'accuracy' "$tmp/out"
"$N" train --train-images "$d/t10k-images-idx3-ubyte.gz" --train-labels "$d/t10k-labels-idx1-ubyte.gz" \
    --no-test $quick -o "$d/m.nnm" >/dev/null 2>"$tmp/err"
check "zero-padded gzip: train trains on it ($(head -c 200 "$tmp/err"))" valid model "$d/m.nnm"
expect 1 "$d/junk.gz" "$N" evaluate -m "$M" --images data/t10k-images-idx3-ubyte.gz --labels "$d/junk.gz"
check "gzip then junk: nothing printed" [ ! -s "$tmp/out" ]
expect 1 "$d/zerojunk.gz" "$N" evaluate -m "$M" --images data/t10k-images-idx3-ubyte.gz \
    --labels "$d/zerojunk.gz"

# ---- plot: hostile numbers end ------------------------------------------------------
# Values at the ends of the double range: the chart is drawn, or the one line
# names the file; either way within the time limit.
printf 'epoch,loss,accuracy\n1,1e308,0.5\n2,-1e308,0.6\n' >"$tmp/huge.csv"
timeout $at_once "$N" plot "$tmp/huge.csv" -r "$tmp/huge.png" >/dev/null 2>"$tmp/err"
st=$?
if [ $st -eq 0 ]; then
    check "plot of +-1e308: a picture" valid plot "$tmp/huge.png"
else
    check "plot of +-1e308: status $st is 1, one line naming the file" \
        [ $st -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1 -a -n "$(grep "$tmp/huge.csv" "$tmp/err")" ]
fi

# ---- messages name the file or the option at fault, before any result -------------
# Labels outside the model's classes: the labels file is at fault, and no
# table is printed before the line.
{ printf '\000\000\010\001\000\000\047\020'; tr '\000' '\014' </dev/zero | head -c 10000; } \
    >"$tmp/labels12"
expect 1 "$tmp/labels12" "$N" predict -m "$M" --labels "$tmp/labels12" -r "$tmp/l12.png"
check "labels outside the classes: no table" [ ! -s "$tmp/out" ]
check "labels outside the classes: no picture" [ ! -e "$tmp/l12.png" ]
# A validation split that leaves nothing to train on names --val-split.
"$N" train --limit 10 --val-split 0.99 -q -o "$tmp/vs.nnm" >/dev/null 2>"$tmp/err"
st=$?
check "--val-split leaving no training samples: status $st is 1 or 2" [ $st -eq 1 -o $st -eq 2 ]
check "--val-split leaving no training samples: one line naming --val-split: $(cat "$tmp/err")" \
    [ "$(wc -l <"$tmp/err")" -eq 1 -a -n "$(grep -e --val-split "$tmp/err")" ]
check "--val-split leaving no training samples: no model" [ ! -e "$tmp/vs.nnm" ]

# ---- evaluation memory in proportion to the work ---------------------------------
# A model of 30000 classes (widths go to 65536) trains and passes its test of
# 100 samples on two threads within 1 GB of address space: a classes x
# classes table (3.6 GB at 4 bytes a count) cannot be had, nor is it needed.
if sanitized "$N"; then
    echo "not applicable: ulimit -v to $N, built with AddressSanitizer"
else
    succeeds "train and test 30000 classes within 1 GB" sh -c 'ulimit -v 1048576; exec "$@"' wide \
        "$N" train --layers 784-10-10-30000 --limit 100 --epochs 1 -t 2 -q -o "$tmp/wide.nnm"
    check "30000 classes within 1 GB: the test result" grep -q '^test: ' "$tmp/out"
    check "30000 classes within 1 GB: the model" valid model "$tmp/wide.nnm"
fi

chmod 700 "$tmp"
finish
