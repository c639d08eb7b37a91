"""The taxonomy: tags.yaml and its diagnostics, how rules match, and the catalogue's own tags."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_gen import taxonomy
from site_gen.errors import Diagnostic
from site_gen.model import Rule, Tag

REPO = Path(__file__).resolve().parents[2]
TAGS_YAML = REPO / "content" / "tags.yaml"
SEED = REPO / "tests" / "fixtures" / "seed" / "daily-2025-03-11.txt"
HF_SAMPLE = REPO / "tests" / "fixtures" / "samples" / "hf_daily.json"
BROKEN = REPO / "tests" / "fixtures" / "taxonomy"


def seed_papers() -> list[tuple[str, str]]:
    """(title, abstract) of each seed paper: after the date line, a title line, a blank line
    and an abstract line."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}", line))
    rest = [line.strip() for line in lines[start + 1 :] if line.strip()]
    return list(zip(rest[::2], rest[1::2], strict=True))


@pytest.fixture(scope="module")
def tags() -> tuple[Tag, ...]:
    found, problems = taxonomy.load(TAGS_YAML, "content/tags.yaml")
    assert [str(d) for d in problems] == []
    return found


@pytest.fixture(scope="module")
def seed_tags(tags: tuple[Tag, ...]) -> dict[str, tuple[str, ...]]:
    return {title: taxonomy.match(tags, title, abstract) for title, abstract in seed_papers()}


def tags_of(found: Mapping[str, Iterable[str]], title_start: str) -> set[str]:
    (title,) = [title for title in found if title.startswith(title_start)]
    return set(found[title])


def load_text(tmp_path: Path, text: str) -> tuple[tuple[Tag, ...], list[Diagnostic]]:
    path = tmp_path / "tags.yaml"
    path.write_text(text, encoding="utf-8")
    return taxonomy.load(path, "content/tags.yaml")


def one_tag(tmp_path: Path, rules: str) -> tuple[Tag, ...]:
    found, problems = load_text(tmp_path, f"tags:\n  - slug: t\n    name: T\n{rules}")
    assert problems == []
    return found


# --- the catalogue's taxonomy -----------------------------------------------------------------


def test_the_catalogue_taxonomy_is_complete_and_clean(tags: tuple[Tag, ...]) -> None:
    slugs = [tag.slug for tag in tags]
    assert len(slugs) == len(set(slugs)) >= 40
    assert all(taxonomy.SLUG.fullmatch(slug) for slug in slugs)
    assert all(tag.name and tag.description and tag.rules for tag in tags)


def test_the_seed_has_57_papers() -> None:
    papers = seed_papers()
    assert len(papers) == 57
    assert papers[0][0].startswith("MossFormer2")


def test_every_seed_paper_gets_a_tag(seed_tags: dict[str, tuple[str, ...]]) -> None:
    assert [title for title, found in seed_tags.items() if not found] == []


def test_no_tag_holds_most_of_the_seed(seed_tags: dict[str, tuple[str, ...]]) -> None:
    counts = Counter(slug for found in seed_tags.values() for slug in found)
    assert {slug: n for slug, n in counts.items() if n >= 0.4 * len(seed_tags)} == {}


