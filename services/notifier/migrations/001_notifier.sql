-- The notifier's tables. Référents come from the compacted spie.referents.v1; alerts from
-- spie.matches.v1; deliveries are the durable queue worked by the delivery loop.
create table referents (
    referent_id uuid primary key,
    structure text not null,
    name text not null,
    email text not null,
    active boolean not null,
    preferences jsonb not null,
    source_occurred_at timestamptz not null,  -- an older event never overwrites a newer one
    updated_at timestamptz not null default now()
);
create index referents_structure on referents (structure);

create table alerts (
    alert_id uuid primary key,
    match_id uuid not null unique,
    need_id uuid not null,
    candidate_id uuid,                       -- null once the profile is erased
    referent_id uuid not null,
    structure text not null,
    shared_with text[] not null default '{}',
    explanation text,                        -- null once the profile is erased
    need jsonb not null,
    distance_km double precision not null,
    planned boolean not null default false,  -- deliveries created (needs the référent known)
    created_at timestamptz not null default now(),
    redacted_at timestamptz,
    claimed_by uuid,
    decision text,
    reason text,
    decided_at timestamptz,
    -- A (need, candidate) pair alerts once, ever, whatever is replayed or restarted.
    constraint alerts_once_per_pair unique (need_id, candidate_id)
);
create index alerts_referent on alerts (referent_id, created_at desc);
create index alerts_shared on alerts using gin (shared_with);
create index alerts_unplanned on alerts (referent_id) where not planned;

-- Keyed hashes of erased candidates, so that a replayed MatchFound never brings them back.
create table erased_candidates (
    candidate_hash text primary key,
    version integer not null,
    erased_at timestamptz not null default now()
);

create table deliveries (
    delivery_id uuid primary key,
    alert_id uuid not null references alerts (alert_id),
    referent_id uuid not null,
    channel text not null check (channel in ('email', 'webhook')),
    digest boolean not null default false,
    due_at timestamptz not null,
    status text not null default 'pending'
        check (status in ('pending', 'sent', 'failed', 'suppressed', 'cancelled')),
    attempts integer not null default 0,
    last_error text,
    sent_at timestamptz,
    created_at timestamptz not null default now(),
    unique (alert_id, channel)
);
create index deliveries_due on deliveries (due_at) where status = 'pending';
create index deliveries_referent_due on deliveries (referent_id, due_at) where status = 'pending';

create table webhook_dead_letters (
    id bigserial primary key,
    delivery_id uuid not null references deliveries (delivery_id),
    alert_id uuid not null,
    referent_id uuid not null,
    url text not null,
    attempts integer not null,
    reason text not null,
    created_at timestamptz not null default now()
);

create table feedback (
    id bigserial primary key,
    alert_id uuid not null references alerts (alert_id),
    referent_id uuid not null,
    decision text not null,
    reason text,
    created_at timestamptz not null default now()
);
create index feedback_alert on feedback (alert_id);
