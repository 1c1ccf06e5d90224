"""DistilBERT, BERT, RoBERTa (also as XLM-R), ELECTRA, ALBERT, MPNet and DeBERTa-v2/v3 for sequence
classification, written from the Hugging Face architecture.

Module and parameter names match `transformers` exactly (so state_dict keys and the initializer names in an
exported ONNX graph look like those of a real checkpoint), and the forward computations follow the
`transformers` 4.x code line by line, including its attention-mask arithmetic. Inference only: the dropout
layers of the originals are identities in eval mode and are left out.

Every model's `forward` returns the logits tensor, or `(logits, attentions)` with `output_attentions=True`
(one `batch x heads x n x n` tensor per layer). Either `input_ids` or `inputs_embeds` (the word-embedding rows,
before position embeddings are added) is given.
"""

import math
from dataclasses import dataclass, field
from typing import Dict, Optional

import torch
from torch import nn

LAYER_NORM_EPS = 1e-12


@dataclass
class DistilBertConfig:
    vocab_size: int
    dim: int
    n_layers: int
    n_heads: int
    hidden_dim: int
    max_position_embeddings: int
    id2label: Dict[int, str] = field(default_factory=lambda: {0: "NEGATIVE", 1: "POSITIVE"})
    pad_token_id: int = 0
    initializer_range: float = 0.02

    @property
    def num_labels(self) -> int:
        return len(self.id2label)

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for DistilBertForSequenceClassification."""
        return {
            "activation": "gelu",
            "architectures": ["DistilBertForSequenceClassification"],
            "attention_dropout": 0.1,
            "dim": self.dim,
            "dropout": 0.1,
            "hidden_dim": self.hidden_dim,
            "id2label": {str(i): label for i, label in self.id2label.items()},
            "initializer_range": self.initializer_range,
            "label2id": {label: i for i, label in self.id2label.items()},
            "max_position_embeddings": self.max_position_embeddings,
            "model_type": "distilbert",
            "n_heads": self.n_heads,
            "n_layers": self.n_layers,
            "pad_token_id": self.pad_token_id,
            "qa_dropout": 0.1,
            "seq_classif_dropout": 0.2,
            "sinusoidal_pos_embds": False,
            "tie_weights_": True,
            "vocab_size": self.vocab_size,
        }


@dataclass
class BertConfig:
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int = 2
    id2label: Dict[int, str] = field(
        default_factory=lambda: {0: "entailment", 1: "neutral", 2: "contradiction"}
    )
    pad_token_id: int = 0
    initializer_range: float = 0.02
    layer_norm_eps: float = LAYER_NORM_EPS

    @property
    def num_labels(self) -> int:
        return len(self.id2label)

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for BertForSequenceClassification."""
        return {
            "architectures": ["BertForSequenceClassification"],
            "attention_probs_dropout_prob": 0.1,
            "classifier_dropout": None,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": self.hidden_size,
            "id2label": {str(i): label for i, label in self.id2label.items()},
            "initializer_range": self.initializer_range,
            "intermediate_size": self.intermediate_size,
            "label2id": {label: i for i, label in self.id2label.items()},
            "layer_norm_eps": self.layer_norm_eps,
            "max_position_embeddings": self.max_position_embeddings,
            "model_type": "bert",
            "num_attention_heads": self.num_attention_heads,
            "num_hidden_layers": self.num_hidden_layers,
            "pad_token_id": self.pad_token_id,
            "position_embedding_type": "absolute",
            "type_vocab_size": self.type_vocab_size,
            "use_cache": True,
            "vocab_size": self.vocab_size,
        }


@dataclass
class RobertaConfig(BertConfig):
    """BERT's hyper-parameters with RoBERTa's defaults: one token type, `<pad>` = 1 (also the position
    embeddings' padding index, so real positions start at 2), LayerNorm eps 1e-5, `<s>` = 0, `</s>` = 2."""

    type_vocab_size: int = 1
    id2label: Dict[int, str] = field(default_factory=lambda: {0: "negative", 1: "neutral", 2: "positive"})
    pad_token_id: int = 1
    layer_norm_eps: float = 1e-5
    bos_token_id: int = 0
    eos_token_id: int = 2

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for RobertaForSequenceClassification."""
        config = super().to_hf_dict()
        config.update(
            architectures=["RobertaForSequenceClassification"],
            bos_token_id=self.bos_token_id,
            eos_token_id=self.eos_token_id,
            model_type="roberta",
        )
        return dict(sorted(config.items()))


@dataclass
class XLMRobertaConfig(RobertaConfig):
    """XLM-R: RoBERTa's modules and semantics under another name (transformers'
    XLMRobertaForSequenceClassification is RobertaForSequenceClassification with `model_type` "xlm-roberta"; the
    parameters are still `roberta.*` and `classifier.*`)."""

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for XLMRobertaForSequenceClassification."""
        config = super().to_hf_dict()
        config.update(architectures=["XLMRobertaForSequenceClassification"], model_type="xlm-roberta")
        return config


@dataclass
class ElectraConfig(BertConfig):
    """BERT's hyper-parameters and `embedding_size` (the embeddings' width; projected to hidden_size by
    `embeddings_project` where the two differ). Its head reads the first token: dense -> GELU -> out_proj."""

    embedding_size: int = 128

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for ElectraForSequenceClassification."""
        config = super().to_hf_dict()
        config.update(
            architectures=["ElectraForSequenceClassification"],
            embedding_size=self.embedding_size,
            model_type="electra",
            summary_activation="gelu",
            summary_last_dropout=0.1,
            summary_type="first",
            summary_use_proj=True,
        )
        return dict(sorted(config.items()))


@dataclass
class AlbertConfig(BertConfig):
    """ALBERT: embeddings of `embedding_size`, mapped to hidden_size by `embedding_hidden_mapping_in`, then
    num_hidden_layers applications of num_hidden_groups shared layer groups (inner_group_num layers each);
    gelu_new; a pooler (dense + tanh on [CLS]) before the classifier. Special ids as albert-base-v2's."""

    embedding_size: int = 128
    num_hidden_groups: int = 1
    inner_group_num: int = 1
    hidden_act: str = "gelu_new"
    bos_token_id: int = 2
    eos_token_id: int = 3

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for AlbertForSequenceClassification (dropouts as albert-base-v2)."""
        config = super().to_hf_dict()
        for key in ("use_cache",):
            del config[key]
        config.update(
            architectures=["AlbertForSequenceClassification"],
            attention_probs_dropout_prob=0,
            bos_token_id=self.bos_token_id,
            classifier_dropout_prob=0.1,
            down_scale_factor=1,
            embedding_size=self.embedding_size,
            eos_token_id=self.eos_token_id,
            gap_size=0,
            hidden_act=self.hidden_act,
            hidden_dropout_prob=0,
            inner_group_num=self.inner_group_num,
            model_type="albert",
            net_structure_type=0,
            num_hidden_groups=self.num_hidden_groups,
            num_memory_blocks=0,
        )
        del config["classifier_dropout"]
        return dict(sorted(config.items()))


@dataclass
class MPNetConfig(BertConfig):
    """MPNet: BERT's sizes without token types, RoBERTa's positions (padding_idx 1, so real tokens count from 2),
    and a relative position bias: `relative_attention_num_buckets` buckets of (key position - query position),
    one learned bias per bucket and head, added to every layer's attention scores. LayerNorm eps as
    microsoft/mpnet-base's (1e-5)."""

    type_vocab_size: int = 0
    relative_attention_num_buckets: int = 32
    pad_token_id: int = 1
    layer_norm_eps: float = 1e-5
    bos_token_id: int = 0
    eos_token_id: int = 2

    def to_hf_dict(self) -> dict:
        """config.json as Hugging Face writes it for MPNetForSequenceClassification."""
        return {
            "architectures": ["MPNetForSequenceClassification"],
            "attention_probs_dropout_prob": 0.1,
            "bos_token_id": self.bos_token_id,
            "eos_token_id": self.eos_token_id,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": self.hidden_size,
            "id2label": {str(i): label for i, label in self.id2label.items()},
            "initializer_range": self.initializer_range,
            "intermediate_size": self.intermediate_size,
            "label2id": {label: i for i, label in self.id2label.items()},
            "layer_norm_eps": self.layer_norm_eps,
            "max_position_embeddings": self.max_position_embeddings,
            "model_type": "mpnet",
            "num_attention_heads": self.num_attention_heads,
            "num_hidden_layers": self.num_hidden_layers,
            "pad_token_id": self.pad_token_id,
            "relative_attention_num_buckets": self.relative_attention_num_buckets,
            "vocab_size": self.vocab_size,
        }


