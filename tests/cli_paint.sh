# cli_paint.sh - nnart paint: pictures and animations of a random network,
# the same bytes for a seed on any thread count, sizes, grey, and bad options.
. tests/lib.sh
N=${NNART:-./nnart}

# ppm_header FILE: the first three lines of a Netpbm file, on one line.
ppm_header() { head -n 3 "$1" | tr '\n' ' '; }
# differs A B: both files exist and their bytes differ.
differs() { [ -s "$1" ] && [ -s "$2" ] && ! cmp -s "$1" "$2"; }
# absent FILE...: none of the files exists.
absent() { for f in "$@"; do [ ! -e "$f" ] || return 1; done; }

"$N" paint --size 96x64 --seed 7 --render "$tmp/a.png" >"$tmp/out" 2>"$tmp/err"
check "paint exits 0" [ $? -eq 0 ]
check "nothing on stderr" [ ! -s "$tmp/err" ]
check "reports the picture" grep -qx "wrote $tmp/a.png (96 x 64 pixels)" "$tmp/out"
check "a PNG file" [ "$(od -An -tx1 -N8 "$tmp/a.png" | tr -d ' ')" = 89504e470d0a1a0a ]
check "an RGB PNG (colour type 2)" [ "$(od -An -tu1 -j25 -N1 "$tmp/a.png" | tr -d ' ')" = 2 ]

# The same seed and options give the same bytes on 1, 2 and 3 threads; other
# seeds and settings give other pictures.
"$N" paint --size 331x97 --seed 7 --threads 1 --render "$tmp/t1.ppm" >/dev/null 2>&1
"$N" paint --size 331x97 --seed 7 --threads 2 --render "$tmp/t2.ppm" >/dev/null 2>&1
"$N" paint --size 331x97 --seed 7 --threads 3 --render "$tmp/t3.ppm" >/dev/null 2>&1
check "331x97: --threads 1 and 2 write the same bytes" cmp -s "$tmp/t1.ppm" "$tmp/t2.ppm"
check "331x97: --threads 1 and 3 write the same bytes" cmp -s "$tmp/t1.ppm" "$tmp/t3.ppm"
check "a PPM of 331 x 97" [ "$(ppm_header "$tmp/t1.ppm")" = "P6 331 97 255 " ]
"$N" paint --size 331x97 --seed 8 --render "$tmp/s8.ppm" >/dev/null 2>&1
check "another seed, another picture" differs "$tmp/t1.ppm" "$tmp/s8.ppm"
for opt in "--depth 3" "--width 16" "--activation gauss" "--activation sin,gauss,tanh,sin" \
    "--weight-scale 1" "--zoom 2" "--latent 3" "--z 0.5,-0.5"; do
    # shellcheck disable=SC2086 # the option and its value are two words
    "$N" paint --size 331x97 --seed 7 $opt --render "$tmp/o.ppm" >/dev/null 2>&1
    check "$opt: a picture of its own" differs "$tmp/t1.ppm" "$tmp/o.ppm"
done

# 1080p on every core and on one: the same bytes, quickly.
"$N" paint --size 1920x1080 --seed 7 --render "$tmp/hd.png" >"$tmp/out" 2>&1
check "1920x1080 reported" grep -qx "wrote $tmp/hd.png (1920 x 1080 pixels)" "$tmp/out"
"$N" paint --size 1920x1080 --seed 7 --threads 1 --render "$tmp/hd1.png" >/dev/null 2>&1
check "1920x1080: every core and --threads 1 write the same bytes" cmp -s "$tmp/hd.png" "$tmp/hd1.png"

# Sizes and channels.
"$N" paint --size 1x1 --render "$tmp/one.ppm" >/dev/null 2>&1
check "1x1: a PPM of one pixel" [ "$(ppm_header "$tmp/one.ppm")" = "P6 1 1 255 " ]
check "1x1: 3 bytes of pixel" [ "$(wc -c <"$tmp/one.ppm")" -eq 14 ]
"$N" paint --size 7X3 --grey --render "$tmp/g.pgm" >/dev/null 2>&1
check "7X3 grey: a PGM of 7 x 3" [ "$(ppm_header "$tmp/g.pgm")" = "P5 7 3 255 " ]
"$N" paint --size 33x21 --grey --render "$tmp/g.png" >/dev/null 2>&1
check "--grey: a grey PNG (colour type 0)" [ "$(od -An -tu1 -j25 -N1 "$tmp/g.png" | tr -d ' ')" = 0 ]
"$N" paint --size 64x64 --render - >"$tmp/stdout.png" 2>"$tmp/err"
"$N" paint --size 64x64 --render "$tmp/file.png" >/dev/null 2>&1
check "--render -: the PNG on standard output" cmp -s "$tmp/stdout.png" "$tmp/file.png"

