"""FakeGoogle: HTTP plumbing, routing, auth, batch, faults and the request log."""

from __future__ import annotations

import base64
import contextlib
import random
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from .batch import format_batch, parse_batch, split_multipart
from .calendar_api import CalendarStore
from .faults import Faults
from .gmail_api import GmailStore
from .limits import Limits
from .log import LoggedRequest, RequestLog
from .oauth import DEFAULT_SCOPES, FULL_MAIL, GOOGLE_AUTH, OAuth
from .wire import ApiError, Request, Response

_G = GOOGLE_AUTH + "gmail."
_C = GOOGLE_AUTH + "calendar"
GMAIL_READ = frozenset({FULL_MAIL, _G + "modify", _G + "readonly"})
GMAIL_METADATA = _G + "metadata"
GMAIL_META = GMAIL_READ | {GMAIL_METADATA}
GMAIL_COMPOSE = frozenset({FULL_MAIL, _G + "modify", _G + "compose"})
CAL_WRITE = frozenset({_C, _C + ".events", _C + ".events.owned", _C + ".app.created"})
CAL_READ = CAL_WRITE | {
    _C + ".readonly",
    _C + ".events.readonly",
    _C + ".events.owned.readonly",
    _C + ".events.public.readonly",
}

GMAIL_BATCH_LIMIT = 100
CALENDAR_BATCH_LIMIT = 1000
BATCH_PATHS = {"/batch/gmail/v1": "gmail", "/batch": "gmail", "/batch/calendar/v3": "calendar"}

_NOT_FOUND_HTML = (
    b"<!DOCTYPE html>\n<html lang=en><title>Error 404 (Not Found)!!1</title>"
    b"<p><b>404.</b> <ins>That\xe2\x80\x99s an error.</ins><p>The requested URL was not found "
    b"on this server. <ins>That\xe2\x80\x99s all we know.</ins></html>\n"
)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    api_method: str
    units: int
    scopes: frozenset[str]
    handler: Callable[..., Response]

    @property
    def style(self) -> str:
        return self.api_method.split(".", 1)[0]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, addr: tuple[str, int], fake: FakeGoogle) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or was cut off is normal here; anything else is printed.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def cut_connections(self) -> None:
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    wbufsize = -1  # buffered: headers and body leave in one write (no Nagle/delayed-ACK stall)
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.path
        if target.startswith(("http://", "https://")):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request.from_target(self.command, target, headers, body, in_batch=False)
        resp = self.server.fake._serve_outer(req)
        if resp is None:  # injected drop: close without a byte of answer
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(resp.status)
        for key, value in resp.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if self.command != "HEAD" and resp.body:
            self.wfile.write(resp.body)