@dataclass
class DebertaV2Config(BertConfig):
    """DeBERTa-v2/v3 (transformers' DebertaV2Config, as microsoft/deberta-v3-*): disentangled attention with
    content->position and position->content terms over `position_buckets` log-bucketed relative positions (up to
    max_relative_positions, -1: max_position_embeddings), one table of relative embeddings LayerNorm'd
    (norm_rel_ebd) and projected by each layer's own query and key (share_att_key); no absolute position
    embeddings added to the input (position_biased_input false) and no token types, so the embeddings LayerNorm
    sees the word embeddings alone; the head is ContextPooler (dense + GELU on the first token), then the classifier."""

    type_vocab_size: int = 0
    relative_attention: bool = True
    position_buckets: int = 256
    max_relative_positions: int = -1
    pos_att_type: tuple = ("p2c", "c2p")
    share_att_key: bool = True
    norm_rel_ebd: str = "layer_norm"
    position_biased_input: bool = False
    layer_norm_eps: float = 1e-7
    pad_token_id: int = 0

    def to_hf_dict(self) -> dict:
        """config.json as transformers (4.3x) saves it for a fine-tuned DebertaV2ForSequenceClassification of
        microsoft/deberta-v3-*."""
        return {
            "architectures": ["DebertaV2ForSequenceClassification"],
            "attention_probs_dropout_prob": 0.1,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": self.hidden_size,
            "id2label": {str(i): label for i, label in self.id2label.items()},
            "initializer_range": self.initializer_range,
            "intermediate_size": self.intermediate_size,
            "label2id": {label: i for i, label in self.id2label.items()},
            "layer_norm_eps": self.layer_norm_eps,
            "max_position_embeddings": self.max_position_embeddings,
            "max_relative_positions": self.max_relative_positions,
            "model_type": "deberta-v2",
            "norm_rel_ebd": self.norm_rel_ebd,
            "num_attention_heads": self.num_attention_heads,
            "num_hidden_layers": self.num_hidden_layers,
            "pad_token_id": self.pad_token_id,
            "pooler_dropout": 0,
            "pooler_hidden_act": "gelu",
            "pooler_hidden_size": self.hidden_size,
            "pos_att_type": list(self.pos_att_type),
            "position_biased_input": self.position_biased_input,
            "position_buckets": self.position_buckets,
            "relative_attention": self.relative_attention,
            "share_att_key": self.share_att_key,
            "type_vocab_size": self.type_vocab_size,
            "vocab_size": self.vocab_size,
        }


# Which inputs a family's graph takes besides input_ids and attention_mask, and how it numbers positions.
TOKEN_TYPE_ARCHITECTURES = {"bert", "electra", "albert"}  # token_type_ids
POSITIONS_FROM_IDS = {"roberta", "mpnet"}  # create_position_ids_from_input_ids, from padding_idx + 1


def _check_inputs(input_ids, inputs_embeds):
    if (input_ids is None) == (inputs_embeds is None):
        raise ValueError("give exactly one of input_ids and inputs_embeds")


# --------------------------------------------------------------------------------------------- DistilBERT


class DistilBertEmbeddings(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.dim, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.dim)
        self.LayerNorm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)
        # As in transformers: a non-persistent buffer sliced to the sequence length (not in the state_dict).
        self.register_buffer(
            "position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)), persistent=False
        )

    def forward(self, input_ids=None, inputs_embeds=None):
        if input_ids is not None:
            inputs_embeds = self.word_embeddings(input_ids)
        seq_length = inputs_embeds.size(1)
        position_ids = self.position_ids[:, :seq_length]
        embeddings = inputs_embeds + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.dim = config.dim
        self.q_lin = nn.Linear(config.dim, config.dim)
        self.k_lin = nn.Linear(config.dim, config.dim)
        self.v_lin = nn.Linear(config.dim, config.dim)
        self.out_lin = nn.Linear(config.dim, config.dim)

    def forward(self, x, mask):
        bs, q_length, dim = x.size()
        k_length = x.size(1)
        dim_per_head = self.dim // self.n_heads
        mask_reshp = (bs, 1, 1, k_length)

        def shape(t):
            return t.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)

        def unshape(t):
            return t.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)

        q = shape(self.q_lin(x))
        k = shape(self.k_lin(x))
        v = shape(self.v_lin(x))
        if self.attn_implementation == "sdpa":
            return self._sdpa(q, k, v, mask, unshape)
        q = q / math.sqrt(dim_per_head)
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(mask_reshp).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = nn.functional.softmax(scores, dim=-1)
        context = unshape(torch.matmul(weights, v))
        return self.out_lin(context), weights

    attn_implementation = "eager"

    def _sdpa(self, q, k, v, mask, unshape):
        """As DistilBertSdpaAttention (transformers 4.41–4.47): scaled_dot_product_attention(q, k, v, attn_mask) on
        the [batch, 1, n, n] float mask, then unshape and out_lin, exported as BERT's (BertSelfAttention._sdpa)."""
        if torch.onnx.is_in_onnx_export():
            context, weights = _ScaledDotProductAttention.apply(q, k, v, mask), None
        else:
            weights = sdpa_probabilities(q, k, mask)
            context = torch.matmul(weights, v)
        return self.out_lin(unshape(context)), weights


