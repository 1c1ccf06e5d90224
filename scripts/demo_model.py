"""The bundled demo model: a DistilBERT whose weights are set by hand from a polarity lexicon (not trained).

Residual-stream layout (dim 64). Every feature is stored as a pair (+v, -v) so each vector has mean zero, and
every word + position embedding has squared norm exactly 64: the embedding LayerNorm (weight 1, bias 0) is
then the identity, and the later LayerNorms only rescale by a factor close to 1 because the layers add little.

  pairs 0-17   pol (polarity, +-1 strong / +-0.6 mild), sal (|pol|), negflag (negation word), negkey (negation
               word, clause punctuation, [CLS], [SEP]), cls, sep, negated (written by layer 0), corr (written
               by the layer-0 FFN), sp (sentence polarity, written by both sentiment heads)
  18-37        position: cos/sin of 5 frequencies (periods 3, 8, 32, 128, 1024), with their negatives
  38-63        a random zero-mean "identity" vector per token, filling the word part up to its fixed norm

Heads (4 per layer, 16 dims each). Each [CLS] row is steered to the sentiment-bearing tokens in every head
(its query is rewritten through the cls feature), so the [CLS] attention of every head highlights them; the
other rows show the head's own pattern. Only three heads carry values; the rest are for the eye.
  layer 0: h0 sentiment (all rows attend by salience, value = pol -> sp); h1 negation (window 1-4 tokens
           back, jumps to the nearest negation word or clause punctuation; value = negflag -> negated);
           h2 previous token; h3 [CLS]
  layer 1: h0 sentiment again (value = corr -> sp); h1 [SEP]; h2 self; h3 next token
FFN 0 computes corr = -pol * negated with two GELU units (exact for negated in {0, 1}, since
gelu(x) - gelu(-x) = x); FFN 1 is zero. The classifier reads sp of [CLS]:
sp ~ pool(pol) - 2 pool(pol * negated) = salience-weighted mean of the negation-corrected polarity.
"""

import math
from typing import Dict, List

import numpy as np
import torch

from modeling import DistilBertConfig, DistilBertForSequenceClassification

DIM, N_HEADS, HEAD_DIM = 64, 4, 16
FEATURES = ["pol", "sal", "negflag", "negkey", "cls", "sep", "negated", "corr", "sp"]
PERIODS = [3.0, 8.0, 32.0, 128.0, 1024.0]
POS_START, ID_START = 2 * len(FEATURES), 2 * len(FEATURES) + 4 * len(PERIODS)
WORD_NORM2 = DIM - 2.0 * len(PERIODS)  # the position part has squared norm 2 per frequency

# Positional attention: score(i, j) = sum_k a_k cos(w_k m) + b_k sin(w_k m) with m = i - j, w_k = 2 pi / period.
# Coefficients fitted offline (small amplitudes under the constraints that _check_kernels asserts):
# a sharp peak at m = 0 (every other m at least 4.5 lower), moved to any target offset by a phase shift ...
SHARP_COS = [1.8, 7.7, 2.9, 3.5, 8.0]
# ... and the negation window: m = 1..4 falling by 2.5 per step (the nearest negation word or clause
# punctuation wins), every other m at least 8 below m = 4.
WINDOW_COS = [-1.9, -0.5, 17.8, 17.9, 64.1]
WINDOW_SIN = [4.0, 11.4, 9.0, 1.1, -1.3]
NEG_BONUS = 12.0  # score for a key with negkey in the negation head
SALIENCE_BETA = 8.0  # score per unit salience in the sentiment heads
SPECIAL_BETA = 6.0  # score of the attended [CLS] / [SEP] in those heads
CLS_ROW_SALIENCE = {(0, 1): 6.0, (0, 2): 8.0, (0, 3): 5.0, (1, 1): 5.0, (1, 2): 7.0, (1, 3): 6.0}
WRITE = 0.5  # scale of what heads and the FFN write into the residual stream (small: keeps norms ~8)
FFN_SHARPNESS, FFN_THRESHOLD = 6.0, 2.0
LOGIT_GAIN = 5.0  # logit difference per unit of sentence polarity

NEGATION_BLOCKERS = list(",.!?;:()\"—–…") + ["[CLS]", "[SEP]"]


def _plus(feature: str) -> int:
    return 2 * FEATURES.index(feature)


def _set_pair(vec: torch.Tensor, feature: str, value: float) -> None:
    vec[_plus(feature)] = value
    vec[_plus(feature) + 1] = -value


def _write_pair(weight: torch.Tensor, feature: str, column: int, value: float) -> None:
    """Make output `column` of the previous layer add (+value, -value) to a feature pair."""
    weight[_plus(feature), column] = value
    weight[_plus(feature) + 1, column] = -value


def _omegas() -> np.ndarray:
    return 2 * np.pi / np.array(PERIODS)


def _shifted(cos_coeffs: List[float], shift: float):
    """Coefficients of the kernel moved from m = 0 to m = shift."""
    phase = _omegas() * shift
    return list(np.array(cos_coeffs) * np.cos(phase)), list(np.array(cos_coeffs) * np.sin(phase))