class FakeGoogle:
    """Calendar v3, Gmail v1 and the OAuth token endpoint on 127.0.0.1, in this process.

    with FakeGoogle() as fake:
        fake.root_url    # "http://127.0.0.1:PORT/"  (set as rootUrl in the discovery docs)
        fake.token_uri   # "http://127.0.0.1:PORT/token"
    """

    def __init__(
        self,
        *,
        email_address: str = "alex@example.com",
        aliases: tuple[str, ...] = (),
        time_zone: str = "UTC",
        client_id: str = "fake-client-id.apps.googleusercontent.com",
        client_secret: str = "fake-client-secret",
        refresh_token: str = "fake-refresh-token",
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        clock: Callable[[], datetime] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self.calendar = CalendarStore(
            owner_email=email_address, clock=self.now, time_zone=time_zone, lock=self.lock
        )
        self.gmail = GmailStore(
            email_address=email_address, aliases=aliases, clock=self.now, lock=self.lock
        )
        self.oauth = OAuth(
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            scopes=scopes,
            clock=self.now,
        )
        self.faults = Faults()
        self.batch_order = "shuffled"  # or "reversed", "as sent"
        self.limits: Limits | None = None  # Gmail's per-user limits: `enable_limits()`
        self._random = random.Random()
        self.log = RequestLog()
        self.internal_errors: list[str] = []  # tracebacks of bugs in the fake (answered 500)
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._routes = self._build_routes()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        self._listen()
        return self

    def stop(self) -> None:
        self._close()

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _listen(self) -> None:
        if self._server is not None:
            return
        server = _Server((self._host, self._port), self)
        self._port = server.server_address[1]
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread

    def _close(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.cut_connections()
        if thread is not None:
            thread.join(timeout=5)

    def refuse(self) -> None:
        """Stop listening and cut open connections: clients get connection refused/reset."""
        self._close()

    def accept(self) -> None:
        """Listen again, on the same port."""
        self._listen()

    @property
    def listening(self) -> bool:
        return self._server is not None

    # --- addresses and credentials -----------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self._port}/"

    @property
    def token_uri(self) -> str:
        return f"{self.root_url}token"

    @property
    def auth_uri(self) -> str:
        """The consent screen (`auth_uri` of a client file pointed at the fake)."""
        return f"{self.root_url}o/oauth2/auth"

    def client_file(self, kind: str = "installed") -> dict[str, Any]:
        """A client secrets file as Google Cloud console downloads it, pointed at the fake."""
        info: dict[str, Any] = {
            "client_id": self.oauth.client_id,
            "client_secret": self.oauth.client_secret,
            "auth_uri": self.auth_uri,
            "token_uri": self.token_uri,
        }
        info["redirect_uris"] = ["http://localhost"] if kind == "installed" else []
        return {kind: info}

    @property
    def access_token(self) -> str:
        """A currently valid access token (with all granted scopes)."""
        return self.oauth.access_token

    def authorized_user_info(self) -> dict[str, Any]:
        """What Credentials.to_json() would hold for this fake account (for a token file)."""
        return {
            "token": self.oauth.access_token,
            "refresh_token": self.oauth.refresh_token,
            "token_uri": self.token_uri,
            "client_id": self.oauth.client_id,
            "client_secret": self.oauth.client_secret,
            "scopes": list(self.oauth.granted_scopes),
        }

    def enable_limits(self, per_minute: int = 15_000, concurrent_parts: int = 20) -> Limits:
        """Gmail's per-user quota and batch concurrency, on the fake's clock (limits.py)."""
        self.limits = Limits(self.now, per_minute=per_minute, concurrent_parts=concurrent_parts)
        return self.limits

    # --- clock -------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    def set_clock(self, clock: Callable[[], datetime]) -> None:
        """Timestamps (updated, internalDate of drafts) and newer_than: follow this clock."""
        self._clock = clock

    # --- routing -----------------------------------------------------------------------------

    def _build_routes(self) -> list[Route]:
        g, c = self.gmail, self.calendar
        user = r"/gmail/v1/users/(?P<user_id>[^/]+)"
        events = r"/calendar/v3/calendars/(?P<calendar_id>[^/]+)/events"
        eid = r"/(?P<event_id>[^/]+)"
        compose_read = GMAIL_COMPOSE | {_G + "readonly"}
        table: list[tuple[str, str, str, int, frozenset[str], Callable[..., Response]]] = [
            (
                "GET",
                user + "/profile",
                "users.getProfile",
                1,
                GMAIL_META | {_G + "compose"},
                g.get_profile,
            ),
            ("GET", user + "/history", "users.history.list", 2, GMAIL_META, g.list_history),
            (
                "GET",
                user + "/labels",
                "users.labels.list",
                1,
                GMAIL_META | {_G + "labels"},
                g.list_labels,
            ),
            ("GET", user + "/threads", "users.threads.list", 10, GMAIL_META, g.list_threads),
            (
                "GET",
                user + r"/threads/(?P<thread_id>[^/]+)",
                "users.threads.get",
                10,
                GMAIL_META,
                g.get_thread,
            ),
            ("GET", user + "/messages", "users.messages.list", 5, GMAIL_META, g.list_messages),
            (
                "GET",
                user + r"/messages/(?P<message_id>[^/]+)",
                "users.messages.get",
                5,
                GMAIL_META,
                g.get_message,
            ),
            (
                "GET",
                user + r"/messages/(?P<message_id>[^/]+)/attachments/(?P<attachment_id>[^/]+)",
                "users.messages.attachments.get",
                5,
                GMAIL_READ,
                g.get_attachment,
            ),
            (
                "POST",
                user + "/drafts/send",
                "users.drafts.send",
                100,
                GMAIL_COMPOSE,
                g.send_draft_api,
            ),
            ("POST", user + "/drafts", "users.drafts.create", 10, GMAIL_COMPOSE, g.create_draft),
            ("GET", user + "/drafts", "users.drafts.list", 5, compose_read, g.list_drafts),
            (
                "GET",
                user + r"/drafts/(?P<draft_id>[^/]+)",
                "users.drafts.get",
                5,
                compose_read,
                g.get_draft,
            ),
            (
                "PUT",
                user + r"/drafts/(?P<draft_id>[^/]+)",
                "users.drafts.update",
                15,
                GMAIL_COMPOSE,
                g.update_draft,
            ),
            (
                "DELETE",
                user + r"/drafts/(?P<draft_id>[^/]+)",
                "users.drafts.delete",
                10,
                GMAIL_COMPOSE,
                g.delete_draft,
            ),
            (
                "POST",
                "/upload" + user + "/drafts",
                "users.drafts.create",
                10,
                GMAIL_COMPOSE,
                _upload(g.create_draft),
            ),
            (
                "PUT",
                "/upload" + user + r"/drafts/(?P<draft_id>[^/]+)",
                "users.drafts.update",
                15,
                GMAIL_COMPOSE,
                _upload(g.update_draft),
            ),
            ("GET", events, "events.list", 0, CAL_READ, c.list_events),
            ("POST", events, "events.insert", 0, CAL_WRITE, c.insert_event),
            ("GET", events + eid, "events.get", 0, CAL_READ, c.get_event),
            ("GET", events + eid + "/instances", "events.instances", 0, CAL_READ, c.list_instances),
            ("PATCH", events + eid, "events.patch", 0, CAL_WRITE, c.patch_event),
            ("PUT", events + eid, "events.update", 0, CAL_WRITE, c.update_event),
            ("DELETE", events + eid, "events.delete", 0, CAL_WRITE, c.delete_event),
        ]
        routes = []
        for method, pattern, name, units, scopes, handler in table:
            api = "gmail" if pattern.startswith(("/gmail", "/upload")) else "calendar"
            routes.append(
                Route(method, re.compile(pattern + r"/?"), f"{api}.{name}", units, scopes, handler)
            )
        return routes

    def _resolve(self, req: Request) -> tuple[Route | None, dict[str, str]]:
        for route in self._routes:
            if route.method != req.method:
                continue
            m = route.pattern.fullmatch(req.path)
            if m:
                return route, {k: unquote(v) for k, v in m.groupdict().items()}
        return None, {}

    # --- serving -----------------------------------------------------------------------------

    def _record(
        self, req: Request, status: int | None, units: int = 0, fault: str | None = None
    ) -> None:
        self.log.record(
            LoggedRequest(
                method=req.method,
                path=req.path,
                query=req.loggable_query(),
                status=status,
                api_method=req.api_method,
                units=units,
                in_batch=req.in_batch,
                fault=fault,
            )
        )

    def _serve_outer(self, req: Request) -> Response | None:
        route, params = self._resolve(req)
        req.api_method = route.api_method if route else None
        batch_api = BATCH_PATHS.get(req.path.rstrip("/") or "/")
        style = route.style if route else (batch_api or "gmail")
        fault = self.faults.take(req)
        fault_kind = None
        if fault is not None:
            if fault.slow:
                time.sleep(fault.slow)
                fault_kind = "slow"
            if fault.drop_connection:
                self._record(req, None, fault="drop")
                return None
            if fault.status is not None:
                resp = fault.response(style)
                self._record(req, resp.status, fault="status")
                return resp
        lose = fault is not None and fault.lose_answer
        if lose:
            fault_kind = "lost"
        if batch_api is not None and req.method == "POST":
            try:
                resp = self._serve_batch(req, batch_api)
            except ApiError as exc:
                resp = exc.to_response(batch_api)
            except Exception:
                self.internal_errors.append(traceback.format_exc())
                traceback.print_exc()
                resp = ApiError(500, "backendError", "Internal error in the fake").to_response(
                    batch_api
                )
            self._record(req, None if lose else resp.status, fault=fault_kind)
            return None if lose else resp
        resp, units = self._dispatch(req, route, params)
        self._record(req, None if lose else resp.status, units, fault_kind)
        return None if lose else resp

    def _serve_batch(self, req: Request, api: str) -> Response:
        parts = parse_batch(req.headers.get("content-type", ""), req.body, req.headers)
        limit = GMAIL_BATCH_LIMIT if api == "gmail" else CALENDAR_BATCH_LIMIT
        if len(parts) > limit:
            raise ApiError(400, "badRequest", f"Too many requests in batch; the limit is {limit}.")
        # Google runs the parts of a batch in any order: shuffled by default, or
        # `batch_order = "reversed"` for a test that needs the worst order every time.
        order = list(range(len(parts)))
        if self.batch_order == "shuffled":
            self._random.shuffle(order)
        elif self.batch_order == "reversed":
            order.reverse()
        answered: dict[int, Response] = {}
        for run, index in enumerate(order, start=1):
            part = parts[index]
            inner = Request.from_target(
                part.method, part.target, part.headers, part.body, in_batch=True
            )
            inner.batch_run = run
            answered[index] = self._serve_part(inner, api)
        return format_batch([(part.content_id, answered[i]) for i, part in enumerate(parts)])

    def _serve_part(self, req: Request, api: str) -> Response:
        route, params = self._resolve(req)
        req.api_method = route.api_method if route else None
        fault = self.faults.take(req)
        fault_kind = None
        if fault is not None:
            if fault.slow:
                time.sleep(fault.slow)
                fault_kind = "slow"
            if fault.status is not None:
                resp = fault.response(api)
                self._record(req, resp.status, fault="status")
                return resp
        if route is not None and route.style != api:
            resp = ApiError(
                400, "badRequest", "All requests in a batch must be for the same API"
            ).to_response(api)
            self._record(req, resp.status, fault=fault_kind)
            return resp
        if route is not None and route.pattern.pattern.startswith("/upload"):
            resp = ApiError(400, "badRequest", "Media requests cannot be batched").to_response(api)
            self._record(req, resp.status, fault=fault_kind)
            return resp
        resp, units = self._dispatch(req, route, params)
        self._record(req, resp.status, units, fault_kind)
        return resp

    def _dispatch(
        self, req: Request, route: Route | None, params: dict[str, str]
    ) -> tuple[Response, int]:
        if req.path == "/token" and not req.in_batch:
            with self.lock:
                return self.oauth.handle_token(req), 0
        if req.path == "/o/oauth2/auth" and req.method == "GET" and not req.in_batch:
            with self.lock:
                return self.oauth.handle_consent(req), 0
        if route is None:
            return Response(404, _NOT_FOUND_HTML, {"Content-Type": "text/html; charset=UTF-8"}), 0
        style = route.style
        with self.lock:
            scopes = self.oauth.scopes_for(req.bearer)
        if scopes is None:
            return (
                ApiError(
                    401,
                    "authError",
                    "Invalid Credentials",
                    location="Authorization",
                    location_type="header",
                    headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
                ).to_response(style),
                0,
            )
        usable = scopes & route.scopes
        if not usable:
            return (
                ApiError(
                    403,
                    "insufficientPermissions",
                    "Request had insufficient authentication scopes.",
                ).to_response(style),
                0,
            )
        if usable == {GMAIL_METADATA}:
            if req.param("q"):
                return (
                    ApiError(
                        403, "forbidden", "Metadata scope does not support 'q' parameter"
                    ).to_response(style),
                    0,
                )
            formatted = route.api_method.endswith(("messages.get", "threads.get", "drafts.get"))
            if formatted and (req.param("format") or "full").lower() in ("full", "raw"):
                fmt = (req.param("format") or "full").upper()
                return (
                    ApiError(
                        403, "forbidden", f"Metadata scope doesn't allow format {fmt}"
                    ).to_response(style),
                    0,
                )
        try:
            if self.limits is not None and style == "gmail":
                self.limits.charge(route.units, part=req.batch_run if req.in_batch else None)
            with self.lock:
                resp = route.handler(req, **params)
        except ApiError as exc:
            resp = exc.to_response(style)
            if exc.status == 429:
                return resp, 0
        except Exception:  # a bug in the fake: answer 500 and keep it for the test to see
            self.internal_errors.append(traceback.format_exc())
            traceback.print_exc()
            resp = ApiError(500, "backendError", "Internal error in the fake").to_response(style)
        return resp, route.units


def _upload(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Adapt /upload/... (uploadType=media or multipart) to the JSON `message.raw` form."""

    def wrapped(req: Request, **params: str) -> Response:
        upload_type = req.param("uploadType")
        ctype = req.headers.get("content-type", "")
        metadata: dict[str, Any] = {}
        if upload_type == "media":
            raw = req.body
        elif upload_type == "multipart" and ctype.startswith("multipart/related"):
            parts = split_multipart(ctype, req.body)
            if len(parts) != 2:
                raise ApiError(400, "badRequest", "Malformed multipart upload")
            metadata = Request("POST", "", [], {}, parts[0][1]).json()
            raw = parts[1][1]
        else:
            raise ApiError(400, "badRequest", "The fake supports uploadType=media and multipart")
        message = dict(metadata.get("message") or {})
        message["raw"] = base64.urlsafe_b64encode(raw).decode("ascii")
        body = {**metadata, "message": message}
        inner = Request(
            req.method,
            req.path,
            req.query,
            {**req.headers, "content-type": "application/json"},
            Response.json(body).body,
            req.in_batch,
        )
        return handler(inner, **params)

    return wrapped