SEED_EXPECTATIONS = [
    # (title starts with, tags it must have, tags it must not have)
    ("MossFormer2", {"speech-separation", "speech"}, {"speech-enhancement", "text-to-speech"}),
    ("Prediction of speech intelligibility", {"speech"}, {"text-to-speech"}),
    ("An Empirical Study of Mamba", {"state-space-models", "large-language-models"}, set()),
    (
        "Investigating the Impact",
        {"large-language-models", "learning-theory"},
        {"distributed-training"},
    ),
    ("Stateful Conformer", {"speech-recognition", "speech"}, {"text-to-speech"}),
    ("Combining Recurrent, Convolutional", {"state-space-models"}, {"computer-vision"}),
    ("Sparse Modular Activation", {"state-space-models", "attention"}, {"machine-translation"}),
    ("SpecDec++", {"speculative-decoding", "efficient-inference"}, {"reinforcement-learning"}),
    ("FineQuant", {"quantization", "large-language-models"}, {"mixture-of-experts"}),
    ("Energy-Based Diffusion", {"diffusion-models", "large-language-models"}, set()),
    ("Dealing with training and test", {"machine-translation", "speech"}, {"computer-vision"}),
    ("Fish-Speech", {"text-to-speech", "multilingual"}, {"quantization", "large-language-models"}),
    ("A Mixture of Expert Approach", {"mixture-of-experts", "on-device"}, set()),
    ("Dual Grained Quantization", {"quantization"}, set()),
    ("Recognizing Extended Spatiotemporal", {"information-extraction"}, set()),
    ("DeepSpeed-MoE", {"mixture-of-experts", "efficient-inference"}, set()),
    ("Pheme", {"text-to-speech"}, {"audio", "efficient-inference"}),
    ("S2D", {"speculative-decoding"}, set()),
    ("TODM", {"speech-recognition", "model-compression", "on-device"}, {"recurrent-networks"}),
    (
        "A Critical Review of Recurrent",
        {"recurrent-networks", "surveys"},
        {"speech", "robotics", "multimodal", "retrieval", "time-series", "audio"},
    ),
    ("HybriDNA", {"biology", "state-space-models"}, {"large-language-models"}),
    ("Compact Language Models via Pruning", {"model-compression", "large-language-models"}, set()),
    (
        "Scaling Speech-Text Pre-training",
        {"spoken-language-models", "speech"},
        {"speech-recognition", "quantization", "text-to-speech"},
    ),
    ("DMoERM", {"mixture-of-experts", "alignment"}, {"reinforcement-learning", "fine-tuning"}),
    ("FastSpeech", {"text-to-speech", "speech"}, set()),
    ("ProDiff", {"text-to-speech", "diffusion-models"}, {"model-compression"}),
    ("Stock Price Prediction", {"time-series", "finance"}, set()),
    (
        "Effectiveness of Mining Audio",
        {"speech-recognition", "multilingual", "benchmarks"},
        {"audio", "information-extraction"},
    ),
    ("Denoising LM", {"speech-recognition"}, {"text-to-speech", "speech-enhancement"}),
    ("Adding Gradient Noise", {"optimization"}, set()),
    ("Masked Audio Generation", {"audio"}, {"speech", "text-to-speech"}),
    ("Recursive Speculative Decoding", {"speculative-decoding", "efficient-inference"}, set()),
    ("Attention Is Not All You Need", {"attention"}, {"computer-vision"}),
    (
        "Speech Enhancement and Dereverberation",
        {"speech-enhancement", "diffusion-models"},
        {"speech-separation"},
    ),
    ("Parallel Decoding via Hidden Transfer", {"speculative-decoding"}, set()),
    ("NUPES", {"quantization"}, set()),
    ("PDP", {"model-compression"}, {"computer-vision", "efficient-inference"}),
    ("A Survey on Mixture of Experts", {"mixture-of-experts", "surveys"}, {"computer-vision"}),
    ("Scalable and Efficient MoE Training", {"mixture-of-experts", "multilingual"}, set()),
]


@pytest.mark.parametrize(
    ("title", "wanted", "unwanted"), SEED_EXPECTATIONS, ids=[e[0] for e in SEED_EXPECTATIONS]
)
def test_seed_paper_tags(
    seed_tags: dict[str, tuple[str, ...]], title: str, wanted: set[str], unwanted: set[str]
) -> None:
    found = tags_of(seed_tags, title)
    assert wanted <= found and not unwanted & found, sorted(found)


def test_every_paper_of_a_2026_daily_page_gets_a_tag(tags: tuple[Tag, ...]) -> None:
    """Papers the rules were not written from: a saved Hugging Face daily page of July 2026."""
    papers = {
        item["paper"]["title"]: item["paper"]["summary"]
        for item in json.loads(HF_SAMPLE.read_text())
    }
    found = {
        title: set(taxonomy.match(tags, title, abstract)) for title, abstract in papers.items()
    }
    assert [title for title, slugs in found.items() if not slugs] == []
    assert {"robotics"} <= tags_of(found, "HiFi-UMI")
    assert {"safety"} <= tags_of(found, "Shieldstral")
    assert {"agents", "code-generation"} <= tags_of(found, "CodeNib")
    step_distillation = tags_of(found, "Parallel Decoding Distillation")
    assert {"video-generation", "diffusion-models"} <= step_distillation
    assert not {"model-compression", "speculative-decoding"} & step_distillation


