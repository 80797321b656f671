"""multipart/mixed batch requests: parse what googleapiclient sends, format what it expects."""

from __future__ import annotations

import email
import email.parser
import re
import secrets
from dataclasses import dataclass
from email.message import Message

from .wire import ApiError, Response

# Headers of the outer request that apply to every part unless the part sets its own.
_NOT_INHERITED = ("content-", "host")


@dataclass(frozen=True, slots=True)
class BatchPart:
    content_id: str | None
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


def _split_head(data: bytes) -> tuple[bytes, bytes]:
    """Split at the first blank line, whether the part uses CRLF or bare LF (the client: LF)."""
    candidates = [(data.find(sep), sep) for sep in (b"\r\n\r\n", b"\n\n")]
    found = [(i, sep) for i, sep in candidates if i >= 0]
    if not found:
        return data, b""
    i, sep = min(found)
    return data[:i], data[i + len(sep) :]


def parse_batch(content_type: str, body: bytes, outer_headers: dict[str, str]) -> list[BatchPart]:
    if not content_type.lower().startswith("multipart/mixed") or "boundary" not in content_type:
        raise ApiError(400, "badRequest", "Batch requests must be multipart/mixed with a boundary")
    envelope = email.message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    payload = envelope.get_payload()
    if not envelope.is_multipart() or not isinstance(payload, list) or not payload:
        raise ApiError(400, "badRequest", "Empty or malformed batch request")
    inherited = {
        k.lower(): v for k, v in outer_headers.items() if not k.lower().startswith(_NOT_INHERITED)
    }
    parts = []
    for part in payload:
        if not isinstance(part, Message) or part.get_content_type() != "application/http":
            raise ApiError(400, "badRequest", "Each batch part must be application/http")
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            raise ApiError(400, "badRequest", "Malformed batch part")
        data = data.lstrip(b"\r\n")
        line, _, rest = data.partition(b"\n")
        try:
            method, target, _version = line.decode("latin-1").strip().split(" ", 2)
        except ValueError:
            raise ApiError(400, "badRequest", "Malformed request line in batch part") from None
        if rest.startswith((b"\r\n", b"\n")):
            head, inner_body = b"", rest.split(b"\n", 1)[1]
        else:
            head, inner_body = _split_head(rest)
        parsed = email.parser.BytesHeaderParser().parsebytes(head + b"\n\n")
        headers = dict(inherited)
        headers.update({k.lower(): str(v) for k, v in parsed.items()})
        if target.startswith(("http://", "https://")):
            target = "/" + target.split("/", 3)[3]
        parts.append(BatchPart(part.get("Content-ID"), method.upper(), target, headers, inner_body))
    return parts


def response_content_id(content_id: str | None, index: int) -> str:
    """`<uuid + 1>` → `<response-uuid + 1>` (the client insists on the spaces around '+')."""
    if content_id is None:
        return f"<response-{index}>"
    inner = content_id.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return f"<response-{inner}>"


def format_batch(answers: list[tuple[str | None, Response]]) -> Response:
    boundary = "batch_" + secrets.token_urlsafe(16).replace("-", "").replace("_", "")
    out = bytearray()
    for index, (content_id, resp) in enumerate(answers, start=1):
        out += f"--{boundary}\r\n".encode()
        out += b"Content-Type: application/http\r\n"
        out += f"Content-ID: {response_content_id(content_id, index)}\r\n\r\n".encode()
        out += f"HTTP/1.1 {resp.status} {resp.reason_phrase}\r\n".encode()
        for key, value in resp.headers.items():
            out += f"{key}: {value}\r\n".encode()
        out += f"Content-Length: {len(resp.body)}\r\n\r\n".encode()
        out += resp.body + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return Response(200, bytes(out), {"Content-Type": f"multipart/mixed; boundary={boundary}"})


def split_multipart(content_type: str, body: bytes) -> list[tuple[dict[str, str], bytes]]:
    """Byte-exact parts of a multipart body: (lower-case headers, body) each."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise ApiError(400, "badRequest", "Missing multipart boundary")
    delimiter = b"--" + m.group(1).encode("latin-1")
    chunks = body.split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, data = _split_head(chunk)
        if data.endswith(b"\r\n"):
            data = data[:-2]
        elif data.endswith(b"\n"):
            data = data[:-1]
        parsed = email.parser.BytesHeaderParser().parsebytes(head + b"\n\n")
        parts.append(({k.lower(): str(v) for k, v in parsed.items()}, data))
    return parts
