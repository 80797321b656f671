"""Bringing the mail index in line with one mailbox, reading only what changed: an mbox
from where it ended (its prefix verified), a Maildir by file name (see `daemon/mail_index.py`)."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from connectors._email import envelope_from_json, envelope_to_json
from connectors.errors import SourceError
from connectors.local.maildir import MaildirMail
from connectors.local.mbox import MboxMail
from daemon.index_store import MailIndex, _SourceRow, _stamp_text

logger = logging.getLogger(__name__)

_BATCH = 5000  # messages per transaction while indexing
_TAIL = 1 << 16  # bytes of the last message hashed to verify an mbox's prefix


def _tail_hash(path: Path, start: int, end: int) -> str:
    """A hash of the last bytes (at most `_TAIL`) of the range: the prefix check."""
    begin = max(start, end - _TAIL)
    with path.open("rb") as handle:
        handle.seek(begin)
        data = handle.read(end - begin)
    if len(data) != end - begin:
        return ""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _resume_point(path: Path, row: _SourceRow | None, size: int) -> tuple[int, int]:
    """Where an mbox's indexing goes on (offset, message number): from its last indexed
    message when only appended to, else (0, 1) to index it all again."""
    if row is None or row.kind != "mbox" or size < row.end_offset:
        return 0, 1
    try:
        same = row.end_offset == 0 or _tail_hash(path, row.last_start, row.end_offset) == (
            row.tail_hash
        )
    except OSError:
        same = False
    if not same:
        return 0, 1
    # Appended (or an index left mid-way): the last message is read again, in case it was
    # still being written when it was indexed.
    return row.last_start, row.next_number - 1 if row.end_offset else row.next_number


def _sync_mbox(index: MailIndex, reader: MboxMail) -> None:
    name = str(reader.path)
    stamps = reader.fingerprint()
    if not stamps:  # missing or unreadable: the reader names the problem
        for _ in reader.scan():
            break
        raise SourceError(f"{name}: cannot be read")
    stamp = _stamp_text(stamps)
    size = stamps[0][3]
    row = index.source(name)
    if row is not None and row.kind == "mbox" and row.complete and row.stamp == stamp:
        return  # unchanged since it was indexed
    start, number = _resume_point(reader.path, row, size)
    index.db.execute("BEGIN IMMEDIATE")
    try:
        if start == 0:
            if row is not None:
                logger.info("%s: changed other than by appending; indexing it again", name)
            index.drop_messages("source = ?", (name,))
        else:
            index.drop_messages("source = ? AND start >= ?", (name, start))
        done = _SourceRow(name, "mbox", stamp, start, start, "", number, False)
        pending = 0
        for found in reader.scan(start, first_number=number):
            if found.envelope is not None:
                index.add(
                    name,
                    f"{found.start}:{found.content_hash}",
                    "",
                    (found.start, found.end),
                    found.content_hash,
                    found.envelope,
                )
            done.end_offset, done.last_start = found.end, found.start
            done.next_number = found.number + 1
            pending += 1
            if pending >= _BATCH:  # commit with the position reached: a kill resumes here
                done.tail_hash = _tail_hash(reader.path, done.last_start, done.end_offset)
                index.save_source(done)
                index.commit(again=True)
                pending = 0
        if done.end_offset:
            done.tail_hash = _tail_hash(reader.path, done.last_start, done.end_offset)
        done.complete = reader.fingerprint() == stamps  # changed meanwhile: read again next time
        index.finish(done)
    except BaseException:
        index.rollback()
        raise


# --- Maildir -----------------------------------------------------------------------------


def _sync_maildir(index: MailIndex, reader: MaildirMail) -> None:
    name = str(reader.path)
    stamps = reader.fingerprint()
    stamp = _stamp_text(stamps)
    row = index.source(name)
    if stamps and row is not None and row.kind == "maildir" and row.complete and row.stamp == stamp:
        return
    # Files are known by path: a pass after one delivery makes one entry, not 20,000, and
    # loads no envelope but a renamed file's (below).
    known: dict[str, int] = dict(
        index.db.execute("SELECT locator, id FROM messages WHERE source = ?", (name,))
    )
    present: set[str] = set()
    renamed: set[str] = set()  # known paths whose file is now under another name
    index.db.execute("BEGIN IMMEDIATE")
    try:
        pending = 0
        for entry in reader.entries(skip=known, present=present):
            old = index.db.execute(
                "SELECT id, locator, envelope FROM messages WHERE source = ? AND key = ?",
                (name, entry.unique),
            ).fetchone()
            if old is not None and (old[1] in present or os.path.lexists(old[1])):
                continue  # one unique name twice (in new/ and cur/): the one indexed kept
            if old is not None:  # renamed for flags or moved new/ → cur/: re-keyed, not read
                renamed.add(old[1])
                envelope = _with_flags(old[2], entry.flags, entry.drafts)
                if envelope is not None:
                    index.db.execute(
                        "UPDATE messages SET locator = ?, envelope = ? WHERE id = ?",
                        (entry.path, envelope, old[0]),
                    )
                    continue
            found = reader.envelope(entry)
            if old is not None:  # its old file is gone, whatever the new one holds
                index.drop_messages("id = ?", (old[0],))
            if found is None:
                continue
            index.add(name, entry.unique, entry.path, (0, 0), "md:" + entry.unique, found)
            pending += 1
            if pending >= _BATCH:
                index.commit(again=True)
                pending = 0
        gone = [known[path] for path in known.keys() - present - renamed]
        for at in range(0, len(gone), 500):
            chunk = gone[at : at + 500]
            index.drop_messages(f"id IN ({','.join('?' * len(chunk))})", chunk)
        complete = bool(stamps) and reader.fingerprint() == stamps
        index.finish(_SourceRow(name, "maildir", stamp, 0, 0, "", 0, complete))
    except BaseException:
        index.rollback()
        raise


def _with_flags(text: str, flags: str, drafts: bool) -> str | None:
    """The stored envelope with the draft flag the new file name gives."""
    try:
        envelope = envelope_from_json(text, 0)
    except ValueError:
        return None
    labels = {label.lower() for label in envelope.labels}
    is_draft = drafts or "D" in flags or bool(labels & {"draft", "drafts"})
    is_draft = is_draft or "x-mozilla-draft-info" in envelope.fields
    return envelope_to_json(envelope._replace(is_draft=is_draft))
