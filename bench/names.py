"""Deterministic synthetic names: tags, models, data sets and authors, with skewed popularity.

Every pool is built from a `random.Random` the caller seeds, so the same seed gives the same
names in the same order. Model names are new for every paper, so the vocabulary of a catalogue
grows with its size, as it does in a real feed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

TAGS: tuple[tuple[str, str, str], ...] = (
    ("language-models", "Language models", "Training, scaling and analysing LLMs."),
    ("computer-vision", "Computer vision", "Recognition, detection and segmentation in images."),
    ("multimodal", "Multimodal", "Models that read or write more than one modality."),
    ("reinforcement-learning", "Reinforcement learning", "Learning from rewards and interaction."),
    ("agents", "Agents", "LLM agents that plan, call tools and act in environments."),
    ("diffusion", "Diffusion models", "Score-based and diffusion generative models."),
    ("benchmarks", "Benchmarks", "New benchmarks and evaluation suites."),
    ("efficiency", "Efficiency", "Faster, smaller and cheaper training and inference."),
    ("speech", "Speech", "Speech processing in general."),
    ("robotics", "Robotics", "Manipulation, locomotion and embodied policies."),
    ("reasoning", "Reasoning", "Mathematical, logical and multi-step reasoning."),
    ("retrieval", "Retrieval", "Retrieval-augmented generation and search."),
    ("video", "Video", "Video understanding and generation."),
    ("code-generation", "Code generation", "Models that write, repair and explain code."),
    ("state-space-models", "State-space models", "Mamba, S4 and other recurrent alternatives."),
    ("speech-recognition", "Speech recognition", "Automatic speech recognition (ASR)."),
    ("speech-separation", "Speech separation", "Separating overlapping speakers and sources."),
    ("3d-vision", "3D vision", "3D reconstruction, novel views and scene understanding."),
    ("safety", "Safety", "Alignment, jailbreaks, red-teaming and robustness."),
    ("graphs", "Graphs", "Graph neural networks and graph sequence models."),
    ("optimization", "Optimization", "Optimisers, schedules and training dynamics."),
    ("datasets", "Datasets", "New corpora and data collection methods."),
    ("evaluation", "Evaluation", "Metrics and methodology for measuring models."),
    ("image-generation", "Image generation", "Text-to-image and image editing."),
    ("medical", "Medical", "Clinical and biomedical applications."),
    ("audio", "Audio", "Music, sound events and audio generation."),
    ("time-series", "Time series", "Forecasting and sequence modelling of signals."),
    ("theory", "Theory", "Learning theory and analysis."),
    ("interpretability", "Interpretability", "Understanding what models compute."),
    ("federated-learning", "Federated learning", "Training across devices without sharing data."),
)

# Tagging rules in the format of content/tags.yaml (whole words, any case, simple plurals,
# "*" for any ending). The generator assigns tags by popularity, not by these rules: they are
# there so that a generated tags.yaml is as large, and is checked as fully, as a real one.
TAG_KEYWORDS: dict[str, tuple[str, ...]] = {
    "language-models": ("language model", "LLM"),
    "computer-vision": ("object detection", "image classification", "segmentation"),
    "multimodal": ("multimodal", "vision-language"),
    "reinforcement-learning": ("reinforcement learning", "reward model"),
    "agents": ("agent", "tool use"),
    "diffusion": ("diffusion model", "denoising"),
    "benchmarks": ("benchmark",),
    "efficiency": ("quantiz*", "pruning", "distillation"),
    "speech": ("speech",),
    "robotics": ("robot", "manipulation policy"),
    "reasoning": ("reasoning", "chain of thought"),
    "retrieval": ("retrieval", "RAG"),
    "video": ("video",),
    "code-generation": ("code generation", "program synthesis"),
    "state-space-models": ("state space model", "Mamba", "SSM"),
    "speech-recognition": ("speech recognition", "ASR"),
    "speech-separation": ("speech separation", "source separation"),
    "3d-vision": ("point cloud", "novel view synthesis", "3D reconstruction"),
    "safety": ("jailbreak", "red teaming", "alignment"),
    "graphs": ("graph neural network", "GNN"),
    "optimization": ("optimizer", "learning rate"),
    "datasets": ("dataset", "corpus"),
    "evaluation": ("evaluation metric", "human evaluation"),
    "image-generation": ("text to image", "image generation", "image editing"),
    "medical": ("medical", "clinical"),
    "audio": ("audio", "music"),
    "time-series": ("time series", "forecasting"),
    "theory": ("theorem", "generalization bound"),
    "interpretability": ("interpretability", "probing"),
    "federated-learning": ("federated",),
}

_SYLLABLES = tuple(
    (
        "ar bel cor da el fen gal hy ion jas ka lum mor nex or pra qua ryn sol tor ul ve wyn "
        "xe yor zen mi tal vor kin sa lo re phi tes nu om dri ga zu "
    ).split()
)
_MODEL_SUFFIXES = tuple(
    (
        "Former Net GPT LM Diff Seg VLA Mix Flow Gen Fusion Agent Coder Mamba Det Vox Rank "
        "Bert Nav Sep Tok Vid Med Edit "
    ).split()
)
_VERSIONS = ("", "", "", "2", "3", "-7B", "-XL", "++", "-Lite", "1.5")
_DATASET_SUFFIXES = ("Bench", "QA", "-1K", "Set", "Eval", "-Hard", "Corpus", "Arena", "-10K")


def zipf_cum_weights(count: int, exponent: float) -> list[float]:
    """Cumulative weights of ranks 1..count under a Zipf law, for `random.choices`."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


