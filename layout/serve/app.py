"""`layout preview`: a Starlette app on 127.0.0.1 that shows the issue's pages as it is edited.

watchfiles reports changes to the issue folder; each change starts a rebuild in a worker process
(rebuild.snapshot), so the server answers while WeasyPrint works. The page listens on Server-Sent
Events: progress lines while building, then `state` when a new snapshot (or an input error) is
ready, and fetches /state.json. An error keeps the last good pages on show.
"""
from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import multiprocessing
import socket
import tempfile
import threading
import webbrowser
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import AsyncIterator, Callable

import uvicorn
import watchfiles
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from layout.errors import BuildError
from layout.house import STYLES
from layout.messages import language, t
from layout.serve.rebuild import snapshot, start_worker

HOST = "127.0.0.1"  # loopback only (invariant 4)
ASSETS = STYLES / "preview"
GRACE_SECONDS = 2  # for open event streams when the server stops


class Preview:
    """The state the page shows: the last good pages, the current error, what the build is doing."""

    def __init__(self, issue: Path):
        self.issue = issue
        self.version = 0  # counts snapshots and errors the page has to fetch
        self.good: dict = {}  # the last snapshot that built
        self.error = ""
        self.building = False
        self.progress = ""
        self.images: dict[str, bytes] = {}
        self.clients: set[asyncio.Queue] = set()

    def state(self) -> dict:
        good = self.good
        return {
            "version": self.version, "lang": "en" if language() == "en" else "zh-CN", "error": self.error,
            "building": self.building, "progress": self.progress,
            "title": t("preview of {issue}", issue=good.get("edition") or self.issue.name),
            "pages": good.get("pages", []), "notes": good.get("notes", []),
            "timing": t("planned in {plan:.2f} s, built in {build:.1f} s", plan=good["plan_seconds"],
                        build=good["build_seconds"]) if good else "",
            "labels": {"notes": t("notes"), "none": t("no problems found"), "building": t("building…"),
                       "articles": t("articles by page")},
        }

    def publish(self, event: str, data: str) -> None:
        for queue in self.clients:
            queue.put_nowait((event, data))

    def took(self, snap: dict) -> None:
        if snap["ok"]:
            self.images = {**{k: v for k, v in self.images.items() if k in snap["images"]}, **snap["images"]}
            self.good, self.error = {k: v for k, v in snap.items() if k != "images"}, ""
        else:
            self.error = snap["error"]
        self.version += 1
        self.publish("state", str(self.version))


class _Worker:
    """The build process. A build that crashes (a bug, a native library) is shown as an error and the
    next change builds again, in a new process if the old one died: the preview keeps running."""

    def __init__(self):
        self.context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self.progress = self.context.Queue()
        self.cache = tempfile.TemporaryDirectory(prefix="layout-preview-")  # the page cache, while serving
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=self.context, initializer=start_worker,
                                   initargs=(self.progress, language()))

    async def snapshot(self, issue: Path) -> dict:
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, snapshot, str(issue), self.cache.name)
        except BrokenProcessPool:
            self.pool = self._start()
            return {"ok": False, "error": t("the build process died; the next change builds again in a new one")}
        except Exception as e:  # a bug: anything but the editor's mistakes, which snapshot returns as data
            return {"ok": False, "error": t("the build stopped unexpectedly ({error}); the next change builds again",
                                            error=f"{type(e).__name__}: {e}")}

    def stop(self) -> None:
        self.progress.put(None)
        self.pool.shutdown(cancel_futures=True)
        self.cache.cleanup()


async def _rebuilds(preview: Preview, worker: _Worker, changes: asyncio.Event) -> None:
    """Build once, then again after every batch of changes; changes during a build start the next."""
    while True:
        changes.clear()
        preview.building = True
        preview.publish("building", "")
        snap = await worker.snapshot(preview.issue)
        preview.building = False
        preview.took(snap)
        await changes.wait()


INPUT_FILES = ("issue.toml", "plan.toml")
INPUT_FOLDERS = ("articles", "images")


