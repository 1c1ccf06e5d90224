"""PyTorch side of `npm run bench`: the same work as the engine, in plain PyTorch eager, on the same weights.

    /usr/bin/python3 scripts/bench_torch.py MODEL_DIR [--model distilbert-full|roberta-base|deberta-v3-small]
                                            [--export]

Rebuilds the (deterministic) random-weight model named by --model: the full-size DistilBERT of
export_models.py (the default), a RoBERTa-base-sized RobertaForSequenceClassification of modeling.py (12
layers, hidden 768, 12 heads, FFN 3072, roberta-base's 50,265 ids and 514 positions, 3 labels), or a
DeBERTa-v3-small-sized DebertaV2ForSequenceClassification (6 layers, hidden 768, 12 heads, FFN 3072, 256 position
buckets, 512 positions, deberta-v3-small's 128,100 embedding rows, 3 labels). With --export it writes that model to
MODEL_DIR as export_models.py writes its models (config.json, onnx/model.onnx at the family's opset, the fixture
tokenizer: fixtures/tokenizers/roberta-bpe resp. deberta-unigram; not distilbert-full), prints its CPU seconds as
JSON and exits.
Otherwise it answers one JSON request per line on stdin with one JSON line on stdout, so that the bench can
alternate rounds of its own and PyTorch's measurements (on a shared machine, back-to-back rounds see the same load):

    {"cmd": "info"}                                        torch version, BLAS library and core, thread counts
    {"cmd": "matmul", "shape": [m, k, n], "repeats": 5}    fp32 torch.mm GFLOP/s (best of the repeats)
    {"cmd": "forward", "ids": [...], "batch": 32, "repeats": 3}   seconds per batch of copies of `ids` (best)
    {"cmd": "ig", "ids": [...], "steps": 50, "repeats": 3}        integrated gradients x input, seconds (best)
    {"cmd": "ig_values", "ids": [...], "steps": 50}       its token attributions, f(x), f(x') and delta, to check

"ig" and "ig_values" take an optional "target" (class index, default 0). The IG baseline keeps the first and
last ids and puts the model's pad id in between (the engine's `pad` baseline); RoBERTa's position ids are the
sentence's all along the path (captum's LayerIntegratedGradients on the word embeddings, as the engine).

Every timing is tried with 1 and 2 torch threads and the faster is reported with its count: Debian's torch uses
OpenBLAS, whose own pthreads run the matrix products (2 here) whatever torch's OpenMP thread count is, and on 2
cores one torch thread often wins.
"""

import argparse
import ctypes
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_models import SENTIMENT_LABELS, _random_model, _targets, _write_json, export_onnx  # noqa: E402
from gradient_golden import Selected, ig_nodes, integrated  # noqa: E402
from modeling import POSITIONS_FROM_IDS, RobertaConfig, RobertaForSequenceClassification, create_position_ids_from_input_ids  # noqa: E402
from modeling import DebertaV2Config, DebertaV2ForSequenceClassification  # noqa: E402

THREADS = (1, 2)
REPO = Path(__file__).resolve().parent.parent
ROBERTA_TOKENIZER = REPO / "fixtures/tokenizers/roberta-bpe"
DEBERTA_TOKENIZER = REPO / "fixtures/tokenizers/deberta-unigram"


def roberta_base_model() -> RobertaForSequenceClassification:
    """roberta-base's shape (125M parameters) with random weights (std 0.02, its initializer_range), 3 labels."""
    config = RobertaConfig(
        vocab_size=50265, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
        max_position_embeddings=514, id2label=SENTIMENT_LABELS,
    )
    return _random_model(RobertaForSequenceClassification, config, seed=41, std=0.02)


def deberta_v3_small_model() -> DebertaV2ForSequenceClassification:
    """deberta-v3-small's shape (its 128,100 embedding rows; the fixture tokenizer uses the first 926) with random
    weights (std 0.02, its initializer_range), 3 labels. The [PAD] row is drawn like every other, as tiny-deberta's
    (export_models.py), so that the pad baseline is not the zero vector between the specials."""
    config = DebertaV2Config(
        vocab_size=128100, hidden_size=768, num_hidden_layers=6, num_attention_heads=12, intermediate_size=3072,
        max_position_embeddings=512, position_buckets=256, id2label=SENTIMENT_LABELS,
    )
    model = _random_model(DebertaV2ForSequenceClassification, config, seed=43, std=0.02)
    with torch.no_grad():
        table = model.deberta.embeddings.word_embeddings.weight
        table[config.pad_token_id].normal_(0.0, 0.02, generator=torch.Generator().manual_seed(43))
    return model


