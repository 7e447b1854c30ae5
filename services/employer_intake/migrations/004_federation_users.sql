-- The people at a federation's desk who use the portal (created by CLI, then by the
-- federation's admin). Published as FederationUserUpserted through the outbox, so that the
-- notifier, which owns sign-in, can e-mail them a link. One account per address, whatever
-- its case.
create table federation_users (
    user_id uuid primary key,
    federation text not null,
    name text not null,
    email text not null,
    role text not null check (role in ('admin', 'member')),
    active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index federation_users_email on federation_users (lower(email));
create index federation_users_of_federation on federation_users (federation);
