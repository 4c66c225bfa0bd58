"""The hashing normal form, exact keys and shingles of a cleaned text.

Everything dedup compares is derived from :func:`normal_form`: lowercase (NFKC case-folded),
every run of punctuation, symbols and whitespace collapsed to one space. Two texts that differ
only in quote style, dashes, spacing or case have the same normal form, the same
:func:`exact_key` and the same shingles.

Shingles are n-grams of *tokens*. A token is a word in space-separated scripts and a single
character in scripts written without spaces (Chinese, Japanese kana, Thai, Lao, Khmer,
Myanmar), so a Japanese text with a few Latin words is still cut sensibly. A text whose tokens
are mostly such characters uses ``char_shingle_size``; otherwise ``shingle_size`` (word
5-grams by default). A text with fewer tokens than one shingle is a single shingle: the whole
normal form, so two identical short texts match and two different ones do not.
"""

from __future__ import annotations

import re
import unicodedata

from normnews.hashing import hash64

NORMAL_FORM_VERSION = "1"
"""Bumped whenever :func:`normal_form` or the tokenisation changes (recorded in history)."""

_SEPARATORS = re.compile(r"[\W_]+")
# Scripts written without spaces between words. Hangul is left out on purpose: Korean
# separates words with spaces.
_NO_SPACE_CHARS = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
"""Every ASCII character that is not a letter or digit to a space (``[\\W_]`` in ASCII)."""
_TOKEN = re.compile(f"[{_NO_SPACE_CHARS}]|[^\\s{_NO_SPACE_CHARS}]+")
_NO_SPACE_TOKEN = re.compile(f"[{_NO_SPACE_CHARS}]")


def normal_form(text: str) -> str:
    """The hashing normal form: NFKC case-folded, punctuation and whitespace collapsed.

    Args:
        text: Cleaned article text.

    Returns:
        Lowercase tokens separated by single spaces, no leading or trailing space.

    >>> normal_form("  The “Fed” RAISES rates—again!\\n\\nIt's 4.75%.")
    'the fed raises rates again it s 4 75'
    >>> normal_form("\uff21\uff22\uff23\uff11\uff12\uff13") == normal_form("abc123")
    True
    >>> normal_form("中国经济\uff0c继续增长\u3002")
    '中国经济 继续增长'
    """
    if text.isascii():
        # Same result, several times faster: NFKC leaves ASCII alone and casefold is lower().
        return " ".join(text.lower().translate(_ASCII_SEPARATORS).split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub(" ", folded).strip()


def exact_key(text: str) -> int:
    """64-bit hash of the normal form: equal for texts that differ only in case/punctuation.

    Args:
        text: Cleaned article text.

    Returns:
        An unsigned 64-bit integer (``normnews.hashing.hash64`` of :func:`normal_form`).

    >>> exact_key("Rates held at 4.75%.") == exact_key("RATES HELD AT 4.75 %")
    True
    >>> exact_key("Rates held") == exact_key("Rates cut")
    False
    """
    return hash64(normal_form(text))


def tokens(norm: str) -> list[str]:
    """Tokens of a normal form: words, and single characters of no-space scripts.

    Args:
        norm: A string returned by :func:`normal_form`.

    Returns:
        The tokens in order.

    >>> tokens("tokyo 東京都 news")
    ['tokyo', '東', '京', '都', 'news']
    """
    return _TOKEN.findall(norm)


def tokens_are_words(norm: str) -> bool:
    """Whether a normal form's tokens are just its space-separated words (no character of a
    script written without spaces).

    Args:
        norm: A string returned by :func:`normal_form`.

    Returns:
        True when ``norm.split(" ")`` is its token list.

    >>> tokens_are_words("tokyo news"), tokens_are_words("tokyo 東京 news")
    (True, False)
    """
    return norm.isascii() or _NO_SPACE_TOKEN.search(norm) is None


def shingles(text: str, *, word_size: int = 5, char_size: int = 5) -> list[str]:
    """The shingles of a text: n consecutive tokens joined by one space.

    Args:
        text: Cleaned article text.
        word_size: Tokens per shingle when most tokens are words.
        char_size: Tokens per shingle when most tokens are characters of no-space scripts.

    Returns:
        The shingles in text order (repeats included; MinHash treats them as a set). A text
        with fewer tokens than one shingle gives one shingle, its whole normal form; an
        empty text gives ``[""]``.

    >>> shingles("One two three four five six")
    ['one two three four five', 'two three four five six']
    >>> shingles("Breaking: storm")
    ['breaking storm']
    >>> shingles("台风登陆浙江", char_size=4)
    ['台 风 登 陆', '风 登 陆 浙', '登 陆 浙 江']
    """
    return normal_shingles(normal_form(text), word_size=word_size, char_size=char_size)


def normal_shingles(norm: str, *, word_size: int = 5, char_size: int = 5) -> list[str]:
    """:func:`shingles` of a text already in :func:`normal_form` (saves computing it twice).

    Args:
        norm: A normal form.
        word_size: Tokens per shingle when most tokens are words.
        char_size: Tokens per shingle when most tokens are no-space characters.

    Returns:
        As :func:`shingles`.

    >>> normal_shingles("a b c", word_size=2)
    ['a b', 'b c']
    """
    if not norm:
        return [""]
    # Fast path: without no-space characters the normal form is already the token list.
    if tokens_are_words(norm):
        toks = norm.split(" ")
        size = word_size
    else:
        toks = tokens(norm)
        size = shingle_size_for(toks, word_size=word_size, char_size=char_size)
    if len(toks) <= size:
        return [" ".join(toks)]
    return list(map(" ".join, zip(*(toks[i:] for i in range(size)), strict=False)))


def shingle_size_for(toks: list[str], *, word_size: int, char_size: int) -> int:
    """The n-gram size for these tokens: ``char_size`` if most are no-space characters.

    Args:
        toks: Tokens from :func:`tokens`.
        word_size: Size for word tokens.
        char_size: Size for character tokens.

    Returns:
        The shingle size to use.

    >>> shingle_size_for(["東", "京", "news"], word_size=5, char_size=3)
    3
    """
    if not toks:
        return word_size
    chars = sum(1 for t in toks if len(t) == 1 and _NO_SPACE_TOKEN.match(t))
    return char_size if 2 * chars >= len(toks) else word_size


def shingle_spec(word_size: int, char_size: int) -> str:
    """A stable description of the shingling, recorded in the history header.

    Args:
        word_size: Words per shingle.
        char_size: Characters per shingle for no-space scripts.

    Returns:
        The spec string.

    >>> shingle_spec(5, 5)
    'tokens-v1:word5/char5/short=whole/join=space'
    """
    return f"tokens-v{NORMAL_FORM_VERSION}:word{word_size}/char{char_size}/short=whole/join=space"
