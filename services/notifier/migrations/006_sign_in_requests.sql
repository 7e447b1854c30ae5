-- Sign-in links asked for by e-mail address at the front door: counted to rate-limit them (per
-- address and in all), whether or not the address is a référent's. Only a keyed hash of the
-- address is kept, and only for a day.
create table sign_in_requests (
    id bigserial primary key,
    address_hash text not null,
    at timestamptz not null default now()
);
create index sign_in_requests_address on sign_in_requests (address_hash, at);
create index sign_in_requests_at on sign_in_requests (at);
create index referents_email_lower on referents (lower(email));
