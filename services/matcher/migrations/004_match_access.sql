-- Who may read each row of the audit log (GET /matches): the candidate's structure and the
-- structures it is shared with (kept current by each profile update), and the need's federation
-- (aggregates only). Rows stored before this migration keep nulls: auditors alone see them.
alter table matcher.matches add column if not exists structure text;
alter table matcher.matches add column if not exists shared_with text[] not null default '{}';
alter table matcher.matches add column if not exists federation text;
create index if not exists matches_by_federation on matcher.matches (federation, need_id);