class FFN(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.lin1 = nn.Linear(config.dim, config.hidden_dim)
        self.lin2 = nn.Linear(config.hidden_dim, config.dim)

    def forward(self, x):
        return self.lin2(nn.functional.gelu(self.lin1(x)))


class TransformerBlock(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.attention = MultiHeadSelfAttention(config)
        self.sa_layer_norm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)
        self.ffn = FFN(config)
        self.output_layer_norm = nn.LayerNorm(config.dim, eps=LAYER_NORM_EPS)

    def forward(self, x, attn_mask):
        sa_output, weights = self.attention(x, attn_mask)
        sa_output = self.sa_layer_norm(sa_output + x)
        ffn_output = self.output_layer_norm(self.ffn(sa_output) + sa_output)
        return ffn_output, weights


class Transformer(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(config) for _ in range(config.n_layers)])


class DistilBertModel(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.embeddings = DistilBertEmbeddings(config)
        self.transformer = Transformer(config)

    attn_implementation = "eager"

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None):
        hidden = self.embeddings(input_ids, inputs_embeds)
        if attention_mask is None:
            attention_mask = torch.ones(hidden.shape[:2], dtype=torch.long)
        if self.attn_implementation == "sdpa":  # DistilBertModel: _prepare_4d_attention_mask_for_sdpa
            attention_mask = sdpa_attention_mask(attention_mask, hidden)
        attentions = []
        for layer in self.transformer.layer:
            hidden, weights = layer(hidden, attention_mask)
            attentions.append(weights)
        return hidden, attentions


class DistilBertForSequenceClassification(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.config = config
        self.distilbert = DistilBertModel(config)
        self.pre_classifier = nn.Linear(config.dim, config.dim)
        self.classifier = nn.Linear(config.dim, config.num_labels)

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None, output_attentions=False):
        _check_inputs(input_ids, inputs_embeds)
        hidden, attentions = self.distilbert(input_ids, attention_mask, inputs_embeds)
        pooled = nn.functional.relu(self.pre_classifier(hidden[:, 0]))
        logits = self.classifier(pooled)
        return (logits, attentions) if output_attentions else logits


# --------------------------------------------------------------------------------------------------- BERT


class BertEmbeddings(nn.Module):
    """Also ELECTRA's and ALBERT's embeddings, which are `embedding_size` wide (`size`) instead of hidden_size."""

    def __init__(self, config: BertConfig, size: Optional[int] = None):
        super().__init__()
        size = config.hidden_size if size is None else size
        self.word_embeddings = nn.Embedding(config.vocab_size, size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, size)
        self.LayerNorm = nn.LayerNorm(size, eps=config.layer_norm_eps)
        self.register_buffer(
            "position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)), persistent=False
        )

    def forward(self, input_ids=None, token_type_ids=None, inputs_embeds=None):
        if input_ids is not None:
            inputs_embeds = self.word_embeddings(input_ids)
        seq_length = inputs_embeds.size(1)
        position_ids = self.position_ids[:, :seq_length]
        if token_type_ids is None:
            token_type_ids = torch.zeros(inputs_embeds.shape[:2], dtype=torch.long)
        embeddings = inputs_embeds + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    attn_implementation = "eager"

    def forward(self, hidden_states, attention_mask):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        if self.attn_implementation == "sdpa":
            return self._sdpa(query_layer, key_layer, value_layer, attention_mask)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        context_layer = context_layer.view(context_layer.size()[:-2] + (self.all_head_size,))
        return context_layer, attention_probs

    def _sdpa(self, query_layer, key_layer, value_layer, attention_mask):
        """As BertSdpaSelfAttention: SDPA, then transpose(1, 2) and reshape (no attention probabilities in the
        export, which does not output them; computed in PyTorch for the goldens)."""
        if torch.onnx.is_in_onnx_export():
            context, probs = _ScaledDotProductAttention.apply(query_layer, key_layer, value_layer, attention_mask), None
        else:
            probs = sdpa_probabilities(query_layer, key_layer, attention_mask)
            context = torch.matmul(probs, value_layer)
        batch, _, length, _ = query_layer.shape
        return context.transpose(1, 2).reshape(batch, length, self.all_head_size), probs


INT64_MAX = 2**63 - 1


class _ScaledDotProductAttention(torch.autograd.Function):
    """torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask) with a float mask, for tracing on
    torch 1.13 (which has no SDPA): its `symbolic` emits the nodes torch 2.x's exporter writes for SDPA
    (torch/onnx/symbolic_opset14.py, scale=None): the scale 1/√d from Shape(q) → Slice[-1:] → Cast → Sqrt →
    Div(1, ·) → Cast, then Q and Kᵀ each multiplied by Sqrt(scale), MatMul, Add(mask), Softmax, and after the
    Softmax the `Where(IsNaN(p), 0, p)` guard that exporter adds for fully masked rows."""

    @staticmethod
    def forward(ctx, query, key, value, attn_mask):
        return torch.matmul(sdpa_probabilities(query, key, attn_mask), value)

    @staticmethod
    def symbolic(g, query, key, value, attn_mask):
        shape = g.op("Shape", query)
        last = g.op(
            "Slice", shape,
            g.op("Constant", value_t=torch.tensor([-1], dtype=torch.int64)),
            g.op("Constant", value_t=torch.tensor([INT64_MAX], dtype=torch.int64)),
        )
        size = g.op("Cast", last, to_i=1)  # FLOAT
        scale = g.op("Div", g.op("Constant", value_t=torch.tensor([1.0])), g.op("Sqrt", size))
        scale = g.op("Cast", scale, to_i=1)
        key_transposed = g.op("Transpose", key, perm_i=[0, 1, 3, 2])
        query_scaled = g.op("Mul", query, g.op("Sqrt", scale))
        key_scaled = g.op("Mul", key_transposed, g.op("Sqrt", scale))
        scores = g.op("Add", g.op("MatMul", query_scaled, key_scaled), attn_mask)
        weights = g.op("Softmax", scores, axis_i=-1)
        zero = g.op("Constant", value_t=torch.tensor([0.0]))
        weights = g.op("Where", g.op("IsNaN", weights), zero, weights)
        return g.op("MatMul", weights, value)


def sdpa_probabilities(query, key, attn_mask):
    """The attention probabilities as SDPA computes them: √scale on each side of the product, then the mask."""
    root_scale = math.sqrt(1.0 / math.sqrt(query.size(-1)))
    scores = torch.matmul(query * root_scale, key.transpose(-1, -2) * root_scale) + attn_mask
    probs = nn.functional.softmax(scores, dim=-1)
    return torch.where(torch.isnan(probs), torch.zeros_like(probs), probs)


def sdpa_attention_mask(attention_mask, hidden):
    """transformers' _prepare_4d_attention_mask_for_sdpa (_expand_mask): the [batch, 1, q, k] float mask, 0
    where attended and the most negative float where masked."""
    if attention_mask is None:
        attention_mask = torch.ones(hidden.shape[:2], dtype=torch.long)
    batch, length = attention_mask.shape
    expanded = attention_mask[:, None, None, :].expand(batch, 1, length, length).to(hidden.dtype)
    inverted = 1.0 - expanded
    return inverted.masked_fill(inverted.to(torch.bool), torch.finfo(hidden.dtype).min)


