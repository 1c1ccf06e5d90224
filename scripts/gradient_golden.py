"""Golden values for the gradient family, from PyTorch autograd on the same models the ONNX files come from.

For a few sentences: the raw gradients ∂logit_c/∂inputs_embeds and ∂softmax_c/∂inputs_embeds, every gradient
explainer's token scores for its preset (docs: ../../shared/methods.md), and integrated-gradients convergence
deltas for every integration method at two step counts (the delta must shrink as the steps grow).

`inputs_embeds` are the word-embedding rows only. For RoBERTa (and MPNet) the position ids stay those of the sentence's
ids (transformers' create_position_ids_from_input_ids) all along the path, baseline included: the function
captum's LayerIntegratedGradients(model, model.roberta.embeddings.word_embeddings) integrates, since it runs
the model on the input ids and replaces the word-embedding layer's output.
"""

from typing import Dict, List, Optional

import numpy as np
import torch

from modeling import POSITIONS_FROM_IDS, TOKEN_TYPE_ARCHITECTURES, create_position_ids_from_input_ids

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
    """The model as a function of word embeddings, reduced to the logit or probability of one class.
    `position_ids` ([1, n], RoBERTa and MPNet) are the sentence's, used for every row of a batch of embeddings."""

    def __init__(self, model, architecture: str, target: Optional[int] = None, position_ids=None):
        self.model, self.architecture, self.target = model, architecture, target
        self.position_ids = position_ids

    def logits(self, embeds: torch.Tensor, position_ids=None) -> torch.Tensor:
        mask = torch.ones(embeds.shape[:2], dtype=torch.long)  # all ones along the path, as the references do
        if self.architecture in TOKEN_TYPE_ARCHITECTURES:
            return self.model(None, mask, torch.zeros_like(mask), inputs_embeds=embeds)
        if self.architecture in POSITIONS_FROM_IDS:
            positions = (self.position_ids if position_ids is None else position_ids).expand(embeds.shape[0], -1)
            return self.model(attention_mask=mask, position_ids=positions, inputs_embeds=embeds)
        return self.model(None, mask, inputs_embeds=embeds)

    def __call__(self, embeds: torch.Tensor, output: str, position_ids=None) -> torch.Tensor:
        logits = self.logits(embeds, position_ids)
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


def integrated(
    f: Selected, x: torch.Tensor, baseline: torch.Tensor, output: str, method: str, n_steps: int, baseline_ids=None
):
    """Path-averaged gradient Σ_k w_k ∂f(x' + α_k(x − x')) and the convergence delta of the ×input attribution.
    With `baseline_ids`, f(x') is the model run on those ids, as captum's LayerIntegratedGradients computes its
    delta: a model numbering positions from the ids (RoBERTa, MPNet) then gives the baseline's `<pad>` ids
    position 1, where the path kept the sentence's positions (methods.md)."""
    alphas, weights = ig_nodes(method, n_steps)
    alphas_t = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    path = baseline + alphas_t * (x - baseline)
    grads = f.gradient(path, output)
    averaged = (torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1) * grads).sum(0)
    with torch.no_grad():
        if baseline_ids is not None and f.architecture in POSITIONS_FROM_IDS:
            positions = create_position_ids_from_input_ids(torch.tensor([baseline_ids]), f.model.config.pad_token_id)
            at_input = f(x[None], output).double()[0]
            at_baseline = f(baseline[None], output, positions).double()[0]
        else:
            at_input, at_baseline = f(torch.stack([x, baseline]), output).double()
    attribution = ((x - baseline) * averaged).double()
    delta = float(attribution.sum() - (at_input - at_baseline))
    return averaged, delta


def _round(values) -> List:
    return np.vectorize(lambda v: float(f"{v:.8g}"))(np.asarray(values, dtype=np.float64)).tolist()


def _scores(raw: np.ndarray, normalization: str, **extra) -> Dict:
    return {"raw": _round(raw), "scores": _round(normalize(raw, normalization)), **extra}


def gradient_sentence(model, architecture: str, tokenizer, text: str, max_length: int) -> Dict:
    ids = tokenizer.encode(text, max_length).ids
    vocab = tokenizer.token_to_id
    return gradient_entry(model, architecture, ids, vocab["[PAD]"], vocab["[MASK]"], text)


