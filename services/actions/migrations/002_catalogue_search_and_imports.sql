-- The catalogue's search and a partner's imports.

-- A partner's own reference for an action it imported, per providing structure: importing the
-- same catalogue again updates these actions instead of adding copies.
create table import_references (
    provider_structure text not null,
    reference text not null check (length(reference) between 1 and 100),
    action_id uuid not null unique references actions (action_id) on delete cascade,
    imported_at timestamptz not null default now(),
    primary key (provider_structure, reference)
);

-- The search reads open actions by place, then their next session to come.
create index actions_open_by_commune on actions (commune_insee) where status = 'open';
create index actions_open_kind on actions (kind) where status = 'open';
create index sessions_to_come on sessions (action_id, starts_at) where not cancelled;
