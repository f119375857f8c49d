"""The web app: `create_app` builds the FastAPI application behind `parallax serve` — server-rendered pages
(Jinja2, autoescaped), the REST API (`parallax.serve.api`), static CSS and a little plain JavaScript.

Pages: the stories list with search and filters (/), a story (/stories/{id}: claim matrix, disputes,
quote ledger, numbers, timeline, outlets, merge and split), an article (/articles/{id}: highlighted text,
metadata, removed boilerplate), an entity (/entities/{name}) and ingest (/ingest, /ingest/{job}). /docs
renders the OpenAPI document (/openapi.json) here, with nothing fetched from elsewhere. Every response
carries a Content-Security-Policy that allows only this server's own scripts and styles; unknown ids give
a 404 page, bad parameters a 422 page (JSON under /api).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parallax.serve import api, render, service
from parallax.serve.search import story_filter
from parallax.serve.state import AppState, WebSettings, app_state, require_read

PAGE_SIZE = 25
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
_HERE = files("parallax.serve")
State = Annotated[AppState, Depends(app_state)]


def _templates() -> Jinja2Templates:
    environment = Environment(loader=FileSystemLoader(str(_HERE / "templates")), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(safe_url=render.safe_url, entity_href=render.entity_href,
                               evidence_href=render.evidence_href)
    return Jinja2Templates(env=environment)


def create_app(settings: WebSettings | None = None, state: AppState | None = None) -> FastAPI:
    """The application over one store (`settings.db`); `state` lets a caller share one it built."""
    settings = settings or WebSettings()
    shared = state or AppState(settings)
    templates = _templates()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if state is None:
            shared.close()

    app = FastAPI(title="Parallax", version="1", summary="Every side of a news story: stories, claims, quotes, events.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan)
    app.state.parallax = shared
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    app.include_router(api.reads)
    app.include_router(api.writes)

    app.add_middleware(SecurityHeaders)

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        return page(request, "error.html", {"status": error.status_code, "detail": error.detail},
                    error.status_code)

    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in error.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": problems}, status_code=422)
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in problems)
        return page(request, "error.html", {"status": 422, "detail": detail}, 422)

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    reader = [Depends(require_read)]

    @app.get("/", response_class=HTMLResponse, dependencies=reader, include_in_schema=False)
    def stories_page(request: Request, state: State,
                     q: Annotated[str | None, Query(max_length=500)] = None,
                     since: Annotated[str | None, Query(max_length=32)] = None,
                     until: Annotated[str | None, Query(max_length=32)] = None,
                     outlet: Annotated[str | None, Query(max_length=200)] = None,
                     language: Annotated[str | None, Query(max_length=8)] = None,
                     entity: Annotated[str | None, Query(max_length=200)] = None,
                     page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> HTMLResponse:
        try:
            wanted = story_filter(q, since, until, outlet, language, entity)
        except ValueError as error:
            raise HTTPException(422, str(error)) from error
        rows, total = state.store.stories.search(wanted, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
        params = {k: v for k, v in {"q": q, "since": since, "until": until, "outlet": outlet, "language": language,
                                    "entity": entity}.items() if v}
        return page(request, "stories.html", {
            "rows": rows, "total": total, "params": params, "page": page_number,
            "pages": max(1, -(-total // PAGE_SIZE)), "facets": state.store.facets(),
            "filtered": bool(params)})

    @app.get("/stories/{story_id}", response_class=HTMLResponse, dependencies=reader, include_in_schema=False)
    def story_page(request: Request, state: State, story_id: str) -> HTMLResponse:
        record = service.story_or_404(state, story_id)
        return page(request, "story.html", {
            "story": record, "rows": render.matrix_rows(record), "disputes": render.disputed_pairs(record),
            "ledger": render.ledger_view(record), "numbers": render.number_view(record),
            "status_counts": _status_counts(record), "writable": bool(state.token)})

    @app.post("/stories/{story_id}/merge", include_in_schema=False)
    def merge_form(state: State, story_id: str, others: Annotated[str, Form(max_length=2000)],
                   token: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
        state.check_write(token)
        record = service.merge_stories(state, story_id, others.replace(",", " ").split())
        return RedirectResponse(f"/stories/{record['id']}", status_code=303)

    @app.post("/stories/{story_id}/split", include_in_schema=False)
    def split_form(state: State, story_id: str, article_ids: Annotated[list[str], Form()],
                   token: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
        state.check_write(token)
        _, new_id = service.split_story(state, story_id, article_ids)
        return RedirectResponse(f"/stories/{new_id}", status_code=303)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, dependencies=reader, include_in_schema=False)
    def article_page(request: Request, state: State, article_id: str,
                     hl: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
        article = state.store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article with id (or unique prefix) {article_id!r}")
        names, _ = state.names()
        highlight = render.parse_highlight(hl, len(article.text))
        spans = render.article_spans(article, names, highlight)
        story_id = state.store.stories.story_of(article.id)
        return page(request, "article.html", {
            "article": article, "segments": render.segments(article.text, spans),
            "kinds": sorted({s.kind for s in spans} - {"evidence"}), "highlight": highlight,
            "sources": state.store.sources_of(article.id), "story_id": story_id,
            "speakers": sorted({label[:-1] for s in spans if s.kind == "quote" and (label := s.label)})})

    @app.get("/entities/{name}", response_class=HTMLResponse, dependencies=reader, include_in_schema=False)
    def entity_page(request: Request, state: State, name: str) -> HTMLResponse:
        view = service.entity_view(state, name)
        if view is None:
            raise HTTPException(404, f"nothing is known of {name!r}")
        return page(request, "entity.html", {"entity": view})

    @app.get("/ingest", response_class=HTMLResponse, dependencies=reader, include_in_schema=False)
    def ingest_page(request: Request, state: State) -> HTMLResponse:
        return page(request, "ingest.html", {"writable": bool(state.token)})

    @app.post("/ingest", include_in_schema=False)
    async def ingest_form(state: State, files: Annotated[list[UploadFile] | None, File()] = None,
                          urls: Annotated[str, Form(max_length=100_000)] = "",
                          token: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
        state.check_write(token)
        job = await service.start_ingest(state, files or [], service.parse_urls(urls))
        return RedirectResponse(f"/ingest/{job.id}", status_code=303)

    @app.get("/ingest/{job_id}", response_class=HTMLResponse, dependencies=reader, include_in_schema=False)
    def job_page(request: Request, state: State, job_id: str) -> HTMLResponse:
        job = state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no ingest job {job_id!r}")
        return page(request, "job.html", {"job": job.to_dict()})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        return page(request, "docs.html", {"operations": _operations(app.openapi())})

    return app


class SecurityHeaders:
    """ASGI middleware adding the Content-Security-Policy and its companions to every HTTP response."""

    HEADERS = ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"same-origin"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _status_counts(record: dict[str, Any]) -> dict[str, int]:
    counts = {"corroborated": 0, "single-source": 0, "disputed": 0}
    for claim in record["claims"]:
        counts[claim["status"]] = counts.get(claim["status"], 0) + 1
    return counts


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI operations as rows for the docs page."""
    rows = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            rows.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                         "description": operation.get("description", ""),
                         "secured": bool(operation.get("security")),
                         "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                         "description": p.get("description", ""),
                                         "type": p.get("schema", {}).get("type")
                                         or " | ".join(s.get("type", "") for s in p.get("schema", {}).get("anyOf", []))}
                                        for p in operation.get("parameters", [])],
                         "body": next(iter(operation.get("requestBody", {}).get("content", {})), None)})
    return rows
