-- The matcher's latest reading of each need's trade (NeedTradesRead on spie.need-trades.v1),
-- shown to its federation beside the intake's own suggestion; null until one arrives.
alter table needs add column matcher_reading jsonb;
