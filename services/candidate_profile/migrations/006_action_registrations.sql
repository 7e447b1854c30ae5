-- A person's registrations to the actions of the banque commune (from spie.registrations.v1):
-- the latest version of each registration, for the person's page and, once attended, the
-- passeport. Hangs on the profile with ON DELETE CASCADE: erasing the person erases them.
create table action_registrations (
    registration_id uuid primary key,
    candidate_id uuid not null references profiles (candidate_id) on delete cascade,
    version integer not null,                  -- an older version never overwrites a newer one
    action_id uuid not null,
    session_id uuid not null,
    referent_id uuid not null,
    action_title text not null,
    action_kind text not null,
    provider_structure text not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    status text not null
        check (status in ('inscrit', 'liste_attente', 'annule', 'present', 'absent')),
    outcome text,
    updated_at timestamptz not null
);
create index action_registrations_candidate on action_registrations (candidate_id, starts_at);