def _kernel(cos_coeffs: List[float], sin_coeffs: List[float], m: np.ndarray) -> np.ndarray:
    angles = _omegas()[:, None] * m[None, :]
    return (np.array(cos_coeffs)[:, None] * np.cos(angles) + np.array(sin_coeffs)[:, None] * np.sin(angles)).sum(0)


def _check_kernels(max_positions: int) -> None:
    m = np.arange(-max_positions + 1, max_positions, dtype=np.float64)
    at = {int(v): i for i, v in enumerate(m)}
    sharp = _kernel(SHARP_COS, [0.0] * len(PERIODS), m)
    assert (sharp[at[0]] - np.delete(sharp, at[0])).min() >= 4.5, "sharp heads must prefer their target by e^4.5"
    window = _kernel(WINDOW_COS, WINDOW_SIN, m)
    steps = [window[at[k]] - window[at[k + 1]] for k in (1, 2, 3)]
    assert min(steps) >= 2.4, "a nearer negation key must win over a farther one"
    outside = np.delete(window, [at[k] for k in (1, 2, 3, 4)])
    assert window[at[4]] - outside.max() >= 8.0, "negation must not reach outside 1-4 tokens back"
    assert NEG_BONUS - (window[at[1]] - window[at[4]]) >= 4.0, "a negation word 4 back must beat other tokens"


def position_table(max_positions: int) -> torch.Tensor:
    table = torch.zeros(max_positions, DIM, dtype=torch.float64)
    t = torch.arange(max_positions, dtype=torch.float64)
    for k, period in enumerate(PERIODS):
        omega = 2 * math.pi / period
        base = POS_START + 4 * k
        table[:, base], table[:, base + 1] = torch.cos(omega * t), torch.sin(omega * t)
        table[:, base + 2], table[:, base + 3] = -table[:, base], -table[:, base + 1]
    return table


