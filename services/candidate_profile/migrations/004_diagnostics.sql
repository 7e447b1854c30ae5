-- The diagnostics socio-professionnels à trame unique of each person, one row per save.
-- They hold what the structure keeps and never publishes (public category, freins, notes):
-- erasing the profile erases them (on delete cascade). Each keeps the trame version it was
-- written with, so an older one still reads with its own questions after the trame changes.
create table diagnostics (
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    seq integer not null check (seq >= 1),
    trame_version integer not null check (trame_version >= 1),
    answers jsonb not null,
    author_referent_id uuid not null references referents (referent_id),
    created_at timestamptz not null default now(),
    primary key (candidate_id, seq)
);
