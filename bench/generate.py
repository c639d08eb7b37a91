"""A deterministic generator of realistic paper catalogues, for site-gen and for Hugo.

`generate(root, n, seed)` writes a site-gen project (`site.yaml`, `content/tags.yaml`,
`content/papers/<slug>.md`) and, given `hugo_root`, the same papers in a Hugo project built
from `bench/hugo/`. Abstracts of 150-300 words recombine real abstract sentences (opening,
middle and closing sentences keep their place) with sentences naming a new model and a few
data sets, so the vocabulary grows with `n`; a few rare word variants per paper add a long
tail. Tags (1-4, of 30 that carry keyword rules) and authors (2-8) follow Zipf laws; dates
span three years. The same `(n, seed)` gives byte-identical files.

    python -m bench.generate ROOT N [--seed S] [--hugo DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bench import corpus, names

MARKER = ".bench-catalogue"
HUGO_TEMPLATE = Path(__file__).resolve().parent / "hugo"
FIRST_DAY = dt.date(2023, 1, 1)
DAYS = 3 * 365
MIN_WORDS, MAX_WORDS = 150, 300
SLUG_CHARS = 60

_ADJECTIVES = (
    "simple scalable lightweight unified modular efficient robust training-free "
    "data-efficient general-purpose hierarchical self-supervised"
).split()
_PROPOSE = (
    "To address this, we propose {model}, a {adj} approach that builds on {other}.",
    "We introduce {model}, a {adj} framework evaluated on {ds1} and {ds2}.",
    "In this work, we present {model}, which extends {other} with a {adj} design.",
    "We release {model}, a {adj} model trained on {count} examples from {ds1}.",
)
_RESULT = (
    "On {ds1}, {model} improves accuracy by {pct}% over {other} while using {ratio}x fewer parameters.",
    "{model} reaches {score} on {ds1} and transfers to {ds2} without fine-tuning.",
    "Compared with {other}, {model} reduces the error rate on {ds2} by {pct}%.",
    "Code, checkpoints and the {ds1} evaluation split for {model} are publicly available.",
)
_PREFIXES = ("re", "un", "sub", "multi", "hyper", "meta", "pseudo", "semi", "cross", "over")
_TAG_COUNTS = ((1, 2, 3, 4), (30, 35, 22, 13))
_AUTHOR_COUNTS = ((2, 3, 4, 5, 6, 7, 8), (10, 18, 20, 18, 14, 11, 9))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What `generate` wrote: slugs in generation order."""

    root: Path
    slugs: tuple[str, ...]
    hugo_root: Path | None


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_CHARS and slug:
            break
        slug = candidate
    return slug[:SLUG_CHARS].strip("-") or "paper"


class _Writer:
    """Draws one paper after another from a single seeded random stream."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.text = corpus.load()
        self.pools = names.pools(self.rng, n, self.text.first_names, self.text.last_names)
        self.models: list[str] = []
        self.model_set: set[str] = set()
        self.slugs: set[str] = set()
        self.arxiv_ids: set[str] = set()
        self.middle_words = [len(m.split()) for m in self.text.middles]

    def _fill(self, template: str, model: str) -> str:
        rng, pools = self.rng, self.pools
        ds1, ds2 = rng.choices(pools.datasets, cum_weights=pools.dataset_weights, k=2)
        if ds2 == ds1:
            ds2 = rng.choice(pools.datasets)
        other = rng.choice(self.models) if self.models else "prior work"
        numbers = {
            "count": f"{rng.randint(2, 900)}K",
            "pct": f"{rng.randint(5, 399) / 10:.1f}",
            "ratio": f"{rng.randint(2, 12)}",
            "score": f"{rng.randint(300, 990) / 10:.1f}",
        }
        adj = rng.choice(_ADJECTIVES)
        return template.format(model=model, other=other, ds1=ds1, ds2=ds2, adj=adj, **numbers)

    def _variant(self, sentence: str) -> str:
        """Replace one long word by a rare prefixed variant ("subsampling", "metaretrieval")."""
        words = sentence.split(" ")
        spots = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.islower()]
        if not spots:
            return sentence
        i = self.rng.choice(spots)
        words[i] = self.rng.choice(_PREFIXES) + words[i]
        return " ".join(words)

    def abstract(self, model: str) -> str:
        rng, text = self.rng, self.text
        target = rng.randint(MIN_WORDS + 20, MAX_WORDS - 20)
        head = [rng.choice(text.openings), self._fill(rng.choice(_PROPOSE), model)]
        tail = [self._fill(rng.choice(_RESULT), model), rng.choice(text.closings)]
        count = sum(len(s.split()) for s in head + tail)
        middle: list[str] = []
        for _ in range(40):
            if count >= target:
                break
            k = rng.randrange(len(text.middles))
            if count + self.middle_words[k] <= MAX_WORDS:
                middle.append(text.middles[k])
                count += self.middle_words[k]
        for _ in range(rng.randint(0, 2)):
            if middle:
                k = rng.randrange(len(middle))
                middle[k] = self._variant(middle[k])
        return " ".join(head + middle + tail)

    def title(self, model: str) -> str:
        """Mostly "Model: phrase", so that slugs, cut at 60 characters, stay distinct."""
        rng, pools = self.rng, self.pools
        style = rng.random()
        if style < 0.6:
            return f"{model}: {rng.choice(self.text.titles)}"
        if style < 0.85:
            return f"{rng.choice(self.text.short_titles)} with {model}"
        dataset = rng.choices(pools.datasets, cum_weights=pools.dataset_weights)[0]
        return f"{model} on {dataset}: {rng.choice(self.text.titles)}"

    def unique_slug(self, title: str) -> str:
        base = slugify(title)
        slug, k = base, 2
        while slug in self.slugs:
            slug, k = f"{base}-{k}", k + 1
        self.slugs.add(slug)
        return slug

    def arxiv(self, day: dt.date) -> str:
        while True:
            ident = f"{day.year % 100:02d}{day.month:02d}.{self.rng.randint(1, 29999):05d}"
            if ident not in self.arxiv_ids:
                self.arxiv_ids.add(ident)
                return ident

    def paper(self) -> tuple[str, bytes]:
        rng, pools = self.rng, self.pools
        model = names.unique_model_name(rng, self.model_set)
        title = self.title(model)
        abstract = self.abstract(model)
        self.models.append(model)
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        tag_count = rng.choices(*_TAG_COUNTS)[0]
        tags: list[str] = []
        while len(tags) < tag_count:
            tag = rng.choices(pools.tags, cum_weights=pools.tag_weights)[0]
            if tag not in tags:
                tags.append(tag)
        author_count = rng.choices(*_AUTHOR_COUNTS)[0]
        authors: list[str] = []
        while len(authors) < author_count:
            author = rng.choices(pools.authors, cum_weights=pools.author_weights)[0]
            if author not in authors:
                authors.append(author)
        text = (
            "---\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            f"date: {day.isoformat()}\n"
            f"tags: [{', '.join(tags)}]\n"
            f"authors: [{', '.join(json.dumps(a, ensure_ascii=False) for a in authors)}]\n"
            f'arxiv: "{self.arxiv(day)}"\n'
            "source: daily\n"
            "---\n"
            f"{abstract}\n"
        )
        return self.unique_slug(title), text.encode("utf-8")


def _prepare(folder: Path) -> None:
    """Empty a folder this generator made before; refuse any other non-empty folder."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise FileExistsError(f"{folder} is not empty and was not made by bench.generate")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("generated by bench.generate; may be deleted\n")