def set_attn_implementation(model: nn.Module, implementation: str) -> None:
    """`eager` (the default) or `sdpa` (BertSdpaSelfAttention and DistilBertSdpaAttention of transformers
    4.41–4.47: the same weights, attention computed by scaled_dot_product_attention and exported as torch 2.x
    exports it)."""
    assert implementation in ("eager", "sdpa")
    for module in model.modules():
        if isinstance(module, (BertSelfAttention, BertModel, MultiHeadSelfAttention, DistilBertModel)):
            module.attn_implementation = implementation


class BertSelfOutput(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden_states, attention_mask):
        context, probs = self.self(hidden_states, attention_mask)
        return self.output(context, hidden_states), probs


class BertIntermediate(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, hidden_states):
        return nn.functional.gelu(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states, attention_mask):
        attention_output, probs = self.attention(hidden_states, attention_mask)
        layer_output = self.output(self.intermediate(attention_output), attention_output)
        return layer_output, probs


def extended_attention_mask(attention_mask, hidden):
    """transformers' get_extended_attention_mask: 0 where attended, the most negative float where masked."""
    if attention_mask is None:
        attention_mask = torch.ones(hidden.shape[:2], dtype=torch.long)
    extended = attention_mask[:, None, None, :].to(dtype=hidden.dtype)
    return (1.0 - extended) * torch.finfo(hidden.dtype).min


class BertEncoder(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])


class BertPooler(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden_states):
        return torch.tanh(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config)

    attn_implementation = "eager"

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, inputs_embeds=None):
        hidden = self.embeddings(input_ids, token_type_ids, inputs_embeds)
        mask_of = sdpa_attention_mask if self.attn_implementation == "sdpa" else extended_attention_mask
        extended = mask_of(attention_mask, hidden)
        # The layers are called from here, not from an encoder forward, so that the exported node names
        # (/bert/layer.0/...) and with them the committed graph stay as they were.
        attentions = []
        for layer in self.encoder.layer:
            hidden, probs = layer(hidden, extended)
            attentions.append(probs)
        return hidden, self.pooler(hidden), attentions


class BertForSequenceClassification(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.config = config
        self.bert = BertModel(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)

    def forward(
        self, input_ids=None, attention_mask=None, token_type_ids=None, inputs_embeds=None, output_attentions=False
    ):
        _check_inputs(input_ids, inputs_embeds)
        _, pooled, attentions = self.bert(input_ids, attention_mask, token_type_ids, inputs_embeds)
        logits = self.classifier(pooled)
        return (logits, attentions) if output_attentions else logits


# ------------------------------------------------------------------------------------------------ RoBERTa


def create_position_ids_from_input_ids(input_ids, padding_idx: int, past_key_values_length: int = 0):
    """transformers' function of the same name: real tokens count up from padding_idx + 1, `<pad>` tokens get
    padding_idx itself, wherever they are (so a left-padded row has the positions of the unpadded one).
    Same casts as transformers (int32 cumsum, then int64), which is what an exported graph contains."""
    mask = input_ids.ne(padding_idx).int()
    incremental_indices = (torch.cumsum(mask, dim=1).type_as(mask) + past_key_values_length) * mask
    return incremental_indices.long() + padding_idx


class RobertaEmbeddings(nn.Module):
    def __init__(self, config: RobertaConfig):
        super().__init__()
        self.padding_idx = config.pad_token_id
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(
            config.max_position_embeddings, config.hidden_size, padding_idx=self.padding_idx
        )
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        # As transformers: all-zero token types sliced from a buffer when none are given (the exported graph
        # has no token_type_ids input and computes them by Slice + Expand of this constant).
        self.register_buffer(
            "token_type_ids", torch.zeros((1, config.max_position_embeddings), dtype=torch.long), persistent=False
        )

    def forward(self, input_ids=None, token_type_ids=None, position_ids=None, inputs_embeds=None):
        if position_ids is None:
            if input_ids is not None:
                position_ids = create_position_ids_from_input_ids(input_ids, self.padding_idx)
            else:
                position_ids = self.create_position_ids_from_inputs_embeds(inputs_embeds)
        input_shape = input_ids.size() if input_ids is not None else inputs_embeds.size()[:-1]
        seq_length = input_shape[1]
        if token_type_ids is None:
            token_type_ids = self.token_type_ids[:, :seq_length].expand(input_shape[0], seq_length)
        if inputs_embeds is None:
            inputs_embeds = self.word_embeddings(input_ids)
        embeddings = inputs_embeds + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)

    def create_position_ids_from_inputs_embeds(self, inputs_embeds):
        """Embeddings alone cannot show padding: sequential positions padding_idx + 1, ..., as transformers."""
        input_shape = inputs_embeds.size()[:-1]
        position_ids = torch.arange(self.padding_idx + 1, input_shape[1] + self.padding_idx + 1, dtype=torch.long)
        return position_ids.unsqueeze(0).expand(input_shape)


class RobertaEncoder(BertEncoder):
    """BERT's post-LN layers; called as a module (as transformers does), so node names are /roberta/encoder/..."""

    def forward(self, hidden, extended_mask):
        attentions = []
        for layer in self.layer:
            hidden, probs = layer(hidden, extended_mask)
            attentions.append(probs)
        return hidden, attentions


class RobertaModel(nn.Module):
    """Without the pooler, as RobertaForSequenceClassification builds it (add_pooling_layer=False)."""

    def __init__(self, config: RobertaConfig):
        super().__init__()
        self.embeddings = RobertaEmbeddings(config)
        self.encoder = RobertaEncoder(config)

    def forward(
        self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None, inputs_embeds=None
    ):
        hidden = self.embeddings(input_ids, token_type_ids, position_ids, inputs_embeds)
        return self.encoder(hidden, extended_attention_mask(attention_mask, hidden))


class RobertaClassificationHead(nn.Module):
    """dense -> tanh -> out_proj on the `<s>` token's last hidden state."""

    def __init__(self, config: RobertaConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.out_proj = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, features):
        return self.out_proj(torch.tanh(self.dense(features[:, 0, :])))


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, config: RobertaConfig):
        super().__init__()
        self.config = config
        self.roberta = RobertaModel(config)
        self.classifier = RobertaClassificationHead(config)

    def forward(
        self,
        input_ids=None,
        attention_mask=None,
        token_type_ids=None,
        position_ids=None,
        inputs_embeds=None,
        output_attentions=False,
    ):
        _check_inputs(input_ids, inputs_embeds)
        hidden, attentions = self.roberta(input_ids, attention_mask, token_type_ids, position_ids, inputs_embeds)
        logits = self.classifier(hidden)
        return (logits, attentions) if output_attentions else logits


