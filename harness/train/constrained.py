"""JSON-schema-constrained decoding (issue 7) with xgrammar, behind ``GenerationSettings.constrained``.

At every step one grammar matcher per batch row masks the logits of tokens that cannot continue a
JSON object of the summary schema, the whole batch at once (batched accept, a batched bitmask fill
on xgrammar's threads, one in-place mask); once the object is closed only ``<|im_end|>`` remains
allowed, so decoding ends the turn there and the generator cuts at the stop id as usual. No other
added token (``<|endoftext|>``, ``<tool_call>``, ``<|im_start|>``, ...) is ever allowed. Everything is local: the grammar is compiled from the tokenizer object
already loaded (byte-level BPE vocabularies, the tiny stand-ins' and Qwen2.5's, are decoded by
xgrammar itself), so nothing is fetched from the hub.

Why xgrammar: it is the engine behind vLLM's and SGLang's structured output, handles byte-level
vocabularies whose tokens split a Hangul syllable, keeps one matcher per batch row, and masks in
C++. lm-format-enforcer 0.11.3 (the newest release) fails to import its transformers integration
on transformers 5, and outlines 1.x wraps the model in its own generation API (its default
backend also knows a single end-of-sequence id).

The generation-side schema is built from ``harness/writers/summary.schema.json`` rather than fed
as is, because xgrammar treats ``pattern`` as an anchored full match (``[가-힣]`` would allow a
one-syllable string) and ignores ``minLength``/``maxLength`` next to a pattern. Each string
becomes one anchored pattern instead: a Hangul syllable first (which implies the shipped schema's
``minLength: 1`` and "contains Hangul" pattern, so every closed output passes that schema), then
plain characters with no quote, backslash or control character (xgrammar's regex strings take no
escapes, so raw control characters, which a strict JSON parser rejects, are excluded explicitly).
Separators are fixed (``", "`` and ``": "``, as in the system prompt) and no other whitespace is
allowed, so the model cannot pad forever between tokens.

With ``max_chars`` each string is also capped; because every token carries at least one byte and
every allowed character at most four, an output then closes within :func:`worst_case_tokens`
new tokens whatever the model prefers. Without the cap the object closes when the model chooses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from harness.errors import InputError

EXTRA = "constrained"
"""The pip extra that installs the library (``pip install -e '.[constrained]'``; ``dev`` has it too)."""

_FIRST = "[가-힣]"
_CHAR = '[^"\\\\\\x00-\\x1f]'
"""A JSON string character that needs no escape: not a quote, a backslash or a control character."""
_SEPARATORS = (", ", ": ")
_MAX_CHAR_BYTES = 4
ROWS_PER_THREAD = 16


def import_xgrammar() -> Any:
    """The ``xgrammar`` module, or a one-line :class:`InputError` saying how to install it."""
    try:
        import xgrammar
    except ImportError as exc:
        raise InputError(
            "generation.constrained",
            f"JSON-schema constrained decoding needs xgrammar ({exc}); install it with"
            f" pip install -e '.[{EXTRA}]' or set constrained: false",
        ) from None
    return xgrammar


def generation_schema(max_chars: int | None = None) -> dict[str, Any]:
    """The summary schema as the grammar engine gets it: same keys, order and closure, strings as one pattern."""
    from harness.writers.contract import summary_schema

    if max_chars is not None and max_chars < 1:
        raise InputError("generation.constrained_max_chars", f"must be at least 1, got {max_chars}")
    shipped = summary_schema()
    rest = "*" if max_chars is None else f"{{0,{max_chars - 1}}}"
    string = {"type": "string", "pattern": f"^{_FIRST}{_CHAR}{rest}$"}
    return {
        "type": "object",
        "properties": {key: dict(string) for key in shipped["properties"]},
        "required": list(shipped["required"]),
        "additionalProperties": False,
    }


def worst_case_tokens(max_chars: int, keys: Sequence[str] | None = None) -> int:
    """New tokens (stop token included) within which a capped constrained output always closes."""
    if keys is None:
        from harness.writers.contract import SUMMARY_KEYS

        keys = SUMMARY_KEYS
    skeleton = json.dumps(dict.fromkeys(keys, ""), ensure_ascii=False, separators=_SEPARATORS)
    return len(skeleton.encode("utf-8")) + len(keys) * max_chars * _MAX_CHAR_BYTES + 1


class SchemaConstraint:
    """A compiled summary grammar for one tokenizer; :meth:`processor` makes a fresh per-batch logits processor.

    Only ``stop_ids`` (the end-of-turn token) may end an output, and no other added token may appear
    anywhere: xgrammar reads an added token such as ``<tool_call>`` or ``<|im_start|>`` as plain
    text, which a summary string would accept, so every added token but the stops is given to it as
    an empty (special, never allowed) token.
    """

    def __init__(self, tokenizer: Any, vocab_size: int, stop_ids: Sequence[int], max_chars: int | None = None):
        xgr = import_xgrammar()
        if not stop_ids:
            raise InputError("generation.constrained", "the tokenizer has no end-of-turn token to stop at")
        self.vocab_size = vocab_size
        self.max_chars = max_chars
        self.schema = generation_schema(max_chars)
        self.info = tokenizer_info(tokenizer, vocab_size, stop_ids)
        self.compiled = _compiler(self.info).compile_json_schema(
            json.dumps(self.schema, ensure_ascii=False), any_whitespace=False, separators=_SEPARATORS
        )
        self._batch_matchers: dict[int, Any] = {}
        self._xgr = xgr

    def processor(self) -> Any:
        """A logits processor for one ``generate`` call (it holds that call's matcher state)."""
        return _processor_class()(self.compiled, self.vocab_size, self.batch_matcher)

    def batch_matcher(self, rows: int) -> Any:
        """xgrammar's batched matcher with :data:`ROWS_PER_THREAD` rows per fill thread (one per CPU at most).

        Measured on 2 shared cores at batch 8 (``benchmarks/RESULTS.md``), a second thread made the median
        step slower (1.05 against 0.86 ms): handing work to a thread costs more than filling 8 rows' masks.
        """
        threads = max(1, min(_threads(), rows // ROWS_PER_THREAD))
        if threads not in self._batch_matchers:
            self._batch_matchers[threads] = self._xgr.BatchGrammarMatcher(max_threads=threads)
        return self._batch_matchers[threads]


def tokenizer_info(tokenizer: Any, vocab_size: int, stop_ids: Sequence[int]) -> Any:
    """xgrammar's view of the vocabulary, with every added token except ``stop_ids`` made special (empty)."""
    import xgrammar as xgr

    detected = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size, stop_token_ids=list(stop_ids))
    encoded = [""] * vocab_size
    for token, index in tokenizer.get_vocab().items():
        if index < vocab_size:
            encoded[index] = token
    for index in getattr(tokenizer, "added_tokens_decoder", {}):
        if index < vocab_size and index not in stop_ids:
            encoded[index] = ""
    return xgr.TokenizerInfo(encoded, detected.vocab_type, vocab_size=vocab_size, stop_token_ids=list(stop_ids),
                             add_prefix_space=detected.add_prefix_space)  # fmt: skip


def _threads() -> int:
    import os

    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _compiler(info: Any) -> Any:
    import xgrammar as xgr

    return xgr.GrammarCompiler(info, max_threads=_threads())


@lru_cache(maxsize=1)
def _processor_class() -> type:
    """Defined lazily so importing this module needs neither transformers nor xgrammar."""
    import torch
    import xgrammar as xgr
    from transformers import LogitsProcessor

    class SchemaLogitsProcessor(LogitsProcessor):
        """The whole batch per step: one batched accept of the new tokens, one batched bitmask fill
        (xgrammar's threads), one in-place mask of the active rows. Rows whose object is closed and
        stopped are left alone (they only receive padding).

        xgrammar's own ``contrib.hf.LogitsProcessor`` is close, but it loops over rows in Python and
        advances its matchers inside an ``assert`` (skipped under ``python -O``).
        """

        def __init__(self, compiled: Any, vocab_size: int, batch_matcher: Any) -> None:
            self.compiled = compiled
            self.vocab_size = vocab_size
            self.batch_matcher = batch_matcher
            self.batch: Any = None
            self.matchers: list[Any] = []
            self.active: list[int] = []
            self.bitmask: Any = None
            self.seen = 0

        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
            if not self.matchers:
                if scores.shape[-1] != self.vocab_size:
                    raise InputError("generation.constrained",
                                     f"logits have {scores.shape[-1]} columns, grammar vocabulary {self.vocab_size}")  # fmt: skip
                self.matchers = [xgr.GrammarMatcher(self.compiled) for _ in range(input_ids.shape[0])]
                self.batch = self.batch_matcher(len(self.matchers))
                self.active = list(range(len(self.matchers)))
                self.bitmask = xgr.allocate_token_bitmask(len(self.matchers), self.vocab_size)
                self.seen = input_ids.shape[1]  # the (left-padded) prompts: nothing to accept yet
            new = input_ids[:, self.seen :].tolist()
            self.seen = input_ids.shape[1]
            for column in range(len(new[0]) if new else 0):
                self._accept([new[row][column] for row in self.active])
            if self.active:
                self.batch.batch_fill_next_token_bitmask([self.matchers[r] for r in self.active], self.bitmask,
                                                         self.active)  # fmt: skip
                mask = self.bitmask.to(scores.device, non_blocking=True)
                xgr.apply_token_bitmask_inplace(scores, mask, vocab_size=self.vocab_size, indices=self.active)
            return scores

        def _accept(self, tokens: list[int]) -> None:
            matchers = [self.matchers[r] for r in self.active]
            accepted = xgr.BatchGrammarMatcher.batch_accept_token(matchers, tokens)
            for row, token, ok in zip(self.active, tokens, accepted, strict=True):
                if not ok:
                    raise RuntimeError(f"row {row}: token {token} breaks the grammar it was masked by")
            self.active = [r for r in self.active if not self.matchers[r].is_terminated()]

    return SchemaLogitsProcessor
