"""Bound the time and the output size of a SPARQL query.

pyoxigraph's Python API has no query timeout, and a query can run long both
in ``Store.query`` and while its results are serialised. The gateway
therefore runs the query and its serialisation in a worker thread and waits
for it with a deadline. The serialiser writes into a :class:`BoundedOutput`
that raises as soon as the output exceeds the byte limit or the deadline has
passed, which stops the worker at its next write.

What is bounded: the time a client waits (``timeout`` seconds, then 503), the
size of a response body (``max_result_bytes``, then 503) and the number of
worker threads that run at once (``max_concurrent_queries``, then 503).
What is not: a worker whose query computes for a long time before it writes
anything (a large ``ORDER BY`` or ``COUNT``) keeps one CPU busy until
pyoxigraph reaches its first write, after the client has had its 503. Such
abandoned workers still count towards ``max_concurrent_queries``, so they
cannot pile up beyond that number, but while they run they keep their slots
and later queries get 503. The gateway therefore gives SPARQL queries and
document work (``/resolve``, ``/validate``, credential verification) separate
runners, so that slow queries cannot lock out resolution.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mpli_graph.errors import LimitExceededError, MpliError, PayloadTooLargeError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryLimits:
    """Limits for one query: seconds to wait, bytes of output, workers running at once."""

    timeout: float = 10.0
    max_result_bytes: int = 16 * 1024 * 1024
    max_concurrent_queries: int = 4


class OutputLimitReached(Exception):
    """Raised inside a worker to stop serialisation: too many bytes or past the deadline."""


class BoundedOutput:
    """A binary file-like sink that stops the writer at a byte limit or a deadline."""

    def __init__(self, max_bytes: int, deadline: float) -> None:
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.chunks: list[bytes] = []
        self.size = 0
        self.abandoned = threading.Event()
        self.reason: str | None = None

    def write(self, data: bytes) -> int:
        """Append ``data``, or raise :class:`OutputLimitReached` when a limit is passed."""
        if self.abandoned.is_set() or time.monotonic() > self.deadline:
            self.reason = "time"
            raise OutputLimitReached("time limit reached")
        self.size += len(data)
        if self.size > self.max_bytes:
            self.reason = "size"
            raise OutputLimitReached("result size limit reached")
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Accept a flush request from the serialiser (nothing is buffered here)."""

    def getvalue(self) -> bytes:
        """Return everything written so far."""
        return b"".join(self.chunks)


QUERIES_BUSY = (
    "{slots} queries are already running on this server, and some of them may be earlier "
    "queries still computing past their time limit, which cannot be stopped once started; "
    "retry in a few seconds"
)
DOCUMENTS_BUSY = (
    "{slots} resolutions, validations or verifications are already running on this server; "
    "retry in a few seconds"
)


class QueryRunner:
    """Run query work in worker threads with a deadline, a size limit and a concurrency limit.

    Each runner has its own pool of ``max_concurrent_queries`` slots. ``busy_message``
    is the error text when every slot is taken; ``{slots}`` stands for the pool size.
    """

    def __init__(self, limits: QueryLimits, busy_message: str = QUERIES_BUSY) -> None:
        self.limits = limits
        self.busy_message = busy_message
        self._slots = threading.BoundedSemaphore(limits.max_concurrent_queries)

    def run(
        self,
        work: Callable[[BoundedOutput], None],
        description: str = "query",
        hint: str = "narrow the query (add filters or LIMIT) and try again",
    ) -> bytes:
        """Call ``work(output)`` in a worker thread and return what it wrote into ``output``.

        Raise :class:`LimitExceededError` when the deadline passes, the output grows
        past the size limit or every worker slot is taken. Re-raise an
        :class:`MpliError` that ``work`` raised. ``hint`` is the advice to the client on how to stay
        within the limits.
        """
        if not self._slots.acquire(timeout=min(1.0, self.limits.timeout)):
            raise LimitExceededError(
                self.busy_message.format(slots=self.limits.max_concurrent_queries)
            )

        deadline = time.monotonic() + self.limits.timeout
        output = BoundedOutput(self.limits.max_result_bytes, deadline)
        outcome: dict[str, BaseException] = {}

        def target() -> None:
            started = time.monotonic()
            try:
                work(output)
            except (MpliError, OutputLimitReached) as error:
                outcome["error"] = _detached(error)
            except Exception as error:  # noqa: BLE001 - logged here, answered as a query failure
                logger.exception("%s failed in its worker thread", description)
                outcome["error"] = MpliError(f"the {description} failed while running: {error}")
            finally:
                self._slots.release()
                if output.abandoned.is_set():
                    logger.info(
                        "abandoned %s finished after %.1f s",
                        description,
                        time.monotonic() - started,
                    )

        worker = threading.Thread(target=target, name="mpli-query", daemon=True)
        worker.start()
        worker.join(self.limits.timeout)

        if worker.is_alive():
            # NOTE: the worker is abandoned, not stopped: pyoxigraph cannot cancel a
            # running query, so it keeps a CPU and its slot until its next write or its end.
            output.abandoned.set()
            raise LimitExceededError(
                f"the {description} ran longer than the time limit of {self.limits.timeout:g} s; "
                f"{hint}"
            )

        error = outcome.get("error")
        if isinstance(error, OutputLimitReached) or (error is not None and output.reason):
            if output.reason == "size":
                raise LimitExceededError(
                    f"the {description} result is larger than the limit of "
                    f"{self.limits.max_result_bytes} bytes; {hint}"
                )
            raise LimitExceededError(
                f"the {description} ran longer than the time limit of {self.limits.timeout:g} s; "
                f"{hint}"
            )
        if error is not None:
            raise error
        return output.getvalue()


def _detached(error: BaseException) -> BaseException:
    """Drop the tracebacks of ``error`` and its chained errors, in the worker thread.

    pyoxigraph result objects may only be freed on the thread that made them. A
    traceback handed to another thread would keep them alive in its frames.
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending.extend([current.__cause__, current.__context__])
    return error


def check_body_size(length: int | None, max_bytes: int) -> None:
    """Raise :class:`PayloadTooLargeError` when a request body of ``length`` bytes is too large."""
    if length is not None and length > max_bytes:
        raise PayloadTooLargeError(
            f"the request body has {length} bytes, more than the limit of {max_bytes} bytes; "
            "send a smaller document"
        )
