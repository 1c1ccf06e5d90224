"""Gradient goldens for other classifier heads and for sentence pairs (PyTorch autograd), as gradient_golden.py
computes them for single sentences of single-label models, with the same record layout.

What differs from gradient_golden.py:
- The head: `prob` is softmax(f(x))[c] for a single-label head, sigmoid(f(x)[c]) for a multi-label head
  (`problem_type: multi_label_classification`), and the score itself for a regression head (so `prob` = `logit`
  there). Every record says which with `output`: "softmax", "sigmoid" or "score".
- Token type ids: BERT runs with the input's own (a pair's 0…0 1…1) at every point of the IG path, baseline
  included, instead of zeros.
- Baselines keep every special token of the input (`[CLS] pad… [SEP] pad… [SEP]` for a pair, RoBERTa
  `<s> pad… </s></s> pad… </s>`), as transformers-interpret's pairwise explainer builds its reference; for a
  single sentence that is the first and last token, as before.
- Convergence deltas follow captum's LayerIntegratedGradients(model, word_embeddings): the path runs the model
  on the input's ids with the word-embedding output replaced (RoBERTa: the input's position ids all along the
  path), but `compute_convergence_delta` runs f(x') on the baseline ids themselves, so for RoBERTa f(x') sees the
  baseline's positions (`<s>` 2, `<pad>` 1, the `</s>` 3, 4, … counting on). `delta` is that (docs: methods.md);
  RoBERTa records also carry `delta_same_positions`, f(x') with the input's positions (the path's own end, as
  tiny-roberta.gradients.json computes its deltas). For BERT and DistilBERT the two are the same.
"""

from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from gradient_golden import IG_METHODS, IG_STEPS, ig_nodes, normalize
from modeling import create_position_ids_from_input_ids

OUTPUTS = {"single_label_classification": "softmax", "multi_label_classification": "sigmoid", "regression": "score"}


def _round(values) -> List:
    return np.vectorize(lambda v: float(f"{v:.8g}"))(np.asarray(values, dtype=np.float64)).tolist()


def _scores(raw: np.ndarray, normalization: str, **extra) -> Dict:
    return {"raw": _round(raw), "scores": _round(normalize(raw, normalization)), **extra}


def head_probabilities(logits: torch.Tensor, problem_type: str) -> torch.Tensor:
    """The `prob` output space of every class (last axis) for a head."""
    if problem_type == "multi_label_classification":
        return torch.sigmoid(logits)
    if problem_type == "regression":
        return logits
    return torch.softmax(logits, dim=-1)


class Head:
    """The model as a function of word embeddings, reduced to the logit or probability of one class, with the
    input's token type ids (BERT) and position ids (RoBERTa) for every row of a batch of embeddings."""

    def __init__(self, model, architecture: str, problem_type: str, ids: Sequence[int],
                 token_type_ids: Optional[Sequence[int]] = None, target: Optional[int] = None):
        self.model, self.architecture, self.problem_type, self.target = model, architecture, problem_type, target
        n = len(ids)
        self.token_type_ids = torch.tensor([list(token_type_ids) if token_type_ids is not None else [0] * n])
        self.position_ids = None
        if architecture == "roberta":
            self.position_ids = create_position_ids_from_input_ids(torch.tensor([list(ids)]), model.config.pad_token_id)

    def logits(self, embeds: torch.Tensor, position_ids: Optional[torch.Tensor] = None) -> torch.Tensor:
        mask = torch.ones(embeds.shape[:2], dtype=torch.long)  # all ones along the path, as the references do
        batch = embeds.shape[0]
        if self.architecture == "bert":
            return self.model(None, mask, self.token_type_ids.expand(batch, -1), inputs_embeds=embeds)
        if self.architecture == "roberta":
            positions = (self.position_ids if position_ids is None else position_ids).expand(batch, -1)
            return self.model(None, mask, None, positions, inputs_embeds=embeds)
        return self.model(None, mask, inputs_embeds=embeds)

    def select(self, logits: torch.Tensor, output: str) -> torch.Tensor:
        values = logits if output == "logit" else head_probabilities(logits, self.problem_type)
        return values[:, self.target]

    def __call__(self, embeds: torch.Tensor, output: str) -> torch.Tensor:
        return self.select(self.logits(embeds), output)

    def gradient(self, embeds: torch.Tensor, output: str) -> torch.Tensor:
        embeds = embeds.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(self(embeds, output).sum(), embeds)  # input gradient only, as captum
        return grad

    def at_ids(self, ids: Optional[Sequence[int]], embeds: torch.Tensor, output: str) -> torch.Tensor:
        """f of the embeddings of these ids, run on the ids (captum's f(baseline)): RoBERTa numbers their own
        positions. Without ids (a zero baseline), the input's positions."""
        positions = None
        if self.architecture == "roberta" and ids is not None:
            positions = create_position_ids_from_input_ids(torch.tensor([list(ids)]), self.model.config.pad_token_id)
        return self.select(self.logits(embeds[None], positions), output)[0]


