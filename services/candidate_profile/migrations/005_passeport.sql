-- The passeport emploi: a person's skills with their evidence, trades explored and actions
-- followed, co-built by the référent, the person (through a personal link) and the employers
-- hosting an immersion (through a link of their own). Every row hangs on the profile with
-- ON DELETE CASCADE: erasing the profile erases the passeport, its links and its history.

create table passeport_items (
    item_id uuid primary key,
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    section text not null check (section in ('competences', 'metiers', 'actions')),
    content jsonb not null,
    created_at timestamptz not null,
    created_by text not null,
    updated_at timestamptz not null,
    updated_by text not null
);
create index passeport_items_candidate on passeport_items (candidate_id, section, created_at);

-- The person's word on each section: the latest state (the history keeps every change).
create table passeport_reviews (
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    section text not null check (section in ('competences', 'metiers', 'actions')),
    validated boolean not null,
    comment text not null default '',
    at timestamptz not null,
    primary key (candidate_id, section)
);

-- Links without account: only a keyed hash of the token is kept (shown once at creation).
create table passeport_links (
    link_id uuid primary key,
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    kind text not null check (kind in ('personne', 'employeur')),
    label text not null,              -- the employer's name for an employer's link
    token_hash text not null unique,
    token_kid text not null,
    created_by uuid not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index passeport_links_candidate on passeport_links (candidate_id, created_at);

create table passeport_attestations (
    attestation_id uuid primary key,
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    link_id uuid references passeport_links (link_id) on delete set null,
    employer_name text not null,      -- as the employer typed it
    observer text not null,           -- who observed (the tutor)
    immersion text not null,          -- during which immersion
    skills jsonb not null,            -- the skills observed, as text
    comment text not null default '',
    at timestamptz not null
);
create index passeport_attestations_candidate on passeport_attestations (candidate_id, at);

-- Every change: who (a référent's id, 'personne', or the employer link's label), when, what.
create table passeport_history (
    id bigserial primary key,
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    actor_kind text not null check (actor_kind in ('referent', 'personne', 'employeur')),
    actor text not null,
    section text,
    what text not null,
    at timestamptz not null
);
create index passeport_history_candidate on passeport_history (candidate_id, id);
