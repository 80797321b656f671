"""The local `DraftSink`: one RFC 822 message per draft in a Maildir (`mail.drafts_path`).

New drafts go in through `mailbox.Maildir.add` (written in tmp/, then linked into place:
atomic by design) and are then renamed into cur/ with the Draft and Seen flags. A draft is
found again by its `X-Followup-Key` header. `X-Followup-Hash: <content hash>.<digest of the
rest of the file>` lets an untouched file report its content hash without parsing; an
edited one is parsed, and its hash comes from what a reader sees (recipients, subject,
threading headers, body text), so an edit shows as a different hash. A deleted or sent
draft is simply gone. An update replaces the file in place (tmp/ then rename over), never
adding a second message with the same key, as `Maildir.__setitem__` briefly would.
"""

from __future__ import annotations

import contextlib
import email.policy
import hashlib
import json
import logging
import mailbox
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any

from connectors import hygiene
from connectors.base import DraftMessage, Found, Written
from connectors.errors import SourceError, describe_os_error

logger = logging.getLogger(__name__)

KEY_HEADER = "X-Followup-Key"
HASH_HEADER = "X-Followup-Hash"
_ID = re.compile(r"<?([^<>\s]+)>?")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# No folding below the RFC 5322 limit: the key header stays on one line, whatever its length.
_POLICY = email.policy.default.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class _File:
    """One message file: its path, and what it reports."""

    path: str
    found: Found | None  # None: not one of ours


