"""One IMAP connection: security, login, folders by special use (RFC 6154), and the few
commands the source and the drafts writer need, over the standard library's `imaplib`.

`imaplib` rather than a third-party client: the commands used are few (LIST, STATUS,
EXAMINE/SELECT, UID FETCH/SEARCH/STORE/EXPUNGE, APPEND) and it adds no dependency.
`security = "none"` is refused for anything but a loopback host; "tls" and "starttls" check
the server's certificate and name (`ssl.create_default_context`).
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from connectors.errors import SourceError

SECURITIES = ("tls", "starttls", "none")
_TIMEOUT = 60
_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<sep>"(?:[^"\\]|\\.)*"|NIL) (?P<name>.*)$')
_SENT_NAMES = ("sent", "sent items", "sent messages", "sent mail", "[gmail]/sent mail")
_DRAFT_NAMES = ("drafts", "draft", "[gmail]/drafts")


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """Where and who; `password` is called once per connection, never stored here."""

    host: str
    port: int
    security: str
    username: str
    password: Callable[[], str]

    @property
    def label(self) -> str:
        return f"imap {self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_security(account: Account) -> None:
    if account.security not in SECURITIES:
        raise SourceError(f"{account.label}: security must be tls, starttls or none")
    if account.security == "none" and not is_loopback(account.host):
        raise SourceError(
            f'{account.label}: security = "none" is only allowed for a loopback host '
            "(the password would cross the network in clear); use tls or starttls"
        )


@contextlib.contextmanager
def connected(account: Account) -> Iterator[imaplib.IMAP4]:
    """A logged-in client, logged out afterwards; every failure one SourceError line."""
    check_security(account)
    client = _open(account)
    try:
        secret = account.password()
        try:
            client.login(account.username, secret)
        except imaplib.IMAP4.error as error:
            raise SourceError(
                f"{account.label}: login refused for {account.username}: {_text(error)}"
            ) from None
        finally:
            del secret
        _learn_capabilities(client)
        yield client
    except (imaplib.IMAP4.abort, OSError) as error:
        raise SourceError(f"{account.label}: connection lost ({_text(error)})") from None
    except imaplib.IMAP4.error as error:
        raise SourceError(f"{account.label}: {_text(error)}") from None
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def _open(account: Account) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    try:
        if account.security == "tls":
            return imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=context, timeout=_TIMEOUT
            )
        client = imaplib.IMAP4(account.host, account.port, timeout=_TIMEOUT)
        if account.security == "starttls":
            try:
                client.starttls(ssl_context=context)
            except imaplib.IMAP4.error as error:
                client.shutdown()
                raise SourceError(
                    f'{account.label}: STARTTLS refused ({_text(error)}); try security = "tls"'
                ) from None
        return client
    except ssl.SSLCertVerificationError as error:
        raise SourceError(
            f"{account.label}: the server's certificate is not trusted ({error.verify_message})"
        ) from None
    except ssl.SSLError as error:
        raise SourceError(f"{account.label}: TLS failed ({error.reason or error})") from None
    except socket.gaierror:
        raise SourceError(f"{account.label}: unknown host") from None
    except TimeoutError:
        raise SourceError(f"{account.label}: no answer in {_TIMEOUT} s") from None
    except ConnectionRefusedError:
        raise SourceError(f"{account.label}: connection refused") from None
    except OSError as error:
        raise SourceError(f"{account.label}: cannot connect ({error.strerror or error})") from None
    except imaplib.IMAP4.error as error:
        raise SourceError(f"{account.label}: {_text(error)}") from None


def _learn_capabilities(client: imaplib.IMAP4) -> None:
    """The capabilities after login (most servers list more than before: CONDSTORE, QRESYNC,
    UIDPLUS), from the LOGIN answer's CAPABILITY code, or asked for when it had none."""
    _, listed = client.response("CAPABILITY")
    line = listed[-1] if listed and isinstance(listed[-1], bytes) else None
    if line is None:
        typ, data = client.capability()
        line = data[-1] if typ == "OK" and data and isinstance(data[-1], bytes) else b""
    if line:
        client.capabilities = tuple(line.decode("ascii", "replace").upper().split())


def has(client: imaplib.IMAP4, capability: str) -> bool:
    return capability.upper() in client.capabilities


def _text(error: BaseException) -> str:
    text = str(error.args[0] if error.args else error)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text[:200]


