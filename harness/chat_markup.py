"""Chat markup the project must recognise: Qwen2.5's added tokens and other model families' markup.

One list serves three readers: the leak metric (an added token in a raw output), the normalizer
(what it strips), and the input sanitiser (review or product text that would become a real special
id once it reaches a prompt). Hand-written subsets in each reader drifted apart before; a test
checks this list against the real Qwen2.5 tokenizer's added tokens.
"""

from __future__ import annotations

import re

# Qwen2.5-Instruct's added tokens, ids 151643..151664 in order (tokenizer_config.json's
# added_tokens_decoder). Only <|im_end|> may appear in an output, and only as its last token.
QWEN2_5_ADDED_TOKENS: tuple[str, ...] = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
    "<tool_call>",
    "</tool_call>",
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|fim_suffix|>",
    "<|fim_pad|>",
    "<|repo_name|>",
    "<|file_sep|>",
)
QWEN2_5_FIRST_ADDED_ID = 151643
END_OF_TURN = "<|im_end|>"

# Chat markup of other families a model (or a hostile review) may produce: Llama 2/3, Mistral,
# Gemma, Phi, ChatML variants. ``<|...|>`` covers every pipe-delimited token generically.
OTHER_FAMILY_MARKUP: tuple[str, ...] = (
    r"<\|[^<>|\s]{1,40}\|>",
    r"</?s>",
    r"\[/?INST\]",
    r"<</?SYS>>",
    r"<start_of_turn>",
    r"<end_of_turn>",
    r"<bos>",
    r"<eos>",
    r"</?tool_call>",
)

MARKUP_RE = re.compile(
    "|".join([re.escape(token) for token in QWEN2_5_ADDED_TOKENS] + list(OTHER_FAMILY_MARKUP))
)
