"""SSE parser edge cases (no network)."""

from __future__ import annotations

import pytest

from bridge_client import ProtocolError, SseMessage, SseParser, iter_events, parse_sse
from bridge_client.events import LineSplitter, decode_event


def parse(text, chunk_size=None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    if chunk_size is None:
        chunks = [data]
    else:
        chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)]
    return list(parse_sse(chunks))


def test_basic_event_with_id_type_and_data():
    msgs = parse('id: 1\nevent: queued\ndata: {"type":"queued","job":"j"}\n\n')
    assert msgs == [SseMessage(event="queued", data='{"type":"queued","job":"j"}', id="1")]


def test_multi_line_data_joined_with_newline():
    msgs = parse("event: x\ndata: {\ndata:  \"a\": 1\ndata: }\n\n")
    assert msgs[0].data == '{\n "a": 1\n}'


def test_comments_are_ignored_including_keepalive_only_blocks():
    msgs = parse(": keep-alive\n\n:another\nevent: a\n: in the middle\ndata: 1\n\n")
    assert [(m.event, m.data) for m in msgs] == [("a", "1")]


def test_only_one_leading_space_is_stripped_and_no_colon_means_empty_value():
    msgs = parse("data:  two spaces\n\ndata\n\ndata:x\n\n")
    assert [m.data for m in msgs] == [" two spaces", "", "x"]


def test_value_may_contain_colons():
    msgs = parse('data: {"a":"b:c"}\n\n')
    assert msgs[0].data == '{"a":"b:c"}'


def test_default_event_type_is_message():
    assert parse("data: 1\n\n")[0].event == "message"


def test_event_without_data_is_not_dispatched_and_its_type_does_not_leak():
    msgs = parse("event: lonely\n\ndata: 2\n\n")
    assert [(m.event, m.data) for m in msgs] == [("message", "2")]


def test_id_persists_across_events_until_changed():
    msgs = parse("id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\nid\ndata: d\n\n")
    assert [m.id for m in msgs] == ["7", "7", "8", ""]


def test_id_with_nul_is_ignored():
    msgs = parse("id: 3\ndata: a\n\nid: x\x00y\ndata: b\n\n")
    assert [m.id for m in msgs] == ["3", "3"]


def test_retry_and_unknown_fields_are_ignored():
    msgs = parse("retry: 1000\nfoo: bar\ndata: z\n\n")
    assert [(m.event, m.data) for m in msgs] == [("message", "z")]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_all_line_endings(eol):
    text = "event: a{0}data: 1{0}data: 2{0}{0}event: b{0}data: 3{0}{0}".format(eol)
    msgs = parse(text)
    assert [(m.event, m.data) for m in msgs] == [("a", "1\n2"), ("b", "3")]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_byte_at_a_time_gives_the_same_result(eol):
    text = ": c{0}id: 5{0}event: progress{0}data: {{\"p\": 0.5}}{0}{0}event: done{0}data: {{}}{0}{0}".format(eol)
    assert parse(text, chunk_size=1) == parse(text)


def test_crlf_split_across_chunks_is_one_line_end():
    parser = SseParser()
    assert parser.feed(b"data: a\r") == []
    # The LF completes the CR line end; the next CR LF is the blank line.
    assert parser.feed(b"\n\r") == [SseMessage("message", "a", None)]
    assert parser.feed(b"\ndata: b\n\n") == [SseMessage("message", "b", None)]


def test_incomplete_event_at_end_of_stream_is_discarded():
    assert parse("data: complete\n\ndata: partial\n") == [SseMessage("message", "complete", None)]
    assert parse("data: no newline at all") == []


def test_utf8_bom_is_skipped_even_when_split():
    data = b"\xef\xbb\xbfdata: 1\n\n"
    assert parse(data, chunk_size=1) == [SseMessage("message", "1", None)]
    assert parse(data) == [SseMessage("message", "1", None)]


def test_invalid_utf8_is_replaced_not_fatal():
    msgs = parse(b"data: \xff\n\n")
    assert msgs[0].data == "\ufffd"


def test_non_ascii_split_inside_a_character():
    text = 'data: {"stage": "d\u00e9bruitage \u2713"}\n\n'.encode("utf-8")
    assert parse(text, chunk_size=1)[0].data == '{"stage": "d\u00e9bruitage \u2713"}'


def test_line_splitter_finish_returns_unterminated_tail():
    splitter = LineSplitter()
    assert splitter.feed(b"a\nb") == [b"a"]
    assert splitter.finish() == [b"b"]
    assert splitter.finish() == []


def test_oversized_line_raises(monkeypatch):
    import bridge_client.events as events

    monkeypatch.setattr(events, "MAX_LINE_BYTES", 10)
    with pytest.raises(ProtocolError):
        SseParser().feed(b"data: " + b"x" * 20)


def test_decode_event_uses_sse_type_and_keeps_id():
    event = decode_event(SseMessage("progress", '{"type":"progress","job":"j1","progress":0.25}', "4"))
    assert (event.type, event.job, event.progress, event.id) == ("progress", "j1", 0.25, "4")
    assert not event.is_terminal


def test_decode_event_falls_back_on_data_type_without_event_field():
    event = decode_event(SseMessage("message", '{"type":"done","job":"j","outputs":{"image":"sha256:ab"}}', None))
    assert event.type == "done" and event.is_terminal
    assert event.outputs == {"image": "sha256:ab"}


@pytest.mark.parametrize("data", ["not json", "[1, 2]", ""])
def test_decode_event_rejects_non_object_data(data):
    with pytest.raises(ProtocolError) as info:
        decode_event(SseMessage("progress", data, None))
    assert info.value.code == "CLIENT-PROTOCOL"


def test_iter_events_full_job_stream():
    stream = (
        b": hello\n\n"
        b"id: 1\nevent: queued\ndata: {\"type\":\"queued\",\"job\":\"j\"}\n\n"
        b"id: 2\nevent: started\ndata: {\"type\":\"started\",\"job\":\"j\"}\n\n"
        b"id: 3\nevent: stage\ndata: {\"type\":\"stage\",\"job\":\"j\",\"stage\":\"fill\"}\n\n"
        b"id: 4\nevent: failed\ndata: {\"type\":\"failed\",\"job\":\"j\",\"error\":{\"code\":\"BRIDGE-4002\",\"message\":\"boom\",\"details\":{\"x\":1}}}\n\n"
    )
    events = list(iter_events([stream[i:i + 7] for i in range(0, len(stream), 7)]))
    assert [e.type for e in events] == ["queued", "started", "stage", "failed"]
    assert events[2].stage == "fill"
    assert events[3].error.code == "BRIDGE-4002" and events[3].error.details == {"x": 1}