# ------------------------------------------------------------------------------------------------ ELECTRA


class ElectraModel(nn.Module):
    """Embeddings of embedding_size, `embeddings_project` to hidden_size where they differ, BERT's encoder (called
    as a module, as transformers does: nodes /electra/encoder/layer.N/...), no pooler."""

    def __init__(self, config: ElectraConfig):
        super().__init__()
        self.embeddings = BertEmbeddings(config, config.embedding_size)
        if config.embedding_size != config.hidden_size:
            self.embeddings_project = nn.Linear(config.embedding_size, config.hidden_size)
        self.encoder = RobertaEncoder(config)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, inputs_embeds=None):
        hidden = self.embeddings(input_ids, token_type_ids, inputs_embeds)
        if hasattr(self, "embeddings_project"):
            hidden = self.embeddings_project(hidden)
        return self.encoder(hidden, extended_attention_mask(attention_mask, hidden))


class ElectraClassificationHead(nn.Module):
    """dense -> GELU (erf) -> out_proj on the first token's last hidden state."""

    def __init__(self, config: ElectraConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.out_proj = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, features):
        return self.out_proj(nn.functional.gelu(self.dense(features[:, 0, :])))


class ElectraForSequenceClassification(nn.Module):
    def __init__(self, config: ElectraConfig):
        super().__init__()
        self.config = config
        self.electra = ElectraModel(config)
        self.classifier = ElectraClassificationHead(config)

    def forward(
        self, input_ids=None, attention_mask=None, token_type_ids=None, inputs_embeds=None, output_attentions=False
    ):
        _check_inputs(input_ids, inputs_embeds)
        hidden, attentions = self.electra(input_ids, attention_mask, token_type_ids, inputs_embeds)
        logits = self.classifier(hidden)
        return (logits, attentions) if output_attentions else logits


# ------------------------------------------------------------------------------------------------- ALBERT


def gelu_new(x):
    """transformers' NewGELUActivation (ALBERT's gelu_new): the tanh approximation, written as transformers does."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class AlbertAttention(nn.Module):
    """Self-attention with its output projection and post-LayerNorm in one module (transformers' AlbertAttention):
    query/key/value, dense, LayerNorm(hidden_states + dense(context))."""

    def __init__(self, config: AlbertConfig):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.transpose(2, 1).flatten(2)
        projected_context_layer = self.dense(context_layer)
        return self.LayerNorm(hidden_states + projected_context_layer), attention_probs


class AlbertLayer(nn.Module):
    def __init__(self, config: AlbertConfig):
        super().__init__()
        assert config.hidden_act == "gelu_new"
        self.full_layer_layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.attention = AlbertAttention(config)
        self.ffn = nn.Linear(config.hidden_size, config.intermediate_size)
        self.ffn_output = nn.Linear(config.intermediate_size, config.hidden_size)

    def forward(self, hidden_states, attention_mask):
        attention_output, probs = self.attention(hidden_states, attention_mask)
        ffn_output = self.ffn_output(gelu_new(self.ffn(attention_output)))
        return self.full_layer_layer_norm(ffn_output + attention_output), probs


class AlbertLayerGroup(nn.Module):
    def __init__(self, config: AlbertConfig):
        super().__init__()
        self.albert_layers = nn.ModuleList([AlbertLayer(config) for _ in range(config.inner_group_num)])

    def forward(self, hidden_states, attention_mask):
        attentions = []
        for layer in self.albert_layers:
            hidden_states, probs = layer(hidden_states, attention_mask)
            attentions.append(probs)
        return hidden_states, attentions


class AlbertTransformer(nn.Module):
    """embedding_hidden_mapping_in, then layer i runs group int(i / (num_hidden_layers / num_hidden_groups)):
    with one group, the same weights for every layer."""

    def __init__(self, config: AlbertConfig):
        super().__init__()
        self.config = config
        self.embedding_hidden_mapping_in = nn.Linear(config.embedding_size, config.hidden_size)
        self.albert_layer_groups = nn.ModuleList([AlbertLayerGroup(config) for _ in range(config.num_hidden_groups)])

    def forward(self, hidden_states, attention_mask):
        hidden_states = self.embedding_hidden_mapping_in(hidden_states)
        config = self.config
        attentions = []
        for i in range(config.num_hidden_layers):
            group = int(i / (config.num_hidden_layers / config.num_hidden_groups))
            hidden_states, probs = self.albert_layer_groups[group](hidden_states, attention_mask)
            attentions.extend(probs)
        return hidden_states, attentions


class AlbertModel(nn.Module):
    def __init__(self, config: AlbertConfig):
        super().__init__()
        self.embeddings = BertEmbeddings(config, config.embedding_size)
        self.encoder = AlbertTransformer(config)
        self.pooler = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, inputs_embeds=None):
        hidden = self.embeddings(input_ids, token_type_ids, inputs_embeds)
        hidden, attentions = self.encoder(hidden, extended_attention_mask(attention_mask, hidden))
        return hidden, torch.tanh(self.pooler(hidden[:, 0])), attentions


class AlbertForSequenceClassification(nn.Module):
    def __init__(self, config: AlbertConfig):
        super().__init__()
        self.config = config
        self.albert = AlbertModel(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)

    def forward(
        self, input_ids=None, attention_mask=None, token_type_ids=None, inputs_embeds=None, output_attentions=False
    ):
        _check_inputs(input_ids, inputs_embeds)
        _, pooled, attentions = self.albert(input_ids, attention_mask, token_type_ids, inputs_embeds)
        logits = self.classifier(pooled)
        return (logits, attentions) if output_attentions else logits


# -------------------------------------------------------------------------------------------------- MPNet


class MPNetEmbeddings(nn.Module):
    """Word and position embeddings (RoBERTa's positions from the ids, padding_idx 1), no token types."""

    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.padding_idx = 1
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=self.padding_idx)
        self.position_embeddings = nn.Embedding(
            config.max_position_embeddings, config.hidden_size, padding_idx=self.padding_idx
        )
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, input_ids=None, position_ids=None, inputs_embeds=None):
        if position_ids is None:
            if input_ids is not None:
                position_ids = create_position_ids_from_input_ids(input_ids, self.padding_idx)
            else:
                shape = inputs_embeds.size()[:-1]
                position_ids = torch.arange(self.padding_idx + 1, shape[1] + self.padding_idx + 1, dtype=torch.long)
                position_ids = position_ids.unsqueeze(0).expand(shape)
        if inputs_embeds is None:
            inputs_embeds = self.word_embeddings(input_ids)
        return self.LayerNorm(inputs_embeds + self.position_embeddings(position_ids))