def quote(name: str) -> str:
    """A mailbox name as an IMAP quoted string (names are kept as the server spells them)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class Folder:
    name: str  # as the server spells it (modified UTF-7)
    flags: frozenset[str]  # lower-case, e.g. "\\sent"


def folders(client: imaplib.IMAP4) -> list[Folder]:
    typ, data = client.list()
    if typ != "OK":
        raise imaplib.IMAP4.error(f"LIST failed: {data!r}")
    found: list[Folder] = []
    items = list(data)
    index = 0
    while index < len(items):
        item = items[index]
        index += 1
        if item is None:
            continue
        if isinstance(item, tuple):  # the name came as a literal
            head, literal = item
            match = _LIST_LINE.match(head.rstrip())
            name = literal.decode("utf-8", "replace")
        else:
            match = _LIST_LINE.match(item)
            name = ""
        if match is None:
            continue
        flags = frozenset(f.lower() for f in match.group("flags").decode().split())
        if not name:
            raw = match.group("name").strip()
            name = (
                re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("utf-8", "replace")
                if raw.startswith(b'"')
                else raw.decode("utf-8", "replace")
            )
        if "\\noselect" in flags or "\\nonexistent" in flags:
            continue
        found.append(Folder(name=name, flags=flags))
    return found


def special(found: list[Folder], use: str, names: tuple[str, ...]) -> str | None:
    """The folder marked `use` (e.g. "\\sent"), else the first with a usual name."""
    for folder in found:
        if use in folder.flags:
            return folder.name
    by_name = {folder.name.lower(): folder.name for folder in found}
    for name in names:
        if name in by_name:
            return by_name[name]
    for folder in found:  # "INBOX.Sent", "INBOX/Drafts"
        if folder.name.lower().rpartition(".")[2] in names[:2] or (
            folder.name.lower().rpartition("/")[2] in names[:2]
        ):
            return folder.name
    return None


def sent_folder(found: list[Folder]) -> str | None:
    return special(found, "\\sent", _SENT_NAMES)


def drafts_folder(found: list[Folder]) -> str | None:
    return special(found, "\\drafts", _DRAFT_NAMES)


@dataclass(frozen=True, slots=True)
class Status:
    """What STATUS says of a folder; `modseq` is its HIGHESTMODSEQ (RFC 7162), 0 when the
    server has no CONDSTORE: every change (new mail, an expunge, a flag) raises it."""

    validity: int
    uidnext: int
    messages: int
    modseq: int = 0


def status(client: imaplib.IMAP4, name: str) -> Status:
    """A folder's STATUS without selecting it: one round trip."""
    items = "UIDVALIDITY UIDNEXT MESSAGES" + (" HIGHESTMODSEQ" if has(client, "CONDSTORE") else "")
    typ, data = client.status(quote(name), f"({items})")
    if typ != "OK" or not data or not isinstance(data[0], bytes):
        raise SourceError(f"{name}: no such folder on the server")
    values = dict(re.findall(rb"(UIDVALIDITY|UIDNEXT|MESSAGES|HIGHESTMODSEQ) (\d+)", data[0]))
    return Status(
        validity=int(values.get(b"UIDVALIDITY", 0)),
        uidnext=int(values.get(b"UIDNEXT", 0)),
        messages=int(values.get(b"MESSAGES", 0)),
        modseq=int(values.get(b"HIGHESTMODSEQ", 0)),
    )


def select(client: imaplib.IMAP4, name: str, *, readonly: bool) -> tuple[int, int]:
    """Select (or EXAMINE) a folder: its UIDVALIDITY and how many messages it holds."""
    typ, data = client.select(quote(name), readonly=readonly)
    if typ != "OK":
        raise SourceError(f"{name}: cannot open the folder ({_text(Exception(*data))})")
    _, validity = client.response("UIDVALIDITY")
    count = data[0] if data and isinstance(data[0], bytes) and data[0].isdigit() else b"0"
    return (int(validity[0]) if validity and validity[0] else 0), int(count)


def selected_modseq(client: imaplib.IMAP4) -> int:
    """The HIGHESTMODSEQ the last SELECT/EXAMINE gave; 0 without one (or NOMODSEQ)."""
    _, value = client.response("HIGHESTMODSEQ")
    last = value[-1] if value else None
    return int(last) if isinstance(last, bytes) and last.isdigit() else 0


