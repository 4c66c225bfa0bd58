"""Tests for normnews.ingest.decode: bytes to text with the encoding recorded."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normnews.ingest.decode import DecodeError, decode_bytes, sniff_stream

PROSE = "The £15.8m signing \u201cwas a mistake\u201d, said the club\u2019s chairman \u2013 again."


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param(PROSE.encode("utf-8"), PROSE, "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + PROSE.encode(), PROSE, "utf-8-sig", id="utf-8-bom"),
        pytest.param(PROSE.encode("utf-16"), PROSE, "utf-16-le", id="utf-16-bom-le"),
        pytest.param(
            codecs.BOM_UTF16_BE + PROSE.encode("utf-16-be"), PROSE, "utf-16-be", id="utf-16-bom-be"
        ),
        pytest.param(PROSE.encode("utf-32"), PROSE, "utf-32-le", id="utf-32-bom"),
        pytest.param(PROSE.encode("utf-16-le"), PROSE, "utf-16-le", id="utf-16-no-bom"),
        pytest.param(PROSE.encode("cp1252"), PROSE, "cp1252", id="cp1252"),
        pytest.param(b"", "", "utf-8", id="empty"),
        pytest.param(b"plain ascii", "plain ascii", "utf-8", id="ascii-is-utf-8"),
    ],
)
def test_decodes_and_names_the_encoding(data: bytes, text: str, encoding: str):
    """It decodes each common encoding, drops the BOM, and names the codec it used."""
    assert decode_bytes(data) == (text, encoding)


def test_prefers_cp1252_over_latin1():
    """It reports cp1252, not latin-1, for Western text that both can decode."""
    text, encoding = decode_bytes("Café au lait, £3 à emporter.".encode("latin-1"))
    assert (text, encoding) == ("Café au lait, £3 à emporter.", "cp1252")


def test_falls_back_to_latin1_for_bytes_cp1252_leaves_undefined():
    """It uses latin-1 when a byte is undefined in cp1252 (0x81) but the text is Latin."""
    prose = "Prix: 10 francs, café inclus, livraison à domicile le lundi et le jeudi. " * 2
    text, encoding = decode_bytes(prose.encode("latin-1") + b"\x81")
    assert (text, encoding) == (prose + "\x81", "latin-1")


def test_recognises_non_latin_legacy_text():
    """It asks charset-normalizer when cp1252 would give accented gibberish (cp1251 Russian)."""
    russian = "Сегодня в Москве прошло заседание правительства, посвящённое бюджету на год."
    assert decode_bytes(russian.encode("cp1251")) == (russian, "cp1251")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", id="png"),
        pytest.param(b"text with a \x00 NUL byte in the middle", id="nul-in-ascii"),
    ],
)
def test_rejects_binary_as_not_text(data: bytes):
    """It raises DecodeError(reason='not_text') for data with NUL bytes that is not UTF-16."""
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.reason == "not_text"
    assert "NUL" in str(info.value)


def test_rejects_control_noise_as_decode_error():
    """It raises DecodeError(reason='decode_error') when no encoding gives plausible text."""
    with pytest.raises(DecodeError) as info:
        decode_bytes(bytes(range(1, 32)) * 4 + bytes(range(0x80, 0x100)))
    assert info.value.reason == "decode_error"
    assert "UTF-8" in str(info.value)


def test_rejects_broken_utf16_after_bom():
    """It raises decode_error for a UTF-16 BOM followed by an odd number of bytes."""
    with pytest.raises(DecodeError) as info:
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00b")
    assert info.value.reason == "decode_error"


def test_sniff_stream_flags_binary_heads():
    """It tells a streamed reader that a head full of NULs is binary."""
    with pytest.raises(DecodeError):
        sniff_stream(bytes(range(256)) * 4)


@given(st.text().filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_utf8_text_round_trips(text: str):
    """Any text without NUL reads back unchanged from UTF-8, named utf-8."""
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@given(
    st.text(alphabet=st.characters(exclude_categories=("Cs",))).filter(
        lambda t: not t.startswith("\x00")
    )
)
def test_utf16_with_bom_round_trips(text: str):
    """Any text not starting with NUL reads back unchanged from UTF-16 with a BOM.

    (FF FE 00 00 is the UTF-32 BOM too; a text that starts with NUL is ambiguous.)
    """
    assert decode_bytes(text.encode("utf-16"))[0] == text


@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_raise_decode_error(data: bytes):
    """Whatever the bytes, it returns text that re-encodes to them, or raises DecodeError."""
    try:
        text, encoding = decode_bytes(data)
    except DecodeError:
        return
    # The recorded encoding must really be the one used (the BOM is not part of the text).
    encoded = text.encode(encoding)
    assert data.endswith(encoded)