@dataclass
class Spec:
    architecture: str  # the attribute holding the embeddings, as gradient_golden names it
    pad_id: int
    make: Callable[[Path], torch.nn.Module]
    tokenizer: Optional[Path] = None  # tokenizer files copied in by --export
    opset: int = 14  # optimum's default for the family


def _distilbert_full(folder: Path) -> torch.nn.Module:
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return _targets(folder, folder)["full"].make_model(vocab)


MODELS = {
    "distilbert-full": Spec("distilbert", 0, _distilbert_full),
    "roberta-base": Spec("roberta", 1, lambda folder: roberta_base_model(), ROBERTA_TOKENIZER),
    "deberta-v3-small": Spec("deberta", 0, lambda folder: deberta_v3_small_model(), DEBERTA_TOKENIZER, opset=12),
}


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


def ig_setup(model, spec: Spec, ids, target: int):
    """The selected function of the word embeddings, the input's embeddings and the pad baseline's."""
    word_embeddings = getattr(model, spec.architecture).embeddings.word_embeddings
    with torch.no_grad():
        x = word_embeddings(torch.tensor(ids))
        baseline = word_embeddings(torch.tensor([ids[0]] + [spec.pad_id] * (len(ids) - 2) + [ids[-1]]))
    position_ids = None
    if spec.architecture == "roberta":
        position_ids = create_position_ids_from_input_ids(torch.tensor([ids]), model.config.pad_token_id)
    return Selected(model, spec.architecture, target, position_ids), x, baseline


def integrated_gradients(model, spec: Spec, ids, steps: int, repeats: int, target: int) -> dict:
    """The engine's computation: all path points in one batch, forward and backward, weighted average, x input."""
    f, x, baseline = ig_setup(model, spec, ids, target)
    alphas, weights = ig_nodes("gausslegendre", steps)
    alphas = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    weights = torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1)

    def run():
        grads = f.gradient(baseline + alphas * (x - baseline), "logit")
        return ((x - baseline) * (weights * grads).sum(0)).sum(-1)

    return best_over_threads(run, repeats)


def ig_values(model, spec: Spec, ids, steps: int, target: int) -> dict:
    """What the bench checks the engine's IG x input against: token attributions (before normalization), f(x),
    f(x') and the convergence delta, from gradient_golden's `integrated` (float64 sums). f(x') and the delta are
    captum's: the model run on the baseline ids, which a RoBERTa graph numbers from their own <pad> positions."""
    f, x, baseline = ig_setup(model, spec, ids, target)
    baseline_ids = [ids[0]] + [spec.pad_id] * (len(ids) - 2) + [ids[-1]]
    averaged, delta = integrated(f, x, baseline, "logit", "gausslegendre", steps, baseline_ids)
    positions = None
    if spec.architecture in POSITIONS_FROM_IDS:
        positions = create_position_ids_from_input_ids(torch.tensor([baseline_ids]), model.config.pad_token_id)
    with torch.no_grad():
        f_x = float(f(x[None], "logit").double()[0])
        f_baseline = float(f(baseline[None], "logit", positions).double()[0])
    raw = ((x - baseline).double() * averaged.double()).sum(-1)
    return {"raw": raw.tolist(), "f_x": f_x, "f_baseline": f_baseline, "delta": delta}


def export(spec: Spec, model, folder: Path) -> None:
    """The model folder as export_models.py lays it out, written beside and renamed into place when complete."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    _write_json(partial / "config.json", model.config.to_hf_dict())
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(spec.tokenizer / name, partial / name)
    export_onnx(model, spec.architecture, partial / "onnx/model.onnx", opset=spec.opset)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(partial, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model", choices=sorted(MODELS), default="distilbert-full")
    parser.add_argument("--export", action="store_true", help="write the model to FOLDER and exit")
    args = parser.parse_args()
    spec = MODELS[args.model]
    if args.export and spec.tokenizer is None:
        parser.error(f"{args.model} is exported by scripts/export_models.py")
    model = spec.make(args.folder).eval()
    if args.export:
        export(spec, model, args.folder)
        print(json.dumps({"cpu_seconds": time.process_time()}), flush=True)
        return
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
            target = request.get("target", 0)
            answer = integrated_gradients(model, spec, request["ids"], request["steps"], request["repeats"], target)
        elif cmd == "ig_values":
            answer = ig_values(model, spec, request["ids"], request["steps"], request.get("target", 0))
        else:
            answer = {"error": f"unknown command {cmd}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
