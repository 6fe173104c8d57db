"""Fill and expand against the fake Krita document and a scripted client: what is sent,
and what lands in the document."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

import bridge_client as bc
from creative_bridge import errors
from creative_bridge.geometry import Expansion
from creative_bridge.jobs import Channel, Operation
from creative_bridge.model import ExpandJob, FillJob, Options
from fake_krita import Document


class FakeClient:
    """Records uploads and submissions; answers with ``output(request)`` as raw bytes."""

    def __init__(self, output, tasks=("image.inpaint",)):
        self.output = output
        self.tasks = tasks
        self.uploads, self.submitted, self.cancelled = [], [], []

    def capabilities(self):
        return bc.Capabilities.from_json({"protocol": 1, "version": "t", "tasks": [
            {"task": t, "params_schema": {}, "engines": [{"id": "b", "kind": "builtin", "ready": True}]}
            for t in self.tasks]})

    def put_raw_image(self, pixels, width, height, *, fmt):
        self.uploads.append((bytes(pixels), width, height, fmt))
        return "sha256:%d" % len(self.uploads)

    def submit(self, task, inputs, params, **kw):
        self.submitted.append((task, dict(inputs), dict(params), kw))
        return SimpleNamespace(id=kw["job_id"])

    def cancel(self, job_id):
        self.cancelled.append(job_id)

    def wait(self, job_id, on_event=None, timeout=None):
        on_event(bc.Event("stage", {"type": "stage", "job": job_id, "stage": "fill"}))
        recipe = bc.Recipe.from_json({"task": "t", "engine": "b", "params": {"seed": 42}})
        return SimpleNamespace(id=job_id, recipe=recipe, params={"seed": 42}, output=lambda name: "sha256:out")

    def get_blob(self, blob_id):
        pixels, width, height, fmt = self.uploads[0]
        return self.output(pixels), bc.raw_image_type(width, height, fmt)


def _doc():
    doc = Document(64, 48)
    doc.background.setPixelData(bytes([10, 20, 30, 255]) * (64 * 48), 0, 0, 64, 48)
    return doc


def _run(job, client):
    outcome = job.network(client, Channel())
    return job.apply(outcome)


def test_fill_sends_context_box_and_mask_and_adds_clipped_layer():
    doc = _doc()
    doc.select(20, 10, 8, 6)
    job = FillJob(doc, Options(prompt="moss", mode="fill", seed=3))
    job.prepare()
    client = FakeClient(lambda px: bytes([200, 100, 50, 255]) * (len(px) // 4))
    layer = _run(job, client)
    image, mask = client.uploads
    assert image[1:] == (60, 48, "rgba8")  # 8x6 + 32 margin, cut at the image edges
    assert image[0][:4] == bytes([30, 20, 10, 255])  # sent as RGBA
    assert mask[0].count(bytes([255, 255, 255, 255])) == 48
    task, inputs, params, kw = client.submitted[0]
    assert (task, kw["output_format"], params) == ("image.inpaint", "raw", {"seed": 3, "prompt": "moss"})
    assert layer.name() == "moss (seed 42)"
    assert doc.root.childNodes()[1] is layer and doc.undo[-1] == ("add", layer)
    assert layer.writes == 1  # filled once, before it entered the document
    assert layer.pixelData(20, 10, 1, 1) == bytes([50, 100, 200, 255])  # back to BGRA
    assert layer.pixelData(19, 10, 1, 1) == bytes(4)
    assert doc.background.pixelData(20, 10, 1, 1) == bytes([10, 20, 30, 255])


def test_fill_without_selection_fails_before_network():
    with pytest.raises(errors.NoSelectionError, match="Select"):
        FillJob(_doc(), Options()).prepare()


def test_unsupported_document():
    doc = Document(8, 8, model="CMYKA")
    doc.select(1, 1, 2, 2)
    with pytest.raises(errors.UnsupportedDocumentError):
        FillJob(doc, Options()).prepare()


def test_wrong_result_size_is_a_clear_error():
    doc = _doc()
    doc.select(5, 5, 4, 4)
    job = FillJob(doc, Options())
    job.prepare()
    client = FakeClient(lambda px: px)
    client.get_blob = lambda blob: (bytes(16), bc.raw_image_type(2, 2, "rgba8"))
    with pytest.raises(errors.DaemonError, match="expected"):
        _run(job, client)


@pytest.mark.parametrize("tasks,task", [(("image.inpaint",), "image.inpaint"),
                                        (("image.inpaint", "image.outpaint"), "image.outpaint")])
def test_expand_uses_outpaint_when_available_else_inpaint(tasks, task):
    doc = _doc()
    job = ExpandJob(doc, Expansion(4, 2, 6, 0), Options(seed=1))
    job.prepare()
    big = 74 * 50 * 4
    client = FakeClient(lambda px: bytes([1, 2, 3, 255]) * (big // 4), tasks)
    client.get_blob = lambda blob: (bytes([1, 2, 3, 255]) * (big // 4), bc.raw_image_type(74, 50, "rgba8"))
    layer = _run(job, client)
    assert client.submitted[0][0] == task
    if task == "image.outpaint":
        assert client.submitted[0][2] == {"left": 4, "top": 2, "right": 6, "bottom": 0, "seed": 1}
    else:
        assert client.uploads[0][1:3] == (74, 50) and client.uploads[1][1:3] == (74, 50)
    assert (doc.width(), doc.height()) == (74, 50)
    assert doc.background.pixelData(4, 2, 1, 1) == bytes([10, 20, 30, 255])
    assert layer.pixelData(4, 2, 1, 1) == bytes(4)  # original area left alone
    assert layer.pixelData(0, 0, 1, 1) == bytes([3, 2, 1, 255])


def test_operation_runs_network_off_thread_and_applies_on_poll(monkeypatch):
    monkeypatch.setattr("creative_bridge.jobs.connect", lambda settings: "client")
    applied, events = [], []

    def network(client, channel):
        channel.post("event", "e1")
        return "outcome"

    op = Operation(network, lambda outcome: applied.append(outcome) or "layer", on_event=events.append).start()
    op._thread.join(5)
    assert applied == []  # nothing touches the document until the UI thread polls
    assert op.poll() and op.result == "layer" and events == ["e1"] and applied == ["outcome"]


def test_operation_cancel_discards_result(monkeypatch):
    monkeypatch.setattr("creative_bridge.jobs.connect", lambda settings: "client")
    op = Operation(lambda client, channel: "outcome", lambda outcome: pytest.fail("applied")).start()
    op.cancel()
    op._thread.join(5)
    assert op.poll()
    assert isinstance(op.error, errors.OperationCancelled)


def test_operation_reports_errors_readably(monkeypatch):
    def refuse(settings):
        raise bc.DaemonNotRunning("CLIENT-NOT-RUNNING", "refused")

    monkeypatch.setattr("creative_bridge.jobs.connect", refuse)
    op = Operation(lambda c, ch: None, lambda o: None).start()
    op._thread.join(5)
    assert op.poll() and "not running" in str(op.error)


PACKAGE = Path(__file__).resolve().parent.parent / "creative_bridge"


def test_only_the_shim_imports_a_qt_binding():
    """PyQt5/PyQt6 appear only in qt.py, so the plugin loads under either."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "qt.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith("PyQt") for n in names), path


def test_no_function_takes_more_than_four_positional_parameters():
    allowed = {("api.py", "expand")}  # the documented expand(document, left, top, right, bottom)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                count = len(node.args.posonlyargs) + len(node.args.args)
                count -= 1 if node.args.args and node.args.args[0].arg in ("self", "cls") else 0
                if (path.name, node.name) not in allowed:
                    assert count <= 4, "{}:{} has {} positional parameters".format(path.name, node.name, count)


def test_qt_shim_loads():
    from creative_bridge import qt

    assert qt.QT_API in ("PyQt5", "PyQt6")
    assert qt.enum("Qt.Orientation.Horizontal") == qt.Qt.Horizontal
