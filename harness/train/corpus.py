"""The project's own text corpus: what the stand-ins' tokenizer and pretraining see.

Facts JSON (compact, as in prompts), template summaries and review texts of the non-golden
categories. Golden categories are left out here too, so the base model never reads a golden
category's summary before it is evaluated on it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template

from harness.ids import category_key
from harness.train.config import SYSTEM_PROMPT
from harness.train.prompt import build_messages, prompt_facts, shown_facts
from harness.train.tiny_model import TinyBuild, TinySpec, build_tiny_model, chat_template


@dataclass(frozen=True)
class Corpus:
    """Texts plus how many of each kind, for the build log.

    ``texts`` (everything) trains the tokenizer; ``pretrain_texts`` (the chat-rendered pairs and the
    summaries) is what the base is pretrained on. Measured on the sample corpus: at the same
    pretraining tokens, dropping the standalone facts JSON and the reviews from pretraining took the
    small stand-in's loss from 1.28 to 0.77 and, after the preset's LoRA step, its golden outputs from
    0/8 to 15/16 valid JSON; digit-heavy facts and free-form reviews otherwise take most of a budget
    this short, and the model drifts from the summary back into facts JSON.
    """

    texts: list[str]
    facts: int
    summaries: int
    reviews: int
    pretrain_texts: list[str] = field(default_factory=list)


def corpus_texts(
    facts_list: Iterable[Mapping[str, Any]],
    summaries: Iterable[Mapping[str, str]],
    review_texts: Iterable[str],
    max_reviews: int = 500,
    chat_pairs: bool = False,
) -> Corpus:
    """Assembles the corpus from already computed pieces (used by the CLI and by tests).

    With ``chat_pairs``, each (facts, summary) pair is also rendered through the Qwen2.5 chat
    template, so the base knows the chat format the way an *Instruct* checkpoint does before LoRA.
    """
    texts: list[str] = []
    pretrain: list[str] = []
    facts_list, summaries = list(facts_list), list(summaries)
    n_facts = n_sum = n_rev = 0
    for facts in facts_list:
        texts.append(json.dumps(prompt_facts(facts, use_review_text=True), ensure_ascii=False, separators=(",", ":")))
        n_facts += 1
    for summary in summaries:
        pretrain.append(json.dumps(dict(summary), ensure_ascii=False))
        n_sum += 1
    if chat_pairs:
        template = Template(chat_template())
        for facts, summary in zip(facts_list, summaries, strict=False):
            messages = build_messages(facts, SYSTEM_PROMPT, use_review_text=False, target=summary)
            pretrain.append(template.render(messages=messages, add_generation_prompt=False))
    texts.extend(pretrain)
    for text in review_texts:
        if n_rev >= max_reviews:
            break
        if isinstance(text, str) and text.strip():
            texts.append(text.strip())
            n_rev += 1
    return Corpus(texts=texts, facts=n_facts, summaries=n_sum, reviews=n_rev, pretrain_texts=pretrain)


def corpus_from_exports(
    products: str, reviews: str, exclude_ids: Collection[str], subsamples: int = 4, seed: int = 0
) -> Corpus:
    """Builds the corpus from the export CSVs: facts and template summaries per non-golden category.

    Besides each category's own facts, ``subsamples`` random product subsets per category add
    facts/summary variety (summaries are what the stand-in must write), and reviews are capped so
    they do not drown the rest in the short pretraining.
    """
    from harness.data.load import load_exports
    from harness.facts import facts_for, prepare_categories
    from harness.writers.template import write_summary

    exports = load_exports(products, reviews)
    excluded = {category_key(c) for c in exclude_ids}
    categories = prepare_categories(exports.products, exports.reviews, insights=False)  # raw reviews go in below
    rng = random.Random(seed)
    facts_list = []
    for cid, data in categories.items():
        if category_key(cid) in excluded:
            continue
        facts_list.append(facts_for(data))
        n = data.product_count
        facts_list.extend(facts_for(data, product_subset=sorted(rng.sample(range(n), max(3, int(n * 0.7)))))
                          for _ in range(subsamples if n > 3 else 0))
    summaries = [write_summary(shown_facts(f, use_review_text=False)) for f in facts_list]  # what the pairs' prompts show
    keep_products = {
        str(p)
        for p, c in zip(exports.products["id"], exports.products["category_id"], strict=False)
        if category_key(c) not in excluded
    }
    revs = exports.reviews
    texts = revs.loc[revs["product_id"].astype(str).isin(keep_products), "review_text"].dropna().tolist()
    return corpus_texts(facts_list, summaries, texts, chat_pairs=True)


def build_stand_in(
    products: str, reviews: str, golden: Collection[str], out: str | Path, size: str, spec: TinySpec
) -> tuple[TinyBuild, Corpus]:
    """Builds a stand-in base from the exports: the one path ``harness tiny-model`` and the ``hf``
    variant share, so both train the tokenizer on the whole corpus, pretrain on its pairs and
    summaries, and record the golden ids kept out (the variant reuses a base only when they cover
    its golden set)."""
    excluded = sorted({category_key(g) for g in golden})
    corpus = corpus_from_exports(products, reviews, excluded)
    built = build_tiny_model(corpus.texts, out, size, spec, {"excluded_category_ids": excluded},
                             pretrain_texts=corpus.pretrain_texts)  # fmt: skip
    return built, corpus
