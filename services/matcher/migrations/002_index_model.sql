-- Which text encoder built each index (an Edge folder or a Qdrant server): vectors of two models
-- of the same width would mix silently in one index, so the matcher refuses to start on a
-- mismatch instead.
create table if not exists matcher.index_models (
    location text primary key,
    model text not null,
    recorded_at timestamptz not null default now()
);
