"""lunr.js 2.3.9's text pipeline and the JavaScript arithmetic its builder relies on, in Python.

Each function reproduces one piece of ``node_modules/lunr/lunr.js`` exactly, including the
places where lunr.py 0.8.0 differs: ``\\s`` keeps its JavaScript meaning, the trimmer strips
``(`` from ``(1.3b`` and keeps ``o'brien``, the Porter stemmer's step 1c only turns ``y`` into
``i`` after a consonant (``survey``, ``key``, ``day`` stay as they are), lengths count UTF-16
code units, and ``Math.log`` is fdlibm's.

One piece differs from lunr.js on purpose: its trimmer's ``\\W`` is ASCII-only, so it strips
every letter outside A-Z from the edges of a word, and a word in Cyrillic, Greek, Chinese or
any other script but Latin becomes the empty term, which no search can find (``Иван`` is
nothing, ``café`` is ``caf``). Here letters, marks and digits of every script are part of a
word (``trim``); on ASCII the two trimmers are the same. The theme's search engine trims
queries the same way, and lunr.js needs no trimmer to read the index.
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

LUNR_VERSION = "2.3.9"

# lunr.tokenizer.separator = /[\s\-]+/ with JavaScript's \s (WhiteSpace and LineTerminator).
_TOKEN = re.compile(r"[^\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+")
_NOT_PY_SPACE = re.compile(r"[\x1c-\x1f\x85\ufeff]")  # where str.split() and JavaScript's \s differ
# lunr.trimmer on ASCII: s.replace(/^\W+/, '').replace(/\W+$/, ''), where \W is [^A-Za-z0-9_].
_LEADING = re.compile(r"^[^A-Za-z0-9_]+")
_TRAILING = re.compile(r"[^A-Za-z0-9_]+$")

STOP_WORDS = frozenset(
    """a able about across after all almost also am among an and any are as at be because been
    but by can cannot could dear did do does either else ever every for from get got had has have
    he her hers him his how however i if in into is it its just least let like likely may me might
    most must my neither no nor not of off often on only or other our own rather said say says she
    should since so some than that the their them then there these they this tis to too twas us
    wants was we were what when where which while who whom why will with would yet you
    your""".split()
)


def tokens(text: str) -> list[str]:
    """``lunr.tokenizer``: lowercase, then split on whitespace and hyphens."""
    text = text.lower()
    if _NOT_PY_SPACE.search(text):
        return _TOKEN.findall(text)
    return text.replace("-", " ").split()


def term_of(token: str) -> str | None:
    """The term the builder's pipeline makes of one token; None for a stop word.

    A token of punctuation only becomes the empty term, which lunr.js indexes too."""
    trimmed = trim(token)
    if trimmed in STOP_WORDS:
        return None
    return stem(trimmed)


def trim(token: str) -> str:
    """What is not part of a word off both ends: ``lunr.trimmer`` on ASCII; beyond it, what is
    not a letter, a mark or a digit of any script (JavaScript's ``[^\\p{L}\\p{M}\\p{N}_]``)."""
    if token.isascii():
        return _TRAILING.sub("", _LEADING.sub("", token, count=1), count=1)
    start, end = 0, len(token)
    while start < end and not _in_word(token[start]):
        start += 1
    while end > start and not _in_word(token[end - 1]):
        end -= 1
    return token[start:end]


def _in_word(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char == "_"
    return unicodedata.category(char)[0] in "LMN"


def terms(text: str) -> list[str]:
    """Every term of ``text`` in order, as ``builder.pipeline.run(lunr.tokenizer(text))``."""
    return [term for term in map(term_of, tokens(text)) if term is not None]


# The Porter stemmer as lunr.stemmer implements it (regular expressions kept as lunr.js has them).
_c, _v = "[^aeiou]", "[aeiouy]"
_C, _V = _c + "[^aeiouy]*", _v + "[aeiou]*"
_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)
_S_V = re.compile("^(" + _C + ")?" + _v)
_1A, _1A2 = re.compile(r"^(.+?)(ss|i)es$"), re.compile(r"^(.+?)([^s])s$")
_1B, _1B2 = re.compile(r"^(.+?)eed$"), re.compile(r"^(.+?)(ed|ing)$")
_1B_AT, _1B_DOUBLE = re.compile(r"(at|bl|iz)$"), re.compile(r"([^aeiouylsz])\1$")
_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {
    "icate": "ic",
    "ative": "",
    "alize": "al",
    "iciti": "ic",
    "ical": "ic",
    "ful": "",
    "ness": "",
}
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_STEP4 = "al ance ence er ic able ible ant ement ment ent ou ism ate iti ous ive ize".split()
_4 = re.compile("^(.+?)(" + "|".join(_STEP4) + ")$")
_4B = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")


def stem(word: str) -> str:
    """``lunr.stemmer``; lengths and patterns see UTF-16 code units, as in JavaScript."""
    if word.isascii() or max(word) <= "\uffff":
        return _porter(word)
    units = "".join(map(_surrogates, word))
    return _porter(units).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _surrogates(ch: str) -> str:
    point = ord(ch) - 0x10000
    if point < 0:
        return ch
    return chr(0xD800 + (point >> 10)) + chr(0xDC00 + (point & 0x3FF))


def _porter(w: str) -> str:  # noqa: C901 - one step after another, as in lunr.js
    if len(w) < 3:
        return w
    initial_y = w[0] == "y"
    if initial_y:
        w = "Y" + w[1:]
    if _1A.search(w):
        w = w[:-2]  # (ss|i)es -> ss|i
    elif _1A2.search(w):
        w = w[:-1]
    if m := _1B.search(w):
        if _MGR0.search(m[1]):
            w = w[:-1]  # eed -> ee
    elif (m := _1B2.search(w)) and _S_V.search(m[1]):
        w = m[1]
        if _1B_AT.search(w):
            w += "e"
        elif _1B_DOUBLE.search(w):
            w = w[:-1]
        elif _CVC.search(w):
            w += "e"
    if m := _1C.search(w):
        w = m[1] + "i"
    if (m := _2.search(w)) and _MGR0.search(m[1]):
        w = m[1] + _STEP2[m[2]]
    if (m := _3.search(w)) and _MGR0.search(m[1]):
        w = m[1] + _STEP3[m[2]]
    if m := _4.search(w):
        if _MGR1.search(m[1]):
            w = m[1]
    elif (m := _4B.search(w)) and _MGR1.search(m[1] + m[2]):
        w = m[1] + m[2]
    if (m := _5.search(w)) and (
        _MGR1.search(m[1]) or (_MEQ1.search(m[1]) and not _CVC.search(m[1]))
    ):
        w = m[1]
    if w.endswith("ll") and _MGR1.search(w):
        w = w[:-1]
    return "y" + w[1:] if initial_y else w


# fdlibm's log (V8's Math.log, src/base/ieee754.cc), for lunr.idf to the last bit.
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)