def enable_qresync(client: imaplib.IMAP4) -> bool:
    """ENABLE QRESYNC (RFC 7162) once per connection, where the server has it."""
    if getattr(client, "_followup_qresync", False):
        return True
    if not has(client, "QRESYNC") or not has(client, "ENABLE"):
        return False
    typ, _ = client.enable("QRESYNC")
    client._followup_qresync = typ == "OK"  # type: ignore[attr-defined]
    return typ == "OK"


_FLAGS_LINE = re.compile(rb"UID (\d+)|FLAGS \(([^)]*)\)")


def changed_flags(
    client: imaplib.IMAP4, uids: str, since: int, *, vanished: bool
) -> tuple[dict[int, frozenset[str]], set[int]]:
    """The flags of the messages in `uids` changed since modseq `since` (CONDSTORE's
    CHANGEDSINCE), and with `vanished` (QRESYNC enabled) the UIDs expunged since then."""
    client.response("VANISHED")  # drop any left from before
    modifier = f"(CHANGEDSINCE {since}{' VANISHED' if vanished else ''})"
    typ, data = client.uid("FETCH", uids, "(UID FLAGS)", modifier)
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH CHANGEDSINCE failed: {data!r}")
    flags: dict[int, frozenset[str]] = {}
    for line in data:
        if not isinstance(line, bytes):
            continue
        uid, found = None, None
        for match in _FLAGS_LINE.finditer(line):
            if match.group(1) is not None:
                uid = int(match.group(1))
            else:
                found = frozenset(f.lower() for f in match.group(2).decode().split())
        if uid is not None and found is not None:
            flags[uid] = found
    gone: set[int] = set()
    if vanished:
        _, lines = client.response("VANISHED")
        for text in lines or ():
            if isinstance(text, bytes):
                gone |= parse_uid_set(text.replace(b"(EARLIER)", b"").strip().decode())
    return flags, gone


def parse_uid_set(text: str) -> set[int]:
    """ "3,5:7" -> {3, 5, 6, 7} (a range may come high first)."""
    out: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition(":")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        low, high = sorted((int(first), int(last or first)))
        out.update(range(low, high + 1))
    return out


_FETCH_HEAD = re.compile(rb"^\d+ \(")
_UID = re.compile(rb"UID (\d+)")
_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    flags: frozenset[str]
    internaldate: bytes
    data: bytes  # the one literal asked for (headers or the whole message)


def fetch(client: imaplib.IMAP4, uids: str, what: str) -> list[Fetched]:
    """`UID FETCH uids (UID FLAGS INTERNALDATE what)`, for a `what` with one literal."""
    typ, data = client.uid("FETCH", uids, f"(UID FLAGS INTERNALDATE {what})")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH failed: {data!r}")
    out: list[Fetched] = []
    items = list(data)
    for index, item in enumerate(items):
        if not isinstance(item, tuple):
            continue
        head, literal = item
        after = items[index + 1] if index + 1 < len(items) else b""
        meta = head + (after if isinstance(after, bytes) else b"")
        uid = _UID.search(meta)
        if uid is None:
            continue
        flags = _FLAGS.search(meta)
        date = _INTERNALDATE.search(meta)
        out.append(
            Fetched(
                uid=int(uid.group(1)),
                flags=frozenset(
                    f.lower() for f in (flags.group(1).decode().split() if flags else ())
                ),
                internaldate=date.group(1) if date else b"",
                data=literal,
            )
        )
    return out


def uid_sets(uids: list[int], limit: int = 500) -> Iterator[str]:
    """Compact UID sets ("1:5,9") of at most `limit` UIDs each, for long command lines."""
    ordered = sorted(set(uids))
    for start in range(0, len(ordered), limit):
        chunk = ordered[start : start + limit]
        ranges: list[str] = []
        first = last = chunk[0]
        for uid in chunk[1:]:
            if uid == last + 1:
                last = uid
                continue
            ranges.append(f"{first}:{last}" if last > first else str(first))
            first = last = uid
        ranges.append(f"{first}:{last}" if last > first else str(first))
        yield ",".join(ranges)


def search_uids(client: imaplib.IMAP4, *criteria: str) -> list[int]:
    typ, data = client.uid("SEARCH", *criteria)
    if typ != "OK":
        raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
    return [int(n) for n in b" ".join(d for d in data if isinstance(d, bytes)).split()]