TITLE_EXPECTATIONS = [
    (
        "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
        {"alignment"},
        set(),
    ),
    ("Mixtral of Experts", {"mixture-of-experts", "large-language-models"}, set()),
    ("QLoRA: Efficient Finetuning of Quantized LLMs", {"fine-tuning", "quantization"}, set()),
    (
        "Efficient Memory Management for Large Language Model Serving with PagedAttention",
        {"efficient-inference"},
        {"retrieval"},
    ),
    ("3D Gaussian Splatting for Real-Time Radiance Field Rendering", {"3d-vision"}, set()),
    (
        "HiFi-GAN: Generative Adversarial Networks for Efficient and High Fidelity "
        "Speech Synthesis",
        {"text-to-speech"},
        {"image-generation", "safety"},
    ),
    (
        "RT-2: Vision-Language-Action Models Transfer Web Knowledge to Robotic Control",
        {"robotics"},
        set(),
    ),
    ("Qwen2 Technical Report", {"large-language-models"}, set()),
    (
        "Optimal learning via local entropies and sample compression",
        {"learning-theory"},
        {"model-compression"},
    ),
    (
        "Image-to-Image Translation with Conditional Adversarial Networks",
        {"image-generation"},
        {"machine-translation"},
    ),
]


@pytest.mark.parametrize(
    ("title", "wanted", "unwanted"), TITLE_EXPECTATIONS, ids=[e[0][:30] for e in TITLE_EXPECTATIONS]
)
def test_well_known_titles(
    tags: tuple[Tag, ...], title: str, wanted: set[str], unwanted: set[str]
) -> None:
    found = set(taxonomy.match(tags, title, ""))
    assert wanted <= found and not unwanted & found, sorted(found)


def test_a_large_import_compiles_each_tags_rules_once(tags: tuple[Tag, ...],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """What keeps matching an import of thousands of papers to a fraction of a second: a tag's
    rules become patterns once, not once a paper."""
    compiled = []
    side = taxonomy._side
    monkeypatch.setattr(taxonomy, "_CACHE", {})
    monkeypatch.setattr(taxonomy, "_side", lambda rules, field: compiled.append(field) or side(rules, field))
    papers = seed_papers() * 20
    found = [taxonomy.match(tags, title, abstract) for title, abstract in papers]
    assert len(compiled) == 4 * len(tags)
    assert found == [taxonomy.match(tags, title, abstract) for title, abstract in papers]


# --- how rules match ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("moe", "Sparse MoE layers", True),
        ("moe", "RMoE routers", False),  # whole words only
        ("gan", "organ donors", False),
        ("text to speech", "zero-shot Text-to-Speech", True),
        ("text-to-speech", "text to speech", True),
        ("text to speech", "text\u2013to\u2013speech", True),  # en dashes
        ("pre-training", "pretraining at scale", True),
        ("pre-training", "pre training", True),
        ("transformer", "Transformers are", True),
        ("policy", "two policies", True),
        ("mixture of expert", "Mixture-of-Experts (MoE)", True),
        ("quantiz*", "we quantized the weights", True),
        ("quantiz*", "Quantization", True),
        ("quantiz*", "requantized", False),
        ("fine-tun*", "finetuning", True),
        ("fine-tun*", "fine-tuned", True),
        ("c++", "C++ code", True),
        ("3D", "3D scenes", True),
        ("3D", "3DGS", False),
        ("speech", "speechless", False),
    ],
)
def test_keyword(keyword: str, text: str, expected: bool) -> None:
    tag = Tag("t", "T", rules=(Rule(taxonomy.keyword_pattern(keyword), "any", keyword),))
    assert bool(taxonomy.match([tag], text, "")) is expected
    assert bool(taxonomy.match([tag], "", text)) is expected


def test_title_rules_ignore_the_abstract(tmp_path: Path) -> None:
    tags = one_tag(tmp_path, "    title_keywords: [review]\n    title_patterns: ['\\bsurvey\\b']\n")
    assert taxonomy.match(tags, "A Review of RNNs", "") == ("t",)
    assert taxonomy.match(tags, "A Survey of RNNs", "") == ("t",)
    assert taxonomy.match(tags, "RNNs", "We review RNNs and survey them.") == ()