def integrated(f: Head, x, baseline, baseline_ids, output: str, method: str, n_steps: int) -> Dict:
    """Path-averaged gradient Σ_k w_k ∂f(x' + α_k(x − x')) and the ×input attribution's convergence deltas."""
    alphas, weights = ig_nodes(method, n_steps)
    alphas_t = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    grads = f.gradient(baseline + alphas_t * (x - baseline), output)
    averaged = (torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1) * grads).sum(0)
    with torch.no_grad():
        ends = f(torch.stack([x, baseline]), output).double()
    total = ((x - baseline) * averaged).double().sum()
    if f.architecture != "roberta":  # positions do not depend on the ids: f(x') is the path's end
        return {"averaged": averaged, "delta": float(total - (ends[0] - ends[1]))}
    with torch.no_grad():
        at_baseline_ids = f.at_ids(baseline_ids, baseline, output).double()
    return {
        "averaged": averaged,
        "delta": float(total - (ends[0] - at_baseline_ids)),
        "delta_same_positions": float(total - (ends[0] - ends[1])),
    }


def special_positions(sequence_ids: Sequence[Optional[int]]) -> List[int]:
    return [i for i, s in enumerate(sequence_ids) if s is None]


def baseline_ids_of(ids: Sequence[int], sequence_ids: Sequence[Optional[int]], fill: int) -> List[int]:
    """Every special token kept, every text token replaced by `fill`."""
    return [t if s is None else fill for t, s in zip(ids, sequence_ids)]


def gradient_records(model, architecture: str, problem_type: str, ids: List[int], sequence_ids: List,
                     pad_id: int, mask_id: int, targets: List[int], labels: List[str],
                     token_type_ids: Optional[List[int]] = None, text: Optional[str] = None,
                     text_pair: Optional[str] = None) -> List[Dict]:
    """One golden record per target class of one input (a sentence or a pair): the layout of gradient_golden's
    records, plus `output`, `label`, `probabilities`, `baseline_ids` (and the pair's fields)."""
    word_embeddings = getattr(model, architecture).embeddings.word_embeddings
    output_space = OUTPUTS[problem_type]
    baseline_ids = {
        "pad": baseline_ids_of(ids, sequence_ids, pad_id),
        "mask": baseline_ids_of(ids, sequence_ids, mask_id),
    }
    with torch.no_grad():
        x = word_embeddings(torch.tensor(ids))
        baselines = {
            "pad": word_embeddings(torch.tensor(baseline_ids["pad"])),
            "zero": torch.zeros_like(x),
            "mask": word_embeddings(torch.tensor(baseline_ids["mask"])),
        }
        baseline_ids["zero"] = None  # no ids give zeros: f(x') is f of the zero embeddings, the input's positions
        f = Head(model, architecture, problem_type, ids, token_type_ids)
        logits = f.logits(x[None])[0]
        probabilities = head_probabilities(logits, problem_type)
    xn = x.numpy().astype(np.float64)
    records = []
    for target in targets:
        f.target = target
        grad_logit = f.gradient(x[None], "logit")[0]
        grad_prob = f.gradient(x[None], "prob")[0]
        g = grad_logit.numpy().astype(np.float64)
        explainers = {
            "gradient": _scores(np.abs(g).sum(-1), "l1"),
            "gradient_norm": _scores(np.sqrt((g**2).sum(-1)), "l1"),
            "gradient_x_input": _scores((xn * g).sum(-1), "l1"),
        }
        pad = baselines["pad"]
        difference = xn - pad.numpy()
        ig = integrated(f, x, pad, baseline_ids["pad"], "logit", "gausslegendre", 50)
        deltas = {k: v for k, v in ig.items() if k.startswith("delta")}
        a = ig["averaged"].numpy().astype(np.float64)
        explainers["integrated_gradients"] = _scores(a.sum(-1), "l1", **deltas)
        explainers["integrated_gradients_x_input"] = _scores((difference * a).sum(-1), "l1", **deltas)
        ig = integrated(f, x, pad, baseline_ids["pad"], "prob", "gausslegendre", 50)
        deltas = {k: v for k, v in ig.items() if k.startswith("delta")}
        explainers["layer_integrated_gradients"] = _scores(
            (difference * ig["averaged"].numpy()).sum(-1), "l2", **deltas
        )
        ig_variants = []
        for method in IG_METHODS:
            for n_steps in IG_STEPS:
                ig = integrated(f, x, pad, baseline_ids["pad"], "logit", method, n_steps)
                ig_variants.append({"method": method, "n_steps": n_steps,
                                    **{k: v for k, v in ig.items() if k.startswith("delta")}})
        baseline_variants = {}
        for name in ["zero", "mask"]:
            ig = integrated(f, x, baselines[name], baseline_ids[name], "logit", "gausslegendre", 50)
            raw = ((xn - baselines[name].numpy()) * ig["averaged"].numpy()).sum(-1)
            deltas = {k: v for k, v in ig.items() if k.startswith("delta")}
            baseline_variants[name] = _scores(raw, "l1", **deltas)

        record = {"text": text}
        if text_pair is not None:
            record["text_pair"] = text_pair
        record["ids"] = ids
        if architecture == "bert":
            record["token_type_ids"] = list(f.token_type_ids[0].tolist())
        if f.position_ids is not None:
            record["position_ids"] = f.position_ids[0].tolist()
            record["baseline_position_ids"] = create_position_ids_from_input_ids(
                torch.tensor([baseline_ids["pad"]]), model.config.pad_token_id
            )[0].tolist()
        if text_pair is not None:
            record["sequence_ids"] = sequence_ids
        record.update({
            "output": output_space,
            "target": target,
            "label": labels[target],
            "logits": _round(logits),
            "probabilities": _round(probabilities),
            "baseline_ids": baseline_ids["pad"],
            "grad_logit": _round(grad_logit),
            "grad_prob": _round(grad_prob),
            "explainers": explainers,
            "ig_variants": ig_variants,
            "ig_x_input_baselines": baseline_variants,
        })
        records.append(record)
    return records
