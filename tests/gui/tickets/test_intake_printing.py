"""Intake to printed paper: the claim receipt goes to a receipt printer on the network and
the device label to a PDF folder; a real decoder reads the ticket number off the label,
and the ticket window reprints at any time."""

from __future__ import annotations

from pathlib import Path

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.devices import DeviceInput
from desktop.services.printing import DocumentKind, PrintTarget, TargetType
from desktop.views.main_window import MainWindow
from desktop.views.tickets.intake import IntakeDialog
from tests.unit.services.documents.test_tickets import _decoded
from tests.unit.services.test_printing import FakePrinterServer


def test_saving_an_intake_prints_the_claim_receipt_and_the_label(
    qtbot, shop_services: Services, bus, tasks, gui_paths, tmp_path: Path
) -> None:
    server = FakePrinterServer()
    labels = tmp_path / "labels"
    labels.mkdir()
    printing = shop_services.printing
    printing.set_target(
        DocumentKind.CLAIM_RECEIPT,
        PrintTarget(
            TargetType.ESCPOS_NETWORK, paper="thermal_80", host="127.0.0.1", port=server.port
        ),
    )
    printing.set_target(
        DocumentKind.DEVICE_LABEL, PrintTarget(TargetType.PDF_FOLDER, folder=str(labels))
    )
    customer = shop_services.customers.create(CustomerInput(first_name="Ivo", last_name="Petrov"))
    shop_services.devices.save(DeviceInput(customer.id, "Phone", "Apple", "iPhone 13"))
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    intake = window.new_ticket(customer.id)
    assert isinstance(intake, IntakeDialog)
    assert intake.print_claim.isChecked() and intake.print_label.isChecked()
    intake.problem.setPlainText("Screen")
    intake.save()
    server.close()

    receipt = bytes(server.received)
    assert receipt.startswith(b"\x1b@") and b"{BT-A-10001" in receipt
    [label] = labels.glob("*.pdf")
    assert label.name == "device-label-T-A-10001.pdf"
    assert _decoded(label.read_bytes()) == ["T-A-10001"]

    opened = window.ticket_windows[next(iter(window.ticket_windows))]
    opened.print_document(DocumentKind.DEVICE_LABEL)  # a reprint never overwrites
    assert len(list(labels.glob("*.pdf"))) == 2
    assert opened.notice.text() == f"Saved device-label-T-A-10001-2.pdf in {labels}."


def test_a_printer_that_does_not_answer_offers_the_pdf_and_keeps_the_ticket(
    qtbot, shop_services: Services, bus, tasks, gui_paths, monkeypatch
) -> None:
    import socket

    from PySide6.QtWidgets import QMessageBox

    silent = socket.socket()  # bound but not listening: a connection there is refused
    silent.bind(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    shop_services.printing.set_target(
        DocumentKind.CLAIM_RECEIPT,
        PrintTarget(TargetType.ESCPOS_NETWORK, paper="thermal_80", host="127.0.0.1", port=port),
    )
    offered: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: offered.append(box.text()))
    customer = shop_services.customers.create(CustomerInput(last_name="Offline"))
    shop_services.devices.save(DeviceInput(customer.id, "Laptop", "Lenovo", "T14"))
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    intake = window.new_ticket(customer.id)
    intake.print_label.setChecked(False)  # type: ignore[attr-defined]
    intake.problem.setPlainText("Battery")  # type: ignore[attr-defined]
    created = intake.save()  # type: ignore[attr-defined]
    assert created is not None and shop_services.tickets.get(created.id).number == "T-A-10001"
    silent.close()
    assert offered and "127.0.0.1" in offered[0]


def test_a_deposit_taken_at_intake_is_on_the_claim_receipt(
    qtbot, shop_services: Services, bus, tasks, gui_paths
) -> None:
    server = FakePrinterServer()
    shop_services.printing.set_target(
        DocumentKind.CLAIM_RECEIPT,
        PrintTarget(
            TargetType.ESCPOS_NETWORK, paper="thermal_80", host="127.0.0.1", port=server.port
        ),
    )
    customer = shop_services.customers.create(CustomerInput(first_name="Ivo", last_name="Petrov"))
    shop_services.devices.save(DeviceInput(customer.id, "Phone", "Apple", "iPhone 13"))
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    intake = window.new_ticket(customer.id)
    assert isinstance(intake, IntakeDialog)
    intake.print_label.setChecked(False)
    intake.problem.setPlainText("Screen")
    intake.deposit.amount.setText("40")
    intake.save()
    server.close()
    receipt = bytes(server.received)
    assert b"Deposit paid" in receipt and b"$40.00" in receipt