def tags_yaml() -> str:
    lines = ["tags:"]
    for slug, name, description in names.TAGS:
        lines += [
            f"  - slug: {slug}",
            f"    name: {json.dumps(name)}",
            f"    description: {json.dumps(description)}",
            f"    keywords: [{', '.join(json.dumps(k) for k in names.TAG_KEYWORDS[slug])}]",
        ]
    return "\n".join(lines) + "\n"


def site_yaml(n: int, seed: int) -> str:
    return f'title: "Generated catalogue ({n} papers, seed {seed})"\npage_size: 50\n'


def hugo_config(n: int, seed: int) -> str:
    config = (HUGO_TEMPLATE / "hugo.toml").read_text(encoding="utf-8")
    return re.sub(
        r"^title = .*$",
        f'title = "Generated catalogue ({n} papers, seed {seed})"',
        config,
        count=1,
        flags=re.MULTILINE,
    )


def generate(root: Path, n: int, seed: int = 0, hugo_root: Path | None = None) -> Catalogue:
    """Write an `n`-paper catalogue into `root` (and a Hugo project into `hugo_root`)."""
    writer = _Writer(n, seed)
    _prepare(root)
    papers_dir = root / "content" / "papers"
    papers_dir.mkdir(parents=True)
    (root / "site.yaml").write_text(site_yaml(n, seed), encoding="utf-8")
    (root / "content" / "tags.yaml").write_text(tags_yaml(), encoding="utf-8")
    hugo_papers: Path | None = None
    if hugo_root is not None:
        _prepare(hugo_root)
        shutil.copytree(HUGO_TEMPLATE / "layouts", hugo_root / "layouts")
        (hugo_root / "hugo.toml").write_text(hugo_config(n, seed), encoding="utf-8")
        hugo_papers = hugo_root / "content" / "papers"
        hugo_papers.mkdir(parents=True)
    slugs: list[str] = []
    for _ in range(n):
        slug, data = writer.paper()
        slugs.append(slug)
        with open(papers_dir / f"{slug}.md", "wb") as file:
            file.write(data)
    if hugo_papers is not None:
        _mirror(papers_dir, hugo_papers, slugs)
    return Catalogue(root=root, slugs=tuple(slugs), hugo_root=hugo_root)


def _mirror(source: Path, target: Path, slugs: list[str]) -> None:
    """Hard-link the paper files into the Hugo project (a copy across file systems).

    Whoever edits a paper afterwards replaces the file (write, then rename), which leaves
    the other project's link untouched.
    """
    for slug in slugs:
        name = f"{slug}.md"
        try:
            os.link(source / name, target / name)
        except OSError:
            shutil.copyfile(source / name, target / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hugo", type=Path, default=None, help="also write a Hugo project here")
    args = parser.parse_args(argv)
    catalogue = generate(args.root, args.n, args.seed, args.hugo)
    print(f"{len(catalogue.slugs)} papers in {args.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
