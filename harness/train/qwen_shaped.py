"""A Qwen2.5-shaped tiny random model: the real tokenizer, vocabulary and generation config, tiny weights.

What differs between the stand-ins and Qwen2.5 is not only quality but shape: 151,936 logit columns
(151,665 tokenizer ids, the rest padding rows), the real special ids (``<|im_end|>`` 151645,
``<|endoftext|>`` 151643) and a hub ``generation_config.json`` that asks for sampling and a
repetition penalty. This model has all three and a two-layer body, so the ``hf`` path (SFT budgets,
LoRA, explicit decoding, constrained decoding) runs on the real vocabulary in seconds on a CPU.
Its outputs are noise; it checks plumbing and budgets, never quality.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.train.qwen_tokenizer import DEFAULT_DIR as TOKENIZER_DIR
from harness.train.qwen_tokenizer import build_atomically, build_qwen_tokenizer

DEFAULT_DIR = Path("models/tiny-qwen2.5-shaped")
VOCAB_SIZE = 151_936
"""``config.vocab_size`` of every Qwen2.5 checkpoint: the embedding is padded past ``len(tokenizer)``."""
BOS_ID = 151_643
EOS_ID = 151_645
PAD_ID = 151_643
HUB_GENERATION_CONFIG: dict[str, Any] = {
    "bos_token_id": BOS_ID,
    "pad_token_id": PAD_ID,
    "do_sample": True,
    "eos_token_id": [EOS_ID, BOS_ID],
    "repetition_penalty": 1.05,
    "temperature": 0.7,
    "top_p": 0.8,
    "top_k": 20,
}
"""Qwen2.5-{3B,7B}-Instruct's ``generation_config.json``: what a run inherits if it does not say otherwise."""
SHAPE: dict[str, Any] = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2}  # fmt: skip
RECIPE = 1


def build_qwen_shaped(out: str | Path = DEFAULT_DIR, tokenizer_dir: str | Path = TOKENIZER_DIR, seed: int = 0) -> Path:
    """Builds (once) the random Qwen2.5-shaped model with the real tokenizer into ``out``; returns ``out``.

    Raises:
        TokenizerUnavailable: the real tokenizer could not be built (no wheel to be had).
    """
    import torch
    from transformers import AutoTokenizer, GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    out = Path(out)
    if is_built(out):
        return out
    tokenizer = AutoTokenizer.from_pretrained(str(build_qwen_tokenizer(tokenizer_dir)), local_files_only=True)
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=VOCAB_SIZE, max_position_embeddings=32768, tie_word_embeddings=True,
                         bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=PAD_ID,
                         rope_parameters={"rope_theta": 1_000_000.0, "rope_type": "default"},
                         **SHAPE)  # fmt: skip
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(**HUB_GENERATION_CONFIG)

    def write(tmp: Path) -> None:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        meta = {"qwen2_5_shaped": True, "recipe": RECIPE, "seed": seed, "shape": SHAPE, "vocab_size": VOCAB_SIZE}
        (tmp / "tiny_model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    return build_atomically(out, write, is_built)


def is_built(folder: Path) -> bool:
    """Whether ``folder`` holds a finished build of the current recipe."""
    meta = folder / "tiny_model.json"
    if not (meta.is_file() and (folder / "config.json").is_file()):
        return False
    data = json.loads(meta.read_text(encoding="utf-8"))
    return bool(data.get("qwen2_5_shaped")) and data.get("recipe") == RECIPE