def test_exclusions_keep_a_tag_off(tmp_path: Path) -> None:
    tags = one_tag(
        tmp_path,
        "    title_keywords: [distill*]\n    exclude_keywords: [score distillation]\n"
        "    exclude_title_keywords: [dataset]\n",
    )
    assert taxonomy.match(tags, "Distilling LLMs", "Knowledge distillation.") == ("t",)
    assert taxonomy.match(tags, "Distilling diffusion", "Variational score distillation.") == ()
    assert taxonomy.match(tags, "Dataset Distillation", "") == ()
    assert taxonomy.match(tags, "Distilling LLMs", "A new dataset.") == ("t",)  # title only


def test_patterns_ignore_case_unless_told(tmp_path: Path) -> None:
    tags = one_tag(tmp_path, "    patterns: ['\\bw\\d+a\\d+\\b', '(?-i:\\bZeRO\\b)']\n")
    assert taxonomy.match(tags, "", "W4A16 kernels") == ("t",)
    assert taxonomy.match(tags, "", "ZeRO offload") == ("t",)
    assert taxonomy.match(tags, "", "zero-shot") == ()


@pytest.mark.parametrize("rule_form, text_form", [("NFC", "NFD"), ("NFD", "NFC")])
def test_an_accented_letter_matches_whether_composed_or_not(tmp_path: Path, rule_form: str, text_form: str) -> None:
    """macOS and text copied from PDFs often write é as e and a combining accent (NFD)."""
    rules = "    keywords: [Schrödinger bridge]\n    title_patterns: ['\\bPoincaré\\b']\n"
    tags = one_tag(tmp_path, unicodedata.normalize(rule_form, rules))
    assert taxonomy.match(tags, "", unicodedata.normalize(text_form, "Diffusion Schrödinger Bridges")) == ("t",)
    assert taxonomy.match(tags, unicodedata.normalize(text_form, "Poincaré embeddings"), "") == ("t",)
    assert taxonomy.match(tags, "Poincare embeddings", "Schrodinger bridges") == ()


def test_rules_read_an_abstract_s_escaped_characters_as_themselves(tmp_path: Path) -> None:
    tags = one_tag(tmp_path, "    patterns: ['\\bA\\* search', '\\d%']\n")
    assert taxonomy.match(tags, "", "We compare A\\* search with BFS.") == ("t",)  # as an importer writes it
    assert taxonomy.match(tags, "", "Fewer errors by 5\\%.") == ("t",)
    assert taxonomy.match(tags, "", "A search") == ()


def test_tags_come_in_taxonomy_order(tmp_path: Path) -> None:
    found, _ = load_text(
        tmp_path,
        "tags:\n  - {slug: b, name: B, keywords: [speech]}\n"
        "  - {slug: a, name: A, keywords: [speech]}\n",
    )
    assert taxonomy.match(found, "Speech", "") == ("b", "a")


def test_rules_made_in_code_are_regular_expressions_on_a_field() -> None:
    tag = Tag("t", "T", rules=(Rule(r"\bspeech\b", "abstract"),))
    assert taxonomy.match([tag], "Speech", "") == ()
    assert taxonomy.match([tag], "", "Speech") == ("t",)


def test_a_new_taxonomy_is_compiled_afresh(tmp_path: Path) -> None:
    first = one_tag(tmp_path, "    keywords: [speech]\n")
    assert taxonomy.match(first, "Speech", "") == ("t",)
    second = one_tag(tmp_path, "    keywords: [audio]\n")
    assert taxonomy.match(second, "Speech", "") == ()


WORD = st.text("abcsy", min_size=1, max_size=4)


@given(
    words=st.lists(WORD, min_size=1, max_size=3),
    joiners=st.lists(st.sampled_from([" ", "-", ""]), min_size=2, max_size=2),
    upper=st.booleans(),
)
def test_a_keyword_finds_itself_however_it_is_joined(
    words: list[str], joiners: list[str], upper: bool
) -> None:
    written = words[0] + "".join(j + w for j, w in zip(joiners, words[1:], strict=False))
    written = written.upper() if upper else written
    keyword = " ".join(words)
    tag = Tag("t", "T", rules=(Rule(taxonomy.keyword_pattern(keyword), "any", keyword),))
    assert taxonomy.match([tag], f"On {written}, again", "") == ("t",)


