"""Golden values for the gradient family, from PyTorch autograd on the same models the ONNX files come from.

For a few sentences: the raw gradients ∂logit_c/∂inputs_embeds and ∂softmax_c/∂inputs_embeds, every gradient
explainer's token scores for its preset (docs: ../../shared/methods.md), and integrated-gradients convergence
deltas for every integration method at two step counts (the delta must shrink as the steps grow).
"""

from typing import Dict, List

import numpy as np
import torch

SENTENCES = 2  # the first sentences of export_models.SENTENCES: the seed and a clearly positive one
IG_METHODS = ["gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"]
IG_STEPS = [8, 50]


def ig_nodes(method: str, n_steps: int):
    """Integration points α and weights on [0, 1], as captum's approximation_parameters gives them."""
    if method == "gausslegendre":
        x, w = np.polynomial.legendre.leggauss(n_steps)
        return 0.5 * (1 + x), 0.5 * w
    if method == "riemann_trapezoid":
        weights = np.full(n_steps, 1 / (n_steps - 1))
        weights[[0, -1]] /= 2
        return np.linspace(0, 1, n_steps), weights
    start = {"riemann_left": 0.0, "riemann_right": 1 / n_steps, "riemann_middle": 0.5 / n_steps}[method]
    return np.linspace(start, start + 1 - 1 / n_steps, n_steps), np.full(n_steps, 1 / n_steps)


class Selected:
    """The model as a function of word embeddings, reduced to the logit or probability of one class."""

    def __init__(self, model, architecture: str, target: int):
        self.model, self.architecture, self.target = model, architecture, target

    def __call__(self, embeds: torch.Tensor, output: str) -> torch.Tensor:
        mask = torch.ones(embeds.shape[:2], dtype=torch.long)  # all ones along the path, as the references do
        if self.architecture == "bert":
            logits = self.model(None, mask, torch.zeros_like(mask), inputs_embeds=embeds)
        else:
            logits = self.model(None, mask, inputs_embeds=embeds)
        values = logits if output == "logit" else torch.softmax(logits, dim=-1)
        return values[:, self.target]

    def gradient(self, embeds: torch.Tensor, output: str) -> torch.Tensor:
        embeds = embeds.detach().requires_grad_(True)
        # autograd.grad, as captum does: only the input gradient is computed, none for the weights.
        (grad,) = torch.autograd.grad(self(embeds, output).sum(), embeds)
        return grad


def normalize(raw: np.ndarray, how: str) -> np.ndarray:
    norm = np.abs(raw).sum() if how == "l1" else np.sqrt((raw**2).sum())
    return raw / norm if norm > 0 else raw * 0


def integrated(f: Selected, x: torch.Tensor, baseline: torch.Tensor, output: str, method: str, n_steps: int):
    """Path-averaged gradient Σ_k w_k ∂f(x' + α_k(x − x')) and the convergence delta of the ×input attribution."""
    alphas, weights = ig_nodes(method, n_steps)
    alphas_t = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    path = baseline + alphas_t * (x - baseline)
    grads = f.gradient(path, output)
    averaged = (torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1) * grads).sum(0)
    with torch.no_grad():
        ends = f(torch.stack([x, baseline]), output).double()
    attribution = ((x - baseline) * averaged).double()
    delta = float(attribution.sum() - (ends[0] - ends[1]))
    return averaged, delta


def _round(values) -> List:
    return np.vectorize(lambda v: float(f"{v:.8g}"))(np.asarray(values, dtype=np.float64)).tolist()


def _scores(raw: np.ndarray, normalization: str, **extra) -> Dict:
    return {"raw": _round(raw), "scores": _round(normalize(raw, normalization)), **extra}


def gradient_sentence(model, architecture: str, tokenizer, text: str, max_length: int) -> Dict:
    ids = tokenizer.encode(text, max_length).ids
    vocab = tokenizer.token_to_id
    word_embeddings = (model.bert if architecture == "bert" else model.distilbert).embeddings.word_embeddings
    with torch.no_grad():
        x = word_embeddings(torch.tensor(ids))
        baselines = {
            "pad": word_embeddings(torch.tensor([ids[0]] + [vocab["[PAD]"]] * (len(ids) - 2) + [ids[-1]])),
            "zero": torch.zeros_like(x),
            "mask": word_embeddings(torch.tensor([ids[0]] + [vocab["[MASK]"]] * (len(ids) - 2) + [ids[-1]])),
        }
        mask = torch.ones(1, len(ids), dtype=torch.long)
        args = (None, mask, torch.zeros_like(mask)) if architecture == "bert" else (None, mask)
        logits = model(*args, inputs_embeds=x[None])[0]
    target = int(logits.argmax())
    f = Selected(model, architecture, target)
    grad_logit = f.gradient(x[None], "logit")[0]
    grad_prob = f.gradient(x[None], "prob")[0]
    xn = x.numpy().astype(np.float64)
    g = grad_logit.numpy().astype(np.float64)

    explainers = {
        "gradient": _scores(np.abs(g).sum(-1), "l1"),
        "gradient_norm": _scores(np.sqrt((g**2).sum(-1)), "l1"),
        "gradient_x_input": _scores((xn * g).sum(-1), "l1"),
    }
    pad = baselines["pad"]
    averaged, delta = integrated(f, x, pad, "logit", "gausslegendre", 50)
    a = averaged.numpy().astype(np.float64)
    explainers["integrated_gradients"] = _scores(a.sum(-1), "l1", delta=delta)
    explainers["integrated_gradients_x_input"] = _scores(((xn - pad.numpy()) * a).sum(-1), "l1", delta=delta)
    averaged, delta = integrated(f, x, pad, "prob", "gausslegendre", 50)
    explainers["layer_integrated_gradients"] = _scores(
        ((xn - pad.numpy()) * averaged.numpy()).sum(-1), "l2", delta=delta
    )

    ig_variants = []
    for method in IG_METHODS:
        for n_steps in IG_STEPS:
            _, delta = integrated(f, x, pad, "logit", method, n_steps)
            ig_variants.append({"method": method, "n_steps": n_steps, "delta": delta})
    baseline_variants = {}
    for name in ["zero", "mask"]:
        averaged, delta = integrated(f, x, baselines[name], "logit", "gausslegendre", 50)
        raw = ((xn - baselines[name].numpy()) * averaged.numpy()).sum(-1)
        baseline_variants[name] = _scores(raw, "l1", delta=delta)

    return {
        "text": text,
        "ids": ids,
        "target": target,
        "logits": _round(logits),
        "grad_logit": _round(grad_logit),
        "grad_prob": _round(grad_prob),
        "explainers": explainers,
        "ig_variants": ig_variants,
        "ig_x_input_baselines": baseline_variants,
    }


def gradient_golden(name: str, model, architecture: str, tokenizer, sentences: List[str], max_length: int) -> Dict:
    model.eval()
    return {
        "model": name,
        "torch_version": torch.__version__,
        "sentences": [
            gradient_sentence(model, architecture, tokenizer, text, max_length) for text in sentences[:SENTENCES]
        ],
    }
