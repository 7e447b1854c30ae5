-- Federation users sign in here too (one sign-in for everyone): the replica of the intake's
-- accounts from the compacted spie.federation-users.v1, and sessions and used links that
-- belong to either a référent or a federation user (exactly one of the two).
create table federation_users (
    user_id uuid primary key,
    federation text not null,
    name text not null,
    email text not null,
    role text not null,
    active boolean not null,
    access_not_before timestamptz,            -- links issued before are refused
    source_occurred_at timestamptz not null,  -- an older event never overwrites a newer one
    updated_at timestamptz not null default now()
);
create index federation_users_email_lower on federation_users (lower(email));

alter table sessions alter column referent_id drop not null;
alter table sessions add column federation_user_id uuid;
alter table sessions add constraint sessions_one_principal
    check ((referent_id is null) <> (federation_user_id is null));
create index sessions_federation_user on sessions (federation_user_id) where ended_at is null;

alter table used_login_tokens alter column referent_id drop not null;
alter table used_login_tokens add column federation_user_id uuid;
