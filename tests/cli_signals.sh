# cli_signals.sh - one signal policy for every command: SIGINT, SIGTERM and
# SIGHUP stop it, its temporary files are removed, it exits 128 + the signal,
# and the files it would have replaced are byte-identical with their modes.
#
# The signal is delivered deterministically: the command is stopped (SIGSTOP)
# once its temporary file exists beside its output (or, for training, once
# training has begun), the signal is sent, and the command continued.  The
# rows: a long training (-o and --history), a long dream (--render), a
# prediction poster of about 95 MB (its write takes a while), and the same
# poster stopped only once its temporary holds bytes: in the middle of the
# write.  A signal that comes while any temporary still exists (nothing has
# been renamed yet) stops the command: the files are as they were.
. tests/lib.sh
N=${NNART:-./nnart}
# How long to wait for the temporary file, in polls of 0.05 s.
if sanitized "$N"; then polls=400; else polls=200; fi

"$N" train --limit 200 --epochs 2 -q -o "$tmp/m.nnm" --history "$tmp/h.csv" >/dev/null 2>&1
check "a model and a history to start from" [ -s "$tmp/m.nnm" -a -s "$tmp/h.csv" ]
M=$tmp/m.nnm

# A script's background job starts with SIGINT ignored (there is no job
# control), and nnart leaves it so; `env --default-signal=INT` (coreutils 8.31
# and later) starts it the way an interactive shell's would be.
if env --default-signal=INT true 2>/dev/null; then
    launch="env --default-signal=INT"
else
    launch=
fi

# outputs JOB: the files JOB writes (in its folder).
outputs() {
    case $1 in
    train) echo m.nnm h.csv ;;
    dream) echo d.png ;;
    predict | write) echo p.ppm ;;
    esac
}

# start JOB DIR: starts JOB in the background writing into DIR, with $pid.
start() {
    case $1 in
    train)
        $launch "$N" train --limit 1000 --epochs 1000000 -o "$2/m.nnm" --history "$2/h.csv" ;;
    dream)
        $launch "$N" dream -m "$M" -k 3 --steps 1000000 -r "$2/d.png" ;;
    predict | write)
        $launch "$N" predict -m "$M" --count 400 -s 64 -r "$2/p.ppm" ;;
    esac >"$2.out" 2>"$2.err" </dev/null &
    pid=$!
}

# begun JOB DIR: DIR holds a file other than JOB's outputs (a temporary), or
# JOB is a training whose progress is printed; for write, a temporary that
# is not empty.
begun() {
    if [ "$1" = write ]; then
        [ -n "$(find "$2" -mindepth 1 ! -name p.ppm -size +0)" ]
        return
    fi
    [ -n "$(ls -A "$2" | grep -vxF "$(outputs "$1" | tr ' ' '\n')")" ] && return 0
    [ "$1" = train ] && grep -q '^[0-9]*/8 ' "$2.out"
}

# stop JOB SIGNAL NUMBER: starts JOB over old outputs of mode 640, stops it
# once it has begun, sends SIGNAL, continues it, and checks the policy.
stop() {
    job=$1 sig=$2 d=$tmp/$1-$2
    mkdir "$d"
    for f in $(outputs "$job"); do
        case $f in
        *.nnm) cp "$M" "$d/$f" ;;
        *.csv) cp "$tmp/h.csv" "$d/$f" ;;
        *) printf 'old picture\n' >"$d/$f" ;;
        esac
        chmod 640 "$d/$f"
        cp "$d/$f" "$d.old-$f"
    done
    start "$job" "$d"
    i=0
    while [ $i -lt $polls ] && ! begun "$job" "$d"; do
        sleep 0.05
        i=$((i + 1))
    done
    kill -s STOP "$pid"
    check "$job, SIG$sig: it had begun (a temporary file or progress) when stopped" begun "$job" "$d"
    kill -s "$sig" "$pid"
    kill -s CONT "$pid"
    # A watchdog: a command that ignores the signal would go on for minutes.
    # (It takes its sleep along when it is told to go.)
    sh -c 'sleep 30 & s=$!; trap "kill \$s; exit 0" TERM; wait $s; kill -s KILL $0' "$pid" \
        >/dev/null 2>&1 &
    dog=$!
    wait "$pid" 2>/dev/null
    got=$?
    kill "$dog" 2>/dev/null
    wait "$dog" 2>/dev/null
    check "$job, SIG$sig: exit status $got is $3" [ "$got" -eq "$3" ]
    lines=$(wc -l <"$d.err")
    check "$job, SIG$sig: at most one line on stderr, naming SIG$sig: $(head -c 200 "$d.err")" \
        [ "$lines" -eq 0 -o \( "$lines" -eq 1 -a -n "$(grep "SIG$sig" "$d.err")" \) ]
    for f in $(outputs "$job"); do
        check "$job, SIG$sig: $f is byte-identical, mode 640" same "$d/$f" "$d.old-$f" 640
    done
    check "$job, SIG$sig: no temporary file left: $(ls -A "$d" | tr '\n' ' ')" only "$d" $(outputs "$job")
}

for job in train dream predict write; do
    if [ -n "$launch" ]; then
        stop $job INT 130
    else
        skip "$job, SIGINT" "env cannot start a command with SIGINT restored (coreutils 8.31 or later can)"
    fi
    stop $job TERM 143
    stop $job HUP 129
done

finish
