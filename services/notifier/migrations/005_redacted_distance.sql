-- The distance from the person's home to the need's commune is the person's data (with the
-- commune, it narrows where they live): a redacted alert keeps no distance.
alter table alerts alter column distance_km drop not null;
update alerts set distance_km = null where redacted_at is not null;
