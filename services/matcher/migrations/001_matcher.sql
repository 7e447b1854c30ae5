-- Versions seen per need and profile: a late, older event never brings back an erased one.
create table versions (
    kind text not null check (kind in ('need', 'profile')),
    entity_id text not null,
    version integer not null,
    erased_version integer,          -- set by NeedClosed / ProfileErased, never lowered
    updated_at timestamptz not null default now(),
    primary key (kind, entity_id)
);

-- The AI Act log: every proposal emitted, with what it was computed from.
create table matches (
    match_id uuid primary key,
    need_id uuid not null,
    candidate_id uuid not null,
    need_version integer not null,
    profile_version integer not null,
    direction text not null,
    rank integer not null,
    score double precision not null,
    threshold double precision not null,
    score_parts jsonb not null,
    explanation text not null,
    model_version text not null,
    referential_version text not null,
    inputs_hash text not null,
    created_at timestamptz not null default now(),
    feedback jsonb,
    feedback_at timestamptz,
    unique (need_id, candidate_id, need_version, profile_version)
);
create index matches_by_need on matches (need_id, created_at desc);
create index matches_by_candidate on matches (candidate_id, created_at desc);
