"""Need → profiles and profile → needs on the in-memory index, as the service runs them."""

from __future__ import annotations

import uuid
from dataclasses import replace

import numpy as np

from services.matcher.adapters.embedder import Kind
from services.matcher.mapping import to_event
from services.matcher.pipeline import Pipeline, point_id
from tests.unit.matcher.factories import MURET, NOW, SAINT_GAUDENS, need, profile


async def test_a_need_finds_the_compatible_mason_and_not_the_one_too_far(
    pipeline: Pipeline,
) -> None:
    near, far = profile(), profile(commune_insee=SAINT_GAUDENS, mobility_km=20)
    await pipeline.index_profiles([near, far], at=NOW)
    proposals = await pipeline.rank_for_need(need(), at=NOW)
    assert [p.profile.candidate_id for p in proposals] == [near.candidate_id]
    assert proposals[0].explanation.startswith("Même métier : Maçon / Maçonne (F1703) · 19 km")
    assert "compétences communes : lecture de plans, coulage de béton" in proposals[0].explanation


async def test_a_new_profile_finds_the_open_needs_it_fits(pipeline: Pipeline) -> None:
    posted = need()
    await pipeline.index_needs([posted])
    found = await pipeline.rank_for_profile(profile(), at=NOW)
    assert [p.need.need_id for p in found] == [posted.need_id]


async def test_feminine_and_masculine_twins_get_the_same_score(pipeline: Pipeline) -> None:
    her = profile(desired_jobs=("Maçonne",), experience="2 ans comme aide-maçonne")
    him = replace(
        her,
        candidate_id="0" + her.candidate_id[1:],
        desired_jobs=("Maçon",),
        experience="2 ans comme aide-maçon",
    )
    await pipeline.index_profiles([her, him], at=NOW)
    scores = {p.profile.candidate_id: p.score for p in await pipeline.rank_for_need(need(), at=NOW)}
    assert scores[her.candidate_id] == scores[him.candidate_id]


async def test_the_same_pair_found_again_travels_behind_the_first_proposal(
    pipeline: Pipeline,
) -> None:
    """A later version of a profile gives a new match id but the same Kafka key, so the notifier
    reads the first proposal of a pair before the second and alerts once, with the first text."""
    first = profile()
    later = replace(first, version=2, experience="4 ans de gros œuvre, coffrage.")
    posted = need(summary=_summary())
    events = []
    for version in (first, later):
        await pipeline.index_profiles([version], at=NOW)
        [found] = await pipeline.rank_for_need(posted, at=NOW)
        event, _ = to_event(
            found, pipeline=pipeline, direction="need_to_profiles", correlation_id=None
        )
        events.append(event)
    assert events[0].payload.match_id != events[1].payload.match_id
    assert events[0].key() == events[1].key() == first.candidate_id.encode()


def _summary() -> dict[str, object]:
    return {
        "title": "Maçon / Maçonne",
        "employer_name": "Bâtir Garonne SARL",
        "federation": "BTP31",
        "commune_insee": MURET,
        "contract_type": "CDD",
        "hours_per_week": 35,
        "schedules": ["day"],
    }


async def test_profiles_beyond_the_lexical_search_get_their_own_lexical_score(
    pipeline: Pipeline,
) -> None:
    """With a pool of 2 the lexical search returns one profile; the others are ranked by a
    bound of their lexical score, and must still be scored with the exact one."""
    texts = (
        "coffrage et lecture de plans",
        "coulage de béton, coffrage",
        "maçonnerie traditionnelle",
        "carrelage et faïence",
    )
    people = [profile(experience=t) for t in texts]
    await pipeline.index_profiles(people, at=NOW)
    narrow = Pipeline(
        index=pipeline.index,
        embedder=pipeline.embedder,
        resolver=pipeline.resolver,
        settings=replace(pipeline.settings, pool=2),
    )
    wide = {p.profile.candidate_id: p for p in await pipeline.rank_for_need(need(), at=NOW)}
    found = await narrow.rank_for_need(need(), at=NOW)
    assert len(found) >= 2
    for proposal in found:
        assert proposal.parts == wide[proposal.profile.candidate_id].parts
        assert proposal.score == wide[proposal.profile.candidate_id].score


