# cli_npz.sh - nnart export --npz, nnart import and predict --format npy from
# the outside: round trips, damaged archives, and (with NumPy) the arrays and
# predictions checked against NumPy's own reading and forward pass.
. tests/lib.sh
N=${NNART:-./nnart}

# byte V...: the bytes with these decimal values.
byte() { for v in "$@"; do printf "\\$(printf %03o "$v")"; done; }
# flip FILE OFFSET: FILE with the byte at OFFSET inverted (to stdout).
flip() {
    v=$(od -A n -t u1 -j "$2" -N 1 "$1" | tr -d ' ')
    head -c "$2" "$1"
    byte $((255 - v))
    tail -c +$(($2 + 2)) "$1"
}

"$N" train --limit 3000 --epochs 1 -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]

# ---- export and import without NumPy -----------------------------------------
"$N" export -m "$tmp/m.nnm" --npz "$tmp/m.npz" >"$tmp/out" 2>"$tmp/err"
check "export exits 0, nothing on stderr" [ $? -eq 0 ] && [ ! -s "$tmp/err" ]
check "export says what it wrote" [ "$(cat "$tmp/out")" = "wrote $tmp/m.npz (6 arrays)" ]
check "export: a zip archive of arr_0.npy ..." \
    [ "$(head -c 4 "$tmp/m.npz" | od -A n -t x1 | tr -d ' ')" = 504b0304 ]
# 6 stored .npy files (128-byte headers), 6 local and central headers, the end record
check "export: the archive's size" \
    [ "$(wc -c <"$tmp/m.npz")" -eq $((4 * 8070 + 6 * 128 + 6 * (30 + 9) + 6 * (46 + 9) + 22)) ]
"$N" export -m "$tmp/m.nnm" --npz "$tmp/again.npz" >/dev/null
check "export is deterministic" cmp -s "$tmp/m.npz" "$tmp/again.npz"

"$N" import "$tmp/m.npz" -o "$tmp/back.nnm" >"$tmp/out" 2>"$tmp/err"
check "import exits 0, nothing on stderr" [ $? -eq 0 ] && [ ! -s "$tmp/err" ]
check "import says what it saved" \
    [ "$(cat "$tmp/out")" = "saved $tmp/back.nnm (3 layers, 8070 parameters)" ]
"$N" info "$tmp/back.nnm" >"$tmp/info"
check "info: the imported model's training is unknown" \
    grep -qx 'trained with: unknown (imported), xent loss' "$tmp/info"
check "info: relu relu softmax" grep -qx 'activations:  relu relu softmax' "$tmp/info"
"$N" predict -m "$tmp/m.nnm" -n 50 -f csv >"$tmp/a.csv"
"$N" predict -m "$tmp/back.nnm" -n 50 -f csv >"$tmp/b.csv"
check "export -> import: the same predictions (csv)" cmp -s "$tmp/a.csv" "$tmp/b.csv"
"$N" predict -m "$tmp/m.nnm" -n 50 -f npy >"$tmp/a.npy"
"$N" predict -m "$tmp/back.nnm" -n 50 -f npy >"$tmp/b.npy"
check "export -> import: the same predictions (npy, bit for bit)" cmp -s "$tmp/a.npy" "$tmp/b.npy"
check "predict -f npy: 128-byte header and 50 x 10 float32" \
    [ "$(wc -c <"$tmp/a.npy")" -eq $((128 + 50 * 10 * 4)) ]
check "predict -f npy: NumPy's magic and version 1.0" \
    [ "$(head -c 8 "$tmp/a.npy" | od -A n -t x1 | tr -d ' ')" = 934e554d50590100 ]
"$N" export -m "$tmp/back.nnm" --npz "$tmp/back.npz" >/dev/null
check "import -> export: the same archive" cmp -s "$tmp/m.npz" "$tmp/back.npz"
"$N" import "$tmp/m.npz" -o "$tmp/tanh.nnm" --activation tanh --output-activation sigmoid \
    --loss mse >/dev/null
"$N" info "$tmp/tanh.nnm" >"$tmp/info"
check "import --activation tanh --output-activation sigmoid" \
    grep -qx 'activations:  tanh tanh sigmoid' "$tmp/info"
check "import --loss mse" grep -qx 'trained with: unknown (imported), mse loss' "$tmp/info"
"$N" export -m "$tmp/m.nnm" --npz - >"$tmp/stdout.npz" 2>"$tmp/err"
check "export --npz - writes the archive to standard output" cmp -s "$tmp/m.npz" "$tmp/stdout.npz"

# ---- usage and bad files -------------------------------------------------------
row 2 "nnart export: nothing to write: give --html FILE or --npz FILE" "$N" export -m "$tmp/m.nnm"
row 2 "nnart import: give the .npz file to import (nnart import FILE.npz)" "$N" import -o "$tmp/x.nnm"
row 2 "nnart import: --activation: unknown activation 'softmax' (relu, sigmoid, tanh, identity)" \
    "$N" import "$tmp/m.npz" --activation softmax
