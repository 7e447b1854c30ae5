-- The banque d'actions commune: actions, their sessions, registrations, and the replicas the
-- service needs to decide who may do what (référents; persons published for matching).

-- Référents, as published by candidate_profile on spie.referents.v1 (latest wins).
create table referents (
    referent_id uuid primary key,
    structure text not null,
    name text not null,
    email text not null,
    active boolean not null default true,
    updated_at timestamptz not null default now()
);

-- Persons a référent may register: the consented profiles of spie.candidates.v1, with only
-- what registration and the coordination counts need (no name, no contact, no skills).
-- ProfileErased deletes the row; an older version never overwrites a newer one.
create table persons (
    candidate_id uuid primary key,
    version integer not null check (version >= 1),
    referent_id uuid not null,
    structure text not null,
    shared_with text[] not null default '{}',
    commune_insee text not null,
    consent_expires_at timestamptz not null,
    updated_at timestamptz not null default now()
);

create table actions (
    action_id uuid primary key,
    version integer not null default 1 check (version >= 1),
    status text not null default 'open' check (status in ('open', 'closed')),
    kind text not null check (kind in (
        'formation', 'visite_entreprise', 'immersion', 'atelier', 'webinaire', 'job_dating',
        'decouverte_metiers')),
    provider_structure text not null,
    title text not null check (length(title) between 1 and 200),
    description text not null default '',
    rome_codes text[] not null default '{}',
    publics text[] not null check (cardinality(publics) >= 1),
    commune_insee text,
    remote boolean not null default false,
    prerequisites text not null default '',
    accessibility text not null default '',
    created_by uuid not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (remote or commune_insee is not null)
);
create index actions_rome_codes on actions using gin (rome_codes);
create index actions_provider on actions (provider_structure);

-- `registered` counts the places taken; the check makes the database itself refuse an
-- overbooking, whatever the number of référents registering at the same moment (registration
-- takes a place with one conditional UPDATE, which also serialises on the session's row).
create table sessions (
    session_id uuid primary key,
    action_id uuid not null references actions (action_id) on delete cascade,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    schedules text[] not null default '{}',
    capacity integer not null check (capacity between 1 and 10000),
    registered integer not null default 0,
    cancelled boolean not null default false,
    check (ends_at > starts_at),
    check (registered >= 0 and registered <= capacity)
);
create index sessions_of_action on sessions (action_id, starts_at);

-- One person holds at most one live registration (a place or a waiting-list rank) per session.
-- candidate_id becomes null when the person is erased: the counts stay, the person goes.
create table registrations (
    registration_id uuid primary key,
    version integer not null default 1 check (version >= 1),
    session_id uuid not null references sessions (session_id) on delete cascade,
    action_id uuid not null references actions (action_id) on delete cascade,
    candidate_id uuid,
    referent_id uuid not null,
    structure text not null,
    status text not null check (status in ('inscrit', 'liste_attente', 'annule', 'present', 'absent')),
    waiting_since timestamptz,
    outcome text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((status = 'liste_attente') = (waiting_since is not null))
);
create unique index registrations_one_live_per_person on registrations (session_id, candidate_id)
    where status in ('inscrit', 'liste_attente');
create index registrations_waiting on registrations (session_id, waiting_since)
    where status = 'liste_attente';
create index registrations_of_candidate on registrations (candidate_id);

-- Référents of the Département who see the coordination view (granted by the CLI).
create table coordinators (
    referent_id uuid primary key,
    granted_at timestamptz not null default now(),
    granted_by text not null
);
