-- Candidate profiles kept by référents, their consent ledger, and the minimal trace of erasures.
-- Personal data lives only in `profiles` (and, briefly, `idempotency` replies): erasure deletes
-- both rows; the ledger and the erasure record hold a peppered hash of the id, never the id.

create table structures (
    code text primary key,
    created_at timestamptz not null default now()
);

create table referents (
    referent_id uuid primary key,
    structure text not null references structures (code),
    name text not null,
    email text not null unique,
    active boolean not null default true,
    preferences jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table referent_tokens (
    token_hash text primary key,      -- HMAC-SHA256 of the token, keyed by the secret (pepper)
    referent_id uuid not null references referents (referent_id),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index referent_tokens_referent on referent_tokens (referent_id);

create table profiles (
    candidate_id uuid primary key,
    referent_id uuid not null references referents (referent_id),
    structure text not null references structures (code),
    version integer not null,
    first_name text not null,
    contact_email text,
    contact_phone text,
    notes text not null default '',
    desired_jobs jsonb not null,
    desired_rome_codes jsonb not null default '[]'::jsonb,
    experience text not null default '',
    skills jsonb not null default '[]'::jsonb,
    commune_insee text not null,
    mobility_km double precision not null,
    has_driving_licence boolean not null default false,
    unavailable_schedules jsonb not null default '[]'::jsonb,
    available_from date,
    consent_purposes jsonb not null default '[]'::jsonb,
    consent_granted_at timestamptz,
    consent_expires_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index profiles_structure on profiles (structure, candidate_id);
create index profiles_consent_expiry on profiles (consent_expires_at)
    where consent_expires_at is not null;
create index profiles_updated on profiles (updated_at);

create table shares (
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    structure text not null references structures (code),
    shared_by uuid not null references referents (referent_id),
    shared_at timestamptz not null default now(),
    primary key (candidate_id, structure)
);
create index shares_structure on shares (structure, candidate_id);

-- Append-only: who changed which consent, when. Keyed by the hash so that erasure leaves it intact
-- (the proof of consent outlives the profile) without keeping the candidate's id.
create table consent_ledger (
    id bigserial primary key,
    subject_hash text not null,
    action text not null check (action in ('granted', 'renewed', 'withdrawn', 'expired')),
    purposes jsonb not null,
    expires_at timestamptz,
    actor_referent_id uuid,           -- null: the service itself (expiry job)
    at timestamptz not null default now()
);
create index consent_ledger_subject on consent_ledger (subject_hash, id);

create table erasures (
    subject_hash text primary key,
    reason text not null check (reason in ('withdrawn', 'expired', 'deleted', 'inactive')),
    version integer not null,
    erased_at timestamptz not null default now()
);

-- Replies to POST requests carrying an Idempotency-Key, replayed on a retry.
create table idempotency (
    referent_id uuid not null,
    key text not null,
    fingerprint text not null,
    candidate_id uuid,                -- the profile the reply is about: erased with it
    status integer not null,
    body jsonb,
    created_at timestamptz not null default now(),
    primary key (referent_id, key)
);
create index idempotency_candidate on idempotency (candidate_id);
create index idempotency_created on idempotency (created_at);
