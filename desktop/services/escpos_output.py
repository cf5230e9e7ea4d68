"""The receipt-printer adapter: writes ESC/POS bytes through python-escpos's connection
classes (network port 9100, USB, serial, the Windows spooler) and turns every way that
can fail into a ``PrintError`` the counter understands."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING, Any

from desktop.services.errors import BenchsideError

if TYPE_CHECKING:
    from desktop.services.printing import PrintTarget

log = logging.getLogger(__name__)


def _seconds(timeout: float) -> str:
    return f"{timeout:g} second" + ("" if timeout == 1 else "s")


def _connection(target: PrintTarget, timeout: float) -> Any:
    """The python-escpos printer object of ``target``, not yet opened."""
    from desktop.services.printing import TargetType

    if target.type is TargetType.ESCPOS_NETWORK:
        return _network_printer(target.host, target.port, timeout)
    if target.type is TargetType.ESCPOS_USB:
        from escpos.printer import Usb

        return Usb(target.usb_vendor_id, target.usb_product_id, timeout=int(timeout * 1000))
    if target.type is TargetType.ESCPOS_SERIAL:
        from escpos.printer import Serial

        return Serial(target.serial_device, baudrate=target.baud_rate, timeout=timeout)
    if target.type is TargetType.ESCPOS_WIN32:
        from escpos.printer import Win32Raw

        return Win32Raw(target.printer_name)
    raise ValueError(f"{target.type} is not a receipt printer")


def _network_printer(host: str, port: int, timeout: float) -> Any:
    from escpos.printer import Network

    class ClosingNetwork(Network):  # type: ignore[misc]
        """python-escpos's network printer, but a failed connect closes its socket and
        raises the socket's own error (timeout, refused, unknown host)."""

        def open(self, raise_not_found: bool = True) -> None:
            self.device = socket.create_connection((self.host, self.port), self.timeout)

    return ClosingNetwork(host, port, timeout=timeout)


def _cause(error: BaseException) -> BaseException:
    """The OS-level error under python-escpos's wrappers (it raises without ``from``)."""
    seen = error
    while seen.__cause__ is not None or seen.__context__ is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return seen


def _message(target: PrintTarget, error: BaseException, timeout: float) -> str:
    from desktop.services.printing import TargetType

    name = target.describe()
    name = name[0].upper() + name[1:]
    cause = _cause(error)
    if isinstance(cause, TimeoutError | socket.timeout):
        return f"{name} did not answer within {_seconds(timeout)}. Is it on and online?"
    if isinstance(cause, ConnectionRefusedError):
        return f"{name} refused the connection. Check the address and port."
    if isinstance(cause, socket.gaierror):
        return f"{name} could not be found on the network. Check the address."
    if isinstance(error, RuntimeError) and target.type is TargetType.ESCPOS_WIN32:
        return "Printing through the Windows spooler is only possible on Windows."
    if isinstance(error, RuntimeError | ImportError):
        return f"{name} cannot be used on this computer: a system library is missing."
    if target.type is TargetType.ESCPOS_USB:
        return f"{name} was not found. Is it plugged in and switched on?"
    detail = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    return f"{name} could not print: {detail}"


def write_escpos(target: PrintTarget, data: bytes, timeout: float) -> None:
    """Open ``target``, write ``data``, close. Raises ``PrintError``."""
    from desktop.services.printing import PrintError

    printer = None
    try:
        printer = _connection(target, timeout)
        printer.open()
        printer._raw(data)
    except BenchsideError:
        raise
    except Exception as error:  # hardware and OS errors of every kind end here
        log.warning("printing to %s failed: %r", target.describe(), error)
        raise PrintError(_message(target, error, timeout)) from error
    finally:
        if printer is not None:
            try:
                printer.close()
            except Exception:  # closing a broken connection may fail too; nothing to lose
                log.debug("closing %s failed", target.describe(), exc_info=True)
