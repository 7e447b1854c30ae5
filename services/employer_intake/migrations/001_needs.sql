-- Hiring needs as their federations posted them; `payload` is the NeedPayload of the last event.
create table needs (
    need_id uuid primary key,
    federation text not null,
    version integer not null check (version >= 1),
    status text not null default 'open' check (status in ('open', 'filled', 'cancelled')),
    payload jsonb not null,
    rome_source text not null,
    rome_alternatives jsonb not null default '[]'::jsonb,
    siret text,
    rome_code text,
    commune_insee text not null,
    external_ref text,
    idempotency_key text,
    request_hash text not null,
    duplicate_of uuid references needs (need_id),
    probable_duplicate boolean not null default false,
    closed_reason text,
    closed_comment text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index needs_idempotency_key on needs (federation, idempotency_key)
    where idempotency_key is not null;
create unique index needs_external_ref on needs (federation, external_ref)
    where external_ref is not null;
create index needs_duplicates on needs (siret, rome_code, commune_insee, created_at)
    where siret is not null;
create index needs_of_federation on needs (federation, created_at desc, need_id);

-- API keys of the federations: only an HMAC of the key is kept.
create table api_keys (
    key_id uuid primary key,
    federation text not null,
    prefix text not null unique,
    key_hash bytea not null unique,
    label text,
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    revoked_at timestamptz
);
create index api_keys_of_federation on api_keys (federation);
