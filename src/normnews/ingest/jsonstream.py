"""Split a large ``.json`` document into its article values without parsing it whole.

A ``.json`` file that fits in ``limits.max_record_bytes`` is parsed at once by the reader. A
larger one is streamed here: the text is scanned for value boundaries (strings, brackets,
commas; nothing else is interpreted), and each article value is handed over as text, to be
parsed on its own. Memory stays bounded by the longest value, which is itself capped: a value
over the limit is consumed without being kept and reported as ``None``.

Which values are articles, in the same shapes as the whole-document reader:

- the elements of a top-level array;
- in a top-level object, the elements of the first array under one of the container keys
  (``{"articles": [...]}``): in a streamed document the first such key in the text wins;
- otherwise each top-level value in turn (an object, or JSON lines saved as ``.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterator

_SIGNIFICANT = re.compile(r"\S")
_OUTSIDE = re.compile(r'["\[\]{},]')
_IN_STRING = re.compile(r'["\\]')
_CHUNK = 1 << 16
_MAX_DEPTH = 100_000
"""Deepest nesting scanned. Python's parser gives up near its recursion limit (about 1,000
levels), so a deeper value can never be a record; scanning on through billions of brackets (a
small ``.json.gz`` of ``[[[[...``) would hold the run lock for an hour at ~1 MB/s."""


class JsonStreamError(ValueError):
    """The document's structure is broken (the records before the damage were delivered)."""


class _Cursor:
    """A position in a text read chunk by chunk; only the current chunk is held."""

    def __init__(self, read: Callable[[int], str]) -> None:
        self._read = read
        self.buf = ""
        self.pos = 0
        self.offset = 0  # characters before ``buf``

    def fill(self) -> bool:
        """Drop what was consumed and read the next chunk; False at the end."""
        chunk = self._read(_CHUNK)
        if not chunk:
            return False
        self.offset += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str | None:
        """The next non-whitespace character (not consumed), or None at the end."""
        while True:
            found = _SIGNIFICANT.search(self.buf, self.pos)
            if found:
                self.pos = found.start()
                return self.buf[self.pos]
            self.pos = len(self.buf)
            if not self.fill():
                return None

    def expect(self, allowed: str) -> str:
        """Consume the next non-whitespace character, which must be one of ``allowed``."""
        char = self.peek()
        if char is None or char not in allowed:
            where = self.offset + self.pos
            got = "the end of the file" if char is None else repr(char)
            raise JsonStreamError(f"expected one of {allowed!r} at character {where}, got {got}")
        self.pos += 1
        return char

    def value(self, limit: int) -> str | None:
        """Consume one JSON value; its text, or None when it is longer than ``limit``."""
        if self.peek() is None:
            raise JsonStreamError("the document ended where a value was expected")
        pieces: list[str] = []
        size = 0
        start = self.pos
        depth = 0
        in_string = False
        skip = 0
        while True:
            if self.pos + skip >= len(self.buf):
                skip = self.pos + skip - len(self.buf)
                size += len(self.buf) - start
                if size <= limit:
                    pieces.append(self.buf[start:])
                self.pos = start = len(self.buf)
                if not self.fill():
                    if depth == 0 and not in_string:
                        break  # a number or literal ends the document
                    raise JsonStreamError("the document ended inside a value")
                start = 0
                continue
            self.pos += skip
            skip = 0
            if in_string:
                found = _IN_STRING.search(self.buf, self.pos)
                if found is None:
                    self.pos = len(self.buf)
                    continue
                if found.group() == "\\":
                    self.pos = found.end()
                    skip = 1  # the escaped character, maybe in the next chunk
                    continue
                self.pos = found.end()
                in_string = False
                if depth == 0:
                    break
                continue
            found = _OUTSIDE.search(self.buf, self.pos)
            if found is None:
                self.pos = len(self.buf)
                continue
            char = found.group()
            if char == '"':
                in_string = True
                self.pos = found.end()
            elif char in "[{":
                depth += 1
                self.pos = found.end()
                if depth > _MAX_DEPTH:
                    raise JsonStreamError(
                        f"nested deeper than {_MAX_DEPTH:,} levels at character "
                        f"{self.offset + self.pos}; no JSON parser here reads that, so the rest "
                        "of the file is not read"
                    )
            elif depth == 0:
                self.pos = found.start()  # , ] or } after a number or literal
                break
            elif char in "]}":
                depth -= 1
                self.pos = found.end()
                if depth == 0:
                    break
            else:
                self.pos = found.end()
        size += self.pos - start
        if size > limit:
            return None
        pieces.append(self.buf[start : self.pos])
        return "".join(pieces)


def _array(cursor: _Cursor, limit: int) -> Iterator[str | None]:
    """The elements of the array whose ``[`` is next."""
    cursor.expect("[")
    if cursor.peek() == "]":
        cursor.pos += 1
        return
    while True:
        yield cursor.value(limit)
        if cursor.expect(",]") == "]":
            return


def json_values(
    read: Callable[[int], str], limit: int, container_keys: tuple[str, ...]
) -> Iterator[str | None]:
    """The article values of a JSON document, as text (see the module docstring).

    Args:
        read: ``read(n)`` of the decoded text (``""`` at the end).
        limit: Longest value kept, in characters; longer ones are yielded as ``None``.
        container_keys: Keys (lower case) whose array holds the articles of a top-level
            object.

    Yields:
        Each value's JSON text, or ``None`` for one over ``limit``.

    Raises:
        JsonStreamError: The structure is broken (after the values before it were yielded).

    >>> import io
    >>> list(json_values(io.StringIO('[{"a": 1}, "x,]", 3]').read, 100, ()))
    ['{"a": 1}', '"x,]"', '3']
    >>> list(json_values(io.StringIO('{"n": 2, "items": [{"t": "a"}, {}]}').read, 100, ("items",)))
    ['{"t": "a"}', '{}']
    >>> list(json_values(io.StringIO('{"t": 1}\\n{"t": "' + 'x' * 50 + '"}').read, 20, ()))
    ['{"t":1}', None]
    """
    cursor = _Cursor(read)
    first = cursor.peek()
    if first == "[":
        yield from _array(cursor, limit)
    elif first == "{":
        container = yield from _container(cursor, limit, container_keys)
        if not container:
            yield from _top_level(cursor, limit)
    elif first is not None:
        raise JsonStreamError(f"the document starts with {first!r}, not an array or an object")
    if cursor.peek() is not None and first == "[":
        raise JsonStreamError(f"extra data after the array at character {cursor.offset}")


def _container(
    cursor: _Cursor, limit: int, keys: tuple[str, ...]
) -> Generator[str | None, None, bool]:
    """Stream the first container array of the top-level object; if it has none, yield the
    object itself as the first value. Returns whether a container array was found."""
    cursor.expect("{")
    kept: list[str] | None = []
    size = 2
    found = False
    if cursor.peek() == "}":
        cursor.pos += 1
        yield "{}"
        return False
    while True:
        key_text = cursor.value(limit)
        try:
            key = json.loads(key_text) if key_text is not None else None
        except ValueError:
            raise JsonStreamError(f"object key {str(key_text)[:40]!r} is not JSON") from None
        if not isinstance(key, str):
            raise JsonStreamError("an object key is not a string")
        cursor.expect(":")
        if not found and key.strip().lower() in keys and cursor.peek() == "[":
            found = True
            kept = None
            yield from _array(cursor, limit)
        else:
            value = cursor.value(limit)
            if kept is not None and value is not None and key_text is not None:
                kept.append(f"{key_text}:{value}")
                size += len(key_text) + len(value) + 2
                if size > limit:
                    kept = None
            else:
                kept = None
        if cursor.expect(",}") == "}":
            break
    if not found:
        yield "{" + ",".join(kept) + "}" if kept is not None else None
    return found


def _top_level(cursor: _Cursor, limit: int) -> Iterator[str | None]:
    """Each remaining top-level value (JSON lines saved as one ``.json``)."""
    while cursor.peek() is not None:
        yield cursor.value(limit)
