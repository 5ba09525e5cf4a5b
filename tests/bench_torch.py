#!/usr/bin/env python3
"""bench_torch.py - nnart's training job in PyTorch, for the benchmark.

The same model, data and settings as `nnart train`, written the way Keras
runs them: dense layers with Glorot-uniform weights and zero biases, ReLU
hidden layers and a softmax output (folded into the cross-entropy loss),
sparse categorical cross-entropy averaged over each batch, Adam with lr 1e-3,
betas 0.9 / 0.999 and epsilon 1e-7, batches of 128 drawn from a fresh shuffle
every epoch, pixels / 255.  (PyTorch's Adam adds epsilon to the bias-corrected
sqrt(v), Keras to the uncorrected one; with epsilon 1e-7 this makes no visible
difference.)  One thread: torch.set_num_threads(1), and the thread pools of
the libraries under torch (OpenMP, OpenBLAS, MKL), which that call does not
reach, held to one thread through their environment variables before torch
is imported (unless they are already set).

It reads the raw IDX files itself (numpy if available, else torch.frombuffer)
and prints one line:
    torch VERSION test_accuracy ACC train_seconds T load_seconds L

Usage: bench_torch.py [--data DIR] [--layers 784-10-10-10] [--epochs 10]
                      [--batch 128] [--seed 1] [--threads 1]
"""
import argparse
import os
import struct
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

t_load = time.perf_counter()
import torch  # noqa: E402

try:
    import numpy as np
except ImportError:  # torch.frombuffer works without numpy
    np = None


def read_idx(path):
    """The array in an uncompressed uint8 IDX file, as a torch uint8 tensor."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise SystemExit(f"{path}: not a uint8 IDX file")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    payload = data[4 + 4 * ndim:]
    if np is not None:
        return torch.from_numpy(np.frombuffer(payload, dtype=np.uint8).reshape(dims).copy())
    return torch.frombuffer(bytearray(payload), dtype=torch.uint8).reshape(dims)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data")
    ap.add_argument("--layers", default="784-10-10-10")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    def load(images, labels):
        x = read_idx(f"{a.data}/{images}")
        x = x.reshape(x.shape[0], -1).float() / 255.0
        return x, read_idx(f"{a.data}/{labels}").long()

    x_train, y_train = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    x_test, y_test = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    load_seconds = time.perf_counter() - t_load

    sizes = [int(s) for s in a.layers.split("-")]
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.xavier_uniform_(lin.weight)  # Glorot uniform
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax + sparse categorical cross-entropy

    t0 = time.perf_counter()
    n = x_train.shape[0]
    for _ in range(a.epochs):
        perm = torch.randperm(n)
        for first in range(0, n, a.batch):
            idx = perm[first:first + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
    train_seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(f"torch {torch.__version__} test_accuracy {acc:.4f} "
          f"train_seconds {train_seconds:.3f} load_seconds {load_seconds:.3f}")


if __name__ == "__main__":
    main()