row 2 "nnart import: cross-entropy needs a softmax output layer (this model ends in sigmoid)" \
    "$N" import "$tmp/m.npz" --output-activation sigmoid
row 2 "nnart predict: --format npy and --render - would both write to standard output" \
    "$N" predict -m "$tmp/m.nnm" -f npy -r -
row 1 "nnart: $tmp/m.nnm: not a zip archive (no end of central directory record; truncated?)" \
    "$N" import "$tmp/m.nnm" -o "$tmp/x.nnm"
expect 1 "^nnart: $tmp/no/m.npz: " "$N" export -m "$tmp/m.nnm" --npz "$tmp/no/m.npz"
expect 1 "^nnart: $tmp/none.nnm: " "$N" export -m "$tmp/none.nnm" --npz "$tmp/x.npz"
len=$(wc -c <"$tmp/m.npz")
head -c $((len - 30)) "$tmp/m.npz" >"$tmp/cut.npz"
row 1 "nnart: $tmp/cut.npz: not a zip archive (no end of central directory record; truncated?)" \
    "$N" import "$tmp/cut.npz" -o "$tmp/x.nnm"
flip "$tmp/m.npz" 1000 >"$tmp/crc.npz"
rowre 1 "nnart: $tmp/crc.npz: arr_0.npy: CRC-32 mismatch: the data has [0-9a-f]{8}, the archive says [0-9a-f]{8}" \
    "$N" import "$tmp/crc.npz" -o "$tmp/x.nnm"
head -c 200 "$tmp/a.npy" >"$tmp/one.npy"
row 1 "nnart: $tmp/one.npy: one .npy array, not an .npz archive of a model's arrays" \
    "$N" import "$tmp/one.npy" -o "$tmp/x.nnm"
check "no output left by the failed imports and exports" \
    [ ! -e "$tmp/x.nnm" ] && [ ! -e "$tmp/x.npz" ] && [ -z "$(ls -A "$tmp" | grep tmp-)" ]
cp "$tmp/m.nnm" "$tmp/keep.nnm"
"$N" import "$tmp/crc.npz" -o "$tmp/keep.nnm" 2>/dev/null
check "a failed import leaves the old model as it was" cmp -s "$tmp/m.nnm" "$tmp/keep.nnm"

# ---- with NumPy ----------------------------------------------------------------------
# Debian's python3-numpy lives under /usr/bin, maybe behind another python3
# on the PATH; PYTHONS overrides the candidates.
py=
for p in ${PYTHONS:-python3 /usr/bin/python3}; do
    if "$p" -c 'import numpy' 2>/dev/null; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    skip "export and import against NumPy (18 checks)" "python3 cannot import numpy (python3-numpy)"
    finish
    exit
fi

# forward.py MODEL.npz PREDICTIONS... : the NumPy forward pass (relu, relu,
# softmax) of the arrays on test images 0..k-1; exits 1 naming the first
# prediction (CSV of nnart predict, or .npy) more than 1e-5 away.
cat >"$tmp/forward.py" <<'EOF'
import sys
import numpy as np
z = np.load(sys.argv[1])
w = [z["arr_%d" % i] for i in range(len(z.files))]
raw = open("data/t10k-images-idx3-ubyte", "rb").read()
def forward(k):
    a = np.frombuffer(raw, np.uint8, 784 * k, 16).reshape(k, 784).astype(np.float32) / 255
    for i in range(0, len(w), 2):
        a = a @ w[i] + w[i + 1]
        if i + 2 < len(w):
            a = np.maximum(a, 0)
    e = np.exp(a - a.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)
for f in sys.argv[2:]:
    if f.endswith(".npy"):
        p = np.load(f)
        assert p.dtype == np.float32 and p.flags.c_contiguous, f
    else:
        p = np.loadtxt(f, delimiter=",", skiprows=1, ndmin=2)[:, 3:]
    d = np.abs(forward(len(p)) - p).max()
    if not d <= 1e-5:
        sys.exit("%s: NumPy's forward pass differs by %g" % (f, d))
EOF

"$py" - "$tmp/m.npz" <<'EOF'
import io, sys, zipfile
import numpy as np
z = np.load(sys.argv[1])
assert z.files == ["arr_%d" % i for i in range(6)], z.files
shapes = [(784, 10), (10,), (10, 10), (10,), (10, 10), (10,)]
for i, s in enumerate(shapes):
    a = z["arr_%d" % i]
    assert a.shape == s and a.dtype.str == "<f4" and a.flags.c_contiguous, (i, a.shape, a.dtype)
    b = io.BytesIO()
    np.save(b, a)
    raw = zipfile.ZipFile(sys.argv[1]).read("arr_%d.npy" % i)
    assert raw == b.getvalue(), "arr_%d.npy is not what numpy.save writes" % i
    assert raw[6:8] == b"\x01\x00" and raw.index(b"\n") % 64 == 63
