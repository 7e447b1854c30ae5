-- Every stored keyed hash names the purpose key that made it (shared/keys.py), so one purpose's
-- key rotates alone. Rows from before are counted as generation 1.
alter table referent_tokens add column token_kid text not null default 'bearer-token.1';
alter table referent_tokens alter column token_kid drop default;
alter table consent_ledger add column subject_kid text not null default 'consent-ledger.1';
alter table consent_ledger alter column subject_kid drop default;
alter table erasures add column subject_kid text not null default 'consent-ledger.1';
alter table erasures alter column subject_kid drop default;