def _is_input(issue: Path, path: str) -> bool:
    """A file the build reads: not import-report.txt, nor outputs an editor builds into the folder."""
    parts = Path(path).resolve().relative_to(issue.resolve()).parts
    return parts in ((name,) for name in INPUT_FILES) or (len(parts) > 1 and parts[0] in INPUT_FOLDERS)


async def _watch(issue: Path, changes: asyncio.Event, stop: asyncio.Event) -> None:
    default = watchfiles.DefaultFilter()  # editors' swap and backup files, version control

    def wanted(change: watchfiles.Change, path: str) -> bool:
        return default(change, path) and _is_input(issue, path)

    async for _ in watchfiles.awatch(issue, watch_filter=wanted, stop_event=stop):
        changes.set()


def _relay(queue, preview: Preview, loop: asyncio.AbstractEventLoop) -> None:
    """Progress lines from the worker process to the open pages (a thread: the queue blocks)."""
    for message in iter(queue.get, None):
        def send(text: str = message) -> None:
            preview.progress = text
            preview.publish("progress", text)
        loop.call_soon_threadsafe(send)


def create_app(issue: Path) -> Starlette:
    preview = Preview(issue)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker = _Worker()
        stop, changes = asyncio.Event(), asyncio.Event()
        relay = threading.Thread(target=_relay, args=(worker.progress, preview, asyncio.get_running_loop()),
                                 daemon=True)
        relay.start()
        tasks = [asyncio.create_task(_rebuilds(preview, worker, changes)),
                 asyncio.create_task(_watch(issue, changes, stop))]
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            preview.publish("bye", "")
            await asyncio.get_running_loop().run_in_executor(None, worker.stop)

    async def index(request: Request) -> Response:
        return FileResponse(ASSETS / "preview.html")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("preview.css", "preview.js"):
            return Response(status_code=404)
        return FileResponse(ASSETS / name)

    async def state(request: Request) -> Response:
        return JSONResponse(preview.state(), headers={"Cache-Control": "no-store"})

    async def image(request: Request) -> Response:
        data = preview.images.get(request.path_params["digest"])
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="image/png", headers={"Cache-Control": "max-age=31536000, immutable"})

    async def events(request: Request) -> Response:
        queue: asyncio.Queue = asyncio.Queue()
        preview.clients.add(queue)

        async def stream() -> AsyncIterator[str]:
            try:
                yield f"retry: 1000\nevent: state\ndata: {preview.version}\n\n"
                while True:
                    event, data = await queue.get()
                    if event == "bye":
                        return
                    yield f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            finally:
                preview.clients.discard(queue)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    return Starlette(routes=[
        Route("/", index), Route("/assets/{name}", asset), Route("/state.json", state),
        Route("/pages/{digest}.png", image), Route("/events", events),
    ], lifespan=lifespan)


class _Server(uvicorn.Server):
    """Says where it listens (the real port when 0 was asked) once it does, and opens the browser."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[str], None]):
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            port = self.servers[0].sockets[0].getsockname()[1]
            self.announce(f"http://{HOST}:{port}/")


def serve(issue: Path, port: int, open_browser: bool, say: Callable[[str], None]) -> None:
    """Serve the preview of issue on 127.0.0.1:port (0 = a free port) until Ctrl+C.
    BuildError when the port is taken."""
    def announce(url: str) -> None:
        say(t("preview at {url} (Ctrl+C stops it)", url=url))
        if open_browser:
            webbrowser.open(url)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))  # bound here, so a taken port is one line in the editor's language
    except OSError as e:
        listener.close()
        reason = t("another program uses it") if e.errno == errno.EADDRINUSE else e.strerror or str(e)
        raise BuildError(t("cannot listen on {host}:{port}: {reason}; choose another port with --port", host=HOST,
                           port=port, reason=reason)) from None
    config = uvicorn.Config(create_app(issue), log_level="warning", timeout_graceful_shutdown=GRACE_SECONDS)
    with listener:
        _Server(config, announce).run(sockets=[listener])