assert zipfile.ZipFile(sys.argv[1]).testzip() is None
EOF
check "numpy.load: arr_0 (784, 10) ... arr_5 (10,), '<f4', C order, numpy.save's bytes" [ $? -eq 0 ]
"$N" predict -m "$tmp/m.nnm" -n 30 -f csv >"$tmp/p.csv"
"$N" predict -m "$tmp/m.nnm" -n 30 -f npy >"$tmp/p.npy"
check "NumPy's forward pass on the exported arrays reproduces predict (csv and npy) to 1e-5" \
    "$py" "$tmp/forward.py" "$tmp/m.npz" "$tmp/p.csv" "$tmp/p.npy"

# Arrays made by NumPy: savez (stored, ZIP64 extra fields) and savez_compressed
# (deflate), a 784-16-12-10 network; the same in float64, in Fortran order
# and big-endian; and bad ones.
"$py" - "$tmp" <<'EOF'
import sys
import numpy as np
d = sys.argv[1]
r = np.random.default_rng(7)
w = [(r.standard_normal(s) * 0.3).astype(np.float32)
     for s in [(784, 16), (16,), (16, 12), (12,), (12, 10), (10,)]]
np.savez(d + "/np.npz", *w)
np.savez_compressed(d + "/npc.npz", *w)
np.savez(d + "/f8.npz", *[a.astype(np.float64) for a in w])
np.savez(d + "/fortran.npz", *[np.asfortranarray(a) for a in w])
np.savez(d + "/big.npz", *[a.astype(">f4") for a in w])
np.savez(d + "/named.npz", kernel=w[0], bias=w[1], k2=w[2], b2=w[3], k3=w[4], b3=w[5])
np.savez(d + "/int.npz", w[0].astype(np.int32), w[1])
np.savez(d + "/inexact.npz", w[0].astype(np.float64) + 1e-9, w[1])
np.savez(d + "/chain.npz", w[0], w[1], w[4], w[5])
np.savez(d + "/bias.npz", w[0], w[3])
np.savez(d + "/few.npz", w[0])
open(d + "/npc-cut.npz", "wb").write(open(d + "/npc.npz", "rb").read()[:-100])
EOF
for f in np npc f8 fortran big named; do
    "$N" import "$tmp/$f.npz" -o "$tmp/$f.nnm" >/dev/null 2>"$tmp/err"
    check "import of NumPy's $f.npz" [ $? -eq 0 ] && [ ! -s "$tmp/err" ]
done
"$N" predict -m "$tmp/np.nnm" -n 30 -f csv >"$tmp/np.csv"
"$N" predict -m "$tmp/npc.nnm" -n 30 -f npy >"$tmp/npc.npy"
check "nnart's predictions of NumPy's arrays (savez, savez_compressed) match NumPy's to 1e-5" \
    "$py" "$tmp/forward.py" "$tmp/np.npz" "$tmp/np.csv" "$tmp/npc.npy"
for f in npc f8 fortran big named; do
    cmp -s "$tmp/np.nnm" "$tmp/$f.nnm" || fail "import of $f.npz: not the model of np.npz"
done
pass
flip "$tmp/npc.npz" 300 >"$tmp/npc-crc.npz"
expect 1 "^nnart: $tmp/npc-crc.npz: arr_0.npy: " "$N" import "$tmp/npc-crc.npz" -o "$tmp/x.nnm"
row 1 "nnart: $tmp/npc-cut.npz: not a zip archive (no end of central directory record; truncated?)" \
    "$N" import "$tmp/npc-cut.npz" -o "$tmp/x.nnm"
row 1 "nnart: $tmp/int.npz: arr_0.npy: dtype '<i4' is not supported (float32 '<f4' or '>f4'; float64 '<f8' or '>f8' when every value is a float32)" \
    "$N" import "$tmp/int.npz" -o "$tmp/x.nnm"
expect 1 "^nnart: $tmp/inexact.npz: arr_0.npy: float64 value 0 (.*) is not exactly a float32; save the array as float32 (astype('<f4'))$" \
    "$N" import "$tmp/inexact.npz" -o "$tmp/x.nnm"
row 1 "nnart: $tmp/chain.npz: arr_2.npy: shape (12, 10): layer 2 takes 12 inputs, but layer 1 has 16 units" \
    "$N" import "$tmp/chain.npz" -o "$tmp/x.nnm"
row 1 "nnart: $tmp/bias.npz: arr_1.npy: shape (12,) is not layer 1's biases (16,)" \
    "$N" import "$tmp/bias.npz" -o "$tmp/x.nnm"
row 1 "nnart: $tmp/few.npz: 1 array; a model needs two per layer (the weights, then the biases)" \
    "$N" import "$tmp/few.npz" -o "$tmp/x.nnm"
check "no model left by the failed imports" [ ! -e "$tmp/x.nnm" ]
finish
