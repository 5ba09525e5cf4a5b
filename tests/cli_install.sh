# cli_install.sh - nnart as a program of the system: make install and make
# uninstall (PREFIX, DESTDIR), the installed nnart reading its bundled data
# from any folder, the library through pkg-config (the README's example
# program), the man pages, bash completion, help, and colour only where it
# belongs.
#
# The installation is built in its own folder beside the nnart under test
# (BUILD/install-test, with the default flags), kept between runs.
. tests/lib.sh
N=${NNART:-./nnart}
case "$N" in /*) ;; *) N="$(pwd)/$N" ;; esac
unset MAKEFLAGS MFLAGS MAKELEVEL
ibuild="$(dirname "$N")/install-test"
stage="$tmp/stage"
prefix="$tmp/prefix"
CC=${CC:-cc}

# ---- make install into a staging folder -----------------------------------
make -s -j2 install BUILD="$ibuild" DESTDIR="$stage" PREFIX=/usr >"$tmp/make.out" 2>&1
check "make install DESTDIR=... PREFIX=/usr succeeds ($(tail -n 3 "$tmp/make.out"))" [ $? -eq 0 ]
for f in bin/nnart lib/libnnart.a lib/pkgconfig/nnart.pc share/man/man1/nnart.1 \
    share/man/man5/nnart-model.5 \
    share/bash-completion/completions/nnart share/nnart/README.md \
    share/nnart/train-images-idx3-ubyte.gz share/nnart/train-labels-idx1-ubyte.gz \
    share/nnart/t10k-images-idx3-ubyte.gz share/nnart/t10k-labels-idx1-ubyte.gz; do
    check "installed usr/$f" [ -f "$stage/usr/$f" ]
done
for h in include/nn*.h; do
    check "installed header usr/$h" cmp -s "$h" "$stage/usr/$h"
done
check "nothing outside PREFIX" [ "$(ls "$stage")" = usr ]
check "nnart is executable" [ -x "$stage/usr/bin/nnart" ]
check "the installed nnart looks for its data in /usr/share/nnart" grep -q /usr/share/nnart "$stage/usr/bin/nnart"
check "the bundled data as shipped" cmp -s data/t10k-labels-idx1-ubyte.gz "$stage/usr/share/nnart/t10k-labels-idx1-ubyte.gz"
check "pkg-config file: version" grep -qx "Version: $(sed -n 's/^#define NNART_VERSION "\(.*\)"/\1/p' include/nnart.h)" "$stage/usr/lib/pkgconfig/nnart.pc"

# ---- the library through pkg-config: the README's example program ---------
# (Without pkg-config, the example is built with the flags it should give.)
want_flags="-I$stage/usr/include -L$stage/usr/lib -lnnart -lm -lpthread"
if have pkg-config; then
    flags=$(PKG_CONFIG_PATH="$stage/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" \
        pkg-config --cflags --libs nnart | sed 's/ *$//')
    check "pkg-config --cflags --libs nnart: $flags" [ "$flags" = "$want_flags" ]
else
    skip "pkg-config --cflags --libs nnart" "pkg-config is not installed"
    flags=$want_flags
fi
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 tests/example.c $flags -o "$tmp/example" 2>"$tmp/cc.out"
check "example.c builds against the installed files: $(head -c 300 "$tmp/cc.out")" [ -x "$tmp/example" ]
"$tmp/example" "$stage/usr/share/nnart" 2000 >"$tmp/example.out" 2>&1
check "example runs" [ $? -eq 0 ]
check "example trains" grep -q '^trained 8070 parameters on 2000 samples: ' "$tmp/example.out"
check "example predicts 5 images" [ "$(grep -c '^image [0-4]: label [0-9], predicted [0-9] (p = [01]\.[0-9]*)$' "$tmp/example.out")" -eq 5 ]
acc=$(sed -n 's/^test: loss [0-9.]* - accuracy \([0-9.]*\) (2000 samples)$/\1/p' "$tmp/example.out")
check "example learns: test accuracy $acc > 0.6" awk -v a="$acc" 'BEGIN { exit !(a > 0.6) }'
# The same network, data, seed and settings through nnart: the same numbers.
"$stage/usr/bin/nnart" train --data "$stage/usr/share/nnart" --limit 2000 -o "$tmp/ex.nnm" >"$tmp/same.out" 2>&1
check "nnart train agrees with the example" [ "$(grep '^test: ' "$tmp/same.out")" = "$(grep '^test: ' "$tmp/example.out")" ]

# ---- a real installation under a prefix, used from another folder ---------
make -s -j2 install BUILD="$ibuild" PREFIX="$prefix" >"$tmp/make2.out" 2>&1
check "make install PREFIX=... succeeds" [ $? -eq 0 ]
check "a new prefix rebuilds the data path" grep -q "$prefix/share/nnart" "$prefix/bin/nnart"
mkdir "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$prefix/bin/nnart" train --limit 1000 --epochs 1 -q) >"$tmp/inst.out" 2>&1
check "installed nnart trains on its bundled data from any folder" grep -q '^test: loss [0-9.]* - accuracy [0-9.]* (1000 samples)$' "$tmp/inst.out"
check "... and saves nnart.nnm there" [ -f "$tmp/elsewhere/nnart.nnm" ]
(cd "$tmp/elsewhere" && "$prefix/bin/nnart" evaluate --limit 100) >"$tmp/inst2.out" 2>&1
check "installed nnart evaluates on its bundled test set" grep -q "on $prefix/share/nnart/t10k-images-idx3-ubyte.gz (100 samples)" "$tmp/inst2.out"
(cd "$tmp/elsewhere" && "$prefix/bin/nnart" predict --index 3) >"$tmp/inst3.out" 2>&1
check "installed nnart predicts" grep -q '^ *3 *0 ' "$tmp/inst3.out"

# ---- man pages -------------------------------------------------------------
# lint PAGE TITLE: the installed page is clean for mandoc, groff and man.
lint() {
    page=$1 title=$2
    name=$(basename "$page")
    if have mandoc; then
        mandoc -Tlint "$page" >"$tmp/lint.out" 2>&1
        check "mandoc -Tlint $name: no warnings ($(head -c 300 "$tmp/lint.out"))" [ ! -s "$tmp/lint.out" ]
    else
        skip "mandoc -Tlint $name" "mandoc is not installed"
    fi
    if have groff; then
        groff -ww -man -z "$page" >"$tmp/groff.out" 2>&1
        check "groff -ww -man $name: no warnings ($(head -c 300 "$tmp/groff.out"))" [ ! -s "$tmp/groff.out" ]
    else
        skip "groff -ww -man $name" "groff is not installed"
    fi
    if have man; then
        LC_ALL=C MAN_DISABLE_SECCOMP=1 MANWIDTH=80 man -l "$page" >"$tmp/man.out" 2>"$tmp/man.err"
        check "man -l $name renders it" [ $? -eq 0 ]
        check "man -l $name: no warnings ($(head -c 300 "$tmp/man.err"))" sh -c "! grep -qiE 'warn|error' '$tmp/man.err'"
        check "man -l $name: the title" grep -q "^$title " "$tmp/man.out"
    else
        skip "man -l $name" "man is not installed"
    fi
}
man1="$stage/usr/share/man/man1/nnart.1"
man5="$stage/usr/share/man/man5/nnart-model.5"
lint "$man1" 'NNART(1)'
lint "$man5" 'NNART-MODEL(5)'
check "nnart.1 refers to nnart-model(5)" grep -q '^\.BR nnart-model (5)' src/cli/nnart.1
# Every command and every option of every command is documented.
commands=$("$N" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
check "nnart --help lists commands" [ -n "$commands" ]
for c in $commands; do
    check "man page: section for $c" grep -q "^\.SS nnart $c" src/cli/nnart.1
    for o in $("$N" "$c" --help | sed -n 's/^ \{2,6\}\(-[a-zA-Z], \)\{0,1\}--\([a-z][a-z0-9-]*\).*/\2/p'); do
        esc=$(printf '%s' "$o" | sed 's/-/\\-/g')
        check "man page: $c --$o" grep -qF -- "\\-\\-$esc" src/cli/nnart.1
    done