class MaildirDrafts:
    """A `DraftSink` over one Maildir folder (created on first write)."""

    def __init__(self, path: Path, *, sender: str = "", durable: bool = True) -> None:
        self.path = path
        self.sender = sender
        self.durable = durable
        # file name -> ((mtime, size), what it held): files are re-read only when changed
        self._seen: dict[str, tuple[tuple[int, int], _File]] = {}

    # -- the Protocol ---------------------------------------------------------------------

    def content_hash(self, draft: DraftMessage) -> str:
        return _digest(_canonical_of(draft))

    def find_all(self) -> dict[str, Found]:
        found: dict[str, Found] = {}
        duplicates = 0
        for _, file in sorted(self._scan().items()):
            if file.found is None:
                continue
            if file.found.key in found:
                duplicates += 1
                continue
            found[file.found.key] = file.found
        if duplicates:
            logger.warning("%s: %d drafts repeat the key of another", self.path, duplicates)
        return found

    def create(self, draft: DraftMessage) -> Written:
        existing = self._locate(draft.key)
        if existing is not None and existing.found is not None:
            # Already there (a pass was killed after writing it): never a second copy.
            return Written(
                remote_id=existing.found.remote_id,
                etag=existing.found.etag,
                content_hash=self.content_hash(draft),
            )
        data, content = self._render(draft)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes one level only
            box = mailbox.Maildir(str(self.path), factory=None, create=True)
            uniq = box.add(data)
            new = self.path / "new" / uniq
            os.chmod(new, 0o600)  # a draft holds a recruiter's name and our words: private
            os.rename(new, self.path / "cur" / f"{uniq}:2,DS")
            if self.durable:
                _sync_folder(self.path / "cur")
        except (OSError, mailbox.Error) as error:
            raise SourceError(f"{self.path}: cannot write a draft: {_why(error)}") from error
        return Written(remote_id=uniq, etag=_etag(data), content_hash=content)

    def update(self, found: Found, draft: DraftMessage) -> Written | None:
        existing = self._locate(found.key)
        if existing is None or existing.found is None or existing.found.etag != found.etag:
            return None
        data, content = self._render(draft)
        temp = self.path / "tmp" / f"{existing.found.remote_id}.{os.getpid()}.update"
        try:
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                if self.durable:
                    out.flush()
                    os.fsync(out.fileno())
            if _etag_of(existing.path) != found.etag:
                os.unlink(temp)
                return None
            os.replace(temp, existing.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise SourceError(f"{self.path}: cannot update a draft: {_why(error)}") from error
        return Written(remote_id=existing.found.remote_id, etag=_etag(data), content_hash=content)

    def delete(self, found: Found) -> bool:
        existing = self._locate(found.key)
        if existing is None or existing.found is None:
            return True
        if existing.found.etag != found.etag:
            return False
        try:
            os.unlink(existing.path)
        except FileNotFoundError:
            return True
        except OSError as error:
            raise SourceError(f"{self.path}: cannot delete a draft: {_why(error)}") from error
        return True

    # -- files --------------------------------------------------------------------------

    def _scan(self) -> dict[str, _File]:
        """Every message file in new/ and cur/, by name; unchanged files come from memory."""
        current: dict[str, tuple[tuple[int, int], _File]] = {}
        for sub in ("new", "cur"):
            folder = self.path / sub
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            except OSError as error:
                raise SourceError(f"{folder}: {describe_os_error(error)}") from error
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    info = entry.stat()
                except FileNotFoundError:
                    continue
                stamp = (info.st_mtime_ns, info.st_size)
                name = f"{sub}/{entry.name}"
                seen = self._seen.get(name)
                if seen is not None and seen[0] == stamp:
                    current[name] = seen
                    continue
                file = self._read(entry.path, entry.name)
                if file is not None:
                    current[name] = (stamp, file)
        self._seen = current
        return {name: file for name, (_, file) in current.items()}

    def _locate(self, key: str) -> _File | None:
        for _, file in sorted(self._scan().items()):
            if file.found is not None and file.found.key == key:
                return file
        return None

    def _read(self, path: str, name: str) -> _File | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as error:
            logger.warning("%s: %s skipped: %s", self.path, name, describe_os_error(error))
            return None
        key = _header(data, KEY_HEADER)
        if key is None:
            return _File(path=path, found=None)
        return _File(
            path=path,
            found=Found(
                key=key,
                remote_id=name.split(":2,", 1)[0],
                etag=_etag(data),
                content_hash=_file_hash(data),
            ),
        )

    def _render(self, draft: DraftMessage) -> tuple[bytes, str]:
        """The message file's bytes and its content hash."""
        if hygiene.has_controls(draft.key):
            raise SourceError(
                f"{self.path}: draft {draft.key!r} not written: its key holds controls"
            )
        message = EmailMessage(policy=_POLICY)
        if self.sender:
            message["From"] = hygiene.one_line(self.sender)
        message["To"] = ", ".join(_addresses(draft.draft.to, draft.key))
        if draft.draft.cc:
            message["Cc"] = ", ".join(_addresses(draft.draft.cc, draft.key))
        message["Subject"] = hygiene.one_line(draft.draft.subject)
        message["Date"] = format_datetime(datetime.now(UTC))
        digest = hashlib.sha256(draft.key.encode()).hexdigest()[:16]
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        message["Message-ID"] = f"<followup.{digest}.{stamp}@followup.invalid>"
        if draft.draft.in_reply_to:
            message["In-Reply-To"] = f"<{_bare(draft.draft.in_reply_to)}>"
        if draft.draft.references:
            message["References"] = " ".join(f"<{_bare(r)}>" for r in draft.draft.references)
        message[KEY_HEADER] = draft.key
        message.set_content(draft.draft.body, charset="utf-8")
        content = _digest(_canonical_of(draft))
        data = message.as_bytes()
        stamped = _with_hash(data, f"{content}.{_rest_digest(data)}")
        return stamped, content


def _addresses(addresses: tuple[str, ...], key: str) -> list[str]:
    """The addresses a header can hold; one that holds controls is left out, with a line."""
    kept = [address for address in addresses if hygiene.clean_address(address) is not None]
    if len(kept) < len(addresses):
        logger.warning("draft %s: %d unusable addresses left out", key, len(addresses) - len(kept))
    return kept


# --- hashing -----------------------------------------------------------------------------


def _canonical_of(draft: DraftMessage) -> list[Any]:
    return [
        [address.lower() for address in draft.draft.to],
        [address.lower() for address in draft.draft.cc],
        _words(draft.draft.subject),
        _bare(draft.draft.in_reply_to),
        [_bare(r) for r in draft.draft.references],
        _body(draft.draft.body),
    ]


def _canonical_of_file(data: bytes) -> list[Any]:
    """The fields of `_canonical_of`, read from a message a mail program may have rewritten."""
    try:
        message = BytesParser(policy=email.policy.default).parsebytes(data)
        assert isinstance(message, EmailMessage)
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if isinstance(part, EmailMessage) else ""
        return [
            [a.lower() for _, a in getaddresses([str(v) for v in message.get_all("To", [])])],
            [a.lower() for _, a in getaddresses([str(v) for v in message.get_all("Cc", [])])],
            _words(str(message.get("Subject", ""))),
            _bare(str(message.get("In-Reply-To", ""))),
            [_bare(r) for r in _ID.findall(str(message.get("References", "")))],
            _body(str(body)),
        ]
    except Exception as error:  # damaged by hand: unreadable counts as changed
        return ["unreadable", type(error).__name__, _etag(data)]


def _file_hash(data: bytes) -> str:
    stamp = _header(data, HASH_HEADER) or ""
    content, _, rest = stamp.partition(".")
    if content and rest == _rest_digest(data):
        return content  # untouched since we wrote it
    return _digest(_canonical_of_file(data))


def _digest(canonical: list[Any]) -> str:
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


def _etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


def _etag_of(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return _etag(handle.read())
    except FileNotFoundError:
        return None


def _words(text: str) -> str:
    return " ".join(text.split())


def _bare(message_id: str) -> str:
    match = _ID.search(message_id.strip())
    return match.group(1) if match else ""


def _body(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


# --- the header block, as bytes ----------------------------------------------------------


def _split(data: bytes) -> tuple[bytes, bytes]:
    match = _HEADER_END.search(data)
    if match is None:
        return data, b""
    return data[: match.start()], data[match.start() :]


def _header_lines(block: bytes) -> list[bytes]:
    """Unfolded header lines."""
    lines: list[bytes] = []
    for line in block.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += b" " + line.strip()
        else:
            lines.append(line)
    return lines


def _header(data: bytes, name: str) -> str | None:
    block, _ = _split(data)
    wanted = name.lower().encode() + b":"
    for line in _header_lines(block):
        if line.lower().startswith(wanted):
            value = line[len(wanted) :].strip().decode("utf-8", "replace")
            if "=?" in value:  # RFC 2047 (a key with non-ASCII characters)
                value = str(make_header(decode_header(value)))
            return value
    return None


def _rest_digest(data: bytes) -> str:
    """A digest of the whole file except the X-Followup-Hash header."""
    block, rest = _split(data)
    wanted = HASH_HEADER.lower().encode() + b":"
    kept = [line for line in _header_lines(block) if not line.lower().startswith(wanted)]
    return hashlib.sha256(b"\n".join(kept) + rest).hexdigest()[:20]


def _with_hash(data: bytes, stamp: str) -> bytes:
    block, rest = _split(data)
    newline = b"\r\n" if block.endswith(b"\r") or b"\r\n" in block else b"\n"
    return block + newline + f"{HASH_HEADER}: {stamp}".encode() + rest


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _why(error: Exception) -> str:
    if isinstance(error, OSError):
        return describe_os_error(error)
    return str(error) or type(error).__name__
