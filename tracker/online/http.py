"""One HTTP client for the services, with their rate limits and every failure a LookupFailed.

It takes base URLs from the environment, identifies itself politely, keeps rate limits and
time limits, retries, and turns every failure into a LookupFailed with its reason.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tracker import __version__

TIMEOUT = 10.0
RETRIES = 3
# Longest wait a Retry-After may ask for before the look-up is given up as failed.
MAX_RETRY_AFTER = 60.0


class LookupFailed(Exception):
    """A service could not answer: an error status, a time-out, a body that is not JSON."""


@dataclass(frozen=True)
class Service:
    """A service's name, where it is, and how many requests a second it allows."""

    name: str
    environment: str  # the variable that moves it (a mirror, a proxy, a test server)
    default_url: str
    per_second: float

    @property
    def base_url(self) -> str:
        return (os.environ.get(self.environment) or self.default_url).rstrip("/")


@dataclass
class Client:
    """Requests to the services, each service at its own pace, counted."""

    contact: str | None = None
    timeout: float = TIMEOUT
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    _http: httpx.Client | None = field(default=None, repr=False)
    _next: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(
        self, service: Service, path: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """GET a path of a service; return the response (404 included), or raise LookupFailed."""
        url = f"{service.base_url}/{path.lstrip('/')}"
        for attempt in range(RETRIES + 1):
            self._wait_turn(service)
            try:
                response = self._client().get(url, params=params)
            except httpx.TimeoutException as error:
                if attempt == RETRIES:
                    raise LookupFailed(
                        f"{service.name} did not answer in {self.timeout:g} s"
                    ) from error
                self.sleep(2**attempt)
                continue
            except httpx.HTTPError as error:
                raise LookupFailed(f"{service.name} could not be reached ({error})") from error
            finally:
                self.requests += 1
            if response.status_code in (429, 500, 502, 503, 504) and attempt < RETRIES:
                self.sleep(self._backoff(response, attempt))
                continue
            if response.status_code >= 400 and response.status_code != 404:
                raise LookupFailed(f"{service.name} answered {response.status_code}")
            return response
        raise LookupFailed(f"{service.name} kept failing")  # pragma: no cover (loop returns)

    def json(self, service: Service, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET JSON; None for a 404, LookupFailed for a body that is not JSON."""
        response = self.get(service, path, params)
        if response.status_code == 404:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise LookupFailed(f"{service.name} answered with malformed JSON") from error

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def _client(self) -> httpx.Client:
        if self._http is None:
            # Crossref's "polite pool" and NCBI ask for a way to reach whoever runs the tool.
            agent = f"claims-tracker/{__version__}"
            if self.contact:
                agent += f" (mailto:{self.contact})"
            self._http = httpx.Client(
                timeout=self.timeout, headers={"User-Agent": agent}, follow_redirects=True
            )
        return self._http

    def _wait_turn(self, service: Service) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(service.name, now))
            self._next[service.name] = start + 1 / service.per_second
        if start > now:
            self.sleep(start - now)

    def _backoff(self, response: httpx.Response, attempt: int) -> float:
        """Wait as the service asks (Retry-After, in seconds), else 1, 2, 4 seconds."""
        asked = response.headers.get("Retry-After", "")
        if asked.strip().isdigit():
            wait = float(asked.strip())
            if wait > MAX_RETRY_AFTER:
                raise LookupFailed(f"answered {response.status_code} and asked to wait {wait:g} s")
            return wait
        return float(2**attempt)