class MPNetSelfAttention(nn.Module):
    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.q = nn.Linear(config.hidden_size, self.all_head_size)
        self.k = nn.Linear(config.hidden_size, self.all_head_size)
        self.v = nn.Linear(config.hidden_size, self.all_head_size)
        self.o = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden_states, attention_mask, position_bias):
        batch_size = hidden_states.shape[0]

        def heads(x):
            return x.view(batch_size, -1, self.num_attention_heads, self.attention_head_size).transpose(1, 2)

        q, k, v = heads(self.q(hidden_states)), heads(self.k(hidden_states)), heads(self.v(hidden_states))
        attention_scores = torch.matmul(q, k.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores += position_bias
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        c = torch.matmul(attention_probs, v)
        c = c.permute(0, 2, 1, 3).contiguous()
        c = c.view(*(c.size()[:-2] + (self.all_head_size,)))
        return self.o(c), attention_probs


class MPNetAttention(nn.Module):
    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.attn = MPNetSelfAttention(config)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states, attention_mask, position_bias):
        output, probs = self.attn(hidden_states, attention_mask, position_bias)
        return self.LayerNorm(output + hidden_states), probs


class MPNetLayer(nn.Module):
    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.attention = MPNetAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states, attention_mask, position_bias):
        attention_output, probs = self.attention(hidden_states, attention_mask, position_bias)
        return self.output(self.intermediate(attention_output), attention_output), probs


