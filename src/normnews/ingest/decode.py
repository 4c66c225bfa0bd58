"""Bytes to text, recording the encoding used: the only home of charset-normalizer.

The order is fixed and cheap first:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. NUL bytes mean binary, unless the NULs fall in the pattern of BOM-less UTF-16 text;
3. valid UTF-8 is UTF-8 (an ASCII file is reported as ``utf-8``);
4. otherwise the text is legacy 8-bit. Scraped Western news is cp1252 far more often than
   anything else, so cp1252 wins whenever the bytes decode under it and the result reads like
   Latin-script text (see :func:`_looks_latin`); latin-1 is next, for bytes cp1252 leaves
   undefined. Only text that is neither goes to charset-normalizer, restricted to the legacy
   encodings news feeds use (:data:`LEGACY_CANDIDATES`): on short inputs its unrestricted guess
   is often an exotic code page that happens to fit.

Line endings are left alone: normalising them is a cleaning step.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte-order marks and the name recorded for text that starts with them."""

LEGACY_CANDIDATES = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp874",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
)
"""The encodings charset-normalizer may choose from for non-Latin legacy text."""

MAX_NON_ASCII_LETTERS = 0.3
"""Above this share of non-ASCII letters, cp1252-decoded text is not taken for Latin script.

Western European languages stay well below it (French and Portuguese around 5%, Icelandic
about 15%); Cyrillic or Greek single-byte text read as cp1252 is nearly all accented letters."""

MIN_LETTERS_TO_JUDGE = 20
"""Below this many letters the script cannot be told apart reliably (by us or by
charset-normalizer), so cp1252 is taken as it stands: Western feeds are the common case."""

MAX_CONTROL_SHARE = 0.01
"""Share of control characters (other than tab, newlines, form feed) tolerated in legacy text."""