done
for s in 'EXIT STATUS' FILES EXAMPLES ENVIRONMENT; do
    check "man page: $s" grep -q "^\.SH $s" src/cli/nnart.1
done

# ---- bash completion ---------------------------------------------------------
if command -v bash >/dev/null; then
    cat >"$tmp/comp.bash" <<EOF
. "$stage/usr/share/bash-completion/completions/nnart"
comp() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); _nnart; echo "\${COMPREPLY[*]}"; }
comp "$N" tr
comp "$N" help ev
comp "$N" train --opt
comp "$N" train --optimizer ""
comp "$N" train --data "$tmp/elsew"
comp "$N" evaluate --cmap b
comp "$N" train --
EOF
    bash "$tmp/comp.bash" >"$tmp/comp.out" 2>&1
    check "completes commands" [ "$(sed -n 1p "$tmp/comp.out")" = train ]
    check "completes help topics" [ "$(sed -n 2p "$tmp/comp.out")" = evaluate ]
    check "completes options" [ "$(sed -n 3p "$tmp/comp.out")" = "--optimizer" ]
    check "completes option values" [ "$(sed -n 4p "$tmp/comp.out")" = "adam sgd" ]
    check "completes --data with folders" [ "$(sed -n 5p "$tmp/comp.out")" = "$tmp/elsewhere" ]
    check "completes colormaps" [ "$(sed -n 6p "$tmp/comp.out")" = bwr ]
    want=$("$N" train --help | sed -n 's/^ \{2,6\}\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' | tr '\n' ' ')
    check "offers every train option" [ "$(sed -n 7p "$tmp/comp.out") " = "$want" ]
