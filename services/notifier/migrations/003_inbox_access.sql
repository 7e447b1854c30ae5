-- Revocable inbox access: sign-in links are single-use and sessions live server-side, so that
-- signing out (here or everywhere) and a référent's deactivation take effect at once.

-- Links issued before this moment are refused (set by "se déconnecter partout" and deactivation).
alter table referents add column access_not_before timestamptz;

-- The id of every link already used; kept until the link would have expired anyway.
create table used_login_tokens (
    token_id text primary key,
    referent_id uuid not null,
    used_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index used_login_tokens_expiry on used_login_tokens (expires_at);

-- One row per signed-in browser; the cookie carries only its signed id.
create table sessions (
    session_id uuid primary key,
    referent_id uuid not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    ended_at timestamptz
);
create index sessions_referent on sessions (referent_id) where ended_at is null;
create index sessions_expiry on sessions (expires_at);
