-- ROME 4.0 and the communes, replaced as a whole by the importers (shared/referential/importer.py).
-- Codes stay text: the exports are read as text and ROME/INSEE codes are identifiers, not numbers.

create table fiches (
    code_rome             text primary key,
    code_ogr              text not null,
    libelle               text not null,       -- as published: "Maçon / Maçonne"
    formes                text[] not null,     -- {"Maçon","Maçonne"}
    code_grand_domaine    text,
    libelle_grand_domaine text,
    code_domaine          text,
    libelle_domaine       text
);

create table appellations (
    code_ogr      text primary key,
    code_rome     text not null references fiches,
    libelle       text not null,
    libelle_court text not null,
    formes        text[] not null,
    principale    boolean not null default false
);
create index appellations_code_rome on appellations (code_rome);

-- Items of the skills (savoir-faire, savoir-être) and knowledge (savoirs) referentials.
create table skills (
    code_ogr  text primary key,
    libelle   text not null,
    categorie text not null
);

create table fiche_skills (
    code_rome text not null references fiches,
    code_ogr  text not null references skills,
    kind      text not null check (kind in ('savoir_faire', 'savoir_etre', 'savoir')),
    primary key (code_rome, code_ogr)
);
create index fiche_skills_code_ogr on fiche_skills (code_ogr);

-- Trades a person can move to from a fiche, in France Travail's order (rang).
create table mobilites (
    code_rome       text not null references fiches,
    code_rome_cible text not null references fiches,
    rang            integer not null,
    primary key (code_rome, code_rome_cible)
);

create table communes (
    code_insee    text primary key,
    nom           text not null,
    codes_postaux text[] not null,
    population    integer,
    latitude      double precision not null check (latitude between -90 and 90),
    longitude     double precision not null check (longitude between -180 and 180)
);

-- One row per import that changed something; the latest row of a kind is the version in force.
create table versions (
    id          bigint generated always as identity primary key,
    kind        text not null check (kind in ('rome', 'communes')),
    version     text not null,
    label       text not null,
    checksum    text not null,
    counts      jsonb not null,
    source      text not null,
    imported_at timestamptz not null default now()
);
create index versions_kind_latest on versions (kind, id desc);