class MPNetEncoder(nn.Module):
    """The layers and the relative position bias they share (computed once, from the sequence length)."""

    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.n_heads = config.num_attention_heads
        self.layer = nn.ModuleList([MPNetLayer(config) for _ in range(config.num_hidden_layers)])
        self.relative_attention_bias = nn.Embedding(config.relative_attention_num_buckets, self.n_heads)

    def forward(self, hidden_states, attention_mask):
        position_bias = self.compute_position_bias(hidden_states)
        attentions = []
        for layer in self.layer:
            hidden_states, probs = layer(hidden_states, attention_mask, position_bias)
            attentions.append(probs)
        return hidden_states, attentions

    def compute_position_bias(self, x, num_buckets: int = 32):
        """As transformers (which calls it with its default 32 buckets, whatever the config says): the bias of
        bucket(key position - query position) per head, [batch, heads, n, n]."""
        bsz, qlen, klen = x.size(0), x.size(1), x.size(1)
        context_position = torch.arange(qlen, dtype=torch.long)[:, None]
        memory_position = torch.arange(klen, dtype=torch.long)[None, :]
        relative_position = memory_position - context_position
        rp_bucket = self.relative_position_bucket(relative_position, num_buckets=num_buckets)
        values = self.relative_attention_bias(rp_bucket)
        values = values.permute([2, 0, 1]).unsqueeze(0)
        return values.expand((bsz, -1, qlen, klen)).contiguous()

    @staticmethod
    def relative_position_bucket(relative_position, num_buckets: int = 32, max_distance: int = 128):
        """T5's bucketing, line by line as transformers' MPNet: half the buckets per direction, exact up to
        num_buckets / 4, logarithmic up to max_distance, the last bucket beyond."""
        ret = 0
        n = -relative_position
        num_buckets //= 2
        ret += (n < 0).to(torch.long) * num_buckets
        n = torch.abs(n)
        max_exact = num_buckets // 2
        is_small = n < max_exact
        val_if_large = max_exact + (
            torch.log(n.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
        ).to(torch.long)
        val_if_large = torch.min(val_if_large, torch.full_like(val_if_large, num_buckets - 1))
        ret += torch.where(is_small, n, val_if_large)
        return ret


class MPNetModel(nn.Module):
    """Without the pooler, as MPNetForSequenceClassification builds it (add_pooling_layer=False)."""

    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.embeddings = MPNetEmbeddings(config)
        self.encoder = MPNetEncoder(config)

    def forward(self, input_ids=None, attention_mask=None, position_ids=None, inputs_embeds=None):
        hidden = self.embeddings(input_ids, position_ids, inputs_embeds)
        return self.encoder(hidden, extended_attention_mask(attention_mask, hidden))


class MPNetForSequenceClassification(nn.Module):
    """transformers' argument order (no token types): input_ids, attention_mask, position_ids, inputs_embeds.
    The head is RoBERTa's (MPNetClassificationHead: dense -> tanh -> out_proj on `<s>`)."""

    def __init__(self, config: MPNetConfig):
        super().__init__()
        self.config = config
        self.mpnet = MPNetModel(config)
        self.classifier = RobertaClassificationHead(config)

    def forward(self, input_ids=None, attention_mask=None, position_ids=None, inputs_embeds=None,
                output_attentions=False):
        _check_inputs(input_ids, inputs_embeds)
        hidden, attentions = self.mpnet(input_ids, attention_mask, position_ids, inputs_embeds)
        logits = self.classifier(hidden)
        return (logits, attentions) if output_attentions else logits


# ---------------------------------------------------------------------------------------------- DeBERTa-v2


def make_log_bucket_position(relative_pos, bucket_size: int, max_position: int):
    """transformers' function of the same name: relative positions exact within bucket_size / 2, log-spaced
    beyond up to max_position (Sign, Abs, Log, Ceil in the export)."""
    sign = torch.sign(relative_pos)
    mid = bucket_size // 2
    abs_pos = torch.where(
        (relative_pos < mid) & (relative_pos > -mid),
        torch.tensor(mid - 1).type_as(relative_pos),
        torch.abs(relative_pos),
    )
    log_pos = (
        torch.ceil(torch.log(abs_pos / mid) / torch.log(torch.tensor((max_position - 1) / mid)) * (mid - 1)) + mid
    )
    bucket_pos = torch.where(abs_pos <= mid, relative_pos.type_as(log_pos), log_pos * sign)
    return bucket_pos


def build_relative_position(query_size, key_size, bucket_size: int = -1, max_position: int = -1):
    """transformers' function of the same name: query position - key position, log-bucketed, [1, q, k]."""
    q_ids = torch.arange(0, query_size)
    k_ids = torch.arange(0, key_size)
    rel_pos_ids = q_ids[:, None] - k_ids[None, :]
    if bucket_size > 0 and max_position > 0:
        rel_pos_ids = make_log_bucket_position(rel_pos_ids, bucket_size, max_position)
    rel_pos_ids = rel_pos_ids.to(torch.long)
    rel_pos_ids = rel_pos_ids[:query_size, :]
    rel_pos_ids = rel_pos_ids.unsqueeze(0)
    return rel_pos_ids


class XSoftmax(torch.autograd.Function):
    """transformers' XSoftmax: the softmax of the scores with masked entries set to the most negative float,
    then those entries set to 0 (fully masked rows become zeros, not a uniform distribution). Its `symbolic` is
    transformers' (4.2x–4.3x), which optimum's export runs: 1 - mask cast to uint8, then opset 9's masked_fill
    (Cast to bool, Where) before and after the Softmax."""

    @staticmethod
    def forward(ctx, input, mask, dim):
        ctx.dim = dim
        rmask = ~(mask.to(torch.bool))
        output = input.masked_fill(rmask, torch.tensor(torch.finfo(input.dtype).min))
        output = torch.softmax(output, dim)
        output.masked_fill_(rmask, 0)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        """transformers' (softmax_backward_data on the masked output): y·(g − Σ g·y), zero where masked."""
        (output,) = ctx.saved_tensors
        dot = (grad_output * output).sum(ctx.dim, keepdim=True)
        return output * (grad_output - dot), None, None

    @staticmethod
    def symbolic(g, self, mask, dim):
        import torch.onnx.symbolic_helper as sym_help
        from torch.onnx.symbolic_opset9 import masked_fill, softmax

        mask_cast_value = g.op("Cast", mask, to_i=sym_help.cast_pytorch_to_onnx["Long"])
        r_mask = g.op(
            "Cast",
            g.op("Sub", g.op("Constant", value_t=torch.tensor(1, dtype=torch.int64)), mask_cast_value),
            to_i=sym_help.cast_pytorch_to_onnx["Byte"],
        )
        output = masked_fill(
            g, self, r_mask, g.op("Constant", value_t=torch.tensor(torch.finfo(self.type().dtype()).min))
        )
        output = softmax(g, output, dim)
        return masked_fill(g, output, r_mask, g.op("Constant", value_t=torch.tensor(0, dtype=torch.uint8)))


class DebertaV2Embeddings(nn.Module):
    """Word embeddings, absolute positions and token types only where the config asks for them (DeBERTa-v3: neither),
    the LayerNorm, then the attention mask multiplied in."""

    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.config = config
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_biased_input = config.position_biased_input
        if self.position_biased_input:
            self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        if config.type_vocab_size > 0:
            self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.register_buffer(
            "position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)), persistent=False
        )

    def forward(self, input_ids=None, token_type_ids=None, position_ids=None, mask=None, inputs_embeds=None):
        input_shape = input_ids.size() if input_ids is not None else inputs_embeds.size()[:-1]
        seq_length = input_shape[1]
        if position_ids is None:
            position_ids = self.position_ids[:, :seq_length]
        if token_type_ids is None:
            token_type_ids = torch.zeros(input_shape, dtype=torch.long)
        if inputs_embeds is None:
            inputs_embeds = self.word_embeddings(input_ids)
        embeddings = inputs_embeds
        if self.position_biased_input:
            embeddings = embeddings + self.position_embeddings(position_ids.long())
        if self.config.type_vocab_size > 0:
            embeddings = embeddings + self.token_type_embeddings(token_type_ids)
        embeddings = self.LayerNorm(embeddings)
        if mask is not None:
            if mask.dim() != embeddings.dim():
                if mask.dim() == 4:
                    mask = mask.squeeze(1).squeeze(1)
                mask = mask.unsqueeze(2)
            mask = mask.to(embeddings.dtype)
            embeddings = embeddings * mask
        return embeddings


class DisentangledSelfAttention(nn.Module):
    """transformers' DebertaV2 DisentangledSelfAttention: content-content scores plus the content->position
    (c2p) and position->content (p2c) terms, each gathered from a product with the relative embeddings at the
    bucketed relative positions (GatherElements), all scaled by sqrt(head size · 3); attention over
    [batch · heads, n, n] matrices (bmm)."""

    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query_proj = nn.Linear(config.hidden_size, self.all_head_size, bias=True)
        self.key_proj = nn.Linear(config.hidden_size, self.all_head_size, bias=True)
        self.value_proj = nn.Linear(config.hidden_size, self.all_head_size, bias=True)
        self.share_att_key = config.share_att_key
        self.pos_att_type = list(config.pos_att_type)
        self.relative_attention = config.relative_attention
        assert self.relative_attention
        self.position_buckets = config.position_buckets
        self.max_relative_positions = config.max_relative_positions
        if self.max_relative_positions < 1:
            self.max_relative_positions = config.max_position_embeddings
        self.pos_ebd_size = self.max_relative_positions
        if self.position_buckets > 0:
            self.pos_ebd_size = self.position_buckets
        if not self.share_att_key:
            if "c2p" in self.pos_att_type:
                self.pos_key_proj = nn.Linear(config.hidden_size, self.all_head_size, bias=True)
            if "p2c" in self.pos_att_type:
                self.pos_query_proj = nn.Linear(config.hidden_size, self.all_head_size)

    def transpose_for_scores(self, x, attention_heads):
        new_x_shape = x.size()[:-1] + (attention_heads, -1)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3).contiguous().view(-1, x.size(1), x.size(-1))

    def forward(self, hidden_states, attention_mask, relative_pos, rel_embeddings):
        query_layer = self.transpose_for_scores(self.query_proj(hidden_states), self.num_attention_heads)
        key_layer = self.transpose_for_scores(self.key_proj(hidden_states), self.num_attention_heads)
        value_layer = self.transpose_for_scores(self.value_proj(hidden_states), self.num_attention_heads)
        scale_factor = 1 + ("c2p" in self.pos_att_type) + ("p2c" in self.pos_att_type)
        scale = torch.sqrt(torch.tensor(query_layer.size(-1), dtype=torch.float) * scale_factor)
        attention_scores = torch.bmm(query_layer, key_layer.transpose(-1, -2) / scale.to(dtype=query_layer.dtype))
        rel_att = self.disentangled_attention_bias(query_layer, key_layer, relative_pos, rel_embeddings, scale_factor)
        attention_scores = attention_scores + rel_att
        attention_scores = attention_scores.view(
            -1, self.num_attention_heads, attention_scores.size(-2), attention_scores.size(-1)
        )
        attention_probs = XSoftmax.apply(attention_scores, attention_mask, -1)
        context_layer = torch.bmm(
            attention_probs.view(-1, attention_probs.size(-2), attention_probs.size(-1)), value_layer
        )
        context_layer = (
            context_layer.view(-1, self.num_attention_heads, context_layer.size(-2), context_layer.size(-1))
            .permute(0, 2, 1, 3)
            .contiguous()
        )
        new_context_layer_shape = context_layer.size()[:-2] + (-1,)
        return context_layer.view(new_context_layer_shape), attention_probs

    def disentangled_attention_bias(self, query_layer, key_layer, relative_pos, rel_embeddings, scale_factor):
        if relative_pos.dim() == 2:
            relative_pos = relative_pos.unsqueeze(0).unsqueeze(0)
        elif relative_pos.dim() == 3:
            relative_pos = relative_pos.unsqueeze(1)
        att_span = self.pos_ebd_size
        relative_pos = relative_pos.long()
        rel_embeddings = rel_embeddings[0 : att_span * 2, :].unsqueeze(0)
        repeats = query_layer.size(0) // self.num_attention_heads
        if self.share_att_key:
            pos_query_layer = self.transpose_for_scores(
                self.query_proj(rel_embeddings), self.num_attention_heads
            ).repeat(repeats, 1, 1)
            pos_key_layer = self.transpose_for_scores(self.key_proj(rel_embeddings), self.num_attention_heads).repeat(
                repeats, 1, 1
            )
        else:
            if "c2p" in self.pos_att_type:
                pos_key_layer = self.transpose_for_scores(
                    self.pos_key_proj(rel_embeddings), self.num_attention_heads
                ).repeat(repeats, 1, 1)
            if "p2c" in self.pos_att_type:
                pos_query_layer = self.transpose_for_scores(
                    self.pos_query_proj(rel_embeddings), self.num_attention_heads
                ).repeat(repeats, 1, 1)

        score = 0
        if "c2p" in self.pos_att_type:  # content -> position
            scale = torch.sqrt(torch.tensor(pos_key_layer.size(-1), dtype=torch.float) * scale_factor)
            c2p_att = torch.bmm(query_layer, pos_key_layer.transpose(-1, -2))
            c2p_pos = torch.clamp(relative_pos + att_span, 0, att_span * 2 - 1)
            c2p_att = torch.gather(
                c2p_att,
                dim=-1,
                index=c2p_pos.squeeze(0).expand([query_layer.size(0), query_layer.size(1), relative_pos.size(-1)]),
            )
            score += c2p_att / scale.to(dtype=c2p_att.dtype)
        if "p2c" in self.pos_att_type:  # position -> content (queries and keys of one length: r_pos = relative_pos)
            scale = torch.sqrt(torch.tensor(pos_query_layer.size(-1), dtype=torch.float) * scale_factor)
            p2c_pos = torch.clamp(-relative_pos + att_span, 0, att_span * 2 - 1)
            p2c_att = torch.bmm(key_layer, pos_query_layer.transpose(-1, -2))
            p2c_att = torch.gather(
                p2c_att,
                dim=-1,
                index=p2c_pos.squeeze(0).expand([query_layer.size(0), key_layer.size(-2), key_layer.size(-2)]),
            ).transpose(-1, -2)
            score += p2c_att / scale.to(dtype=p2c_att.dtype)
        return score