else
    skip "bash completion" "bash is not installed"
fi

# ---- help and version -------------------------------------------------------
"$N" --help >"$tmp/help.out" 2>"$tmp/help.err"
check "nnart --help: exit 0, stdout only" [ $? -eq 0 ] && [ ! -s "$tmp/help.err" ] && [ -s "$tmp/help.out" ]
check "nnart help = nnart --help" sh -c "'$N' help | cmp -s - '$tmp/help.out'"
for c in $commands; do
    "$N" help "$c" >"$tmp/h1" 2>&1
    "$N" "$c" --help >"$tmp/h2" 2>&1
    check "nnart help $c = nnart $c --help" cmp -s "$tmp/h1" "$tmp/h2"
    check "nnart $c --help fits 79 columns" [ "$(awk 'length > 79' "$tmp/h2" | wc -l)" -eq 0 ]
    "$N" "$c" -h >"$tmp/h3" 2>&1
    check "nnart $c -h" cmp -s "$tmp/h2" "$tmp/h3"
done
check "nnart --help fits 79 columns" [ "$(awk 'length > 79' "$tmp/help.out" | wc -l)" -eq 0 ]
check "nnart --version" [ "$("$N" --version)" = "nnart $(sed -n 's/^#define NNART_VERSION "\(.*\)"/\1/p' include/nnart.h)" ]
expect 2 "unknown command 'trian' (did you mean 'train'?)" "$N" trian
expect 2 "no command 'evalute' (did you mean 'evaluate'?)" "$N" help evalute
expect 2 "unknown option '--versoin' (did you mean '--version'?)" "$N" --versoin
expect 2 "options follow the command" "$N" --epochs 3
expect 2 "did you mean --threads" "$N" evaluate --thread 2

# ---- colour: on a terminal only, never with NO_COLOR ------------------------
# Errors and output redirected to files carry no escape sequences.
"$N" trian 2>"$tmp/e.out"
check "no colour in an error going to a file" sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/e.out'"
(cd "$tmp/elsewhere" && "$prefix/bin/nnart" train --limit 300 --epochs 1 -o c.nnm) >"$tmp/p.out" 2>&1
check "no colour or carriage return in progress going to a file" sh -c "! grep -q \"\$(printf '\\033\\\\|\\r')\" '$tmp/p.out'"
if ! have script; then
    skip "colour on a terminal" "script (util-linux) is not installed"
elif ! script -qec true /dev/null >/dev/null 2>&1; then
    skip "colour on a terminal" "script cannot open a pseudo-terminal here"
else
    script -qec "'$N' trian" /dev/null >"$tmp/tty.out" 2>&1
    check "error on a terminal: 'nnart:' in bold red" grep -q "$(printf '\033')\[1;31mnnart:$(printf '\033')\[0m unknown command" "$tmp/tty.out"
    NO_COLOR=1 script -qec "'$N' trian" /dev/null >"$tmp/tty2.out" 2>&1
    check "NO_COLOR: no colour on a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/tty2.out'"
    NO_COLOR= script -qec "'$N' trian" /dev/null >"$tmp/tty3.out" 2>&1
    check "NO_COLOR empty: colour" grep -q "$(printf '\033')\[1;31m" "$tmp/tty3.out"
    (cd "$tmp/elsewhere" && script -qec "'$prefix/bin/nnart' train --limit 300 --epochs 1 -o c.nnm" /dev/null) >"$tmp/tty4.out" 2>&1
    check "progress bar on a terminal: green" grep -q "\[$(printf '\033')\[32m=*" "$tmp/tty4.out"
    (cd "$tmp/elsewhere" && NO_COLOR=1 script -qec "'$prefix/bin/nnart' train --limit 300 --epochs 1 -o c.nnm" /dev/null) >"$tmp/tty5.out" 2>&1
    check "progress bar with NO_COLOR: redrawn, not coloured" sh -c "grep -q '3/3 \[=*\]' '$tmp/tty5.out' && ! grep -q \"\$(printf '\\033')\[3\" '$tmp/tty5.out'"
fi

# ---- make uninstall -----------------------------------------------------------
make -s uninstall BUILD="$ibuild" DESTDIR="$stage" PREFIX=/usr >"$tmp/un.out" 2>&1
check "make uninstall succeeds" [ $? -eq 0 ]
check "no file left after uninstall: $(find "$stage" -type f | head -n 3)" [ -z "$(find "$stage" -type f)" ]
check "share/nnart removed" [ ! -e "$stage/usr/share/nnart" ]
make -s uninstall BUILD="$ibuild" PREFIX="$prefix" >"$tmp/un2.out" 2>&1
check "no file left under the prefix: $(find "$prefix" -type f | head -n 3)" [ -z "$(find "$prefix" -type f)" ]

finish