# Animations: GIF and APNG, the same bytes on any thread count.
"$N" paint --size 40x30 --frames 6 --delay 5 --animate "$tmp/a.gif" >"$tmp/out" 2>&1
check "reports the animation" grep -qx "wrote $tmp/a.gif (6 frames of 40 x 30 pixels)" "$tmp/out"
check "a GIF89a file" [ "$(head -c 6 "$tmp/a.gif")" = GIF89a ]
"$N" paint --size 40x30 --frames 6 --delay 5 --threads 1 --animate "$tmp/a1.gif" >/dev/null 2>&1
check "the GIF: --threads 1 and every core write the same bytes" cmp -s "$tmp/a.gif" "$tmp/a1.gif"
"$N" paint --size 40x30 --frames 6 --animate "$tmp/a.png" --render "$tmp/still.png" >"$tmp/out" 2>&1
check "an APNG (acTL chunk)" grep -q acTL "$tmp/a.png"
check "and the still beside it" [ -s "$tmp/still.png" ]
check "both reported" [ "$(grep -c '^wrote ' "$tmp/out")" -eq 2 ]

# Bad options: exit 2 and one line, before any output is made.
expect 2 "give --render FILE" "$N" paint
for size in 0x5 5x0 12 5x x5 axb 5x5x5 40000x10 " 5x5" 5x5a; do
    expect 2 "--size: '$size' is not WIDTHxHEIGHT" "$N" paint --size "$size" --render "$tmp/x.png"
done
expect 2 "unknown activation 'softmax'" "$N" paint --activation softmax --render "$tmp/x.png"
expect 2 "unknown activation 'bogus'" "$N" paint --activation sin,bogus,sin,sin --render "$tmp/x.png"
expect 2 "one for each of the 4 hidden layers" "$N" paint --activation sin,tanh --render "$tmp/x.png"
expect 2 "one for each of the 3 hidden layers" "$N" paint --depth 3 --activation sin,tanh, --render "$tmp/x.png"
expect 2 "--activation needs a non-empty value" "$N" paint --activation "" --render "$tmp/x.png"
expect 2 "--z: '1,x' is not a list" "$N" paint --z 1,x --render "$tmp/x.png"
expect 2 "--z: '1,,2' is not a list" "$N" paint --z 1,,2 --render "$tmp/x.png"
expect 2 "--z: '1,' is not a list" "$N" paint --z 1, --render "$tmp/x.png"
expect 2 "--z: 'nan' is not a list" "$N" paint --z nan --render "$tmp/x.png"
expect 2 "--z has 2 values but --latent is 3" "$N" paint --z 1,2 --latent 3 --render "$tmp/x.png"
expect 2 "it needs --latent 2 or more" "$N" paint --latent 1 --animate "$tmp/x.gif"
expect 2 "it needs --latent 2 or more" "$N" paint --z 0.5 --animate "$tmp/x.gif"
expect 2 "--animate: '$tmp/x.jpg' has no animation extension" "$N" paint --animate "$tmp/x.jpg"
expect 2 "--render: '$tmp/x.jpg' has no picture extension" "$N" paint --render "$tmp/x.jpg"
expect 2 "--depth" "$N" paint --depth 0 --render "$tmp/x.png"
expect 2 "--depth" "$N" paint --depth 16 --render "$tmp/x.png"
expect 2 "--width" "$N" paint --width 1025 --render "$tmp/x.png"
expect 2 "--weight-scale" "$N" paint --weight-scale 0 --render "$tmp/x.png"
expect 2 "--frames" "$N" paint --frames 0 --animate "$tmp/x.gif"
expect 2 "--delay" "$N" paint --delay 1 --animate "$tmp/x.gif"
expect 2 "same file" "$N" paint --render "$tmp/x.png" --animate "$tmp/x.png"
check "no output left by the bad commands" absent "$tmp/x.png" "$tmp/x.gif"
# A path that cannot be written fails at once (exit 1), before the work.
expect 1 "$tmp/no/such/dir/a.png" "$N" paint --size 30000x30000 --render "$tmp/no/such/dir/a.png"
expect 1 "$tmp/no/such/dir/a.gif" "$N" paint --size 30000x30000 --animate "$tmp/no/such/dir/a.gif" --render "$tmp/ok.png"
check "nothing written when one output fails" absent "$tmp/ok.png"
"$N" paint --help >"$tmp/out" 2>&1
check "--help lists --weight-scale" grep -q -- "--weight-scale S" "$tmp/out"
check "--help lists --animate" grep -q -- "--animate FILE" "$tmp/out"
# --render - with --render-format: a PPM of the picture on standard output.
"$N" paint --size 8x6 --render - --render-format ppm >"$tmp/std.ppm" 2>/dev/null
"$N" paint --size 8x6 --render "$tmp/file.ppm" >/dev/null 2>&1
check "--render - --render-format ppm: the PPM the file would hold" cmp -s "$tmp/std.ppm" "$tmp/file.ppm"
finish
