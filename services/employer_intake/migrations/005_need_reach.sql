-- Issue 21: the matcher's latest counts for each need (NeedReachComputed on spie.need-reach.v1):
-- compatible profiles, what each constraint costs, proposals and outcomes. Counts that name no
-- one; shown to the need's federation only, masked under 5 on the pages.
create table if not exists need_reach (
    need_id uuid primary key,
    federation text not null,
    payload jsonb not null,
    computed_at timestamptz not null
);
create index if not exists need_reach_by_federation on need_reach (federation);