class DebertaV2Attention(nn.Module):
    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.self = DisentangledSelfAttention(config)
        self.output = BertSelfOutput(config)  # DebertaV2SelfOutput: dense, LayerNorm(dense(x) + input)

    def forward(self, hidden_states, attention_mask, relative_pos, rel_embeddings):
        context, probs = self.self(hidden_states, attention_mask, relative_pos, rel_embeddings)
        return self.output(context, hidden_states), probs


class DebertaV2Layer(nn.Module):
    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.attention = DebertaV2Attention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states, attention_mask, relative_pos, rel_embeddings):
        attention_output, probs = self.attention(hidden_states, attention_mask, relative_pos, rel_embeddings)
        return self.output(self.intermediate(attention_output), attention_output), probs


class DebertaV2Encoder(nn.Module):
    """The layers, the relative embeddings they share (LayerNorm'd: norm_rel_ebd "layer_norm") and the bucketed
    relative positions (computed once, from the sequence length); the [batch, 1, n, n] mask of query and key."""

    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.layer = nn.ModuleList([DebertaV2Layer(config) for _ in range(config.num_hidden_layers)])
        self.max_relative_positions = config.max_relative_positions
        if self.max_relative_positions < 1:
            self.max_relative_positions = config.max_position_embeddings
        self.position_buckets = config.position_buckets
        pos_ebd_size = self.position_buckets * 2 if self.position_buckets > 0 else self.max_relative_positions * 2
        self.rel_embeddings = nn.Embedding(pos_ebd_size, config.hidden_size)
        self.norm_rel_ebd = [x.strip() for x in config.norm_rel_ebd.lower().split("|")]
        if "layer_norm" in self.norm_rel_ebd:
            self.LayerNorm = nn.LayerNorm(config.hidden_size, config.layer_norm_eps, elementwise_affine=True)

    def get_rel_embedding(self):
        rel_embeddings = self.rel_embeddings.weight
        if "layer_norm" in self.norm_rel_ebd:
            rel_embeddings = self.LayerNorm(rel_embeddings)
        return rel_embeddings

    @staticmethod
    def get_attention_mask(attention_mask):
        extended_attention_mask = attention_mask.unsqueeze(1).unsqueeze(2)
        return extended_attention_mask * extended_attention_mask.squeeze(-2).unsqueeze(-1)

    def forward(self, hidden_states, attention_mask):
        attention_mask = self.get_attention_mask(attention_mask)
        relative_pos = build_relative_position(
            hidden_states.size(-2), hidden_states.size(-2), self.position_buckets, self.max_relative_positions
        )
        rel_embeddings = self.get_rel_embedding()
        attentions = []
        for layer in self.layer:
            hidden_states, probs = layer(hidden_states, attention_mask, relative_pos, rel_embeddings)
            attentions.append(probs)
        return hidden_states, attentions


class DebertaV2Model(nn.Module):
    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.config = config
        self.embeddings = DebertaV2Embeddings(config)
        self.encoder = DebertaV2Encoder(config)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None, inputs_embeds=None):
        input_shape = input_ids.size() if input_ids is not None else inputs_embeds.size()[:-1]
        if attention_mask is None:
            attention_mask = torch.ones(input_shape, dtype=torch.long)
        hidden = self.embeddings(input_ids, token_type_ids, position_ids, attention_mask, inputs_embeds)
        return self.encoder(hidden, attention_mask)


class ContextPooler(nn.Module):
    """DeBERTa's pooler: dense + GELU (pooler_hidden_act) on the first token."""

    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden_states):
        return nn.functional.gelu(self.dense(hidden_states[:, 0]))


class DebertaV2ForSequenceClassification(nn.Module):
    """transformers' argument order: input_ids, attention_mask, token_type_ids, position_ids, inputs_embeds."""

    def __init__(self, config: DebertaV2Config):
        super().__init__()
        self.config = config
        self.deberta = DebertaV2Model(config)
        self.pooler = ContextPooler(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None, inputs_embeds=None,
                output_attentions=False):
        _check_inputs(input_ids, inputs_embeds)
        hidden, attentions = self.deberta(input_ids, attention_mask, token_type_ids, position_ids, inputs_embeds)
        logits = self.classifier(self.pooler(hidden))
        return (logits, attentions) if output_attentions else logits


def init_random_weights(model: nn.Module, std: float, generator: torch.Generator) -> None:
    """Random weights as Hugging Face's `_init_weights` draws them (normal(0, std), zero padding row), except
    that biases and LayerNorm parameters are random too (std/4 around 0, resp. 1): with all-zero biases and
    identical LayerNorms, torch.onnx.export would merge those identical initializers behind Identity nodes
    (unlike any trained checkpoint), and a zero bias would hide a wrong broadcast in a gradient rule.
    Modules are visited in registration order with one generator, so the result depends only on the seed.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                module.weight.normal_(0.0, std, generator=generator)
                if isinstance(module, nn.Embedding) and module.padding_idx is not None:
                    module.weight[module.padding_idx].zero_()
                if isinstance(module, nn.Linear):
                    module.bias.normal_(0.0, std / 4, generator=generator)
            elif isinstance(module, nn.LayerNorm):
                module.weight.normal_(1.0, std / 4, generator=generator)
                module.bias.normal_(0.0, std / 4, generator=generator)
