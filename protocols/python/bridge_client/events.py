"""Incremental Server-Sent Events parser (the ``text/event-stream`` format).

Follows the WHATWG event-stream rules the daemon's stream relies on:

* lines end with CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of
  the next are one line end);
* a line starting with ``:`` is a comment (keep-alive) and is ignored;
* ``field: value`` strips exactly one space after the colon; a line without a colon is a
  field with an empty value;
* several ``data`` lines join with ``\\n``; ``event`` sets the type (default
  ``message``); ``id`` sets the last event id, which stays in force for later events;
  ``retry`` and unknown fields are ignored;
* a blank line dispatches the event, unless it had no ``data`` line;
* an event not terminated by a blank line when the stream ends is discarded.

The parser does no I/O: feed it bytes as they arrive. :func:`decode_event` turns a
message into an :class:`~bridge_client.models.Event` with its JSON data decoded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional

from .errors import CLIENT_PROTOCOL, ProtocolError
from .models import Event

# A single line longer than this means the stream is not what we expect; failing beats
# buffering without bound inside a host application.
MAX_LINE_BYTES = 16 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SseMessage:
    """One dispatched event: ``event`` type, ``data`` text (lines joined by ``\\n``) and
    the last event ``id`` seen so far (None if the stream never sent one)."""

    event: str
    data: str
    id: Optional[str] = None


class LineSplitter:
    """Splits a byte stream into lines on CRLF, LF or CR, across chunk boundaries."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        # True when the previous chunk ended in CR: an LF starting the next chunk
        # belongs to that same line end and must not yield an empty line.
        self._pending_cr = False

    def feed(self, chunk: bytes) -> List[bytes]:
        """Add bytes; return the complete lines (without their line ends).

        Raises ProtocolError when one line grows over MAX_LINE_BYTES.
        """
        lines: List[bytes] = []
        data = bytes(chunk)
        start = 0
        if self._pending_cr and data[:1] == b"\n":
            start = 1
        self._pending_cr = False
        i = start
        n = len(data)
        while i < n:
            byte = data[i]
            if byte == 0x0A or byte == 0x0D:
                self._buffer += data[start:i]
                lines.append(bytes(self._buffer))
                self._buffer.clear()
                if byte == 0x0D:
                    if i + 1 < n:
                        if data[i + 1] == 0x0A:
                            i += 1
                    else:
                        self._pending_cr = True
                start = i + 1
            i += 1
        self._buffer += data[start:]
        if len(self._buffer) > MAX_LINE_BYTES:
            raise ProtocolError(
                CLIENT_PROTOCOL, "event stream line longer than {} bytes".format(MAX_LINE_BYTES)
            )
        return lines

    def finish(self) -> List[bytes]:
        """End of stream: return the last, unterminated line if there is one."""
        rest = bytes(self._buffer)
        self._buffer.clear()
        self._pending_cr = False
        return [rest] if rest else []


class SseParser:
    """Turns bytes of a ``text/event-stream`` into :class:`SseMessage` objects."""

    def __init__(self) -> None:
        self._lines = LineSplitter()
        self._at_start = True
        self._head = bytearray()
        self._event = ""
        self._data: List[str] = []
        self._has_data = False
        self._last_id: Optional[str] = None

    @property
    def last_event_id(self) -> Optional[str]:
        """The last ``id`` field seen (what a reconnect sends as Last-Event-ID)."""
        return self._last_id

    def feed(self, chunk: bytes) -> List[SseMessage]:
        """Add bytes; return the events they complete. ProtocolError on an oversized line."""
        if self._at_start:
            # A UTF-8 byte order mark may open the stream and is not part of the first
            # line; hold bytes until there are enough to tell.
            self._head += chunk
            if len(self._head) < len(_BOM) and _BOM.startswith(bytes(self._head)):
                return []
            chunk = bytes(self._head)
            self._head = bytearray()
            self._at_start = False
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
        messages = []
        for line in self._lines.feed(chunk):
            message = self._line(line)
            if message is not None:
                messages.append(message)
        return messages

    def finish(self) -> List[SseMessage]:
        """End of stream. An event without its closing blank line is discarded, as the
        format requires, so this returns an empty list; it resets the parser's event."""
        self._lines.finish()
        self._event = ""
        self._data = []
        self._has_data = False
        return []

    def _line(self, raw: bytes) -> Optional[SseMessage]:
        line = raw.decode("utf-8", errors="replace")
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._has_data = True
        elif name == "event":
            self._event = value
        elif name == "id":
            # The format ignores ids containing NUL (they could not be sent back).
            if "\x00" not in value:
                self._last_id = value
        return None

    def _dispatch(self) -> Optional[SseMessage]:
        message = None
        if self._has_data:
            message = SseMessage(
                event=self._event or "message", data="\n".join(self._data), id=self._last_id
            )
        self._event = ""
        self._data = []
        self._has_data = False
        return message


def parse_sse(chunks: Iterable[bytes]) -> Iterator[SseMessage]:
    """Yield the events of a stream given as an iterable of byte chunks."""
    parser = SseParser()
    for chunk in chunks:
        for message in parser.feed(chunk):
            yield message
    for message in parser.finish():
        yield message


def decode_event(message: SseMessage) -> Event:
    """Turn an SSE message into an Event, decoding its JSON data.

    Raises ProtocolError when the data is not a JSON object.
    """
    try:
        data = json.loads(message.data)
    except ValueError as exc:
        raise ProtocolError(
            CLIENT_PROTOCOL,
            "event {!r} has data that is not JSON: {}".format(message.event, exc),
            {"data": message.data[:200]},
        )
    if not isinstance(data, dict):
        raise ProtocolError(
            CLIENT_PROTOCOL,
            "event {!r} has data that is not a JSON object".format(message.event),
            {"data": message.data[:200]},
        )
    # The SSE `event:` field is authoritative; data.type repeats it. Fall back on
    # data.type for a stream that only sent data lines.
    event_type = message.event
    if event_type == "message" and isinstance(data.get("type"), str):
        event_type = data["type"]
    return Event(type=event_type, data=data, id=message.id)


def iter_events(chunks: Iterable[bytes]) -> Iterator[Event]:
    """Yield decoded Events from byte chunks of a job's event stream.

    Raises ProtocolError on data that is not a JSON object.
    """
    for message in parse_sse(chunks):
        yield decode_event(message)