def word_embeddings_of(model, architecture: str) -> torch.nn.Embedding:
    return getattr(model, architecture).embeddings.word_embeddings


def gradient_entry(model, architecture: str, ids: List[int], pad_id: int, mask_id: int, text: Optional[str]) -> Dict:
    """The golden record of one id sequence (first and last ids kept in the pad and mask baselines, as
    transformers-interpret builds them). `text` is None for sequences given as ids, without a tokenizer."""
    word_embeddings = word_embeddings_of(model, architecture)
    position_ids = None
    if architecture in POSITIONS_FROM_IDS:
        position_ids = create_position_ids_from_input_ids(torch.tensor([ids]), model.config.pad_token_id)
    baseline_ids = {
        "pad": [ids[0]] + [pad_id] * (len(ids) - 2) + [ids[-1]],
        "zero": None,
        "mask": [ids[0]] + [mask_id] * (len(ids) - 2) + [ids[-1]],
    }
    with torch.no_grad():
        x = word_embeddings(torch.tensor(ids))
        baselines = {
            name: torch.zeros_like(x) if name_ids is None else word_embeddings(torch.tensor(name_ids))
            for name, name_ids in baseline_ids.items()
        }
        f = Selected(model, architecture, position_ids=position_ids)
        logits = f.logits(x[None])[0]
    target = int(logits.argmax())
    f.target = target
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
    averaged, delta = integrated(f, x, pad, "logit", "gausslegendre", 50, baseline_ids["pad"])
    a = averaged.numpy().astype(np.float64)
    explainers["integrated_gradients"] = _scores(a.sum(-1), "l1", delta=delta)
    explainers["integrated_gradients_x_input"] = _scores(((xn - pad.numpy()) * a).sum(-1), "l1", delta=delta)
    averaged, delta = integrated(f, x, pad, "prob", "gausslegendre", 50, baseline_ids["pad"])
    explainers["layer_integrated_gradients"] = _scores(
        ((xn - pad.numpy()) * averaged.numpy()).sum(-1), "l2", delta=delta
    )

    ig_variants = []
    for method in IG_METHODS:
        for n_steps in IG_STEPS:
            _, delta = integrated(f, x, pad, "logit", method, n_steps, baseline_ids["pad"])
            ig_variants.append({"method": method, "n_steps": n_steps, "delta": delta})
    baseline_variants = {}
    for name in ["zero", "mask"]:
        averaged, delta = integrated(f, x, baselines[name], "logit", "gausslegendre", 50, baseline_ids[name])
        raw = ((xn - baselines[name].numpy()) * averaged.numpy()).sum(-1)
        baseline_variants[name] = _scores(raw, "l1", delta=delta)

    positions = {}
    if position_ids is not None:
        # What the pad baseline's own positions change in f(x') (logit): the part of every delta of the pad
        # baseline that no step count removes; delta + gap is the integration's own error.
        pad_positions = create_position_ids_from_input_ids(torch.tensor([baseline_ids["pad"]]), model.config.pad_token_id)
        with torch.no_grad():
            gap = float(f(pad[None], "logit").double()[0] - f(pad[None], "logit", pad_positions).double()[0])
        positions = {"position_ids": position_ids[0].tolist(), "baseline_position_gap": gap}
    return {
        "text": text,
        "ids": ids,
        **positions,
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


def gradient_golden_ids(
    name: str, model, architecture: str, sequences: List[List[int]], pad_id: int, mask_id: int,
    texts: Optional[List[Optional[str]]] = None,
):
    """As gradient_golden, for sequences given as ids: a model whose tokenizer is not ours (tiny-roberta's id
    sequences, `texts` None), or texts another tokenizer encoded (`texts[i]` the text of `sequences[i]`)."""
    model.eval()
    texts = texts if texts is not None else [None] * len(sequences)
    assert len(texts) == len(sequences)
    return {
        "model": name,
        "torch_version": torch.__version__,
        "sentences": [
            gradient_entry(model, architecture, ids, pad_id, mask_id, text) for ids, text in zip(sequences, texts)
        ],
    }
