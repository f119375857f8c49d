"""The REST API under /api/v1: the export's records (articles, stories), searches, entities, ingest jobs,
merges and splits. Lists are paginated (`limit`, `offset`; `next_offset` is null on the last page).
Reads follow the app's read access; writes need the bearer token (`PARALLAX_TOKEN`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from parallax.serve import service
from parallax.serve.export import article_record
from parallax.serve.search import story_filter
from parallax.serve.state import AppState, app_state, require_read

Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (1–200).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
State = Annotated[AppState, Depends(app_state)]
_bearer = HTTPBearer(auto_error=False, description="The token set by PARALLAX_TOKEN.")


def require_write(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """Writes need the bearer token; refused while the server has none."""
    app_state(request).check_write(credentials.credentials if credentials else None)


reads = APIRouter(prefix="/api/v1", dependencies=[Depends(require_read)], tags=["read"])
writes = APIRouter(prefix="/api/v1", dependencies=[Depends(require_write)], tags=["write"])


def page(items: list[Any], limit: int, offset: int, total: int | None = None) -> dict[str, Any]:
    more = len(items) == limit if total is None else offset + len(items) < total
    return {"items": items, "limit": limit, "offset": offset, "total": total,
            "next_offset": offset + len(items) if more else None}


@reads.get("/stories", summary="Search stories, latest first")
def list_stories(state: State, limit: Limit = 50, offset: Offset = 0,
                 q: Annotated[str | None, Query(max_length=500, description="Words; \"a phrase\".")] = None,
                 since: Annotated[str | None, Query(description="ISO date: running on or after.")] = None,
                 until: Annotated[str | None, Query(description="ISO date: starting on or before.")] = None,
                 outlet: Annotated[str | None, Query(max_length=200)] = None,
                 language: Annotated[str | None, Query(max_length=8)] = None,
                 entity: Annotated[str | None, Query(max_length=200)] = None) -> dict[str, Any]:
    try:
        wanted = story_filter(q, since, until, outlet, language, entity)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    rows, total = state.store.stories.search(wanted, limit=limit, offset=offset)
    return page(rows, limit, offset, total)


@reads.get("/stories/{story_id}", summary="One story record, as in the export")
def get_story(state: State, story_id: str) -> Response:
    stored = state.store.stories.get_story_json(story_id)
    if stored is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return Response(stored, media_type="application/json")


@reads.get("/articles", summary="Articles, latest first, as in the export")
def list_articles(state: State, limit: Limit = 50, offset: Offset = 0,
                  outlet: Annotated[str | None, Query(max_length=200)] = None,
                  language: Annotated[str | None, Query(max_length=8)] = None) -> JSONResponse:
    names, parties = state.names()
    articles = state.store.list_articles(limit=limit, offset=offset, outlet=outlet, language=language,
                                         with_annotations=True)
    records = [article_record(a, state.store.sources_of(a.id), names, parties) for a in articles]
    return JSONResponse(page(records, limit, offset))


@reads.get("/articles/{article_id}", summary="One article record (id or unique prefix), as in the export")
def get_article(state: State, article_id: str) -> JSONResponse:
    record = service.article_export(state, article_id)
    if record is None:
        raise HTTPException(404, f"no article with id (or unique prefix) {article_id!r}")
    return JSONResponse(record)


@reads.get("/entities/{name}", summary="A person, organisation or place: quotes, events, stories")
def get_entity(state: State, name: str, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    view = service.entity_view(state, name, limit=limit, offset=offset)
    if view is None:
        raise HTTPException(404, f"nothing is known of {name!r}")
    return JSONResponse(view)


@reads.get("/jobs/{job_id}", summary="Progress of an ingest job")
def get_job(state: State, job_id: str) -> dict[str, Any]:
    job = state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no ingest job {job_id!r}")
    return job.to_dict()


class MergeRequest(BaseModel):
    others: list[str] = Field(min_length=1, max_length=100, description="Stories (ids or prefixes) to merge in.")


class SplitRequest(BaseModel):
    article_ids: list[str] = Field(min_length=1, max_length=10_000, description="Articles (ids or prefixes).")


@writes.post("/ingest", status_code=202, summary="Analyse uploaded files and URLs in the background")
async def ingest(state: State, files: Annotated[list[UploadFile] | None, File()] = None,
                 urls: Annotated[str | None, Form(description="http(s) URLs, one per line")] = None
                 ) -> dict[str, Any]:
    job = await service.start_ingest(state, files or [], service.parse_urls(urls))
    return job.to_dict()


@writes.post("/stories/{story_id}/merge", summary="Merge other stories into this one (kept across runs)")
def merge(state: State, story_id: str, body: MergeRequest) -> JSONResponse:
    return JSONResponse(service.merge_stories(state, story_id, body.others))


@writes.post("/stories/{story_id}/split", summary="Move articles of this story to a new story (kept across runs)")
def split(state: State, story_id: str, body: SplitRequest) -> dict[str, str]:
    story, new_id = service.split_story(state, story_id, body.article_ids)
    return {"story_id": story, "new_story_id": new_id}
