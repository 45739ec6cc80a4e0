"""Driving servers and other subprocesses from a test: free ports, waiting against a
deadline (polling, never a fixed sleep), and stopping a process whatever happens."""

from __future__ import annotations

import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(check: Callable[[], T | None], timeout: float, interval: float = 0.02) -> T | None:
    """Call `check` until it returns something truthy, and return that; None once
    `timeout` seconds have passed (it is called once more after the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def wait_for(check: Callable[[], T | None], timeout: float, what: str, interval: float = 0.02) -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    value = poll(check, timeout, interval)
    if not value:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")
    return value


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int = 1) -> int:
    """A first port of `count` free consecutive ones, below the ephemeral range so that
    the tests' own client connections cannot take them meanwhile. (Another process may
    still bind one before the server does: callers start again on other ports.)"""
    for _ in range(200):
        first = random.randint(20000, 30000)
        if all(_port_free(first + i) for i in range(count)):
            return first
    raise RuntimeError("no free ports")


def stop(
    process: subprocess.Popen,  # type: ignore[type-arg]
    how: signal.Signals = signal.SIGTERM,
    timeout: float = 10.0,
) -> bool:
    """End a subprocess: send it `how`, wait up to `timeout` seconds, then SIGKILL it.
    True when it ended of itself (or had ended already), False when it had to be killed."""
    if process.poll() is not None:
        return True
    process.send_signal(how)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)
        return False
    return True
