"""Photos of a device kept with its ticket: scaled down and copied into the data dir."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from desktop.models import TicketAttachment
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound, StorageError, ValidationError
from desktop.services.files import write_atomically
from desktop.services.ids import new_id
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, clean_line
from desktop.services.tickets import Attachment, existing_ticket

MAX_SOURCE_BYTES = 60 * 1024 * 1024
MAX_EDGE = 2048  # pixels; plenty to see a scratch, small enough to sync and back up
JPEG_QUALITY = 85
# Decompression bombs: a small file that claims billions of pixels.
Image.MAX_IMAGE_PIXELS = 120_000_000


def scaled_jpeg(source: bytes) -> tuple[bytes, int, int]:
    """The photo upright, at most ``MAX_EDGE`` on its long side, as JPEG without metadata.

    Raises ``ValidationError`` when it is not a picture Pillow can read.
    """
    try:
        with Image.open(io.BytesIO(source)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened) or opened
            image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue(), image.width, image.height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise ValidationError({"photo": "This file is not a photo we can read."}) from error


class TicketAttachmentService:
    def __init__(self, ctx: ServiceContext, directory: Path) -> None:
        self.ctx = ctx
        self.directory = directory

    def add_photo(self, ticket_id: uuid.UUID, source: Path, caption: str = "") -> Attachment:
        """Copy a photo into the data dir (scaled) and attach it to the ticket.

        The file is written before the row and removed again if the row cannot be saved,
        so a ticket never points at a missing file. Raises ``ValidationError``, ``NotFound``.
        """
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        cleaned_caption = check.line("caption", caption, 200)
        check.raise_if_any()
        try:
            size = source.stat().st_size
            if size > MAX_SOURCE_BYTES:
                raise ValidationError({"photo": "This file is larger than 60 MB."})
            data = source.read_bytes()
        except OSError as error:
            raise ValidationError({"photo": f"Cannot read {source.name}."}) from error
        jpeg, width, height = scaled_jpeg(data)
        attachment_id = new_id()
        relative = f"{ticket_id}/{attachment_id}.jpg"
        target = self.directory / relative
        try:
            write_atomically(target, jpeg, create_folder=True)
        except OSError as error:
            raise StorageError(
                f"The photo could not be stored in {self.directory} "
                f"({error.strerror or error}). Check the disk space and permissions."
            ) from error
        try:
            with self.ctx.uow() as tx:
                existing_ticket(tx.session, ticket_id)
                row = TicketAttachment(
                    id=attachment_id,
                    ticket_id=ticket_id,
                    file_name=relative,
                    original_name=clean_line(source.name)[:260],
                    size_bytes=len(jpeg),
                    width=width,
                    height=height,
                    sha256=hashlib.sha256(jpeg).hexdigest(),
                    caption=cleaned_caption,
                    user_id=actor.user_id,
                )
                tx.session.add(row)
                tx.commit()
                return Attachment(
                    row.id,
                    row.file_name,
                    row.original_name,
                    width,
                    height,
                    row.size_bytes,
                    row.caption,
                    row.at,
                )
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def path(self, attachment: Attachment) -> Path:
        return self.directory / attachment.file_name

    def remove(self, attachment_id: uuid.UUID) -> None:
        """Detach a photo and delete its file."""
        self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            row = tx.session.get(TicketAttachment, attachment_id)
            if row is None:
                raise NotFound("This photo is no longer attached.")
            target = self.directory / row.file_name
            tx.session.delete(row)
            tx.commit()
        target.unlink(missing_ok=True)
