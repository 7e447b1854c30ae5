-- Each API key's HMAC names the pepper that made it (the `api-key` purpose key of shared/keys.py),
-- so the pepper rotates alone. Keys from before are counted as generation 1.
alter table api_keys add column key_kid text not null default 'api-key.1';
alter table api_keys alter column key_kid drop default;
