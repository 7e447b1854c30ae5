-- The transactional outbox: rows written in the same transaction as the business change,
-- relayed to Kafka in id order by one relay per schema.
create table outbox (
    id bigserial primary key,
    topic text not null,
    key bytea,
    value bytea,              -- null: a tombstone (compacted topics)
    headers jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now(),
    published_at timestamptz
);
create index outbox_pending on outbox (id) where published_at is null;