def _stem(rng: random.Random) -> str:
    return (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)).capitalize()


def unique_model_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = _stem(rng) + rng.choice(_MODEL_SUFFIXES) + rng.choice(_VERSIONS)
        if name not in taken:
            taken.add(name)
            return name


def dataset_names(rng: random.Random, count: int) -> list[str]:
    taken: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        name = _stem(rng) + rng.choice(_DATASET_SUFFIXES)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def author_names(rng: random.Random, count: int, firsts: Sequence[str], lasts: Sequence[str]) -> list[str]:
    """`count` distinct "First Last" names; middle initials once the plain pairs run out."""
    pairs = [(f, ln) for f in firsts for ln in lasts]
    rng.shuffle(pairs)
    names: list[str] = []
    initials = "ABCDEFGHJKLMNPRSTVW"
    for round_ in range(len(initials) + 1):
        for first, last in pairs:
            if len(names) == count:
                return names
            middle = f" {initials[round_ - 1]}." if round_ else ""
            names.append(f"{first}{middle} {last}")
    raise ValueError(f"cannot make {count} distinct author names")


@dataclass(frozen=True, slots=True)
class Pools:
    """What papers draw from: popular items first, with cumulative Zipf weights."""

    tags: tuple[str, ...]
    tag_weights: tuple[float, ...]
    datasets: tuple[str, ...]
    dataset_weights: tuple[float, ...]
    authors: tuple[str, ...]
    author_weights: tuple[float, ...]


def pools(rng: random.Random, n: int, firsts: Sequence[str], lasts: Sequence[str]) -> Pools:
    """Pools sized for an `n`-paper catalogue: data sets and authors grow with `n`."""
    datasets = dataset_names(rng, max(40, n // 25))
    authors = author_names(rng, max(200, n // 4), firsts, lasts)
    return Pools(
        tags=tuple(slug for slug, _, _ in TAGS),
        tag_weights=tuple(zipf_cum_weights(len(TAGS), 1.1)),
        datasets=tuple(datasets),
        dataset_weights=tuple(zipf_cum_weights(len(datasets), 1.0)),
        authors=tuple(authors),
        author_weights=tuple(zipf_cum_weights(len(authors), 0.5)),
    )
