"""A browserless Streamlit client: speaks the websocket protocol (``streamlit.proto``) as the frontend does.

Used by ``room_load.py`` (the live-room load benchmark) and by the race tests. One ``Page`` is one browser
tab: one websocket to ``/_stcore/stream``, one Streamlit session. It sends ``BackMsg.rerun_script`` with
the query string the app last set (``page_info_changed``), the current widget states and the page script
hash; it answers ``auto_rerun`` as the frontend does (a fragment rerun with ``is_auto_rerun`` at each
interval, timers restarted by every full run), and keeps what the server sent: the elements by delta
path, the widgets by label, and every text it received with the time it arrived.

See docs/streamlit-internals.md §6 for the protocol facts this relies on.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

TEXT_FIELDS = (("markdown", "body"), ("alert", "body"), ("text", "body"), ("heading", "body"), ("code", "code_text"))
WIDGETS = (
    "button",
    "radio",
    "text_input",
    "component_instance",
    "button_group",
    "checkbox",
    "selectbox",
    "segmented_control",
    "download_button",
)


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    proto: object
    form_id: str = ""
    fragment_id: str = ""  # the fragment that drew it: a click reruns only that fragment, as in the browser


@dataclass
class Page:
    """One tab. ``await Page.open(url, query)``, then ``click``, ``set_value``, ``wait_for_text``."""

    ws_url: str
    query: str
    poll: bool = True
    widgets: dict[str, Widget] = field(default_factory=dict)  # label -> widget (last drawn)
    values: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> its state to send
    texts: list[tuple[float, str]] = field(default_factory=list)  # (arrival, text) of every text element
    page_script_hash: str = ""
    runs_started: int = 0
    finished: list[tuple[float, str]] = field(default_factory=list)  # (arrival, status) of script_finished
    polls_sent: int = 0
    errors: list[str] = field(default_factory=list)
    on_message: Callable[[ForwardMsg], None] | None = None
    polling: set[str] = field(default_factory=set)  # the fragments the server asked to poll (auto_rerun)
    page_name: str = ""  # the page of a multipage app to open first (its URL path), as a browser's address does
    operations: dict[str, object] = field(default_factory=dict)  # request id -> backend_operation_response
    session_id: str = ""  # the server's id of this tab's session (new_session), which backend operations name

    def __post_init__(self):
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, asyncio.Task] = {}
        self._changed = asyncio.Event()
        self._drawn: set[str] = set()  # labels of the widgets the current full run drew
        self._full_run = False

    # ---------------------------------------------------------------- connection

    @classmethod
    async def open(cls, base: str, query: str, *, poll: bool = True, page_name: str = "") -> Page:
        page = cls(base.replace("http://", "ws://").rstrip("/") + "/_stcore/stream", query, poll, page_name=page_name)
        page._ws = await websockets.connect(
            page.ws_url, subprotocols=["streamlit"], max_size=2**26, open_timeout=60, ping_interval=None
        )
        page._reader = asyncio.create_task(page._read())
        await page.rerun()
        return page

    async def reconnect(self, *, attempts: int = 100, delay: float = 0.2) -> None:
        """What the frontend does when its websocket dropped (a server restart): connect again until the
        server answers, then ask for the page with the query string and widget values it had."""
        for t in self._timers.values():
            t.cancel()
        self._timers.clear()
        if self._reader:
            self._reader.cancel()
        for _ in range(attempts):
            try:
                self._ws = await websockets.connect(
                    self.ws_url, subprotocols=["streamlit"], max_size=2**26, open_timeout=10, ping_interval=None
                )
                break
            except OSError:
                await asyncio.sleep(delay)
        else:
            raise ConnectionError(f"could not reconnect to {self.ws_url}")
        self._reader = asyncio.create_task(self._read())
        await self.rerun()

    async def close(self) -> None:
        for t in self._timers.values():
            t.cancel()
        if self._reader:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def _send(self, msg: BackMsg) -> None:
        await self._ws.send(msg.SerializeToString())

    async def rerun(
        self, *, fragment_id: str = "", auto: bool = False, triggers: dict[str, WidgetState] | None = None
    ) -> None:
        """Ask for a run (the whole page, or one fragment) with the current widget states plus ``triggers``."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_script_hash
        cs.page_name = "" if self.page_script_hash else self.page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.context_info.url = f"http://127.0.0.1/{self.page_name}?{self.query}"
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-GB"
        states = dict(self.values)
        states.update(triggers or {})
        for state in states.values():
            cs.widget_states.widgets.append(state)
        await self._send(msg)

    # ---------------------------------------------------------------- reading

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass
        except Exception as exc:  # pragma: no cover - reported by the benchmark
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def _handle(self, msg: ForwardMsg) -> None:
        now = time.monotonic()
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs_started += 1
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
            if not list(msg.metadata.run.fragment_ids):  # a full run restarts the polls, as the frontend does
                self._full_run = True
                self._drawn = set()
                for t in self._timers.values():
                    t.cancel()
                self._timers.clear()
        elif kind == "navigation" and self.page_name:  # the page st.navigation ran: ask for it again
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            fid = msg.auto_rerun.fragment_id
            self.polling.add(fid)
            if self.poll and fid not in self._timers:
                self._timers[fid] = asyncio.get_running_loop().create_task(self._poll(fid, msg.auto_rerun.interval))
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id, now)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
            block = msg.delta.add_block
            if block.WhichOneof("type") == "expandable" and block.expandable.id:  # an expander with a state
                label = block.expandable.label
                self.widgets[label] = Widget("expandable", block.expandable.id, label, block.expandable)
                self._drawn.add(label)
        elif kind == "backend_operation_response":
            self.operations[msg.backend_operation_response.request_id] = msg.backend_operation_response
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            self.finished.append((now, status))
            if status == "FINISHED_SUCCESSFULLY" and self._full_run:  # widgets no longer drawn are gone
                self._full_run = False
                for label in set(self.widgets) - self._drawn:
                    self.values.pop(self.widgets.pop(label).id, None)
        if self.on_message:
            self.on_message(msg)
        self._changed.set()

    def _element(self, el, fragment_id: str, now: float) -> None:
        which = el.WhichOneof("type")
        for name, attr in TEXT_FIELDS:
            if which == name:
                self.texts.append((now, getattr(getattr(el, name), attr)))
        if which in WIDGETS:
            proto = getattr(el, which)
            label = getattr(proto, "label", "") or getattr(proto, "component_name", "")
            self.widgets[label] = Widget(which, proto.id, label, proto, getattr(proto, "form_id", ""), fragment_id)
            self._drawn.add(label)

    async def _poll(self, fragment_id: str, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                self.polls_sent += 1
                await self.rerun(fragment_id=fragment_id, auto=True)
        except (asyncio.CancelledError, websockets.ConnectionClosed):
            pass

    # ---------------------------------------------------------------- acting

    def widget(self, label: str) -> Widget:
        try:
            return self.widgets[label]
        except KeyError:
            raise KeyError(f"no widget {label!r} on the page (have: {sorted(self.widgets)})") from None

    def set_value(self, label: str, **value) -> None:
        """Set a widget's value as the frontend would (``string_value=``, ``json_value=``...), no rerun yet."""
        w = self.widget(label)
        state = WidgetState(id=w.id, **value)
        self.values[w.id] = state

    async def change(self, label: str, **value) -> None:
        """Set a widget's value and rerun (what a drop in the sortable, or a radio click, does)."""
        self.set_value(label, **value)
        await self.rerun()

    async def click(self, label: str) -> float:
        """Click a button (a form's submit button sends the form's values with it); returns the time sent.
        A button drawn by a fragment reruns only that fragment, as in the browser."""
        w = self.widget(label)
        sent = time.monotonic()
        await self.rerun(fragment_id=w.fragment_id, triggers={w.id: WidgetState(id=w.id, trigger_value=True)})
        return sent

    async def deferred_file(self, label: str, timeout: float = 60.0):
        """Click a download button whose file is made on click (``st.download_button(data=callable)``) as
        the frontend does: ask the server to run the callable (a backend operation). Returns the server's
        ``BackendOperationResponse`` (``.deferred_file.url`` to fetch the file from, or ``.error_msg``), or
        None without an answer within ``timeout``."""
        w = self.widget(label)
        request_id = f"{w.id}:{time.monotonic()}"
        msg = BackMsg()
        msg.backend_operation_request.request_id = request_id
        msg.backend_operation_request.session_id = self.session_id
        msg.backend_operation_request.deferred_file.file_id = w.proto.deferred_file_id
        await self._send(msg)
        if not await self.wait_for(lambda: request_id in self.operations, timeout):
            return None
        return self.operations.pop(request_id)

    def reorder(self, label: str, order: list[str]) -> None:
        """The sortable's value for ``order`` (labels), as ``streamlit-sortables`` sends it on a drop."""
        self.set_value(label, json_value=json.dumps([{"header": None, "items": order}]))

    def sortable_items(self) -> list[str]:
        w = next(w for w in self.widgets.values() if w.kind == "component_instance")
        args = json.loads(w.proto.json_args)
        return (
            [item for c in args["items"] for item in c["items"]]
            if args.get("multi_containers")
            else list(args["items"][0]["items"] if isinstance(args["items"][0], dict) else args["items"])
        )

    def sortable_label(self) -> str:
        return next(w.label for w in self.widgets.values() if w.kind == "component_instance")

    def text_since(self, needle: str, since: float) -> float | None:
        """When a text containing ``needle`` first arrived after ``since`` (None: not yet)."""
        return next((at for at, text in self.texts if at >= since and needle in text), None)

    async def wait_for(self, check: Callable[[], object], timeout: float) -> object:
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                return value
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass

    async def wait_for_text(self, needle: str, since: float = 0.0, timeout: float = 30.0) -> float | None:
        return await self.wait_for(lambda: self.text_since(needle, since), timeout)

    async def finished_since(self, since: float, timeout: float = 30.0) -> float | None:
        """When the first run that finished after ``since`` finished (None: none within ``timeout``). A run
        that ended early for another (a page switch, ``st.rerun``) does not count: the page is not drawn."""
        return await self.wait_for(
            lambda: next(
                (at for at, status in self.finished if at >= since and status != "FINISHED_EARLY_FOR_RERUN"), None
            ),
            timeout,
        )
