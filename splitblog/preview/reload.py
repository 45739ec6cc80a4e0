"""What the browser learns from `serve`: the state of the last build, pushed to every open
tab over Server-Sent Events, and the small script that listens for it.

The model is MkDocs' livereload: a page carries the id of the output it was served
from; the server tells each tab of every finished build; a tab whose output id is
stale reloads. A failed build changes no output: the tabs show its problems in an
overlay instead, until a build succeeds. The script exists only in what the server
sends, never in the output on disk.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from splitblog.errors import Problem

EVENTS_PATH = "/__splitblog/events"  # reserved on every preview port
RESERVED_PREFIX = "/__splitblog/"


@dataclass(frozen=True)
class BuildState:
    """What every tab needs to know about the last build."""

    output: str  # id of the output being served; changes only when a build changes it
    ok: bool = True
    problems: tuple[Problem, ...] = ()
    css_only: bool = False  # the change from `previous` to `output` touched only CSS
    previous: str = ""
    # The sites each problem is one of, in the order of `problems` (an empty set: no
    # site known to be its own). A port shows only its own site's problems: another
    # site's would show its files, tags and text to this site's tab — and to anyone on
    # the network with --bind 0.0.0.0.
    owners: tuple[frozenset[str], ...] = ()

    def to_json(self, site: str | None = None) -> str:
        """The state as the tabs of `site` get it (None: every problem, for tests)."""
        if site is None:
            shown, hidden = list(self.problems), False
        else:
            mine = [
                i < len(self.owners) and site in self.owners[i] for i in range(len(self.problems))
            ]
            shown = [p for p, own in zip(self.problems, mine, strict=True) if own]
            hidden = not all(mine)
        return json.dumps(
            {
                "output": self.output,
                "ok": self.ok,
                "css_only": self.css_only,
                "previous": self.previous,
                "problems": [
                    {"where": p.where, "message": p.message, "hint": p.hint or ""} for p in shown
                ],
                "elsewhere": hidden,  # another site failed: no name, path or text of it
            }
        )


class Hub:
    """The latest BuildState, and every event stream waiting for the next one."""

    def __init__(self, state: BuildState):
        self._cond = threading.Condition()
        self._state = state
        self._version = 0
        self._closed = False

    @property
    def state(self) -> BuildState:
        with self._cond:
            return self._state

    def publish(self, state: BuildState) -> None:
        with self._cond:
            if state != self._state:
                self._state = state
                self._version += 1
                self._cond.notify_all()

    def current(self) -> tuple[int, BuildState]:
        with self._cond:
            return self._version, self._state

    def wait_newer(self, version: int, timeout: float) -> tuple[int, BuildState] | None:
        """The state once it is newer than `version` (or the same one after `timeout`, so
        the caller can send a keep-alive); None once the hub is closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._version != version, timeout)
            if self._closed:
                return None
            return self._version, self._state

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class BuildGate:
    """Requests read the output only while no build runs, so a client never gets half of
    one build and half of the next; a build waits for the reads in flight to end."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._building = False

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._building)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def building(self) -> Iterator[None]:
        """Only the build loop enters here, one build at a time."""
        with self._cond:
            self._building = True  # new readers wait from now on
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._building = False
                self._cond.notify_all()


# The whole client: no library, no CDN. Problems are shown with textContent only, so a
# file name or message can never inject markup into the page.
SCRIPT = """<script>
(() => {
  let shown = __OUTPUT__;
  let failed = false;
  let overlay = null;
  const events = new EventSource("__EVENTS__");
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    if (!state.ok) {
      failed = true;
      showProblems(state.problems, state.elsewhere);
      return;
    }
    if (!failed && state.output === shown) return;
    if (!failed && state.css_only && state.previous === shown) {
      swapStyles(state.output);
      shown = state.output;
      return;
    }
    events.close();
    location.reload();
  };
  function swapStyles(tag) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("splitblog", tag);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.onload = () => link.remove();
      link.after(fresh);
    }
  }
  function element(tag, text, css) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (css) node.style.cssText = css;
    return node;
  }
  function showProblems(problems, elsewhere) {
    if (overlay) overlay.remove();
    overlay = element("div", "", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(24,24,27,.94);color:#fafafa;font:15px/1.5 ui-monospace,monospace;" +
      "padding:2rem;box-sizing:border-box;text-align:left");
    overlay.id = "splitblog-overlay";
    overlay.setAttribute("role", "alert");
    const count = problems.length + (problems.length === 1 ? " problem" : " problems");
    const heading = problems.length ? "the last build failed (" + count + ")" :
      "the last build failed";
    overlay.append(element("h2", "splitblog: " + heading,
      "margin:0 0 .5rem;font-size:1.3rem;color:#fca5a5"));
    overlay.append(element("p", "This tab shows the last good build; it reloads by " +
      "itself once the files are fixed.", "margin:0 0 1rem;color:#d4d4d8"));
    if (elsewhere) overlay.append(element("p", (problems.length ? "Another site's build " +
      "failed too" : "Another site's build failed") + ": the terminal shows its problems " +
      "(a tab shows only those of its own site).", "margin:0 0 1rem;color:#fde68a"));
    const list = element("ul", "", "list-style:none;margin:0;padding:0");
    for (const problem of problems) {
      const item = element("li", "", "margin:0 0 1rem;padding:.75rem 1rem;" +
        "border-left:4px solid #f87171;background:rgba(255,255,255,.06)");
      if (problem.where) item.append(element("div", problem.where, "color:#93c5fd"));
      item.append(element("div", problem.message, "white-space:pre-wrap"));
      if (problem.hint) item.append(element("div", problem.hint, "color:#a1a1aa"));
      list.append(item);
    }
    overlay.append(list);
    const hide = element("button", "Hide", "font:inherit;padding:.25rem .75rem;cursor:pointer");
    hide.onclick = () => overlay.remove();
    overlay.append(hide);
    (document.body || document.documentElement).append(overlay);
  }
})();
</script>
"""


def live_script(output: str) -> bytes:
    return (
        SCRIPT.replace("__OUTPUT__", json.dumps(output)).replace("__EVENTS__", EVENTS_PATH).encode()
    )


def inject(html: bytes, output: str) -> bytes:
    """The page with the live-reload script just before its last </body> (or at its end)."""
    script = live_script(output)
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + script
    return html[:at] + script + html[at:]
