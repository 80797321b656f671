"""Backoff and batching for Google API calls: the one place both live (STYLE.md).

`call` runs one request. It retries, with exponential backoff and jitter, on:
- 429, and 403 `rateLimitExceeded` / `userRateLimitExceeded` (throttling: a longer budget);
- 5xx, dropped connections, refused connections and timeouts.
Anything else fails at once: a 403 `forbidden` or `insufficientPermissions` is no rate
limit. A failure becomes a `GoogleApiError` whose one-line message names the call and the
problem, e.g. "Gmail threads.get 18c3f: 500 backendError after 5 tries". A refused refresh
token becomes `AuthError`.

`run_batch` runs many read calls as batch requests of at most 50 calls (lieer's habit):
parts that were throttled or failed transiently are sent again in a later batch, a throttled
batch halves the batch size (successes grow it back), a 404 part is skipped (its result is
None), and an outer failure of the whole batch is retried like a single call.

Every wait goes through `RetryPolicy.sleep`, so tests run without waiting.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from connectors.errors import ItemRefused, SourceError
from connectors.google.auth import AuthError, auth_error

logger = logging.getLogger(__name__)

MAX_BATCH = 50
_THROTTLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class GoogleApiError(SourceError):
    """A Google API call that failed for good: `status` is None for connection failures."""

    def __init__(
        self, user_message: str, *, status: int | None, reason: str, detail: str = ""
    ) -> None:
        super().__init__(user_message)
        self.status = status
        self.reason = reason
        # Google's own message ("Invalid thread_id value"), for decisions only: it can name
        # an address ("Delegation denied for …"), so it is kept out of messages and logs.
        self.detail = detail


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How often and how long to wait. `sleep` and `jitter` are seams for tests."""

    tries: int = 5  # per call, for 5xx and connection failures
    throttle_tries: int = 8  # per call, for 429 / rate-limit 403 (Gmail's per-minute quota)
    base_delay: float = 1.0
    max_delay: float = 64.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    jitter: Callable[[], float] = field(default=random.random)
    pacer: Pacer | None = None  # Gmail quota pacing; None in tests that count no time

    def delay(self, attempt: int) -> float:
        """Exponential, capped, with half of it random: attempt 1 waits 0.5-1 base delays."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * self.jitter())


# Gmail quota units per call (reference section D; threads.* from third-party copies).
GMAIL_UNITS = {
    "getProfile": 1,
    "history.list": 2,
    "labels.list": 1,
    "threads.get": 10,
    "threads.list": 10,
    "messages.get": 5,
    "messages.list": 5,
    "drafts.get": 5,
    "drafts.list": 5,
    "drafts.create": 10,
    "drafts.update": 15,
    "drafts.delete": 10,
}
# Parts per Gmail batch: Gmail refuses parts of one batch run in parallel as "Too many
# concurrent requests for user", reported from 25 parts of threads.get format=full up.
GMAIL_BATCH = 10


def units_of(what: str) -> int:
    """The Gmail quota units of a call named "Gmail threads.get 18c3f" (0 for Calendar)."""
    words = what.split()
    if len(words) < 2 or words[0] != "Gmail":
        return 0
    return GMAIL_UNITS.get(words[1], 5)


class Pacer:
    """Spends Gmail quota units no faster than `per_minute` over any 60 s window, so a
    big first sync is paced instead of refused. Gmail allows 15,000 units per user per
    minute; the default leaves a fifth of it to the user's other mail apps. One pacer per
    account: the mail source and the draft sink share it (through their `RetryPolicy`)."""

    def __init__(
        self,
        per_minute: int = 12_000,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0  # seconds waited so far, for figures
        self._spent: deque[tuple[float, int]] = deque()

    def spend(self, units: int) -> None:
        """Wait until `units` more fit in the last minute, then count them as spent."""
        if units <= 0:
            return
        units = min(units, self.per_minute)
        while True:
            now = self.clock()
            while self._spent and now - self._spent[0][0] >= 60.0:
                self._spent.popleft()
            if sum(u for _, u in self._spent) + units <= self.per_minute:
                self._spent.append((now, units))
                return
            wait = max(0.01, 60.0 - (now - self._spent[0][0]))
            self.waited += wait
            self.sleep(wait)


DEFAULT_POLICY = RetryPolicy(pacer=Pacer())


class RefusedCall(GoogleApiError, ItemRefused):
    """A call refused for what it asked (400, 404, 409, 412, 413): nothing to do with the
    connection, the token or the quota, so other calls are not affected."""


_ITEM_STATUSES = frozenset({400, 404, 409, 410, 412, 413})


def _fatal(what: str, failure: _Failure) -> GoogleApiError:
    kind = RefusedCall if failure.status in _ITEM_STATUSES else GoogleApiError
    return kind(what, status=failure.status, reason=failure.reason, detail=failure.detail)


# --- classifying failures ------------------------------------------------------------------

_FATAL, _RETRY, _THROTTLE = "fatal", "retry", "throttle"


@dataclass(frozen=True, slots=True)
class _Failure:
    kind: str
    status: int | None
    reason: str  # Google's reason ("backendError"), or the kind of network failure
    problem: str  # e.g. "500 backendError", "connection failed (RemoteDisconnected)"
    detail: str = ""  # Google's message, never shown (see GoogleApiError.detail)


def _classify(error: BaseException) -> _Failure:
    """What kind of failure this is; re-raises what is neither an API nor a network error."""
    from google.auth.exceptions import RefreshError, TransportError
    from googleapiclient.errors import Error as ClientError
    from googleapiclient.errors import HttpError
    from httplib2 import HttpLib2Error

    if isinstance(error, AuthError):
        raise error
    if isinstance(error, RefreshError):
        raise auth_error(error) from None
    if isinstance(error, HttpError) and int(error.resp.status) < 400:
        kind = type(error).__name__  # BatchError: a 2xx answer the client cannot read
        return _Failure(_RETRY, None, kind, f"unreadable answer ({kind})")
    if isinstance(error, HttpError):
        status = int(error.resp.status)
        reason = _reason(error)
        problem = f"{status} {reason}"
        if status == 429 or (status == 403 and reason in _THROTTLE_REASONS):
            return _Failure(_THROTTLE, status, reason, problem)
        if status >= 500:
            return _Failure(_RETRY, status, reason, problem)
        if reason == "insufficientPermissions":
            problem += (
                " (the saved token lacks the permission for this: a box left unticked at "
                "sign-in; run `followup auth` and tick every box)"
            )
        return _Failure(_FATAL, status, reason, problem, _detail(error))
    if isinstance(error, ClientError):  # e.g. BatchError: an answer the client cannot read
        kind = type(error).__name__
        return _Failure(_RETRY, None, kind, f"unreadable answer ({kind})")
    if isinstance(error, TimeoutError):
        return _Failure(_RETRY, None, "timeout", "no answer (timed out)")
    if isinstance(error, OSError | HttpLib2Error | TransportError | http.client.HTTPException):
        kind = type(error).__name__
        return _Failure(_RETRY, None, kind, f"connection failed ({kind})")
    raise error


def _reason(error: Any) -> str:
    """The `reason` of a Google error body ("backendError"), else the HTTP reason phrase."""
    try:
        body = json.loads(error.content.decode("utf-8"))
        detail = body["error"]
        if isinstance(detail, dict):
            errors = detail.get("errors") or []
            if errors and isinstance(errors[0], dict) and errors[0].get("reason"):
                return str(errors[0]["reason"])
            if detail.get("status"):
                return str(detail["status"])
        elif isinstance(detail, str):  # OAuth-style bodies: {"error": "invalid_grant"}
            return detail
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        pass
    phrase = str(getattr(error.resp, "reason", "") or "error")
    return "".join(phrase.title().split()) if " " in phrase else phrase


def _detail(error: Any) -> str:
    """The `message` of a Google error body, or ""."""
    try:
        detail = json.loads(error.content.decode("utf-8"))["error"]
        return str(detail.get("message") or "") if isinstance(detail, dict) else ""
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return ""


def _tries_text(count: int) -> str:
    return "" if count <= 1 else f" after {count} tries"


# --- one call --------------------------------------------------------------------------------


def call(
    what: str,
    make: Callable[[], Any],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    recover: Callable[[], Any] | None = None,
    context: str = "",
) -> Any:
    """`make().execute()` with retries; returns the parsed JSON answer.

    `what` names the call in messages and logs ("Calendar events.insert abc123");
    `context` is added in the error message only, for what logs must not hold (a calendar
    id can be an address), e.g. " (calendar primary)". `recover`, for
    writes that are not idempotent, runs before each retry that follows a failure whose
    outcome is unknown (5xx, dropped connection, timeout): if it finds the write already
    done it returns the result, which is then returned instead of writing again.
    """
    attempts = throttles = 0
    while True:
        if policy.pacer is not None:
            policy.pacer.spend(units_of(what))
        try:
            return make().execute(num_retries=0)
        except Exception as error:  # classified below; unknown errors are re-raised
            failure = _classify(error)
        if failure.kind == _FATAL:
            raise _fatal(f"{what}{context}: {failure.problem}", failure)
        if failure.kind == _THROTTLE:
            throttles += 1
            count, budget = throttles, policy.throttle_tries
        else:
            attempts += 1
            count, budget = attempts, policy.tries
        if count >= budget:
            raise GoogleApiError(
                f"{what}{context}: {failure.problem}{_tries_text(count)}",
                status=failure.status,
                reason=failure.reason,
            )
        wait = policy.delay(count)
        logger.info("%s: %s; try %d again in %.1fs", what, failure.problem, count + 1, wait)
        policy.sleep(wait)
        if recover is not None and failure.kind == _RETRY:
            found = recover()
            if found is not None:
                logger.info("%s: the earlier try had gone through; not repeated", what)
                return found


def get_or_none(
    what: str,
    make: Callable[[], Any],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    gone: tuple[int, ...] = (404,),
) -> Any:
    """`call`, with None for an item that is not there (404, or Calendar's 410 when asked):
    both Google modules read items the user may have deleted meanwhile."""
    try:
        return call(what, make, policy)
    except GoogleApiError as error:
        if error.status in gone:
            return None
        raise


def pages(
    what: str,
    request: Callable[[str | None], Any],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    context: str = "",
) -> Iterator[dict[str, Any]]:
    """Every page of one listing, in order: `request(token)` makes the request for a page
    (token None for the first). The last page yielded is the one holding Calendar's
    `nextSyncToken` or Gmail's final `historyId`. A page may be empty or lack its items key
    (lieer#22): callers read items with `.get(...) or []`."""
    token: str | None = None
    while True:
        answer: dict[str, Any] = call(what, partial(request, token), policy, context=context)
        yield answer
        token = answer.get("nextPageToken") or None
        if not token:
            return


# --- many calls, batched ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchCall:
    """One read in a batch: `key` identifies its result, `what` names it in messages."""

    key: str
    what: str
    make: Callable[[], Any]


@dataclass(slots=True)
class _Pending:
    call: BatchCall
    attempts: int = 0
    throttles: int = 0


def run_batch(
    new_batch: Callable[[], Any],
    calls: Sequence[BatchCall],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    what: str,
    size: int = MAX_BATCH,
) -> dict[str, Any]:
    """Run reads in batches of at most `size` (≤ 50) calls; results by key, None for a 404.

    `new_batch` makes an empty `BatchHttpRequest` (service.new_batch_http_request).
    `what` names the batch in messages ("Gmail batch"). The batch size halves when Google
    throttles and doubles back (up to `size`) after a batch that went through whole.
    """
    run = _BatchRun(what, policy, limit=max(1, min(size, MAX_BATCH)))
    pending = deque(_Pending(c) for c in calls)
    while pending:
        chunk = [pending.popleft() for _ in range(min(run.size, len(pending)))]
        batch, answers = _prepare(new_batch, chunk, policy)
        try:
            batch.execute()
        except Exception as error:  # classified by `failed`; unknown errors are re-raised
            run.failed(error, len(chunk))
            pending.extendleft(reversed(chunk))
            continue
        run.sent()
        pending.extendleft(reversed(run.settle(chunk, answers)))
    logger.debug("%s: %d calls in %d batches", what, len(calls), run.batches)
    return run.results


_Answers = dict[str, tuple[Any, BaseException | None]]


def _prepare(
    new_batch: Callable[[], Any], chunk: Sequence[_Pending], policy: RetryPolicy
) -> tuple[Any, _Answers]:
    """One batch request holding `chunk`'s calls (numbered in order), its quota units
    paced; and where the parts' answers will be."""
    answers: _Answers = {}
    collect = _collector(answers)
    batch = new_batch()
    for number, item in enumerate(chunk):
        batch.add(item.call.make(), callback=collect, request_id=str(number))
    if policy.pacer is not None:
        policy.pacer.spend(sum(units_of(item.call.what) for item in chunk))
    return batch, answers


@dataclass(slots=True)
class _BatchRun:
    """One `run_batch`: the results so far and the batch size it adapts."""

    what: str
    policy: RetryPolicy
    limit: int
    size: int = 0
    batches: int = 0
    results: dict[str, Any] = field(default_factory=dict)
    outer: _Pending = field(init=False)  # the tries of the batch request itself

    def __post_init__(self) -> None:
        self.size = self.limit
        self.outer = _Pending(BatchCall("", self.what, lambda: None))

    def failed(self, error: Exception, count: int) -> None:
        """The batch request itself failed: counted, then a wait before the same calls go
        again (fewer per batch when throttled)."""
        failure = _classify(error)
        _count_or_raise(self.outer, failure, self.policy, f"{self.what} of {count} calls")
        if failure.kind == _THROTTLE:
            self.size = max(1, self.size // 2)
        wait = self.policy.delay(max(self.outer.attempts, self.outer.throttles))
        logger.info("%s: %s; batch sent again in %.1fs", self.what, failure.problem, wait)
        self.policy.sleep(wait)

    def sent(self) -> None:
        self.batches += 1
        self.outer.attempts = self.outer.throttles = 0

    def settle(self, chunk: Sequence[_Pending], answers: _Answers) -> list[_Pending]:
        """Each part's answer kept (None for a 404); the parts to send again, returned
        after the wait they need."""
        again: list[_Pending] = []
        throttled = False
        for number, item in enumerate(chunk):
            response, exception = answers.get(str(number), (None, None))
            if exception is None:
                self.results[item.call.key] = response
                continue
            failure = _classify(exception)
            if failure.status == 404:
                logger.info("%s: not found; skipped", item.call.what)
                self.results[item.call.key] = None
                continue
            _count_or_raise(item, failure, self.policy, item.call.what)
            throttled = throttled or failure.kind == _THROTTLE
            again.append(item)
        if not again:
            self.size = min(self.limit, self.size * 2)
        else:
            self._wait_before(again, len(chunk), throttled)
        return again

    def _wait_before(self, again: Sequence[_Pending], count: int, throttled: bool) -> None:
        if throttled:
            self.size = max(1, self.size // 2)
        wait = self.policy.delay(max(max(i.attempts, i.throttles) for i in again))
        logger.info(
            "%s: %d of %d calls to send again in %.1fs (batch size %d)",
            self.what,
            len(again),
            count,
            wait,
            self.size,
        )
        self.policy.sleep(wait)


def _collector(
    answers: _Answers,
) -> Callable[[str, Any, BaseException | None], None]:
    """The batch callback: keeps each part's (answer, error) by request id."""

    def collect(request_id: str, response: Any, exception: BaseException | None) -> None:
        answers[request_id] = (response, exception)

    return collect


def _count_or_raise(item: _Pending, failure: _Failure, policy: RetryPolicy, what: str) -> None:
    if failure.kind == _FATAL:
        raise _fatal(f"{what}: {failure.problem}", failure)
    if failure.kind == _THROTTLE:
        item.throttles += 1
        count, budget = item.throttles, policy.throttle_tries
    else:
        item.attempts += 1
        count, budget = item.attempts, policy.tries
    if count >= budget:
        raise GoogleApiError(
            f"{what}: {failure.problem}{_tries_text(count)}",
            status=failure.status,
            reason=failure.reason,
        )
