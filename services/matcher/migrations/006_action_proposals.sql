-- Issue 22: proposals of actions of the banque d'actions commune. The matcher keeps its own copy
-- of the catalogue (what it needs to check a session: trades, place, sessions, places left;
-- never the publics an action is designed for), the open needs' trades for discovery, and the
-- log of every proposal made (the AI Act record, one per person and action).
create table if not exists matcher.actions (
    action_id uuid primary key,
    version integer not null,
    status text not null check (status in ('open', 'closed')),
    rome_codes text[] not null default '{}',
    commune_insee text,
    remote boolean not null default false,
    title text not null,
    kind text not null,
    provider_structure text not null,
    updated_at timestamptz not null default now()
);
create index if not exists actions_open_by_trade on matcher.actions using gin (rome_codes)
    where status = 'open';

create table if not exists matcher.action_sessions (
    session_id uuid primary key,
    action_id uuid not null references matcher.actions (action_id) on delete cascade,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    schedules text[] not null default '{}',
    places_left integer not null
);
create index if not exists action_sessions_by_action on matcher.action_sessions (action_id);

-- The open needs as discovery reads them (a need is not personal): trade, commune, skills.
create table if not exists matcher.open_needs (
    need_id uuid primary key,
    version integer not null,
    rome_code text not null,
    commune_insee text not null,
    skills text[] not null default '{}'
);
create index if not exists open_needs_by_commune on matcher.open_needs (commune_insee);

-- One row per person and action ever proposed: the unique key keeps a replay or a second
-- profile update from proposing it again. Deleted when the person is erased.
create table if not exists matcher.action_proposals (
    proposal_id uuid primary key,
    candidate_id uuid not null,
    action_id uuid not null,
    session_id uuid not null,
    profile_version integer not null,
    action_version integer not null,
    rome_code text not null,
    discovery boolean not null,
    reason jsonb not null,
    explanation text not null,
    distance_km double precision,
    referential_version text not null,
    inputs_hash text not null,
    structure text,
    shared_with text[] not null default '{}',
    created_at timestamptz not null default now(),
    feedback jsonb,
    feedback_at timestamptz,
    unique (candidate_id, action_id)
);
create index if not exists action_proposals_by_action on matcher.action_proposals (action_id);
