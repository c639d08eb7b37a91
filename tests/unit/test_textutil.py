"""Plain text of Markdown with TeX: what meta descriptions, feeds, snippets and search read."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from site_gen.textutil import CONTROL, find_control, plain_text, strip_control


@pytest.mark.parametrize(("tex", "text"), [
    (r"$\mathit{DNF}$ and $\tilde\Theta(n)$", "DNF and Θ(n)"),
    (r"$O(\sqrt{n}\log n)$ with $\epsilon$-greedy, $\frac{1}{2}$", "O(√n log n) with ϵ-greedy, 1/2"),
    (r"{\em Note} $x \in \mathbb{R}^d$, $\left( a \right)$", "Note x ∈ ℝ^d, ( a )"),
    (r"\begin{itemize} \item one \end{itemize}", "one"),
    (r"$\widetilde{O}(\sqrt{T})$ regret, 50\% of $a\,b$", "O(√T) regret, 50% of a b"),
    (r"$\arg\max_x \alpha\beta$, $\mathcal{L}_{\text{KL}}$", "arg max_x αβ, L_KL"),
])
def test_tex_reads_as_a_reader_would_say_it(tex: str, text: str) -> None:
    assert plain_text(tex) == text


@pytest.mark.parametrize(("markdown", "text"), [
    (r"A\* search beats D\* search", "A* search beats D* search"),
    (r"1\. We propose", "1. We propose"),
    (r"\# of parameters, \`\`mining'' and \_\_init\_\_", "# of parameters, ``mining'' and __init__"),
    (r"\$5 for \{x\}", "$5 for {x}"),
    ("*emphasis* and `code`", "emphasis and code"),
    ("**Bold *and* em** and ***both***, `a*b` and $x^*$", "Bold and em and both, a*b and x^*"),
    ("Q*: A* search for $5 and $6 more, 2 * 3", "Q*: A* search for $5 and $6 more, 2 * 3"),
    ("- a list item", "a list item"),
    ("see [the code](https://example.org/a_(b)) here", "see the code here"),
    (r"a [link\](javascript:alert(1)) as text", "a [link](javascript:alert(1)) as text"),
    (r"\[1](x) and [a \] b](https://example.org)", "[1](x) and a ] b"),
    ("Run\n\n```python\nx = f(a)\n```\n", "Run x = f(a)"),  # a code block without its fences and language
    ("Run\n\n~~~ {.python}\nx = f(a)\n~~~", "Run x = f(a)"),
    ("a ```code``` span", "a code span"),
])
def test_escaped_characters_are_text_and_marks_are_dropped(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


@given(st.text(alphabet=st.characters(codec=None), max_size=40))
@example("line one\nline two")
@example("form\x0cfeed")
@example("nel\x85")
@example("nonchar\U0010fffe")
def test_find_control_finds_what_the_pattern_finds(text: str) -> None:
    found, expected = find_control(text), CONTROL.search(text)
    assert (found and (found.start(), found.group())) == (expected and (expected.start(), expected.group()))
    assert strip_control(text) == CONTROL.sub("", text)
