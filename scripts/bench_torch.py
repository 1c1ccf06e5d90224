"""PyTorch side of `npm run bench`: the same work as the engine, in plain PyTorch eager, on the same weights.

    /usr/bin/python3 scripts/bench_torch.py MODEL_DIR

Rebuilds the (deterministic) full-size random DistilBERT of export_models.py, then answers one JSON request per
line on stdin with one JSON line on stdout, so that the bench can alternate rounds of its own and PyTorch's
measurements (on a shared machine, back-to-back rounds see the same load):

    {"cmd": "info"}                                        torch version, BLAS library and core, thread counts
    {"cmd": "matmul", "shape": [m, k, n], "repeats": 5}    fp32 torch.mm GFLOP/s (best of the repeats)
    {"cmd": "forward", "ids": [...], "batch": 32, "repeats": 3}   seconds per batch of copies of `ids` (best)
    {"cmd": "ig", "ids": [...], "steps": 50, "repeats": 3}        integrated gradients x input, seconds (best)

Every timing is tried with 1 and 2 torch threads and the faster is reported with its count: Debian's torch uses
OpenBLAS, whose own pthreads run the matrix products (2 here) whatever torch's OpenMP thread count is, and on 2
cores one torch thread often wins.
"""

import ctypes
import json
import sys
import time
from pathlib import Path

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_models import _targets  # noqa: E402
from gradient_golden import Selected, ig_nodes  # noqa: E402

THREADS = (1, 2)


def blas_info() -> dict:
    """The BLAS library torch's matrix products run in (from the process's mapped libraries) and its threads."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    with open("/proc/self/maps", encoding="utf-8") as maps:
        libraries = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    info = {"libraries": libraries, "torch_blas": torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0]}
    openblas = next((path for path in libraries if "openblas" in path), None)
    if openblas:
        lib = ctypes.CDLL(openblas)
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        info["openblas"] = lib.openblas_get_config().decode()
        info["core"] = lib.openblas_get_corename().decode()
        info["blas_threads"] = lib.openblas_get_num_threads()
    return info


def best_time(run, repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def best_over_threads(run, repeats: int) -> dict:
    results = {}
    for threads in THREADS:
        torch.set_num_threads(threads)
        results[threads] = best_time(run, repeats)
    best = min(results, key=results.get)
    return {"seconds": results[best], "threads": best}


def matmul(m: int, k: int, n: int, repeats: int) -> dict:
    a, b = torch.randn(m, k), torch.randn(k, n)
    result = best_over_threads(lambda: torch.mm(a, b), repeats)
    return {**result, "gflops": 2 * m * k * n / result["seconds"] / 1e9}


def forward(model, ids, batch: int, repeats: int) -> dict:
    input_ids = torch.tensor([ids] * batch)
    mask = torch.ones_like(input_ids)

    def run():
        with torch.no_grad():
            model(input_ids, mask)

    return best_over_threads(run, repeats)


def integrated_gradients(model, ids, steps: int, repeats: int) -> dict:
    """The engine's computation: all path points in one batch, forward and backward, weighted average, x input."""
    word_embeddings = model.distilbert.embeddings.word_embeddings
    with torch.no_grad():
        x = word_embeddings(torch.tensor(ids))
        baseline = word_embeddings(torch.tensor([ids[0]] + [0] * (len(ids) - 2) + [ids[-1]]))
    alphas, weights = ig_nodes("gausslegendre", steps)
    alphas = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    weights = torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1)
    f = Selected(model, "distilbert", 0)

    def run():
        grads = f.gradient(baseline + alphas * (x - baseline), "logit")
        return ((x - baseline) * (weights * grads).sum(0)).sum(-1)

    return best_over_threads(run, repeats)


def main() -> None:
    folder = Path(sys.argv[1])
    target = _targets(folder, folder)["full"]
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    model = target.make_model(vocab).eval()
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request["cmd"]
        if cmd == "info":
            answer = {"torch": torch.__version__, "default_threads": torch.get_num_threads(), **blas_info()}
        elif cmd == "matmul":
            answer = matmul(*request["shape"], request["repeats"])
        elif cmd == "forward":
            answer = forward(model, request["ids"], request["batch"], request["repeats"])
        elif cmd == "ig":
            answer = integrated_gradients(model, request["ids"], request["steps"], request["repeats"])
        else:
            answer = {"error": f"unknown command {cmd}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
