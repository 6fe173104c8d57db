"""Error mapping from daemon answers to typed exceptions (no network)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bridge_client import (
    BridgeError,
    Conflict,
    Forbidden,
    InvalidRequest,
    JobCancelled,
    JobFailed,
    NotFound,
    ServerBusy,
    ServerError,
    Unauthorized,
    error_from_json,
    error_from_response,
)
from bridge_client.errors import _CLASS_BY_CODE

ERROR_CODE_JAVA = (
    Path(__file__).resolve().parents[2]
    / "src/main/java/org/creativebridge/protocol/ErrorCode.java"
)


def body(code, message="msg", details=None):
    doc = {"error": {"code": code, "message": message}}
    if details is not None:
        doc["error"]["details"] = details
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "code,status,cls",
    [
        ("BRIDGE-1001", 401, Unauthorized),
        ("BRIDGE-1002", 421, Forbidden),
        ("BRIDGE-1003", 403, Forbidden),
        ("BRIDGE-1004", 404, NotFound),
        ("BRIDGE-1007", 400, InvalidRequest),
        ("BRIDGE-1008", 400, InvalidRequest),
        ("BRIDGE-1009", 415, InvalidRequest),
        ("BRIDGE-2001", 404, NotFound),
        ("BRIDGE-2002", 413, InvalidRequest),
        ("BRIDGE-2003", 507, ServerBusy),
        ("BRIDGE-2004", 400, InvalidRequest),
        ("BRIDGE-3001", 400, InvalidRequest),
        ("BRIDGE-3009", 400, InvalidRequest),
        ("BRIDGE-3010", 404, NotFound),
        ("BRIDGE-3011", 409, Conflict),
        ("BRIDGE-3012", 409, Conflict),
        ("BRIDGE-3013", 503, ServerBusy),
        ("BRIDGE-5000", 500, ServerError),
    ],
)
def test_codes_map_to_their_family(code, status, cls):
    err = error_from_response(status, body(code, "text", {"id": "x"}))
    assert type(err) is cls
    assert (err.code, err.message, err.details, err.http_status) == (code, "text", {"id": "x"}, status)
    assert str(err) == code + ": text"
    assert isinstance(err, BridgeError)


def test_every_code_of_the_java_catalogue_is_mapped():
    # Keeps this client in step with protocols/.../ErrorCode.java (the source of truth).
    java = ERROR_CODE_JAVA.read_text(encoding="utf-8")
    codes = re.findall(r'"(BRIDGE-\d{4})",\s*(\d{3})', java)
    assert len(codes) >= 30
    job_failure_codes = {"BRIDGE-4001", "BRIDGE-4002", "BRIDGE-4003"}  # only inside failed jobs
    for code, _status in codes:
        if code not in job_failure_codes:
            assert code in _CLASS_BY_CODE, code


def test_unknown_code_falls_back_on_status():
    assert type(error_from_response(404, body("BRIDGE-9999"))) is NotFound
    assert type(error_from_response(502, body("BRIDGE-9998"))) is ServerError
    assert type(error_from_response(418, body("BRIDGE-9997"))) is BridgeError


def test_missing_details_become_empty_dict_and_missing_message_the_code():
    err = error_from_response(400, b'{"error": {"code": "BRIDGE-1008"}}')
    assert err.details == {} and err.message == "BRIDGE-1008"
    err = error_from_response(400, b'{"error": {"code": "BRIDGE-1008", "message": "m", "details": [1]}}')
    assert err.details == {}


@pytest.mark.parametrize(
    "raw,ctype,expect",
    [
        (b"<html><body>Bad   gateway\n</body></html>", "text/html", "<html><body>Bad gateway </body></html>"),
        (b"", "", None),
        (b"not json at all", "text/plain", "not json at all"),
        (b'{"message": "no error key"}', "application/json", '{"message": "no error key"}'),
        (b"\x89PNG\r\n\x1a\n", "image/png", "<8 bytes of image/png>"),
    ],
)
def test_non_json_error_bodies_stay_readable(raw, ctype, expect):
    err = error_from_response(502, raw, reason="Bad Gateway", content_type=ctype)
    assert type(err) is ServerError
    assert err.code == "HTTP-502" and err.http_status == 502
    assert err.message.startswith("HTTP 502 Bad Gateway")
    if expect:
        assert expect in err.message
    assert "HTTP-502" in str(err)


def test_long_non_json_body_is_cut():
    err = error_from_response(500, b"x" * 5000, content_type="text/plain")
    assert len(err.message) < 400 and err.message.endswith("...")


def test_non_json_401_is_still_unauthorized():
    assert type(error_from_response(401, b"")) is Unauthorized


def test_error_from_json_for_job_errors():
    err = error_from_json({"code": "BRIDGE-4002", "message": "engine failed", "details": {"step": 3}})
    assert err.code == "BRIDGE-4002" and err.details == {"step": 3} and err.http_status is None


def test_job_failed_and_cancelled_carry_the_job():
    failed = JobFailed("BRIDGE-4003", "out of memory", {"bytes": 1}, job="J")
    assert (failed.code, failed.message, failed.details, failed.job) == ("BRIDGE-4003", "out of memory", {"bytes": 1}, "J")
    cancelled = JobCancelled("abc", job="J")
    assert cancelled.job_id == "abc" and "abc" in str(cancelled) and cancelled.job == "J"


def test_repr_names_class_and_code():
    err = error_from_response(404, body("BRIDGE-3010", "No job", {"id": "q"}))
    assert "NotFound" in repr(err) and "BRIDGE-3010" in repr(err)
