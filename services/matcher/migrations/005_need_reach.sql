-- Issue 21: the needs whose reach (counts that name no one, NeedReachComputed) is to be
-- published again. A change marks a need dirty; a periodic job publishes each dirty need at most
-- once a minute, however many profiles changed meanwhile. `fiches`: the codes of the need's
-- trades as read, so that a profile's change marks only the needs of its trades.
create table if not exists matcher.need_reach (
    need_id uuid primary key,
    federation text not null,
    fiches text[] not null default '{}',
    dirty_since timestamptz,
    published_at timestamptz
);
create index if not exists need_reach_dirty on matcher.need_reach (dirty_since)
    where dirty_since is not null;
