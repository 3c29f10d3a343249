import io
import uuid

from PIL import Image


def jpeg_bytes(width=800, height=600, color=(200, 180, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def new_draft_id() -> str:
    return str(uuid.uuid4())
