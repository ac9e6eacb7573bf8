"""The receipt printer's set-up, asked once (the first PAY with no printer) and kept in
the shop's settings; Devices → Printer set-up… changes it.

The choices: an ESC/POS receipt printer on USB, a serial port or the network; a
printer the operating system knows; a PDF folder (one file per receipt or report,
never overwritten); or no printer. The core checks every field and stores the choice
(:mod:`callshop_pos.services.till.printer_setup`); a refusal is shown under the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.till.printer_setup import PrinterChoice, PrinterKind
from ui.action_errors import plain_words
from ui.dialog_parts import confirm_buttons, error_line, show_error

__all__ = ["PrinterSetupDialog"]

_BAUDS = (9600, 19200, 38400, 57600, 115200, 4800, 2400, 1200)


class PrinterSetupDialog(QDialog):
    """Where receipts and X/Z reports go; ``save`` stores the choice (the core's)."""

    def __init__(
        self,
        save: Callable[[PrinterChoice], object],
        *,
        current: PrinterChoice | None = None,
        system_printers: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.result_value: PrinterChoice | None = None
        self.setWindowTitle(self.tr("Printer set-up"))
        self.setMinimumWidth(520)
        heading = QLabel(
            self.tr("Where should receipts and reports go?"), objectName="sectionTitle"
        )
        text = QLabel(
            self.tr(
                "Chosen once for this shop; change it later in Devices → Printer set-up…. "
                "A PDF folder keeps one file per receipt or report and never overwrites one."
            )
        )
        text.setWordWrap(True)
        self.kind_combo = QComboBox()
        kinds = (
            (PrinterKind.USB, self.tr("Receipt printer (ESC/POS) on USB")),
            (PrinterKind.SERIAL, self.tr("Receipt printer (ESC/POS) on a serial port")),
            (PrinterKind.NETWORK, self.tr("Receipt printer (ESC/POS) on the network")),
            (PrinterKind.SYSTEM, self.tr("A printer of this computer (system printer)")),
            (PrinterKind.PDF, self.tr("PDF files in a folder")),
            (PrinterKind.NONE, self.tr("No printer")),
        )
        for kind, label in kinds:
            self.kind_combo.addItem(label, kind.value)
        self.pages = QStackedWidget()

        # USB
        self.usb_vendor_edit = QLineEdit(placeholderText="04b8")
        self.usb_product_edit = QLineEdit(placeholderText="0202")
        usb = self._page(
            (self.tr("USB vendor id"), self.usb_vendor_edit),
            (self.tr("USB product id"), self.usb_product_edit),
        )
        # serial
        self.serial_port_edit = QLineEdit(placeholderText="/dev/ttyUSB0, COM3")
        self.baud_combo = QComboBox()
        for baud in _BAUDS:
            self.baud_combo.addItem(str(baud), baud)
        serial = self._page(
            (self.tr("Serial port"), self.serial_port_edit),
            (self.tr("Speed (baud)"), self.baud_combo),
        )
        # network
        self.host_edit = QLineEdit(placeholderText="192.168.1.50")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(9100)
        network = self._page(
            (self.tr("Printer address"), self.host_edit), (self.tr("Port"), self.port_spin)
        )
        # system
        self.system_combo = QComboBox()
        self.system_combo.addItem(self.tr("The default printer"), "")
        for name in system_printers:
            self.system_combo.addItem(name, name)
        system = self._page((self.tr("Printer"), self.system_combo))
        # PDF folder
        self.folder_edit = QLineEdit()
        browse = QPushButton(self.tr("Choose…"))
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        pdf = self._page((self.tr("Folder"), folder_row))
        # none
        none_text = QLabel(
            self.tr("Payments are recorded as always; no receipt or report is printed.")
        )
        none_text.setWordWrap(True)
        none = self._page()
        none.layout().addWidget(none_text)  # type: ignore[union-attr]
        for page in (usb, serial, network, system, pdf, none):
            self.pages.addWidget(page)
        self.kind_combo.currentIndexChanged.connect(self.pages.setCurrentIndex)

        self.error_label = error_line()
        buttons, self.ok_button = confirm_buttons(self, self.tr("Save"), self._on_submit)
        cancel = buttons.button(buttons.StandardButton.Cancel)
        cancel.setText(self.tr("Not now"))
        form = QFormLayout()
        form.addRow(self.tr("&Printer"), self.kind_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.pages)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.show_choice(current or PrinterChoice(PrinterKind.PDF))

    def _page(self, *rows: tuple[str, QWidget]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        for caption, widget in rows:
            form.addRow(caption, widget)
        return page

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Folder for the PDF files"), self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    def show_choice(self, choice: PrinterChoice) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(choice.kind.value))
        self.pages.setCurrentIndex(self.kind_combo.currentIndex())
        self.usb_vendor_edit.setText(choice.usb_vendor)
        self.usb_product_edit.setText(choice.usb_product)
        self.serial_port_edit.setText(choice.serial_port)
        index = self.baud_combo.findData(choice.baudrate)
        self.baud_combo.setCurrentIndex(max(index, 0))
        self.host_edit.setText(choice.host)
        self.port_spin.setValue(choice.port)
        index = self.system_combo.findData(choice.system_name)
        if index < 0:  # a printer not installed any more: still shown, by name
            self.system_combo.addItem(choice.system_name, choice.system_name)
            index = self.system_combo.count() - 1
        self.system_combo.setCurrentIndex(index)
        self.folder_edit.setText(choice.pdf_folder)

    def choice(self) -> PrinterChoice:
        return PrinterChoice(
            PrinterKind(self.kind_combo.currentData()),
            usb_vendor=self.usb_vendor_edit.text(),
            usb_product=self.usb_product_edit.text(),
            serial_port=self.serial_port_edit.text(),
            baudrate=int(self.baud_combo.currentData()),
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            system_name=str(self.system_combo.currentData() or ""),
            pdf_folder=self.folder_edit.text(),
        )

    def _on_submit(self) -> None:
        choice = self.choice()
        try:
            self._save(choice)
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "printer set-up"))
            return
        self.result_value = choice
        self.accept()
