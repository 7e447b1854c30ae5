-- The banque d'actions commune in the inbox: the actions proposed to a person (from
-- spie.action-proposals.v1) and the places freed for a person on a waiting list (from
-- spie.registrations.v1), for the référent and the structures the profile is shared with, like
-- alerts. Erasure redacts them as it redacts alerts (no person, no explanation, no distance).
create table action_proposals (
    proposal_id uuid primary key,               -- the event's id: a replay inserts nothing
    action_id uuid not null,
    session_id uuid not null,
    candidate_id uuid,                          -- null once the profile is erased
    referent_id uuid not null,
    structure text not null,
    shared_with text[] not null default '{}',
    discovery boolean not null,                 -- a trade beyond the person's wish
    rome_code text not null,
    rome_label text not null,
    explanation text,                           -- null once the profile is erased
    distance_km double precision,               -- null: à distance, or erased
    action jsonb not null,                      -- title, kind, provider, place, session dates
    created_at timestamptz not null,
    redacted_at timestamptz,
    claimed_by uuid,
    decision text check (decision in ('inscrit', 'pas_pertinent')),
    reason text,
    decided_at timestamptz,
    -- A session is proposed to a person once, whatever the matcher's later runs or replays.
    constraint action_proposals_once_per_session unique (candidate_id, session_id)
);
create index action_proposals_referent on action_proposals (referent_id, created_at desc);
create index action_proposals_shared on action_proposals using gin (shared_with);

-- "Une place s'est libérée": told to the référent who registered the person.
create table place_notices (
    notice_id uuid primary key,
    registration_id uuid not null,
    version integer not null,
    candidate_id uuid,                          -- null once the profile is erased
    referent_id uuid not null,
    action_id uuid not null,
    session_id uuid not null,
    action_title text not null,
    action_kind text not null,
    provider_structure text not null,
    starts_at timestamptz not null,
    created_at timestamptz not null,
    redacted_at timestamptz,
    -- A place freed is told once per registration, whatever later versions still say.
    unique (registration_id)
);
create index place_notices_referent on place_notices (referent_id, created_at desc);
create index place_notices_candidate on place_notices (candidate_id);

-- The e-mail of each proposal or notice: one row per item, so that it is never sent twice;
-- the référent's due rows go out together in one message (immediate or daily digest).
create table action_mails (
    item_id uuid primary key,
    kind text not null check (kind in ('proposition', 'place')),
    referent_id uuid not null,
    status text not null default 'waiting'      -- waiting: the référent is not known yet
        check (status in ('waiting', 'pending', 'sent', 'failed', 'suppressed', 'cancelled')),
    digest boolean not null default false,
    due_at timestamptz,
    attempts integer not null default 0,
    last_error text,
    sent_at timestamptz
);
create index action_mails_due on action_mails (due_at) where status = 'pending';
create index action_mails_waiting on action_mails (referent_id) where status = 'waiting';