@given(
    keyword=st.text("abcsy *-", min_size=1, max_size=8).filter(lambda k: re.search(r"\w", k)),
    text=st.text("abcsyAB -.", max_size=30),
)
def test_the_word_prefilter_never_changes_the_answer(keyword: str, text: str) -> None:
    pattern = taxonomy.keyword_pattern(keyword)
    tag = Tag("t", "T", rules=(Rule(pattern, "any", keyword),))
    expected = re.search(pattern, text.lower()) is not None
    assert bool(taxonomy.match([tag], "", text)) is expected


# --- loading and diagnostics ----------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir() if p.is_dir()))
def test_broken_tags_yaml(case: str) -> None:
    _, problems = taxonomy.load(BROKEN / case / "tags.yaml", "content/tags.yaml")
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [str(d) for d in sorted(problems, key=Diagnostic.sort_key)] == expected


def test_problems_leave_the_good_tags() -> None:
    found, _ = taxonomy.load(BROKEN / "duplicate-slug" / "tags.yaml")
    assert [(t.slug, t.name) for t in found] == [("speech", "Speech"), ("audio", "Audio")]
    found, _ = taxonomy.load(BROKEN / "bad-slug" / "tags.yaml")
    assert [t.slug for t in found] == ["speech-recognition"]


def test_no_file_or_an_empty_one_is_an_empty_taxonomy(tmp_path: Path) -> None:
    assert taxonomy.load(tmp_path / "missing.yaml") == ((), [])
    assert load_text(tmp_path, "") == ((), [])
    assert load_text(tmp_path, "# nothing yet\ntags:\n") == ((), [])


def test_the_display_path_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text("tags: {}\n", encoding="utf-8")
    assert [str(d) for d in taxonomy.load(path)[1]] == [
        f"{path}:1: 'tags' must be a list of tags, not a mapping"
    ]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_bytes(b"tags:\n  - slug: caf\xe9\n")
    (problem,) = taxonomy.load(path, "content/tags.yaml")[1]
    assert (problem.line, problem.message) == (2, "not valid UTF-8: byte 0xe9 at offset 19")


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert [str(d) for d in load_text(tmp_path, "- slug: a\n")[1]] == [
        "content/tags.yaml:1: expected a mapping with the key 'tags', not a list"
    ]


@pytest.mark.usefixtures("hang_guard")
def test_a_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    _, problems = load_text(tmp_path, "\n".join(lines) + "\ntags: *i\n")
    assert problems and all("anchors and aliases" in d.message for d in problems)


def test_a_keyword_yaml_reads_as_a_boolean_is_named_as_one(tmp_path: Path) -> None:
    _, problems = load_text(tmp_path, "tags:\n  - slug: t\n    name: T\n    keywords: [ON, speech]\n")
    assert [str(d) for d in problems] == [
        "content/tags.yaml:4: an item of 'keywords' must be a string, not a boolean "
        "(YAML reads yes, no, on, off, true and false as booleans: put the value in quotes)"]


def test_descriptions_may_be_left_out_and_are_one_line(tmp_path: Path) -> None:
    found, problems = load_text(
        tmp_path,
        "tags:\n  - slug: a\n    name: A\n  - slug: b\n    name: B\n"
        "    description: >\n      Two\n      lines.\n",
    )
    assert problems == []
    assert [(t.slug, t.description) for t in found] == [("a", ""), ("b", "Two lines.")]


def test_a_control_character_in_a_tag_name_or_description_is_named_at_its_key(tmp_path: Path) -> None:
    text = 'tags:\n  - slug: t\n    name: "T\\uFFFE"\n    description: "a \\e[1m bold"\n'
    found, problems = load_text(tmp_path, text)
    assert found == ()
    assert [str(d) for d in problems] == [
        "content/tags.yaml:3: 'name' contains the control character U+FFFE (remove it)",
        "content/tags.yaml:4: 'description' contains the control character U+001B (remove it)",
    ]