def js_log(x: float) -> float:
    """``Math.log`` as V8 computes it (fdlibm ``__ieee754_log``), bit for bit."""
    bits = struct.unpack("<q", struct.pack("<d", x))[0]
    hx, lx = bits >> 32, bits & 0xFFFFFFFF
    k = 0
    if hx < 0x00100000:
        if ((hx & 0x7FFFFFFF) | lx) == 0:
            return -math.inf
        if hx < 0:
            return math.nan
        k, x = -54, x * 18014398509481984.0
        hx = struct.unpack("<q", struct.pack("<d", x))[0] >> 32
    if hx >= 0x7FF00000:
        return x + x
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    low = struct.unpack("<q", struct.pack("<d", x))[0] & 0xFFFFFFFF
    x = struct.unpack("<d", struct.pack("<q", ((hx | (i ^ 0x3FF00000)) << 32) | low))[0]
    k += i >> 20
    f, dk = x - 1.0, float(k)
    if (0x000FFFFF & (2 + hx)) < 3:
        if f == 0.0:
            return 0.0 if k == 0 else dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        return f - r if k == 0 else dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG[1] + w * (_LG[3] + w * _LG[5]))
    t2 = z * (_LG[0] + w * (_LG[2] + w * (_LG[4] + w * _LG[6])))
    r = t2 + t1
    if ((hx - 0x6147A) | (0x6B851 - hx)) > 0:
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    if k == 0:
        return f - s * (f - r)
    return dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)


def js_round(x: float) -> int:
    """``Math.round`` for finite numbers: the nearest integer, halves rounded up."""
    floor = math.floor(x)
    return floor + 1 if x - floor >= 0.5 else floor


def js_number(x: float) -> str:
    """A finite number as JavaScript prints it (``String(x)``, ``JSON.stringify``)."""
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    digits, _, exponent = repr(x).partition("e")
    if not exponent:
        return digits
    power = int(exponent)
    if -7 < power < 21:  # repr uses an exponent below 1e-4 where JavaScript waits for 1e-7
        sign, digits = ("-", digits[1:]) if digits[0] == "-" else ("", digits)
        return f"{sign}0.{'0' * (-power - 1)}{digits.replace('.', '')}"
    return f"{digits}e{'+' if power > 0 else '-'}{abs(power)}"


def is_array_index(key: str) -> bool:
    """Whether JavaScript orders ``key`` as an integer key (before every other key)."""
    return (
        key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 4294967295
    )


def js_key_order(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """``items`` in the order ``Object.keys`` lists them once inserted in this order:
    integer keys ascending, then the other keys as inserted."""
    items = list(items)
    numeric = [item for item in items if is_array_index(key(item))]
    if not numeric:
        return items
    numeric.sort(key=lambda item: int(key(item)))
    return numeric + [item for item in items if not is_array_index(key(item))]