class _ErasesOnDocumentRead:
    """The index, where one profile is erased just before ranking reads the documents of the
    pairs it assesses (after the searches found it)."""

    def __init__(self, inner: object, gone: str) -> None:
        self._inner, self._gone, self.document_reads = inner, gone, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def payloads(self, collection, ids, *, fields=None):  # type: ignore[no-untyped-def]
        if fields is not None and "doc" in fields and "trades" not in fields:
            self.document_reads += 1
            await self._inner.delete(collection, [self._gone])  # type: ignore[attr-defined]
        return await self._inner.payloads(collection, ids, fields=fields)  # type: ignore[attr-defined]


async def test_a_profile_erased_while_a_need_is_ranked_is_not_proposed_and_the_others_are(
    pipeline: Pipeline,
) -> None:
    kept, erased = profile(), profile(experience="3 ans de coffrage")
    await pipeline.index_profiles([kept, erased], at=NOW)
    before = {p.profile.candidate_id for p in await pipeline.rank_for_need(need(), at=NOW)}
    assert before == {kept.candidate_id, erased.candidate_id}  # both found when nothing changes
    racing = _ErasesOnDocumentRead(pipeline.index, point_id(erased.candidate_id))
    ranked = Pipeline(
        index=racing,  # type: ignore[arg-type]
        embedder=pipeline.embedder,
        resolver=pipeline.resolver,
        settings=pipeline.settings,
    )
    found = await ranked.rank_for_need(need(), at=NOW)
    assert racing.document_reads >= 1  # the documents were read after the searches
    assert [p.profile.candidate_id for p in found] == [kept.candidate_id]


async def test_a_need_is_encoded_by_its_title_and_skills_and_searched_by_its_whole_text(
    pipeline: Pipeline,
) -> None:
    """The encoder's cost grows with the tokens it reads: a need's description (up to 600
    characters) is read by the lexical vector and the trade reading, not by the encoder."""
    short = need(description="Chantier à Muret.")
    long = replace(short, description="Chantier de maisons individuelles, murs en parpaings. " * 8)
    [a, b] = await pipeline.texts.need_vectors([short, long])
    assert a.dense == b.dense
    assert a.sparse != b.sparse  # the description still counts, through the lexical vector
    [other] = await pipeline.texts.need_vectors([replace(short, title="Plombier / Plombière")])
    assert other.dense != a.dense  # control: the title is what the encoder reads


async def test_a_need_s_title_and_each_skill_are_encoded_once_whatever_need_they_come_with(
    pipeline: Pipeline,
) -> None:
    asked: list[str] = []
    encode = pipeline.texts.embedder.encode

    def counting(texts: list[str], *, kind: Kind) -> np.ndarray:
        asked.extend(texts)
        return encode(texts, kind=kind)

    pipeline.texts.embedder.encode = counting  # type: ignore[method-assign]
    first = need(description="Chantier à Muret.")
    again = replace(first, need_id=str(uuid.uuid4()), description="Autre site, à Blagnac.")
    other = replace(first, need_id=str(uuid.uuid4()), skills=("coffrage",))
    [a] = await pipeline.texts.need_vectors([first])
    [b, c] = await pipeline.texts.need_vectors([again, other])
    assert asked == ["maçon", "lecture de plans", "coulage de béton", "coffrage"]
    assert a.dense == b.dense and c.dense != a.dense
    # A new need of known words encodes nothing; a new skill is the only text encoded.
    asked.clear()
    [d] = await pipeline.texts.need_vectors(
        [replace(other, skills=("coffrage", "lecture de plans"))]
    )
    [e] = await pipeline.texts.need_vectors([replace(other, skills=("ferraillage",))])
    assert asked == ["ferraillage"]
    assert d.dense != c.dense and e.dense != c.dense


async def test_a_profile_update_reads_a_need_changed_since_the_last_one_as_it_is_now(
    pipeline: Pipeline,
) -> None:
    """Needs found by a profile's searches are decoded once per document: a need changed (a
    later version, other hours) is another document, and the next proposal carries it."""
    first = need(summary=_summary())
    await pipeline.index_needs([first])
    [before] = await pipeline.rank_for_profile(profile(), at=NOW)
    [again] = await pipeline.rank_for_profile(profile(), at=NOW)
    assert before.need == again.need == first
    later = replace(first, version=2, summary={**_summary(), "hours_per_week": 24})
    await pipeline.index_needs([later])
    [after] = await pipeline.rank_for_profile(profile(), at=NOW)
    assert after.need == later and after.need.summary["hours_per_week"] == 24
