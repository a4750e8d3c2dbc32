#!/usr/bin/python3
"""The PyTorch peer of bench/compare: one SGD epoch of a sigmoid network with cross-entropy
cost and the book's L2 weight decay, on the same data file as xgrad-floor.

  peer_pytorch.py --data FILE --sizes 784,30,10 --batch 10 --dtype f32 --mode autograd|jit

autograd: nn.Sequential + BCELoss(sum)/m + optim.SGD (weight decay λ/n on weights only,
          which is the book's w → (1 − ηλ/n)w − η∇C).
jit:      the hand-derived backprop step of network2.py, compiled with torch.jit.script.
Prints "<seconds> s per epoch" on its last line.
"""
import argparse
import ctypes
import time

import numpy as np
import torch


def read_data(path, width):
    raw = np.fromfile(path, dtype=np.uint8)
    n = raw.size // (width * 4 + 1)
    pixels = raw[: n * width * 4].view(np.float32).reshape(n, width)
    labels = raw[n * width * 4:].astype(np.int64)
    return torch.from_numpy(pixels.copy()), torch.from_numpy(labels)


@torch.jit.script
def jit_step(x: torch.Tensor, y: torch.Tensor, ws: list[torch.Tensor], bs: list[torch.Tensor],
             eta: float, decay: float):
    acts = [x]
    for w, b in zip(ws, bs):
        acts.append(torch.sigmoid(torch.addmm(b, acts[-1], w)))
    m = x.shape[0]
    delta = (acts[-1] - y) / m
    for l in range(len(ws) - 1, -1, -1):
        dw = acts[l].t().mm(delta)
        db = delta.sum(0)
        if l > 0:
            a = acts[l]
            delta = delta.mm(ws[l].t()) * a * (1 - a)
        ws[l].mul_(decay).sub_(eta * dw)
        bs[l].sub_(eta * db)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--sizes", default="784,30,10")
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--dtype", choices=["f32", "f64"], default="f32")
    p.add_argument("--mode", choices=["autograd", "jit"], default="autograd")
    p.add_argument("--eta", type=float, default=0.5)
    p.add_argument("--lmbda", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--eval-data", help="also time a no_grad forward pass over this file")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    # torch.set_num_threads() sizes PyTorch's own pool only: Debian's torch calls GEMM through
    # the system OpenBLAS, whose pthread pool would still use every core. Pin it too, so that
    # "1 thread" means the same thing for PyTorch as for xgrad.
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(args.threads)
    except OSError:
        pass
    torch.manual_seed(1)
    dtype = torch.float32 if args.dtype == "f32" else torch.float64
    sizes = [int(s) for s in args.sizes.split(",")]
    x_all, labels = read_data(args.data, sizes[0])
    x_all = x_all.to(dtype)
    y_all = torch.nn.functional.one_hot(labels, sizes[-1]).to(dtype)
    n, m = x_all.shape[0], args.batch
    if args.eval_data:
        # Loaded with the training data, as xgrad-mnist does, so that both evaluate data that
        # the training epoch has pushed out of the caches (a fresh copy would still be in L3).
        x_eval, y_eval = read_data(args.eval_data, sizes[0])
        x_eval = x_eval.to(dtype)

    if args.mode == "autograd":
        layers = []
        for i, o in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(i, o), torch.nn.Sigmoid()]
        net = torch.nn.Sequential(*layers).to(dtype)
        weights = [l.weight for l in net if isinstance(l, torch.nn.Linear)]
        biases = [l.bias for l in net if isinstance(l, torch.nn.Linear)]
        opt = torch.optim.SGD([{"params": weights, "weight_decay": args.lmbda / n},
                               {"params": biases}], lr=args.eta)
        loss_fn = torch.nn.BCELoss(reduction="sum")
        start = time.perf_counter()
        perm = torch.randperm(n)
        for first in range(0, n - m + 1, m):
            idx = perm[first:first + m]
            x, y = x_all[idx], y_all[idx]
            opt.zero_grad()
            loss = loss_fn(net(x), y) / m
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            acc = (net(x_all).argmax(1) == labels).double().mean().item()
    else:
        ws = [torch.randn(i, o, dtype=dtype) / i ** 0.5 for i, o in zip(sizes[:-1], sizes[1:])]
        bs = [torch.zeros(o, dtype=dtype) for o in sizes[1:]]
        decay = 1 - args.eta * args.lmbda / n
        with torch.no_grad():
            start = time.perf_counter()
            perm = torch.randperm(n)
            for first in range(0, n - m + 1, m):
                idx = perm[first:first + m]
                jit_step(x_all[idx], y_all[idx], ws, bs, args.eta, decay)
            seconds = time.perf_counter() - start
            a = x_all
            for w, b in zip(ws, bs):
                a = torch.sigmoid(torch.addmm(b, a, w))
            acc = (a.argmax(1) == labels).double().mean().item()
    if args.eval_data:
        with torch.no_grad():
            start = time.perf_counter()
            a = x_eval
            if args.mode == "autograd":
                a = net(a)
            else:
                for w, b in zip(ws, bs):
                    a = torch.sigmoid(torch.addmm(b, a, w))
            correct = (a.argmax(1) == y_eval).sum().item()
            eval_seconds = time.perf_counter() - start
        print(f"evaluation: {correct} / {len(y_eval)} correct in {eval_seconds:.6f} s")
    print(f"pytorch {args.mode}: training accuracy after 1 epoch: {100 * acc:.2f}%")
    print(f"{seconds:.4f} s per epoch")


if __name__ == "__main__":
    main()
