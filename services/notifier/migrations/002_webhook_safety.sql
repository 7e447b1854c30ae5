-- Webhooks are sent outside any transaction: a delivery is claimed with a lease (committed),
-- posted, then settled. A claim whose lease ran out (the process died in between) is taken again.
alter table deliveries add column lease_until timestamptz;
-- E-mail and webhook workers claim apart, so that a slow receiver never holds e-mail.
create index deliveries_due_by_channel on deliveries (channel, due_at) where status = 'pending';

-- Each structure's webhook signing secret, made by `webhook-secret create|rotate` (never derived
-- from SPIE_SECRET_KEY: a receiver holding it can mint nothing else). At most one in force.
create table webhook_secrets (
    key_id text primary key,
    structure text not null,
    secret text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create unique index webhook_secrets_in_force on webhook_secrets (structure)
    where revoked_at is null;

-- Which structures a candidate's profile is shared with now (from ProfileUpserted: nothing else
-- of it is kept), so that an un-shared structure loses the alerts. Deleted at erasure.
create table candidate_shares (
    candidate_id uuid primary key,
    version integer not null,
    structure text not null,
    shared_with text[] not null
);
