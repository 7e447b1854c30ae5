-- What the coordination view counts of the proposals of actions and of what came after them
-- ("trades discovered and later matched or hired"), kept from other services' events. Only
-- what the counts need: a person's pseudonymous id, a trade, dates, the ids that make storing
-- idempotent. No name, no skill, no explanation, no distance. A person's rows are deleted
-- when the person is erased (coordination_repo.forget_person).

-- ActionProposed (spie.action-proposals.v1): one row per proposal; a redelivery is a no-op.
create table coordination_proposals (
    proposal_id uuid primary key,
    candidate_id uuid not null,
    rome_code text not null,
    discovery boolean not null,
    proposed_at timestamptz not null
);
create index coordination_proposals_when on coordination_proposals (proposed_at);
create index coordination_proposals_person on coordination_proposals (candidate_id, rome_code)
    where discovery;

-- ActionProposalFeedbackGiven (spie.action-feedback.v1): the référent's latest follow-up of a
-- proposal (an older event never overwrites a newer one).
create table coordination_follow_ups (
    proposal_id uuid primary key,
    candidate_id uuid not null,
    discovery boolean not null,
    decision text not null check (decision in ('inscrit', 'pas_pertinent')),
    reason text,
    given_at timestamptz not null
);
create index coordination_follow_ups_person on coordination_follow_ups (candidate_id);

-- MatchFound (spie.matches.v1) on a need of a trade the person had been proposed to discover
-- before; other matches are not kept. `decision`: the référent's latest MatchFeedbackGiven on
-- it (spie.feedback.v1), "hired" for "then hired".
create table coordination_matches (
    match_id uuid primary key,
    candidate_id uuid not null,
    rome_code text not null,
    matched_at timestamptz not null,
    decision text,
    decided_at timestamptz
);
create index coordination_matches_person on coordination_matches (candidate_id, rome_code);
