-- A profile's shares are followed on each of its updates (a structure it is no longer shared
-- with loses its alerts): the alerts of one candidate are found by index, not by a scan.
create index if not exists alerts_by_candidate on notifier.alerts (candidate_id);
