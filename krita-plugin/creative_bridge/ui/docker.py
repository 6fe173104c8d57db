"""The Creative Bridge docker: connection, prompt, mode, engine, seed, strength, expand
amounts, progress with the stage name, cancel, and readable errors.

All network work runs in worker threads (a connection probe, or an Operation); a QTimer
on the UI thread collects their results, so the docker never blocks Krita.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Optional

from krita import DockWidget, Krita  # type: ignore

from .. import contract
from ..bridge import connect
from ..errors import CreativeBridgeError, OperationCancelled, describe
from ..geometry import Expansion
from ..jobs import Operation
from ..model import ExpandJob, FillJob, Options
from ..qt import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QProgressBar, QPushButton, QSlider, QSpinBox, QTimer, QVBoxLayout, QWidget, enum,
)
from ..settings import Settings

DOCKER_ID = "creative_bridge_docker"
TICK_MS = 50


class SettingsDialog(QDialog):
    """Manual daemon URL and token (empty: found through endpoint.json), context margin."""

    def __init__(self, settings: Settings, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Creative Bridge settings")
        form = QFormLayout(self)
        self.url = QLineEdit(settings.url)
        self.url.setPlaceholderText("automatic (endpoint.json), e.g. http://127.0.0.1:7860")
        self.token = QLineEdit(settings.token)
        self.token.setPlaceholderText("automatic (token file)")
        self.margin = QSpinBox()
        self.margin.setRange(0, 1024)
        self.margin.setSpecialValueText("automatic")
        self.margin.setValue(settings.margin)
        form.addRow("Daemon URL", self.url)
        form.addRow("Token", self.token)
        form.addRow("Context margin (px)", self.margin)
        buttons = QDialogButtonBox(
            enum("QDialogButtonBox.StandardButton.Ok") | enum("QDialogButtonBox.StandardButton.Cancel")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> Settings:
        """The edited values."""
        return Settings(url=self.url.text().strip(), token=self.token.text().strip(), margin=self.margin.value())


class BridgeDocker(DockWidget):
    """The docker Krita shows under Settings > Dockers > Creative Bridge."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Creative Bridge")
        self.settings = Settings.load()
        self.operation: Optional[Operation] = None
        self._probe: "queue.Queue" = queue.Queue()
        self._build()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(TICK_MS)
        self.refresh_connection()

    # --- layout ------------------------------------------------------------------

    def _build(self) -> None:
        root = QWidget(self)
        layout = QVBoxLayout(root)
        top = QHBoxLayout()
        self.status = QLabel("Connecting\u2026")
        self.status.setWordWrap(True)
        reconnect = QPushButton("Reconnect")
        reconnect.clicked.connect(self.refresh_connection)
        settings = QPushButton("Settings\u2026")
        settings.clicked.connect(self.edit_settings)
        top.addWidget(self.status, 1)
        top.addWidget(reconnect)
        top.addWidget(settings)
        layout.addLayout(top)

        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText("Describe what to paint (empty: continue the surroundings)")
        self.prompt.setMaximumHeight(80)
        layout.addWidget(self.prompt)

        form = QFormLayout()
        self.mode = QComboBox()
        for value, label in contract.MODES:
            self.mode.addItem(label, value)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.engine = QComboBox()
        self.engine.addItem("Auto", "auto")
        seed_row = QHBoxLayout()
        self.random_seed = QCheckBox("Random")
        self.random_seed.setChecked(True)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2147483647)  # QSpinBox is int32; larger seeds via the API
        self.seed.setEnabled(False)
        self.random_seed.toggled.connect(lambda on: self.seed.setEnabled(not on))
        seed_row.addWidget(self.random_seed)
        seed_row.addWidget(self.seed, 1)
        self.strength = QSlider(enum("Qt.Orientation.Horizontal"))
        self.strength.setRange(0, 100)
        self.strength.setValue(100)
        self.strength.setToolTip("Used by engines that take a strength; the built-in engine ignores it.")
        form.addRow("Mode", self.mode)
        form.addRow("Engine", self.engine)
        form.addRow("Seed", seed_row)
        form.addRow("Strength", self.strength)
        layout.addLayout(form)

        self.expand_box = QWidget()
        amounts = QHBoxLayout(self.expand_box)
        amounts.setContentsMargins(0, 0, 0, 0)
        self.amounts = {}
        for side in ("left", "top", "right", "bottom"):
            spin = QSpinBox()
            spin.setRange(0, 4096)
            spin.setValue(256 if side == "right" else 0)
            spin.setPrefix(side[0].upper() + " ")
            spin.setToolTip("Pixels to add on the {}".format(side))
            self.amounts[side] = spin
            amounts.addWidget(spin)
        layout.addWidget(self.expand_box)
        self.expand_box.setVisible(False)

        buttons = QHBoxLayout()
        self.generate = QPushButton("Generate")
        self.generate.clicked.connect(self.start)
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.cancel_job)
        buttons.addWidget(self.generate, 1)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("Idle")
        layout.addWidget(self.progress)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.setWidget(root)

    def canvasChanged(self, canvas: Any) -> None:  # noqa: N802 - Krita's callback name
        """Krita calls this when the active view changes; nothing to do."""

    # --- connection ----------------------------------------------------------------

    def refresh_connection(self) -> None:
        """Probe the daemon (health + capabilities) in a worker thread."""
        self.status.setText("Connecting\u2026")
        settings = self.settings

        def probe() -> None:
            try:
                client = connect(settings)
                health = client.health()
                self._probe.put(("ok", (client.url, health, client.capabilities())))
            except BaseException as exc:  # noqa: BLE001 - shown in the status line
                self._probe.put(("error", exc))

        threading.Thread(target=probe, name="creative-bridge-probe", daemon=True).start()

    def _connected(self, url: str, health: Any, caps: Any) -> None:
        self.status.setText("Connected to {} (daemon {})".format(url, health.version))
        current = self.engine.currentData()
        self.engine.clear()
        for engine_id, label in contract.engine_choices(caps, contract.INPAINT):
            self.engine.addItem(label, engine_id)
        index = self.engine.findData(current)
        self.engine.setCurrentIndex(max(0, index))
        schema = contract.task_schema(caps, contract.INPAINT) or {}
        has_strength = "strength" in (schema.get("properties") or {})
        self.strength.setEnabled(has_strength)

    def edit_settings(self) -> None:
        """Open the settings dialog; reconnect when it is accepted."""
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec_() if hasattr(dialog, "exec_") else dialog.exec():
            self.settings = dialog.settings()
            self.settings.save()
            self.refresh_connection()

    # --- jobs ----------------------------------------------------------------------

    def _options(self) -> Options:
        return Options(
            prompt=self.prompt.toPlainText(),
            mode=self.mode.currentData(),
            engine=self.engine.currentData() or "auto",
            seed=None if self.random_seed.isChecked() else self.seed.value(),
            strength=self.strength.value() / 100.0 if self.strength.isEnabled() else None,
            margin=self.settings.margin,
        )

    def _mode_changed(self) -> None:
        self.expand_box.setVisible(self.mode.currentData() == contract.EXPAND)

    def start(self) -> None:
        """Start the chosen action on the active document."""
        if self.operation is not None:
            return
        options = self._options()
        document = Krita.instance().activeDocument()
        try:
            if options.mode == contract.EXPAND:
                amounts = Expansion(*(self.amounts[s].value() for s in ("left", "top", "right", "bottom")))
                job: Any = ExpandJob(document, amounts, options)
            else:
                job = FillJob(document, options)
            operation = job.operation(settings=self.settings, on_event=self._event, on_finished=self._finished)
        except (CreativeBridgeError, ValueError) as exc:
            self._show_error(describe(exc) if isinstance(exc, CreativeBridgeError) else str(exc))
            return
        self.operation = operation.start()
        self.generate.setEnabled(False)
        self.cancel.setEnabled(True)
        self.message.setText("")
        self.progress.setValue(0)
        self.progress.setFormat("Uploading\u2026")

    def cancel_job(self) -> None:
        """Cancel the running job (no layer will be added)."""
        if self.operation is not None:
            self.operation.cancel()
            self.progress.setFormat("Cancelling\u2026")

    def _event(self, event: Any) -> None:
        if event.progress is not None:
            self.progress.setValue(int(round(event.progress * 100)))
        if event.type == "stage" and event.stage:
            self.progress.setFormat("{} %p%".format(event.stage))
        elif event.type == "queued":
            self.progress.setFormat("Queued")
        elif event.type == "started":
            self.progress.setFormat("Started %p%")

    def _finished(self, operation: Operation) -> None:
        self.operation = None
        self.generate.setEnabled(True)
        self.cancel.setEnabled(False)
        if operation.error is None:
            self.progress.setValue(100)
            self.progress.setFormat("Done")
            self.message.setText("Added layer \u201c{}\u201d.".format(operation.result.name()))
        elif isinstance(operation.error, OperationCancelled):
            self.progress.setValue(0)
            self.progress.setFormat("Cancelled")
        else:
            self._show_error(describe(operation.error))

    def _show_error(self, text: str) -> None:
        self.progress.setFormat("Failed")
        self.message.setText(text)

    def _tick(self) -> None:
        """UI-thread pump: connection probe results and the running operation."""
        try:
            while True:
                kind, payload = self._probe.get_nowait()
                if kind == "ok":
                    self._connected(*payload)
                else:
                    self.status.setText(describe(payload))
        except queue.Empty:
            pass
        if self.operation is not None:
            self.operation.poll()
