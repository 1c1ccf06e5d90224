"""PyTorch side of `npm run bench`: integrated gradients (Gauss–Legendre, one batch of all steps) through autograd.

    /usr/bin/python3 scripts/bench_ig.py MODEL_DIR '[101, ...]' [N_STEPS]

Rebuilds the (deterministic) full-size random DistilBERT of export_models.py, times the same computation the
engine does (the path batch forward and backward, the weighted average, × input) and prints JSON with the
fastest of PyTorch's default thread setting and two threads.
"""

import json
import sys
import time
from pathlib import Path

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_models import _targets  # noqa: E402
from gradient_golden import Selected, ig_nodes  # noqa: E402


def time_ig(model, ids, n_steps: int, repeats: int = 3) -> float:
    word_embeddings = model.distilbert.embeddings.word_embeddings
    with torch.no_grad():
        x = word_embeddings(torch.tensor(ids))
        baseline = word_embeddings(torch.tensor([ids[0]] + [0] * (len(ids) - 2) + [ids[-1]]))
    alphas, weights = ig_nodes("gausslegendre", n_steps)
    alphas = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    weights = torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1)
    f = Selected(model, "distilbert", 0)

    def run():
        grads = f.gradient(baseline + alphas * (x - baseline), "logit")
        return ((x - baseline) * (weights * grads).sum(0)).sum(-1)

    run()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    folder, ids = Path(sys.argv[1]), json.loads(sys.argv[2])
    n_steps = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    target = _targets(folder, folder)["full"]
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    model = target.make_model(vocab).eval()
    results = {}
    for threads in [torch.get_num_threads(), 2]:
        torch.set_num_threads(threads)
        results[threads] = time_ig(model, ids, n_steps)
    best = min(results, key=results.get)
    print(json.dumps({"seconds": results[best], "threads": best, "all": results}))


if __name__ == "__main__":
    main()
