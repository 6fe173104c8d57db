"""Integration tests in the real Krita against a live daemon.

One ``kritarunner`` run (headless: QT_QPA_PLATFORM=offscreen, scratch HOME and XDG
folders) executes the scenarios of krita_scenarios.py with the plugin and the shared
client on PYTHONPATH and writes a JSON report; each test asserts its part.

Where Krita is not installed these tests are skipped, by name, with the package to
install (`apt-get install krita`); CI installs it, so nothing is skipped there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import CLIENT_DIR, PLUGIN_DIR, TESTS_DIR

KRITARUNNER = shutil.which("kritarunner")
SCENARIOS = ["fill", "fill_u16", "fill_f32", "expand", "cancel", "no_selection", "not_running"]
RUN_TIMEOUT = 600

pytestmark = pytest.mark.skipif(
    KRITARUNNER is None,
    reason="SKIPPED Krita integration tests: `kritarunner` not found; install Krita "
    "(Debian package `krita`: apt-get install krita) to run them",
)


@pytest.fixture(scope="module")
def report(daemon):
    """Run every scenario in one Krita process and return the parsed report."""
    scratch = Path(tempfile.mkdtemp(prefix="cb-krita-"))
    out = scratch / "report.json"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(scratch),
        XDG_CONFIG_HOME=str(scratch / "config"),
        XDG_DATA_HOME=str(scratch / "data"),
        XDG_CACHE_HOME=str(scratch / "cache"),
        XDG_RUNTIME_DIR=str(scratch / "runtime"),
        PYTHONPATH=os.pathsep.join([str(TESTS_DIR), str(PLUGIN_DIR), str(CLIENT_DIR)]),
        BRIDGE_HOME=str(daemon.home),
        CB_REPORT=str(out),
        CB_SCENARIOS=",".join(SCENARIOS),
        CREATIVE_BRIDGE_NO_UI="1",
    )
    (scratch / "runtime").mkdir(mode=0o700)
    log = scratch / "krita.log"
    try:
        with open(log, "wb") as sink:
            completed = subprocess.run([KRITARUNNER, "-s", "krita_scenarios", "-f", "main"], env=env,
                                       stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                       timeout=RUN_TIMEOUT, cwd=str(scratch))
        text = log.read_text(encoding="utf-8", errors="replace")
        if not out.is_file():
            pytest.fail("kritarunner (exit {}) wrote no report.\n--- Krita output ---\n{}\n--- daemon ---\n{}".format(
                completed.returncode, text[-6000:], daemon.log_text()[-4000:]), pytrace=False)
        data = json.loads(out.read_text(encoding="utf-8"))
        data["_log"] = text
        yield data
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _part(report, name):
    part = report.get(name)
    assert part is not None, "scenario {} did not run".format(name)
    assert part["ok"], "scenario {} raised inside Krita:\n{}".format(name, part.get("traceback"))
    return part


@pytest.mark.parametrize("scenario", ["fill", "fill_u16", "fill_f32"])
def test_fill_adds_a_layer_with_only_the_filled_selection(report, scenario):
    part = _part(report, scenario)
    assert part["layer_name"] in part["layers_after"]
    assert len(part["layers_after"]) == len(part["layers_before"]) + 1
    assert part["new_index"] == part["original_index"] + 1, "result layer must sit right above the active one"
    assert part["bounds"] == part["selection"], "the new layer holds only the selection"
    assert part["original_untouched"], "the original layer must not change"
    assert part["outside_transparent"], "outside the selection the new layer is transparent"
    assert part["inside_opaque"], "inside the selection the new layer is filled"
    assert part["inside_changed"] > part["inside_count"] * 0.9, "the fill must replace the selection's content"
    assert "seed 7" in part["layer_name"]


def test_expand_grows_the_canvas_and_fills_the_border(report):
    part = _part(report, "expand")
    assert part["size"] == part["expected_size"]
    assert part["original_in_place"], "original pixels move by (left, top) and are otherwise unchanged"
    assert part["new_inner_transparent"], "the result layer leaves the original area alone"
    assert part["new_border_opaque"], "the new border is filled"
    assert part["layer_name"] in part["layers_after"]


def test_cancel_raises_and_adds_no_layer(report):
    part = _part(report, "cancel")
    assert part["raised"] == "OperationCancelled", part
    assert "cancelled" in part["message"].lower()
    assert part["layers_after"] == part["layers_before"]
    assert not part["preview_left"]
    assert part["job_status"] in ("cancelled", "succeeded"), part


def test_fill_without_selection_says_what_to_do(report):
    part = _part(report, "no_selection")
    assert part["raised"] == "NoSelectionError"
    assert "Select" in part["message"]


def test_daemon_not_running_is_reported_readably(report):
    part = _part(report, "not_running")
    assert part["raised"] == "DaemonError"
    assert "not running" in part["message"]

