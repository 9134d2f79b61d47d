"""Session fixtures: a truly tiny Qwen2 stand-in (seconds to build) and one short LoRA run on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import FAST_LORA, FAST_TRAIN, TEST_SPEC, TEST_SYSTEM, short_summary, small_facts, summary

from harness.jsonl import write_jsonl
from harness.train.prompt import build_messages


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 64-wide Qwen2 with a 500-token BPE trained on the fixture facts and summaries."""
    from harness.train.corpus import corpus_texts
    from harness.train.tiny_model import TinySpec, build_tiny_model

    facts = small_facts(8)
    corpus = corpus_texts(facts, [summary(f) for f in facts] + [short_summary(f) for f in facts], [])
    out = tmp_path_factory.mktemp("tiny") / "base"
    build_tiny_model(corpus.texts, out, "small", TinySpec(**TEST_SPEC))
    return out


@pytest.fixture(scope="session")
def sft_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight chat-format examples with short targets."""
    path = tmp_path_factory.mktemp("sft") / "sft.jsonl"
    rows = [
        {"categoryId": f["categoryId"], "messages": build_messages(f, TEST_SYSTEM, False, short_summary(f))}
        for f in small_facts(8)
    ]
    write_jsonl(path, rows)
    return path


@pytest.fixture(scope="session")
def trained(tiny_base: Path, sft_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """Three steps, then a resumed run to six: the adapter most tests use (a ``TrainResult``)."""
    from harness.train.trainer import train_adapter

    out = tmp_path_factory.mktemp("adapter") / "adapter"
    first = train_adapter(sft_file, tiny_base, out, FAST_LORA, FAST_TRAIN.model_copy(update={"max_steps": 3}))
    second = train_adapter(sft_file, tiny_base, out, FAST_LORA, FAST_TRAIN)
    return first, second