# Category Cc (C0, DEL, C1) minus tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20)])
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile("[A-Za-z]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding normnews accepts.

    Attributes:
        reason: ``"not_text"`` for binary data, ``"decode_error"`` for text in no plausible
            encoding; used as the reject reason.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and name the encoding used (see the module docstring for the order).

    Args:
        data: The raw (already decompressed) bytes of a file or a line.

    Returns:
        ``(text, encoding)``. A BOM is not part of ``text``; ``encoding`` is a codec name
        Python accepts (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``cp1252``, ``latin-1``, ...).

    Raises:
        DecodeError: The data is binary or in no plausible encoding.

    >>> decode_bytes("café".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode_bytes(codecs.BOM_UTF8 + b"hi")
    ('hi', 'utf-8-sig')
    >>> decode_bytes(b"\\xa315m for \\x93Wolves\\x94")
    ('£15m for “Wolves”', 'cp1252')
    >>> decode_bytes("Hi".encode("utf-16"))[0]
    'Hi'
    >>> decode_bytes(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR")
    Traceback (most recent call last):
    ...
    normnews.ingest.decode.DecodeError: binary data: NUL bytes (first at byte 8), not text
    """
    bom = detect_bom(data)
    if bom is not None:
        encoding, size = bom
        try:
            return data[size:].decode(encoding.removesuffix("-sig")), encoding
        except UnicodeDecodeError as exc:
            if encoding == "utf-32-le":
                # FF FE 00 00 is also a UTF-16 LE BOM before a U+0000.
                try:
                    return data[2:].decode("utf-16-le"), "utf-16-le"
                except UnicodeDecodeError:
                    pass
            if encoding != "utf-8-sig":
                raise DecodeError(
                    "decode_error", f"starts with a {encoding} byte-order mark but {exc}"
                ) from None
            # A UTF-8 BOM over bytes that are not all UTF-8: judge the rest as legacy text.
            data = data[size:]
    if b"\x00" in data:
        wide = _bomless_utf16(data)
        if wide is not None:
            return wide
        raise DecodeError(
            "not_text", f"binary data: NUL bytes (first at byte {data.index(0)}), not text"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def detect_bom(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of ``data`` announces, and its length.

    Args:
        data: The first bytes of a file (4 are enough).

    Returns:
        ``(encoding, bom_length)``, or ``None`` without a BOM.

    >>> detect_bom(b"\\xef\\xbb\\xbf{")
    ('utf-8-sig', 3)
    >>> detect_bom(b"\\xff\\xfe{\\x00")
    ('utf-16-le', 2)
    >>> detect_bom(b"{}") is None
    True
    """
    for bom, name in BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def sniff_stream(head: bytes) -> tuple[str, int]:
    """How to read a file that is streamed line by line, judged from its first bytes.

    Args:
        head: The first bytes of the decompressed stream (a few KiB).

    Returns:
        ``(encoding, skip)``: the encoding to stream with and how many BOM bytes to skip.
        ``utf-8`` means "UTF-8 per line, with :func:`decode_bytes` for a line that is not";
        ``utf-8-sig`` is the same after a BOM; a UTF-16/32 name means decode the stream with
        that codec.

    Raises:
        DecodeError: More than :data:`MAX_CONTROL_SHARE` of ``head`` is control bytes (NUL
            and the like) and it is not UTF-16/32: the file is binary. A rarer NUL is left to
            the line it is in, so one bad record does not cost the whole stream.

    >>> sniff_stream(b'{"a": 1}\\n')
    ('utf-8', 0)
    >>> sniff_stream('{"a": 1}'.encode("utf-16"))
    ('utf-16-le', 2)
    >>> sniff_stream('{"a": 1}'.encode("utf-16-be"))
    ('utf-16-be', 0)
    """
    bom = detect_bom(head)
    if bom is not None:
        return bom
    if b"\x00" in head:
        # The head may end inside a character: judge only whole 4-byte groups.
        wide = _bomless_utf16(head[: len(head) - len(head) % 4])
        if wide is not None:
            return wide[1], 0
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(head):
        raise DecodeError(
            "not_text", f"binary data: {controls} control bytes in the first {len(head)}, not text"
        )
    # A stray NUL in a text stream is left to the record it is in.
    return "utf-8", 0


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16 without a BOM, recognised by NULs in every other byte, or give ``None``."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # Latin-script UTF-16 has a NUL high byte for nearly every character, and no NUL low
        # byte at all; binary data is not that regular.
        if zeros.count(0) >= 0.7 * len(zeros) and others.count(0) == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return (text, encoding) if _control_share(text) <= MAX_CONTROL_SHARE else None
    return None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode 8-bit text that is not UTF-8 (module docstring, step 4)."""
    for encoding, name in (("cp1252", "cp1252"), ("latin_1", "latin-1")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_latin(text):
            return text, name
    match = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_CANDIDATES)).best()
    if match is not None:
        text = str(match)
        if _control_share(text) <= MAX_CONTROL_SHARE:
            return text, codecs.lookup(match.encoding).name
    raise DecodeError(
        "decode_error",
        "not UTF-8, and no legacy encoding gives plausible text "
        f"(tried cp1252, latin-1, then charset-normalizer over {len(LEGACY_CANDIDATES)} "
        "code pages); convert the file to UTF-8",
    )


def _looks_latin(text: str) -> bool:
    """Whether decoded text reads like Latin-script prose rather than mis-decoded bytes.

    >>> _looks_latin("£15m signing “confirmed”")
    True
    >>> _looks_latin("Ïðèâåò ìèð, êàê äåëà? Ñåãîäíÿ")  # Russian in cp1251, read as cp1252
    False
    """
    if _control_share(text) > MAX_CONTROL_SHARE:
        return False
    letters = len(_LETTER.findall(text))
    if letters < MIN_LETTERS_TO_JUDGE:
        # "£15m", "Ça été": too little to contradict cp1252.
        return True
    non_ascii = letters - len(_ASCII_LETTER.findall(text))
    return non_ascii <= MAX_NON_ASCII_LETTERS * letters


def _control_share(text: str) -> float:
    """Share of characters that are control characters other than whitespace ones."""
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0
