-- Erasure (issue 18): an erased candidate's audit rows keep what the AI Act log needs without
-- the person. The candidate id, the explanation and the inputs' digest become null, the
-- candidate is then known only by a keyed hash.
alter table matches alter column candidate_id drop not null;
alter table matches alter column explanation drop not null;
alter table matches alter column inputs_hash drop not null;
alter table matches add column candidate_hash text;
alter table matches add column erased_at timestamptz;

-- Erased profiles by keyed hash, so that a replayed upsert never brings one back; the
-- versions row of the profile (its id in clear) is deleted at erasure.
create table erased_profiles (
    candidate_hash text primary key,
    version integer not null,
    erased_at timestamptz not null default now()
);