def word_table(vocab: List[str], polarity: Dict[str, float], negators: List[str], seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    identity = torch.randn(len(vocab), DIM - ID_START, generator=generator, dtype=torch.float64)
    identity -= identity.mean(dim=1, keepdim=True)
    identity /= identity.norm(dim=1, keepdim=True)
    table = torch.zeros(len(vocab), DIM, dtype=torch.float64)
    for i, token in enumerate(vocab):
        row = table[i]
        p = polarity.get(token, 0.0)
        _set_pair(row, "pol", p)
        _set_pair(row, "sal", abs(p))
        _set_pair(row, "negflag", 1.0 if token in negators else 0.0)
        _set_pair(row, "negkey", 1.0 if token in negators or token in NEGATION_BLOCKERS else 0.0)
        _set_pair(row, "cls", 1.0 if token == "[CLS]" else 0.0)
        _set_pair(row, "sep", 1.0 if token == "[SEP]" else 0.0)
        rest = WORD_NORM2 - float(row.pow(2).sum())
        row[ID_START:] = identity[i] * math.sqrt(rest)
    return table


class _Head:
    """Query/key/value/output weights of one head, filled feature by feature (all float64)."""

    def __init__(self):
        self.q = torch.zeros(HEAD_DIM, DIM, dtype=torch.float64)
        self.q_bias = torch.zeros(HEAD_DIM, dtype=torch.float64)
        self.k = torch.zeros(HEAD_DIM, DIM, dtype=torch.float64)
        self.v = torch.zeros(HEAD_DIM, DIM, dtype=torch.float64)
        self.out = torch.zeros(DIM, HEAD_DIM, dtype=torch.float64)
        self.next_dim = 0

    def _dim(self) -> int:
        self.next_dim += 1
        return self.next_dim - 1

    def attend(self, key_feature: str, beta: float) -> int:
        """Score += beta * key_feature(j) for every query row (a constant query from the bias).

        DistilBERT divides q by sqrt(16) = 4, so beta = gamma^2 / 4 for weight gamma on each side."""
        d, gamma = self._dim(), 2 * math.sqrt(beta)
        self.q_bias[d] = gamma
        self.k[d, _plus(key_feature)] = gamma
        return d

    def relative_position(self, cos_coeffs: List[float], sin_coeffs: List[float]) -> None:
        """Score += sum_k a_k cos(w_k m) + b_k sin(w_k m), m = i - j. Per frequency that is
        A cos(w m - phi) = gamma^2/4 * q(i).k(j) with k(j) = gamma (cos w j, sin w j) and q(i) the same
        rotated by -phi."""
        for k, (a, b) in enumerate(zip(cos_coeffs, sin_coeffs)):
            gamma, phi = 2 * math.sqrt(math.hypot(a, b)), math.atan2(b, a)
            c, s = math.cos(phi), math.sin(phi)
            cos_dim, sin_dim = POS_START + 4 * k, POS_START + 4 * k + 1
            dc, ds = self._dim(), self._dim()
            self.k[dc, cos_dim], self.k[ds, sin_dim] = gamma, gamma
            self.q[dc, cos_dim], self.q[dc, sin_dim] = gamma * c, gamma * s
            self.q[ds, cos_dim], self.q[ds, sin_dim] = -gamma * s, gamma * c

    def steer_cls_row(self, kappa: float, cls_embedding: torch.Tensor) -> None:
        """Replace the [CLS] row's query by kappa * salience: the cls feature cancels what the [CLS]
        embedding (at position 0) would otherwise ask for and adds the salience query instead."""
        d = self.attend("sal", kappa)
        target = torch.zeros(HEAD_DIM, dtype=torch.float64)
        target[d] = self.q_bias[d]
        self.q_bias[d] = 0.0
        current = self.q @ cls_embedding + self.q_bias
        self.q[:, _plus("cls")] += (target - current) / cls_embedding[_plus("cls")]

    def read(self, feature: str, scale: float) -> int:
        d = self._dim()
        self.v[d, _plus(feature)] = scale
        return d


def build_demo_model(
    vocab: List[str], polarity: Dict[str, float], negators: List[str], max_positions: int, seed: int
) -> DistilBertForSequenceClassification:
    _check_kernels(max_positions)
    config = DistilBertConfig(
        vocab_size=len(vocab), dim=DIM, n_layers=2, n_heads=N_HEADS, hidden_dim=128,
        max_position_embeddings=max_positions,
    )
    model = DistilBertForSequenceClassification(config).eval()
    words = word_table(vocab, polarity, negators, seed)
    positions = position_table(max_positions)
    cls_embedding = words[vocab.index("[CLS]")] + positions[0]

    heads = {(layer, h): _Head() for layer in range(2) for h in range(N_HEADS)}
    # Layer 0.
    sentiment = heads[0, 0]
    sentiment.attend("sal", SALIENCE_BETA)
    _write_pair(sentiment.out, "sp", sentiment.read("pol", 1.0), WRITE)
    negation = heads[0, 1]
    negation.relative_position(WINDOW_COS, WINDOW_SIN)
    negation.attend("negkey", NEG_BONUS)
    _write_pair(negation.out, "negated", negation.read("negflag", 1.0), WRITE)
    heads[0, 2].relative_position(*_shifted(SHARP_COS, 1.0))
    heads[0, 3].attend("cls", SPECIAL_BETA)
    # Layer 1.
    sentiment = heads[1, 0]
    sentiment.attend("sal", SALIENCE_BETA)
    _write_pair(sentiment.out, "sp", sentiment.read("corr", 2.0 / WRITE), WRITE)
    heads[1, 1].attend("sep", SPECIAL_BETA)
    heads[1, 2].relative_position(*_shifted(SHARP_COS, 0.0))
    heads[1, 3].relative_position(*_shifted(SHARP_COS, -1.0))
    for key, kappa in CLS_ROW_SALIENCE.items():
        heads[key].steer_cls_row(kappa, cls_embedding)

    state = {name: torch.zeros_like(value, dtype=torch.float64) for name, value in model.state_dict().items()}
    prefix = "distilbert.embeddings."
    state[prefix + "word_embeddings.weight"] = words
    state[prefix + "position_embeddings.weight"] = positions
    for layer in range(2):
        p = f"distilbert.transformer.layer.{layer}."
        for norm in ("sa_layer_norm", "output_layer_norm"):
            state[p + norm + ".weight"].fill_(1.0)
        for h in range(N_HEADS):
            head, rows = heads[layer, h], slice(h * HEAD_DIM, (h + 1) * HEAD_DIM)
            state[p + "attention.q_lin.weight"][rows] = head.q
            state[p + "attention.q_lin.bias"][rows] = head.q_bias
            state[p + "attention.k_lin.weight"][rows] = head.k
            state[p + "attention.v_lin.weight"][rows] = head.v
            state[p + "attention.out_lin.weight"][:, rows] = head.out
    state[prefix + "LayerNorm.weight"].fill_(1.0)

    # FFN 0: units 0/1 = gelu(k(+-pol + A*negated/WRITE - A)); (u0 - u1)/k = pol * negated when negated is 0 or 1.
    p = "distilbert.transformer.layer.0.ffn."
    for unit, sign in ((0, 1.0), (1, -1.0)):
        state[p + "lin1.weight"][unit, _plus("pol")] = sign * FFN_SHARPNESS
        state[p + "lin1.weight"][unit, _plus("negated")] = FFN_SHARPNESS * FFN_THRESHOLD / WRITE
        state[p + "lin1.bias"][unit] = -FFN_SHARPNESS * FFN_THRESHOLD
        _write_pair(state[p + "lin2.weight"], "corr", unit, -sign * WRITE / FFN_SHARPNESS)

    # Classifier: two ReLU units carry +sp and -sp; logits are -+ half their difference.
    gain = LOGIT_GAIN / WRITE
    state["pre_classifier.weight"][0, _plus("sp")] = gain
    state["pre_classifier.weight"][1, _plus("sp")] = -gain
    state["classifier.weight"][1] = torch.tensor([0.5, -0.5] + [0.0] * (DIM - 2), dtype=torch.float64)
    state["classifier.weight"][0] = -state["classifier.weight"][1]

    model.load_state_dict({name: value.float() for name, value in state.items()})
    return model
