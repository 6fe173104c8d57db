"""Discovery: BRIDGE_HOME resolution, endpoint/token files, a daemon that is not running."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from bridge_client import (
    BridgeClient,
    DaemonNotRunning,
    ProtocolError,
    Unauthorized,
    bridge_home,
    default_home,
    discover,
    read_endpoint,
    read_token,
)
from fakedaemon import FakeDaemon


def write_home(home: Path, url: str, token="tok\n", protocol=1):
    home.mkdir(parents=True, exist_ok=True)
    (home / "endpoint.json").write_text(json.dumps({"url": url, "pid": 1234, "protocol": protocol}))
    if token is not None:
        (home / "token").write_text(token)


def free_port() -> int:
    """A port with nothing listening on it (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake():
    server = FakeDaemon(token="tok")
    yield server
    server.close()


def test_linux_default_with_and_without_xdg():
    assert default_home(platform="linux", environ={"HOME": "/home/a"}) == Path("/home/a/.local/share/creative-bridge")
    assert default_home(platform="linux", environ={"HOME": "/home/a", "XDG_DATA_HOME": "/data"}) == Path("/data/creative-bridge")
    # Empty or relative XDG_DATA_HOME is invalid per the XDG spec and ignored.
    assert default_home(platform="linux", environ={"HOME": "/h", "XDG_DATA_HOME": ""}) == Path("/h/.local/share/creative-bridge")
    assert default_home(platform="linux", environ={"HOME": "/h", "XDG_DATA_HOME": "rel"}) == Path("/h/.local/share/creative-bridge")
    assert default_home(platform="freebsd13", environ={"HOME": "/h"}) == Path("/h/.local/share/creative-bridge")


def test_macos_default():
    assert default_home(platform="darwin", environ={"HOME": "/Users/a"}) == Path("/Users/a/Library/Application Support/CreativeBridge")


def test_windows_default():
    env = {"USERPROFILE": "C:/Users/a", "LOCALAPPDATA": "C:/Users/a/AppData/Local"}
    assert default_home(platform="win32", environ=env) == Path("C:/Users/a/AppData/Local/CreativeBridge")
    assert default_home(platform="win32", environ={"USERPROFILE": "C:/Users/b"}) == Path("C:/Users/b/AppData/Local/CreativeBridge")


def test_env_var_overrides_default_and_argument_overrides_env():
    env = {"HOME": "/h", "BRIDGE_HOME": "/custom/home"}
    assert bridge_home(environ=env, platform="linux") == Path("/custom/home")
    assert bridge_home("/explicit", environ=env) == Path("/explicit")
    assert bridge_home(environ={"HOME": "/h", "BRIDGE_HOME": ""}, platform="linux") == Path("/h/.local/share/creative-bridge")


def test_bridge_home_reads_process_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIDGE_HOME", str(tmp_path))
    assert bridge_home() == tmp_path


def test_missing_endpoint_json_says_to_start_bridge_serve(tmp_path):
    with pytest.raises(DaemonNotRunning) as info:
        read_endpoint(tmp_path / "nothing-here")
    assert "bridge serve" in str(info.value)
    assert "endpoint.json" in str(info.value)
    assert info.value.code == "CLIENT-NOT-RUNNING"


def test_discover_uses_env_var(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIDGE_HOME", str(tmp_path / "empty"))
    with pytest.raises(DaemonNotRunning) as info:
        discover()
    assert str(tmp_path / "empty") in str(info.value)


@pytest.mark.parametrize("text", ["", "{", "[]", '{"pid": 3}', '{"url": ""}'])
def test_damaged_endpoint_json_is_daemon_not_running(tmp_path, text):
    (tmp_path / "endpoint.json").write_text(text)
    with pytest.raises(DaemonNotRunning) as info:
        read_endpoint(tmp_path)
    assert "bridge serve" in str(info.value)


def test_read_endpoint_fields_and_token_trimmed(tmp_path):
    write_home(tmp_path, "http://127.0.0.1:5000/", token="  abc123\r\n")
    endpoint = read_endpoint(tmp_path)
    assert endpoint.url == "http://127.0.0.1:5000"
    assert endpoint.token == "abc123"
    assert endpoint.pid == 1234 and endpoint.protocol == 1 and endpoint.home == tmp_path
    assert read_token(tmp_path) == "abc123"


def test_missing_token_file(tmp_path):
    write_home(tmp_path, "http://127.0.0.1:5000", token=None)
    assert read_endpoint(tmp_path).token is None
    with pytest.raises(Unauthorized) as info:
        read_token(tmp_path)
    assert info.value.code == "CLIENT-NO-TOKEN"
    with pytest.raises(Unauthorized):
        discover(tmp_path)


def test_refused_connection_is_daemon_not_running(tmp_path):
    # A stale endpoint.json left by a crashed daemon.
    write_home(tmp_path, "http://127.0.0.1:{}".format(free_port()))
    with pytest.raises(DaemonNotRunning) as info:
        discover(tmp_path, timeout=5)
    assert "bridge serve" in str(info.value)
    assert "connection refused" in str(info.value)


def test_refused_connection_on_any_call_of_a_manual_client():
    client = BridgeClient("http://127.0.0.1:{}".format(free_port()), "tok", timeout=5)
    with pytest.raises(DaemonNotRunning):
        client.capabilities()
    with pytest.raises(DaemonNotRunning):
        next(client.events("j"))


def test_discover_without_check_does_not_connect(tmp_path):
    write_home(tmp_path, "http://127.0.0.1:{}".format(free_port()))
    client = discover(tmp_path, check=False)
    assert client.token == "tok"


def test_discover_against_a_running_server(tmp_path, fake):
    write_home(tmp_path, fake.url, token="tok\n")
    client = discover(tmp_path)
    assert client.url == fake.url
    assert client.capabilities().task("image.inpaint") is not None


def test_protocol_mismatch_in_endpoint_json(tmp_path, fake):
    write_home(tmp_path, fake.url, protocol=2)
    with pytest.raises(ProtocolError) as info:
        discover(tmp_path)
    assert "protocol 2" in str(info.value)


def test_manual_url_override_accepts_v1_suffix(fake):
    client = BridgeClient(fake.url + "/v1/", "tok")
    assert client.health().status == "ok"
    assert fake.requests[-1][1] == "/v1/health"


@pytest.mark.parametrize("url", ["127.0.0.1:5000", "ftp://127.0.0.1", "http://"])
def test_bad_manual_url(url):
    with pytest.raises(ValueError):
        BridgeClient(url, "tok")
