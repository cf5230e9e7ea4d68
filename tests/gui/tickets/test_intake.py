"""The intake dialog over a real database: find a customer, fill in, sign, create."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from PySide6.QtCore import QDateTime, QPoint, Qt

from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.tickets import TicketInput
from desktop.views.tickets.intake import IntakeDialog
from desktop.views.tickets.signature_pad import SignaturePad


def _returning_customer(services: Services) -> tuple[object, object]:
    customer = services.customers.create(
        CustomerInput(first_name="Rina", last_name="Das", phones=[PhoneInput("+1 555 123 4567")])
    )
    device = services.devices.save(DeviceInput(customer.id, "Phone", "Samsung", "Galaxy S24"))
    return customer, device


def _sign(qtbot, pad: SignaturePad) -> None:
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 60))
    for x in range(30, 300, 15):
        qtbot.mouseMove(pad, QPoint(x, 60 + (x % 40)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 70))


def test_returning_customer_ticket_with_signature(shop_services: Services, bus, qtbot) -> None:
    customer, device = _returning_customer(shop_services)
    dialog = IntakeDialog(shop_services, bus)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.customer_search, "4567")
    qtbot.keyClick(dialog.customer_search, Qt.Key.Key_Return)
    assert dialog.customer_id == customer.id  # type: ignore[attr-defined]
    assert dialog.device.currentText().startswith("Samsung Galaxy S24")
    dialog.add_problem("Cracked screen")
    dialog.add_problem("Cracked screen")  # a second click adds nothing
    dialog.condition["Powers on"].setChecked(True)
    dialog.accessories["Case"].setChecked(True)
    dialog.other_accessories.setText("Stylus pen")
    dialog.estimate_labour.setText("45")
    dialog.estimate_parts.setText("129.50")
    assert dialog.estimate_total.text() == "$174.50"
    dialog.passcode.setText("1-5-9-6")
    _sign(qtbot, dialog.signature)
    assert dialog.consent.isChecked()
    with qtbot.waitSignal(dialog.ticket_created) as created:
        dialog.save()
    ticket = created.args[0]
    assert ticket.number == "T-A-10001"
    assert ticket.problem == "Cracked screen"
    assert ticket.device_id == device.id  # type: ignore[attr-defined]
    assert ticket.estimate_total == 17450
    assert set(ticket.accessories) == {"Case", "Stylus pen"}
    signature = ticket.signature("intake")
    assert signature is not None and signature.signer_name == "Rina Das"
    png = shop_services.ticket_work.signature_png(signature.id)
    assert png.startswith(b"\x89PNG")
    assert shop_services.devices.get(device.id).passcode == "1-5-9-6"  # type: ignore[attr-defined]


def test_missing_customer_and_problem_are_shown_at_their_fields(
    shop_services: Services, bus, qtbot
) -> None:
    dialog = IntakeDialog(shop_services, bus)
    qtbot.addWidget(dialog)
    dialog.estimate_labour.setText("-abc")
    assert dialog.save() is None
    assert dialog.errors.message("customer")
    assert dialog.errors.message("estimate_labour")
    customer, _device = _returning_customer(shop_services)
    dialog.choose_customer(customer.id)  # type: ignore[attr-defined]
    dialog.estimate_labour.setText("-5")
    assert dialog.save() is None
    assert dialog.errors.message("problem") == "Describe the problem."
    assert dialog.errors.message("estimate_labour")
    dialog.device.setCurrentIndex(0)  # "Choose the device…"
    assert dialog.save() is None
    assert dialog.errors.message("device")
    assert shop_services.tickets.count() == 0


def test_promised_time_in_the_past_warns(shop_services: Services, bus, qtbot) -> None:
    customer, _device = _returning_customer(shop_services)
    dialog = IntakeDialog(shop_services, bus, customer.id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.problem.setPlainText("Battery")
    dialog.promise.setChecked(True)
    dialog.promised_at.setDateTime(QDateTime.currentDateTime().addDays(-1))
    assert dialog.promise_warning.isVisibleTo(dialog)
    created = dialog.save(confirm_past=False)
    assert created is not None and created.promised_at < datetime.now(UTC)


def test_a_comeback_under_warranty_is_offered(shop_services: Services, bus, qtbot) -> None:
    customer, device = _returning_customer(shop_services)
    done = shop_services.tickets.create(
        TicketInput(customer.id, device.id, problem="Screen")  # type: ignore[attr-defined]
    )
    completed = next(s for s in shop_services.tickets.statuses() if s.category == "completed")
    shop_services.tickets.change_status(done.id, completed.id)
    dialog = IntakeDialog(shop_services, bus, customer.id, device.id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.warranty.isVisibleTo(dialog)
    assert done.number in dialog.warranty.text()
    dialog.problem.setPlainText("Screen flickers again")
    assert dialog.save().warranty_of_id == done.id  # type: ignore[union-attr]
    dialog = IntakeDialog(shop_services, bus, customer.id, device.id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.problem.setPlainText("Unrelated: battery")
    dialog.warranty.setChecked(False)
    assert dialog.save().warranty_of_id is None  # type: ignore[union-attr]


def test_signature_pad_crops_to_the_ink(qtbot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(480, 150)
    assert pad.is_empty() and pad.to_png() == b""
    _sign(qtbot, pad)
    with Image.open(io.BytesIO(pad.to_png())) as image:
        assert image.width < 300 and image.height < 80
        assert image.getextrema()[0] < 100  # there is dark ink
    pad.clear()
    assert pad.is_empty()


def test_a_deposit_entered_at_intake_is_taken_once_the_ticket_exists(
    shop_services: Services, bus, qtbot
) -> None:
    customer, _device = _returning_customer(shop_services)
    dialog = IntakeDialog(shop_services, bus, customer.id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.deposit.method.findData("on_account") < 0
    dialog.estimate_labour.setText("sixty")
    dialog.deposit.amount.setText("a lot")
    assert dialog.save() is None  # both problems at once, and no ticket yet
    assert dialog.errors.message("estimate_labour") == "Enter an amount like $25.00."
    assert dialog.errors.message("deposit_amount") == "Enter an amount like $25.00."
    assert shop_services.tickets.count() == 0
    dialog.problem.setPlainText("Battery")
    dialog.estimate_labour.setText("60")
    dialog.deposit.amount.setText("25")
    dialog.deposit.method.setCurrentIndex(dialog.deposit.method.findData("card"))
    created = dialog.save()
    assert created is not None and dialog.deposit_taken is not None
    assert dialog.deposit_taken.deposits == 2500
    assert shop_services.tickets.get(created.id).amount_due == 3500


def test_a_deposit_refused_after_the_ticket_is_created_keeps_the_ticket(
    shop_services: Services, bus, qtbot
) -> None:
    from sqlalchemy import update

    from desktop.models import PaymentMethod

    customer, _device = _returning_customer(shop_services)
    dialog = IntakeDialog(shop_services, bus, customer.id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.problem.setPlainText("Battery")
    dialog.deposit.amount.setText("25")
    dialog.deposit.method.setCurrentIndex(dialog.deposit.method.findData("card"))
    with shop_services.ctx.uow() as tx:  # another counter retires card payments meanwhile
        tx.session.execute(
            update(PaymentMethod).where(PaymentMethod.code == "card").values(active=False)
        )
        tx.commit()
    with qtbot.waitSignal(dialog.ticket_created):
        created = dialog.save()
    assert created is not None and dialog.deposit_taken is None
    problem = dialog.deposit_problem
    assert problem is not None
    qtbot.addWidget(problem)
    assert problem.text().startswith("Ticket T-A-10001 was created, but the deposit was not")
    assert "Payments tab" in problem.text()
    assert shop_services.tickets.count() == 1
    assert shop_services.ticket_payments.deposits(created.id) == []
