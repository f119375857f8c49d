"""The operations the web pages and the REST API share: gather an entity across stories, merge and split
stories, save uploads and start an ingest job. Records come from the export's builders
(`parallax.serve.export`), so the API returns what `parallax export` writes.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import HTTPException, UploadFile

from parallax.serve.export import article_record, attribution_record, event_record
from parallax.serve.jobs import Job
from parallax.serve.render import safe_url
from parallax.serve.state import AppState
from parallax.store.stories import StoryFilter

_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_CHUNK = 1 << 16


def article_ref(ref: Any) -> dict[str, Any]:
    return {"id": ref.id, "outlet": ref.outlet, "title": ref.title, "published": ref.published}


def article_export(state: AppState, article_id: str) -> dict[str, Any] | None:
    """An article's export record (store-wide names), or None when no article has this id or unique prefix."""
    article = state.store.get_article(article_id)
    if article is None:
        return None
    names, parties = state.names()
    return article_record(article, state.store.sources_of(article.id), names, parties)


def story_or_404(state: AppState, story_id: str) -> dict[str, Any]:
    record = state.store.stories.get_story(story_id)
    if record is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return record


def entity_view(state: AppState, name: str, *, limit: int = 100, offset: int = 0) -> dict[str, Any] | None:
    """A person, organisation or place across the store: its senses, quotes, events as actor and as target,
    and the stories that mention it; None when the store knows nothing of it."""
    names, parties = state.names()
    folded = name.casefold()
    aliases = {key[0] for key, merged in names.items() if merged.casefold() == folded} | {name}
    store = state.store
    senses = store.entity_overview(sorted(aliases))
    quotes = store.list_attributions(speaker=name, also_speakers=aliases, limit=limit, offset=offset)
    as_actor = store.list_events(actor=name, limit=limit, offset=offset)
    as_target = store.list_events(target=name, limit=limit, offset=offset)
    if not (senses or quotes or as_actor or as_target):
        return None
    stories, _ = store.stories.search(StoryFilter(entity=name), limit=50)
    return {
        "name": name,
        "senses": senses,
        "stories": stories,
        "quotes": [{"article": article_ref(ref), **attribution_record(a, names)} for ref, a in quotes],
        "events_as_actor": [{"article": article_ref(ref), **event_record(e, parties)} for ref, e in as_actor],
        "events_as_target": [{"article": article_ref(ref), **event_record(e, parties)} for ref, e in as_target],
        "limit": limit,
        "offset": offset,
    }


def merge_stories(state: AppState, story_id: str, others: Sequence[str]) -> dict[str, Any]:
    """Merge `others` into `story_id` (ids or prefixes); the merged record. 404/422 for unknown or too few."""
    from parallax.stories.runner import StoryRunner

    target = story_or_404(state, story_id)["id"]
    ids = [story_or_404(state, other)["id"] for other in others]
    ids = [i for i in dict.fromkeys(ids) if i != target]
    if not ids:
        raise HTTPException(422, "merge needs another story than this one")
    record = StoryRunner(state.store).merge(target, ids)
    state.invalidate()
    if record is None:
        raise HTTPException(404, f"story {target!r} has no articles")
    return record


def split_story(state: AppState, story_id: str, article_ids: Sequence[str]) -> tuple[str, str]:
    """Move these articles (ids or prefixes of the story's articles) to a new story; (the story's full id, the
    new story's id)."""
    from parallax.stories.runner import StoryRunner

    sid = story_or_404(state, story_id)["id"]
    if not article_ids:
        raise HTTPException(422, "choose the articles to split off")
    try:
        new_id = StoryRunner(state.store).split(sid, state.store.stories.members_named(sid, article_ids))
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    state.invalidate()
    return sid, new_id


def parse_urls(text: str | None) -> list[str]:
    """The URLs of a text box, one per line or space-separated; 422 for anything not http(s)."""
    urls = (text or "").split()
    bad = [url for url in urls if safe_url(url) is None]
    if bad:
        raise HTTPException(422, f"only http(s) URLs can be fetched, not {bad[0]!r}")
    return urls


async def start_ingest(state: AppState, files: Sequence[UploadFile], urls: Sequence[str]) -> Job:
    """Save the uploads to a temporary folder (size-capped) and start a job over them and the URLs."""
    files = [f for f in files if f.filename]
    if not files and not urls:
        raise HTTPException(422, "give files to upload or URLs to fetch")
    limit = int(state.settings.max_upload_mb * 1_048_576)
    folder = Path(tempfile.mkdtemp(prefix="parallax-upload-")) if files else None
    inputs: list[str] = []
    try:
        for number, upload in enumerate(files):
            name = _UNSAFE_NAME.sub("_", Path(upload.filename or "upload").name).strip("._") or "upload"
            path = Path(str(folder)) / f"{number:03d}-{name}"
            size = 0
            with path.open("wb") as handle:
                while chunk := await upload.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise HTTPException(413, f"{upload.filename} is larger than {state.settings.max_upload_mb} MB")
                    handle.write(chunk)
            inputs.append(str(path))
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    shown = [f.filename or "upload" for f in files] + list(urls)
    return state.jobs.submit([*inputs, *urls], shown, cleanup=folder)
