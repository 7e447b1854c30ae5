"""The hand-written material of the dev set: trades, their needs, and how people write them.

Every string here was written by hand for the trade it sits under, the way a federation writes
a job offer or a référent writes a profile: usual titles outside ROME, abbreviations, typos,
gendered and inclusive forms, vague titles carried by the description. Nothing is derived from
the ROME labels or from the matcher. `neighbours` lists, per trade, the other trades whose
people a référent would propose for it (grade 1, see GUIDE.md); same trade is grade 2.

A need is (title, description, skills separated by ";", schedules, licence required,
open to beginners). A profile is built from one desired job (`jobs`) and one experience
(`exps`), or from one `vague` pair (a title that says little, an experience that says it all).
`twins` are pairs of desired-job wordings that differ only by gender or inclusive writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NeedText = tuple[str, str, str, str, bool, bool]


@dataclass(frozen=True)
class Trade:
    key: str
    family: str
    needs: list[NeedText]
    jobs: list[str]
    exps: list[str]
    skills: list[str]
    neighbours: list[str] = field(default_factory=list)
    vague: list[tuple[str, str]] = field(default_factory=list)
    twins: list[tuple[str, str]] = field(default_factory=list)


TRADES: list[Trade] = [
    # -- BTP ------------------------------------------------------------------------------------
    Trade(
        "macon",
        "BTP",
        needs=[
            (
                "Maçon H/F",
                "Entreprise de gros œuvre, construction de maisons individuelles autour de Muret. "
                "Montage de murs en parpaings et briques, coulage de dalles, petites fondations.",
                "lecture de plans;montage de parpaings;coulage de dalles",
                "day",
                True,
                False,
            ),
            (
                "Ouvrier(e) qualifié(e) gros oeuvre - maçonnerie",
                "Rénovation de bâti ancien en brique foraine et galets, reprises de murs, "
                "enduits à la chaux. Niveau N2 souhaité.",
                "maçonnerie traditionnelle;enduit chaux;jointoiement",
                "day",
                False,
                False,
            ),
        ],
        jobs=[
            "Maçon",
            "maçonne",
            "macon",
            "Maçon VRD",
            "maçon coffreur",
            "ouvrier maçon N2",
            "compagnon maçon",
            "aide-maçon",
            "Maçon(ne) en rénovation",
            "maçonnerie générale",
        ],
        exps=[
            "5 ans en entreprise de gros œuvre : parpaings, dalles, fondations.",
            "CAP maçon obtenu en 2019, puis intérim sur chantiers de pavillons.",
            "A monté des murs en brique et fait des chapes pendant 3 ans au Portugal.",
            "Expérience de maçonnerie en rénovation de vieilles bâtisses (pierre, chaux).",
            "Aide maçon 18 mois chez un artisan de Saint-Gaudens.",
        ],
        skills=["lecture de plans", "montage de parpaings", "coulage de dalles", "chape"],
        neighbours=["manoeuvre_btp", "plaquiste"],
        vague=[
            (
                "Ouvrier du bâtiment",
                "Construction de murs en parpaings et coulage de dalles béton pendant 4 ans "
                "pour un artisan maçon.",
            )
        ],
        twins=[("Maçonne", "Maçon"), ("Maçon H/F", "Maçon")],
    ),
    Trade(
        "manoeuvre_btp",
        "BTP",
        needs=[],
        jobs=[
            "Manœuvre bâtiment",
            "manoeuvre BTP",
            "Ouvrier polyvalent du bâtiment",
            "aide de chantier",
            "manœuvre TP",
            "ouvrière polyvalente bâtiment",
        ],
        exps=[
            "Manutention sur chantier, nettoyage, approvisionnement des postes.",
            "Chantier d'insertion bâtiment 12 mois (démolition, évacuation des gravats).",
            "Aide sur chantiers de terrassement et réseaux, pelle et pioche.",
        ],
        skills=["manutention", "port de charges", "nettoyage de chantier"],
        neighbours=["macon"],
        twins=[("Ouvrière polyvalente du bâtiment", "Ouvrier polyvalent du bâtiment")],
    ),
    Trade(
        "plaquiste",
        "BTP",
        needs=[
            (
                "Plaquiste (H/F)",
                "Pose de cloisons et doublages en plaques de plâtre, faux plafonds, bandes et "
                "joints sur chantiers de logements neufs à Blagnac.",
                "pose de rails;plaques BA13;bandes à joint",
                "day",
                False,
                True,
            ),
            (
                "Plâtrier-plaquiste confirmé",
                "Cloisons sèches, isolation, faux-plafonds suspendus dans des bureaux en "
                "réhabilitation. Autonomie sur lecture de plans.",
                "cloisons sèches;isolation;faux plafonds",
                "day",
                True,
                False,
            ),
        ],
        jobs=[
            "Plaquiste",
            "plaquise",
            "Plâtrier plaquiste",
            "platrier",
            "plaquiste jointeur",
            "poseur de cloisons sèches",
            "Plaquiste débutante",
            "plâtrière",
        ],
        exps=[
            "Pose de rails et de BA13, bandes, ratissage, 3 ans d'intérim.",
            "Titre pro plaquiste (AFPA 2023), stage en entreprise de plâtrerie.",
            "Faux plafonds et doublages isolants dans des immeubles neufs.",
            "Plâtrerie traditionnelle et plaques de plâtre chez un artisan.",
        ],
        skills=["BA13", "cloisons", "faux plafonds", "bandes à joint"],
        neighbours=["peintre", "solier", "manoeuvre_btp"],
        twins=[("Plâtrière", "Plâtrier"), ("Plaquiste H/F", "Plaquiste")],
    ),
    Trade(
        "solier",
        "BTP",
        needs=[
            (
                "Poseur de sols souples H/F",
                "Pose de sols PVC, lino et moquette dans des écoles et EHPAD, préparation des "
                "supports (ragréage), soudure à chaud des lés.",
                "ragréage;pose de lino;soudure de lés",
                "day",
                True,
                False,
            ),
            (
                "Solier moquettiste",
                "Revêtements de sols souples en pose collée, plinthes, barres de seuil. "
                "Chantiers tertiaires en métropole toulousaine.",
                "pose collée;moquette;ragréage",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Solier",
            "solière moquettiste",
            "poseur de revêtements de sols",
            "poseuse de sols souples",
            "poseur lino",
            "solier-moquettiste",
            "Sols souples",
        ],
        exps=[
            "Pose de PVC et de moquette en pose collée depuis 6 ans.",
            "Ragréage, pose de lino et de dalles plombantes dans des bureaux.",
            "Apprenti solier chez un artisan de Colomiers, CAP en cours.",
        ],
        skills=["ragréage", "pose de lino", "moquette", "soudure à chaud"],
        neighbours=["peintre", "plaquiste"],
        vague=[
            (
                "Ouvrier second œuvre",
                "Je posais du lino et de la moquette, ragréage avant pose, soudure des joints.",
            )
        ],
        twins=[("Poseuse de sols souples", "Poseur de sols souples")],
    ),
    Trade(
        "electricien",
        "BTP",
        needs=[
            (
                "Électricien(ne) bâtiment",
                "Installation électrique en logements neufs : saignées, passage de gaines, "
                "tirage de câbles, raccordement des tableaux. Habilitation électrique B1V-BR.",
                "habilitation électrique;tirage de câbles;tableau électrique",
                "day",
                True,
                False,
            ),
            (
                "Technicien courants forts/faibles",
                "Câblage et mise en service en bâtiment tertiaire, éclairage, prises, "
                "réseaux informatiques.",
                "courants faibles;câblage;mise en service",
                "day early_morning",
                True,
                False,
            ),
        ],
        jobs=[
            "Électricien",
            "electricienne",
            "électricien bâtiment",
            "elec",
            "électricien CFO/CFA",
            "électricienne en installation",
            "électricien de chantier",
            "aide électricien",
        ],
        exps=[
            "Bac pro MELEC, 2 ans en installation électrique résidentielle.",
            "Tirage de câbles, pose de tableaux, habilitation B1V à jour.",
            "Électricien en rénovation (mise aux normes NF C 15-100).",
            "Câblage courants faibles dans des bureaux pendant 1 an.",
        ],
        skills=["habilitation électrique", "câblage", "tableau électrique", "lecture de schémas"],
        neighbours=["agent_maintenance"],
        twins=[("Électricienne bâtiment", "Électricien bâtiment")],
    ),
    Trade(
        "plombier",
        "BTP",
        needs=[
            (
                "Plombier chauffagiste H/F",
                "Installation et dépannage sanitaires, chaudières gaz, pompes à chaleur chez des "
                "particuliers dans le Lauragais. Véhicule de service.",
                "soudure cuivre;installation sanitaire;dépannage chauffage",
                "day",
                True,
                False,
            ),
            (
                "Installateur sanitaire",
                "Pose de réseaux d'eau en multicouche et PER, pose d'appareils sanitaires dans "
                "des résidences neuves.",
                "multicouche;PER;pose de sanitaires",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Plombier",
            "plombière",
            "plombier chauffagiste",
            "chauffagiste",
            "plomberie sanitaire",
            "monteur en installations sanitaires",
            "plonbier",
        ],
        exps=[
            "CAP installateur sanitaire, 4 ans en dépannage chez un artisan.",
            "Raccordements cuivre et PER, pose de WC et de ballons d'eau chaude.",
            "Entretien de chaudières gaz et installation de PAC.",
        ],
        skills=["soudure cuivre", "PER", "multicouche", "dépannage"],
        neighbours=["agent_maintenance"],
        twins=[("Plombière chauffagiste", "Plombier chauffagiste")],
    ),
    Trade(
        "peintre",
        "BTP",
        needs=[
            (
                "Peintre en bâtiment",
                "Préparation des supports, enduits, ponçage, mise en peinture intérieure de "
                "logements sociaux en réhabilitation.",
                "préparation des supports;enduit;peinture au rouleau",
                "day",
                False,
                True,
            ),
            (
                "Façadier-peintre (H/F)",
                "Ravalement de façades, nettoyage haute pression, enduits et peinture "
                "extérieure, travail sur échafaudage.",
                "ravalement;échafaudage;enduit de façade",
                "day",
                True,
                False,
            ),
        ],
        jobs=[
            "Peintre",
            "peintre en batiment",
            "Peintre bâtiment",
            "peintre décoratrice",
            "peintre façadier",
            "peintre en bâtiment débutant",
            "peinture",
        ],
        exps=[
            "Peinture intérieure, ponçage, enduits, pose de toile de verre.",
            "Chantier école peinture de 8 mois, puis missions d'intérim.",
            "Ravalement de façades sur échafaudage, 2 ans.",
            "J'ai repeint des logements HLM avec une entreprise d'insertion.",
        ],
        skills=["ponçage", "enduit", "peinture", "toile de verre"],
        neighbours=["plaquiste", "solier", "agent_maintenance"],
        twins=[("Peintre décoratrice", "Peintre décorateur")],
    ),
    Trade(
        "agent_maintenance",
        "BTP",
        needs=[
            (
                "Agent d'entretien des bâtiments",
                "Petits travaux dans les locaux d'un bailleur social : changement de serrures, "
                "joints, peinture, remplacement d'ampoules et de robinetterie.",
                "petits travaux;plomberie de base;peinture",
                "day",
                True,
                True,
            ),
        ],
        jobs=[
            "Agent de maintenance des bâtiments",
            "homme toutes mains",
            "Agent d'entretien polyvalent (bâtiment)",
            "agent technique polyvalent",
            "bricoleur multiservices",
        ],
        exps=[
            "Agent technique en collège : petites réparations, peinture, plomberie simple.",
            "Maintenance d'une résidence : serrures, luminaires, joints.",
        ],
        skills=["petits travaux", "bricolage", "électricité de base"],
        neighbours=["electricien", "plombier", "peintre"],
        twins=[("Agente de maintenance des bâtiments", "Agent de maintenance des bâtiments")],
    ),
    # -- Logistique ----------------------------------------------------------------------------
    Trade(
        "cariste",
        "Logistique",
        needs=[
            (
                "Cariste CACES 3",
                "Chargement et déchargement de camions, mise en stock sur plateforme logistique "
                "de Saint-Jory. Équipes en 2x8.",
                "CACES R489 cat 3;chargement;gestion de stock",
                "early_morning day",
                False,
                False,
            ),
            (
                "Conducteur d'engins de manutention (H/F)",
                "Conduite de chariot à mât rétractable en entrepôt grande hauteur, "
                "réapprovisionnement des allées de préparation.",
                "CACES 5;mise en stock;inventaire",
                "day night",
                False,
                False,
            ),
        ],
        jobs=[
            "Cariste",
            "cariste CACES 1 3 5",
            "carriste",
            "Cariste polyvalente",
            "conducteur de chariot élévateur",
            "cariste magasinier",
            "CACES 3",
        ],
        exps=[
            "CACES R489 1, 3 et 5 à jour ; 3 ans en entrepôt frigorifique.",
            "Chargement et déchargement de semi-remorques au chariot frontal.",
            "Cariste en grande distribution (plateforme Carrefour), missions d'intérim.",
            "Mise en stock au chariot à mât rétractable, gestion des emplacements.",
        ],
        skills=["CACES 3", "CACES 5", "chargement", "gestion de stock"],
        neighbours=["preparateur", "agent_quai"],
        twins=[("Cariste polyvalente", "Cariste polyvalent")],
    ),
    Trade(
        "preparateur",
        "Logistique",
        needs=[
            (
                "Préparateur de commandes H/F",
                "Préparation de colis à la commande vocale dans un entrepôt de produits frais, "
                "port de charges, travail au froid.",
                "préparation vocale;port de charges;travail au froid",
                "early_morning",
                False,
                True,
            ),
            (
                "Opérateur logistique",
                "Picking, emballage et expédition de commandes e-commerce, scanner, "
                "contrôle qualité des colis. Poste accessible sans expérience.",
                "picking;emballage;scanner",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Préparateur de commandes",
            "préparatrice de commande",
            "préparateur de cde",
            "picking",
            "préparateur commandes logistique",
            "préparatrice",
            "Opérateur logistique (préparation)",
        ],
        exps=[
            "Préparation de commandes en commande vocale, 2 ans chez un grossiste.",
            "Picking et emballage pour un site de vente en ligne.",
            "Intérim en entrepôt : préparation, filmage des palettes, expédition.",
            "Préparatrice en drive de supermarché pendant 1 an.",
        ],
        skills=["picking", "commande vocale", "emballage", "port de charges"],
        neighbours=["cariste", "agent_quai", "livreur"],
        vague=[
            (
                "Opérateur",
                "Entrepôt e-commerce : je prenais les articles dans les rayonnages avec un "
                "scanner et je préparais les colis.",
            )
        ],
        twins=[("Préparatrice de commandes", "Préparateur de commandes")],
    ),
    Trade(
        "agent_quai",
        "Logistique",
        needs=[
            (
                "Agent de quai",
                "Messagerie : déchargement des camions, tri des colis par tournée, chargement "
                "des véhicules de livraison, très tôt le matin.",
                "tri de colis;transpalette;chargement",
                "early_morning",
                False,
                True,
            ),
            (
                "Manutentionnaire quai (F/H)",
                "Réception et expédition de palettes, contrôle des bons de livraison, "
                "transpalette électrique.",
                "réception;expédition;transpalette électrique",
                "day night",
                False,
                True,
            ),
        ],
        jobs=[
            "Agent de quai",
            "agente de quai",
            "manutentionnaire",
            "Manutentionnaire de quai",
            "trieur de colis",
            "agent de tri",
            "manut",
        ],
        exps=[
            "Tri et chargement de colis la nuit chez un transporteur de messagerie.",
            "Déchargement de conteneurs, palettisation, transpalette.",
            "Agent de tri à la plateforme courrier de Toulouse.",
        ],
        skills=["transpalette", "tri de colis", "chargement", "manutention"],
        neighbours=["preparateur", "cariste"],
        twins=[("Agente de quai", "Agent de quai"), ("Manutentionnaire H/F", "Manutentionnaire")],
    ),
    # -- Propreté ------------------------------------------------------------------------------
    Trade(
        "agent_proprete",
        "Propreté",
        needs=[
            (
                "Agent de propreté H/F",
                "Nettoyage de bureaux tôt le matin avant l'arrivée des salariés : aspiration, "
                "vidage des corbeilles, sanitaires. Secteur Labège.",
                "nettoyage de bureaux;autolaveuse;produits d'entretien",
                "early_morning",
                False,
                True,
            ),
            (
                "Agent(e) de service - entretien des locaux",
                "Collège de Fronton : entretien des salles de classe, des couloirs et des "
                "sanitaires, autolaveuse, fin de journée.",
                "entretien des locaux;autolaveuse;protocoles de nettoyage",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Agent d'entretien",
            "agente d'entretien",
            "Agent de nettoyage",
            "femme de ménage (bureaux)",
            "ménage",
            "agent de propreté et d'hygiène",
            "agent(e) de service",
        ],
        exps=[
            "Nettoyage de bureaux et de parties communes, 5 ans.",
            "Entretien de locaux en entreprise de propreté, autolaveuse.",
            "Ménage dans des résidences et des écoles, horaires décalés.",
        ],
        skills=["autolaveuse", "produits d'entretien", "nettoyage"],
        neighbours=["ash", "femme_chambre", "plongeur", "laveur_vitres"],
        twins=[
            ("Agente d'entretien", "Agent d'entretien"),
            ("Agent(e) de propreté", "Agent de propreté"),
        ],
    ),
    Trade(
        "laveur_vitres",
        "Propreté",
        needs=[
            (
                "Laveur de vitres",
                "Nettoyage de vitrerie et de façades vitrées, travail en hauteur sur nacelle "
                "et perche, tournées en métropole.",
                "vitrerie;perche;travail en hauteur",
                "day",
                True,
                False,
            ),
        ],
        jobs=[
            "Laveur de vitres",
            "laveuse de vitres",
            "laveur de carreaux",
            "agent de propreté vitrerie",
            "laveur vitres nacelle",
        ],
        exps=[
            "Lavage de vitres en hauteur avec perche pendant 2 ans.",
            "Vitrerie de magasins et de bureaux, CACES nacelle.",
        ],
        skills=["vitrerie", "perche", "travail en hauteur"],
        neighbours=["agent_proprete"],
        twins=[("Laveuse de vitres", "Laveur de vitres")],
    ),
    # -- Aide à la personne --------------------------------------------------------------------
    Trade(
        "aide_domicile",
        "Aide à la personne",
        needs=[
            (
                "Aide à domicile (H/F)",
                "Accompagnement de personnes âgées à leur domicile : courses, repas, entretien "
                "du logement, aide au lever. Secteur Comminges, véhicule indispensable.",
                "entretien du logement;préparation des repas;aide aux courses",
                "day weekend",
                True,
                True,
            ),
            (
                "Auxiliaire de vie sociale",
                "Aide aux actes essentiels (toilette, habillage, repas) de personnes en perte "
                "d'autonomie, à domicile. DEAVS ou titre ADVF apprécié.",
                "aide à la toilette;aide au repas;transferts",
                "day early_morning weekend",
                True,
                False,
            ),
        ],
        jobs=[
            "Aide à domicile",
            "auxiliaire de vie",
            "Assistante de vie aux familles",
            "ADVF",
            "aide ménagère",
            "auxilliaire de vie",
            "AVS domicile",
            "aide aux personnes âgées",
        ],
        exps=[
            "Titre ADVF, 3 ans auprès de personnes âgées à domicile.",
            "A accompagné sa grand-mère et des voisins âgés : repas, courses, ménage.",
            "Auxiliaire de vie en service d'aide à domicile, toilettes et repas.",
            "Aide ménagère chez des particuliers en CESU depuis 2018.",
        ],
        skills=["aide à la toilette", "préparation des repas", "entretien du logement"],
        neighbours=["aes", "aide_soignant"],
        twins=[("Auxiliaire de vie H/F", "Auxiliaire de vie"), ("Aide ménagère", "Aide ménager")],
    ),
    Trade(
        "aes",
        "Aide à la personne",
        needs=[
            (
                "AES",
                "Foyer d'accueil médicalisé : accompagnement au quotidien d'adultes en situation "
                "de handicap, activités, aide aux repas et à la toilette.",
                "accompagnement éducatif;aide aux actes de la vie quotidienne;animation",
                "day weekend",
                False,
                False,
            ),
            (
                "Accompagnant(e) éducatif(ve) et social(e)",
                "En IME, accompagnement de jeunes dans les gestes du quotidien et les "
                "activités de groupe. DEAES exigé.",
                "DEAES;accompagnement;travail en équipe",
                "day",
                False,
                False,
            ),
        ],
        jobs=[
            "AES",
            "Accompagnant éducatif et social",
            "accompagnante éducative et sociale",
            "AMP",
            "aide médico-psychologique",
            "DEAES",
        ],
        exps=[
            "DEAES obtenu en 2022, 2 ans en MAS auprès d'adultes polyhandicapés.",
            "Aide médico-psychologique en foyer de vie pendant 6 ans.",
            "Accompagnement d'enfants en IME, activités éducatives.",
        ],
        skills=["accompagnement", "aide à la toilette", "animation d'activités"],
        neighbours=["aide_domicile", "aide_soignant"],
        twins=[
            ("Accompagnante éducative et sociale", "Accompagnant éducatif et social"),
            ("Accompagnant·e éducatif·ve et social·e", "Accompagnant éducatif et social"),
        ],
    ),
    # -- Santé -----------------------------------------------------------------------------------
    Trade(
        "aide_soignant",
        "Santé",
        needs=[
            (
                "Aide-soignant(e) EHPAD",
                "Soins d'hygiène et de confort des résidents, aide aux repas, transmissions "
                "écrites et orales. Roulement matin / soir, un week-end sur deux.",
                "soins d'hygiène;transmissions;prévention des escarres",
                "early_morning day weekend",
                False,
                False,
            ),
            (
                "AS de nuit",
                "Clinique de Balma, service de chirurgie : surveillance des patients la nuit, "
                "soins de nursing, installation, transmissions.",
                "surveillance de nuit;nursing;transmissions",
                "night",
                False,
                False,
            ),
        ],
        jobs=[
            "Aide-soignante",
            "aide soignant",
            "AS",
            "aide-soignant·e",
            "Aide soignante diplômée",
            "aide-soigant",
            "DEAS",
        ],
        exps=[
            "DEAS, 7 ans en EHPAD : toilettes, repas, transmissions.",
            "Aide-soignante en clinique, service de médecine, 4 ans.",
            "Formation d'aide-soignant terminée en juin, stages en gériatrie et en chirurgie.",
            "Nursing et soins de confort en service de soins à domicile (SSIAD).",
        ],
        skills=["soins d'hygiène", "transmissions", "nursing", "prise des constantes"],
        neighbours=["aes", "aide_domicile", "ash"],
        twins=[
            ("Aide-soignante", "Aide-soignant"),
            ("Aide-soignant·e", "Aide-soignant"),
            ("Aide soignant(e) de nuit", "Aide soignant de nuit"),
        ],
    ),
    Trade(
        "ash",
        "Santé",
        needs=[
            (
                "ASH",
                "EHPAD de Revel : bionettoyage des chambres et des espaces communs, service des "
                "repas en salle, aide à la distribution des goûters.",
                "bionettoyage;service des repas;protocoles d'hygiène",
                "early_morning day weekend",
                False,
                True,
            ),
            (
                "Agent de service hospitalier (H/F)",
                "Hôpital, entretien des chambres et des locaux de soins selon les protocoles, "
                "gestion du linge, remplacement d'été.",
                "bionettoyage;circuit du linge;hygiène hospitalière",
                "day weekend",
                False,
                True,
            ),
        ],
        jobs=[
            "ASH",
            "Agent de service hospitalier",
            "agente des services hospitaliers",
            "agent de service en EHPAD",
            "ASHQ",
            "Agent hôtelier hospitalier",
        ],
        exps=[
            "Bionettoyage des chambres et service des repas en EHPAD, 3 ans.",
            "ASH en clinique, entretien des blocs et du linge.",
            "Remplacements d'été comme ASH à l'hôpital de Saint-Gaudens.",
        ],
        skills=["bionettoyage", "protocoles d'hygiène", "service des repas"],
        neighbours=["agent_proprete", "aide_soignant", "femme_chambre"],
        twins=[("Agente de service hospitalier", "Agent de service hospitalier")],
    ),
    # -- Restauration --------------------------------------------------------------------------
    Trade(
        "cuisinier",
        "Restauration",
        needs=[
            (
                "Commis de cuisine",
                "Brasserie du centre de Toulouse : mise en place, préparations froides, "
                "épluchage, aide au chef pendant le service. Coupures.",
                "mise en place;préparations froides;hygiène HACCP",
                "day weekend",
                False,
                True,
            ),
            (
                "Cuisinier(ère) en restauration collective",
                "Cuisine centrale : production de 800 repas par jour en liaison froide, respect "
                "des grammages et du plan HACCP.",
                "liaison froide;HACCP;production en grande quantité",
                "early_morning day",
                False,
                False,
            ),
        ],
        jobs=[
            "Cuisinier",
            "cuisinière",
            "commis de cuisine",
            "Chef de partie",
            "second de cuisine",
            "cuisinier en collectivité",
            "cuisto",
            "Cheffe de cuisine",
        ],
        exps=[
            "CAP cuisine, 4 ans en brasserie (garde-manger puis chaud).",
            "Commis en restauration traditionnelle, mise en place et dressage.",
            "Cuisine collective en cantine scolaire, liaison froide.",
            "J'ai tenu la cuisine d'un petit restaurant familial pendant 10 ans.",
        ],
        skills=["HACCP", "mise en place", "cuisson", "dressage"],
        neighbours=["plongeur", "equipier_rr"],
        twins=[("Cheffe de cuisine", "Chef de cuisine"), ("Cuisinière", "Cuisinier")],
    ),
    Trade(
        "equipier_rr",
        "Restauration",
        needs=[
            (
                "Équipier polyvalent de restauration rapide",
                "Prise de commande en caisse et en borne, préparation des burgers, entretien de "
                "la salle. Horaires en soirée et week-end, débutants bienvenus.",
                "prise de commande;préparation rapide;encaissement",
                "day weekend",
                False,
                True,
            ),
            (
                "Employé polyvalent (F/H) - snacking",
                "Boulangerie-sandwicherie de zone commerciale : préparation des sandwiches, "
                "mise en rayon, vente au comptoir.",
                "préparation de sandwiches;vente au comptoir;hygiène",
                "early_morning weekend",
                False,
                True,
            ),
        ],
        jobs=[
            "Équipier polyvalent",
            "équipière McDo",
            "employé polyvalent de restauration",
            "equipier fast food",
            "employée de restauration rapide",
            "crew member",
            "équipier(e) polyvalent(e)",
        ],
        exps=[
            "2 ans en fast-food : caisse, cuisine, drive.",
            "Job étudiant chez Burger King, préparation et service.",
            "Employée polyvalente en sandwicherie, préparation et vente.",
        ],
        skills=["encaissement", "préparation rapide", "service au comptoir"],
        neighbours=["serveur", "cuisinier", "plongeur", "caissier"],
        twins=[
            ("Équipière polyvalente", "Équipier polyvalent"),
            ("Équipier(e) polyvalent(e)", "Équipier polyvalent"),
        ],
    ),
    Trade(
        "serveur",
        "Restauration",
        needs=[
            (
                "Serveur / Serveuse",
                "Restaurant avec terrasse place du Capitole : service à l'assiette, prise de "
                "commande, conseil sur les vins, encaissement.",
                "service en salle;prise de commande;encaissement",
                "day weekend",
                False,
                False,
            ),
            (
                "Chef de rang H/F",
                "Restaurant gastronomique, service au guéridon, accueil de la clientèle, "
                "anglais apprécié.",
                "service au guéridon;accueil client;anglais",
                "day weekend",
                False,
                False,
            ),
        ],
        jobs=[
            "Serveur",
            "serveuse",
            "chef de rang",
            "Serveur en restauration",
            "commis de salle",
            "barman serveur",
            "serveur(se) extra",
        ],
        exps=[
            "Service en salle et en terrasse dans des brasseries, 5 saisons.",
            "Extra en traiteur pour mariages et séminaires.",
            "Chef de rang dans un hôtel-restaurant de Luchon.",
        ],
        skills=["service en salle", "port de plateau", "encaissement", "accueil"],
        neighbours=["equipier_rr"],
        twins=[("Serveuse", "Serveur"), ("Cheffe de rang", "Chef de rang")],
    ),
    Trade(
        "plongeur",
        "Restauration",
        needs=[
            (
                "Plongeur H/F",
                "Cuisine d'hôtel, plonge batterie et vaisselle, nettoyage de la cuisine en fin "
                "de service.",
                "plonge;nettoyage;tri des déchets",
                "day weekend",
                False,
                True,
            ),
        ],
        jobs=["Plongeur", "plongeuse", "plongeur en restauration", "Agent de plonge", "plonge"],
        exps=[
            "Plonge en restaurant d'entreprise, machine à avancement.",
            "Plongeur dans une brasserie l'été dernier.",
        ],
        skills=["plonge", "nettoyage", "rangement"],
        neighbours=["cuisinier", "agent_proprete", "equipier_rr"],
        twins=[("Plongeuse", "Plongeur")],
    ),
    # -- Hôtellerie ------------------------------------------------------------------------------
    Trade(
        "femme_chambre",
        "Hôtellerie",
        needs=[
            (
                "Valet / Femme de chambre",
                "Hôtel 4 étoiles : nettoyage et remise en état des chambres et des salles de "
                "bains, changement du linge, réassort des produits d'accueil.",
                "entretien des chambres;changement du linge;contrôle qualité",
                "day weekend",
                False,
                True,
            ),
            (
                "Agent d'étage",
                "Résidence de tourisme à Bagnères-de-Luchon, saison d'hiver : ménage des "
                "appartements entre deux séjours.",
                "ménage des chambres;linge;autonomie",
                "day weekend",
                False,
                True,
            ),
        ],
        jobs=[
            "Femme de chambre",
            "valet de chambre",
            "gouvernante d'étage",
            "agent d'étage",
            "femme de chambres hôtel",
            "employée d'étage",
        ],
        exps=[
            "Femme de chambre dans un hôtel de Toulouse, 15 chambres par jour.",
            "Saison d'été en résidence de tourisme, ménage des logements.",
            "Valet de chambre en hôtel 3 étoiles pendant 2 ans.",
        ],
        skills=["entretien des chambres", "linge", "rapidité"],
        neighbours=["agent_proprete", "ash"],
        twins=[("Employée d'étage", "Employé d'étage")],
    ),
    Trade(
        "receptionniste",
        "Hôtellerie",
        needs=[
            (
                "Réceptionniste tournant(e)",
                "Accueil et départ des clients, gestion des réservations sur logiciel, "
                "encaissement, anglais courant. Nuits une semaine par mois.",
                "accueil client;logiciel de réservation;anglais",
                "day night weekend",
                False,
                False,
            ),
        ],
        jobs=[
            "Réceptionniste",
            "réceptionniste d'hôtel",
            "Veilleur de nuit hôtel",
            "agent de réception",
            "receptioniste",
        ],
        exps=[
            "Réception d'un hôtel de chaîne, check-in, réservations, facturation.",
            "BTS tourisme, stage de 3 mois à la réception d'un hôtel.",
        ],
        skills=["accueil", "anglais", "réservations"],
        neighbours=["secretaire", "teleconseiller"],
        twins=[("Réceptionniste H/F", "Réceptionniste")],
    ),
    # -- Commerce ------------------------------------------------------------------------------
    Trade(
        "vendeur",
        "Commerce",
        needs=[
            (
                "Vendeur(se) en prêt-à-porter",
                "Boutique en centre commercial : accueil et conseil des clientes, mise en rayon, "
                "encaissement, tenue de la boutique.",
                "conseil client;merchandising;encaissement",
                "day weekend",
                False,
                True,
            ),
            (
                "Conseiller de vente bricolage H/F",
                "Grande surface de bricolage, rayon outillage : conseil aux clients, "
                "réassort, commandes fournisseurs.",
                "conseil client;réassort;connaissance produits",
                "day weekend",
                False,
                False,
            ),
        ],
        jobs=[
            "Vendeuse",
            "vendeur en magasin",
            "conseiller de vente",
            "vendeuse prêt à porter",
            "employé commercial",
            "vendeur(euse)",
            "vente",
        ],
        exps=[
            "Vendeuse en boutique de vêtements, 3 ans, objectifs de vente.",
            "Conseil client en magasin de sport, réassort et inventaires.",
            "Employé commercial en grande surface, rayon frais.",
        ],
        skills=["conseil client", "encaissement", "mise en rayon"],
        neighbours=["caissier"],
        vague=[
            (
                "Conseillère",
                "J'accueillais les clientes en boutique de prêt-à-porter, conseil, essayage, "
                "encaissement.",
            )
        ],
        twins=[("Vendeuse en magasin", "Vendeur en magasin")],
    ),
    Trade(
        "caissier",
        "Commerce",
        needs=[
            (
                "Hôte / Hôtesse de caisse",
                "Hypermarché de Portet : encaissement, accueil des clients, tenue de caisse, "
                "contrôle des moyens de paiement.",
                "encaissement;tenue de caisse;accueil client",
                "day weekend",
                False,
                True,
            ),
            (
                "Employé(e) libre-service",
                "Supermarché de proximité : mise en rayon, facing, contrôle des dates, caisse "
                "en renfort. Prise de poste à 6h.",
                "mise en rayon;facing;encaissement",
                "early_morning day",
                False,
                True,
            ),
        ],
        jobs=[
            "Caissière",
            "hôte de caisse",
            "hotesse de caisse",
            "employé libre service",
            "ELS",
            "Caissier(ère)",
            "caissière employée polyvalente",
        ],
        exps=[
            "Caissière en supermarché depuis 4 ans.",
            "Employée libre-service, mise en rayon et caisse.",
            "Tenue de caisse et accueil en magasin de proximité.",
        ],
        skills=["encaissement", "mise en rayon", "accueil client"],
        neighbours=["vendeur", "equipier_rr"],
        twins=[("Hôtesse de caisse", "Hôte de caisse"), ("Caissier(ère)", "Caissier")],
    ),
    # -- Industrie -----------------------------------------------------------------------------
    Trade(
        "operateur_prod",
        "Industrie",
        needs=[
            (
                "Opérateur de production H/F",
                "Usine agroalimentaire de Villefranche : conduite de ligne de conditionnement, "
                "réglages simples, contrôles qualité. Équipes 3x8.",
                "conduite de ligne;contrôle qualité;règles d'hygiène",
                "early_morning day night",
                False,
                True,
            ),
            (
                "Conducteur(trice) de machines",
                "Usine de transformation du plastique à Saint-Jory : conduite de presses à "
                "injecter, changements de série, contrôle des pièces. Postes en 2x8.",
                "conduite de machine;changement de série;contrôle qualité",
                "early_morning day",
                False,
                False,
            ),
        ],
        jobs=[
            "Opérateur de production",
            "opératrice de production",
            "agent de fabrication",
            "Conducteur de ligne",
            "ouvrier d'usine",
            "opérateur sur machine",
        ],
        exps=[
            "Opératrice sur ligne de conditionnement en usine de biscuits, 3x8.",
            "Conduite de machine d'injection plastique, réglages et contrôle.",
            "Intérim en usine : emballage, contrôle, alimentation de ligne.",
        ],
        skills=["conduite de ligne", "autocontrôle", "réglages", "contrôle qualité"],
        neighbours=["preparateur", "aero_montage"],
        twins=[("Opératrice de production", "Opérateur de production")],
    ),
    Trade(
        "aero_montage",
        "Industrie",
        needs=[
            (
                "Agent de fabrication aéronautique",
                "Assemblage de sous-ensembles (rivetage, ajustage) selon gammes et plans, "
                "contrôle visuel.",
                "rivetage;lecture de plans;autocontrôle",
                "day early_morning",
                False,
                False,
            ),
            (
                "Monteur(se) câbleur(se)",
                "Sous-traitant aéronautique de Colomiers : réalisation de faisceaux électriques, "
                "sertissage, lecture de plans de câblage.",
                "sertissage;câblage filaire;lecture de plans",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Ajusteur monteur aéronautique",
            "monteur câbleur aéronautique",
            "monteuse câbleuse",
            "mécanicien monteur aéro",
            "riveteur",
            "assembleur aéronautique",
            "ajusteur-monteur",
        ],
        exps=[
            "Montage et rivetage de pièces pour un sous-traitant d'Airbus.",
            "Faisceaux électriques et sertissage, 3 ans en intérim aéronautique.",
            "Titre pro ajusteur-monteur de structures aéronefs (2024).",
        ],
        skills=["rivetage", "sertissage", "lecture de plans", "ajustage"],
        neighbours=["operateur_prod", "soudeur"],
        twins=[("Monteuse câbleuse", "Monteur câbleur")],
    ),
    Trade(
        "soudeur",
        "Industrie",
        needs=[
            (
                "Soudeur TIG / MIG",
                "Chaudronnerie industrielle : soudure d'ensembles inox et acier, lecture de plans, "
                "meulage, contrôle des cordons.",
                "soudure TIG;soudure MIG;lecture de plans",
                "day",
                False,
                False,
            ),
        ],
        jobs=[
            "Soudeur",
            "soudeuse",
            "soudeur TIG",
            "chaudronnier soudeur",
            "Soudeur semi-auto",
            "soudure",
        ],
        exps=[
            "Soudure MIG et TIG sur acier et inox, 5 ans en chaudronnerie.",
            "Titre pro soudeur, stage en atelier de serrurerie-métallerie.",
        ],
        skills=["TIG", "MIG", "meulage", "lecture de plans"],
        neighbours=["aero_montage"],
        twins=[("Soudeuse TIG", "Soudeur TIG")],
    ),
    # -- Transport -----------------------------------------------------------------------------
    Trade(
        "chauffeur_pl",
        "Transport",
        needs=[
            (
                "Chauffeur PL (H/F)",
                "Transport régional de marchandises en porteur, livraisons en Occitanie, retour "
                "chaque soir. Permis C et FIMO/FCO à jour.",
                "permis C;FCO;arrimage",
                "early_morning day",
                True,
                False,
            ),
            (
                "Conducteur routier SPL",
                "Semi-remorque frigorifique, tournées nationales, découchés. Permis CE.",
                "permis CE;FCO;chronotachygraphe",
                "early_morning day night weekend",
                True,
                False,
            ),
        ],
        jobs=[
            "Chauffeur poids lourd",
            "chauffeur PL",
            "conducteur SPL",
            "Conductrice routière",
            "chauffeur routier",
            "routier",
            "chauffeur porteur",
        ],
        exps=[
            "Permis C et CE, FCO à jour, 10 ans de longue distance.",
            "Chauffeur en porteur pour un négoce de matériaux.",
            "Titre pro conducteur routier obtenu en 2024.",
        ],
        skills=["permis C", "FCO", "arrimage", "chronotachygraphe"],
        neighbours=["livreur"],
        twins=[("Conductrice routière", "Conducteur routier")],
    ),
    Trade(
        "livreur",
        "Transport",
        needs=[
            (
                "Livreur VL",
                "Livraison de colis en véhicule utilitaire léger sur Toulouse nord, 80 points par "
                "jour, scan des colis.",
                "permis B;tournée de livraison;scan",
                "day",
                True,
                True,
            ),
            (
                "Chauffeur-livreur (F/H)",
                "Livraison de repas et de courses à domicile pour un service municipal, "
                "véhicule fourni.",
                "permis B;relation client;ponctualité",
                "day",
                True,
                True,
            ),
        ],
        jobs=[
            "Livreur",
            "livreuse",
            "chauffeur livreur",
            "Chauffeur-livreur VL",
            "livreur colis",
            "coursier",
            "chauffeur VL",
        ],
        exps=[
            "Livreur de colis en sous-traitance, tournées de 100 points.",
            "Livraisons de matériel médical chez les particuliers.",
            "Coursier à vélo puis en scooter pendant 2 ans.",
        ],
        skills=["permis B", "tournée", "relation client"],
        neighbours=["chauffeur_pl", "preparateur"],
        twins=[("Livreuse", "Livreur"), ("Chauffeuse-livreuse", "Chauffeur-livreur")],
    ),
    # -- Petite enfance --------------------------------------------------------------------------
    Trade(
        "atsem",
        "Petite enfance",
        needs=[
            (
                "ATSEM",
                "Commune de Cugnaux : assistance de l'enseignant en classe de maternelle, "
                "hygiène des enfants, préparation des ateliers, surveillance de la cantine.",
                "CAP AEPE;hygiène des jeunes enfants;préparation d'ateliers",
                "day",
                False,
                False,
            ),
            (
                "Agent spécialisé des écoles maternelles (H/F)",
                "Remplacements dans les écoles maternelles de la ville, aide aux enseignants et "
                "entretien des locaux.",
                "CAP petite enfance;entretien des locaux;accompagnement des enfants",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "ATSEM",
            "agente territoriale spécialisée des écoles maternelles",
            "Atsem",
            "aide maternelle",
            "agent d'école maternelle",
            "ASEM",
        ],
        exps=[
            "ATSEM contractuelle 3 ans en classe de petite section.",
            "Aide en classe maternelle et cantine scolaire pendant 2 ans.",
            "Concours d'ATSEM obtenu, remplacements dans des écoles.",
        ],
        skills=["CAP AEPE", "hygiène des enfants", "ateliers"],
        neighbours=["petite_enfance", "animateur"],
        twins=[("ATSEM H/F", "ATSEM")],
    ),
    Trade(
        "petite_enfance",
        "Petite enfance",
        needs=[
            (
                "Auxiliaire petite enfance en crèche",
                "Multi-accueil de 40 berceaux : accueil des familles, soins, repas, activités "
                "d'éveil des 0-3 ans. CAP AEPE minimum.",
                "CAP AEPE;activités d'éveil;soins aux jeunes enfants",
                "early_morning day",
                False,
                True,
            ),
            (
                "Agent de crèche H/F",
                "Crèche associative de Ramonville : accueil des enfants et des parents, change, "
                "repas, participation au projet pédagogique.",
                "soins aux jeunes enfants;accueil des familles;hygiène",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Auxiliaire de crèche",
            "CAP AEPE",
            "agent petite enfance",
            "assistante maternelle",
            "garde d'enfants",
            "auxiliaire puéricultrice",
        ],
        exps=[
            "CAP petite enfance, 2 ans en micro-crèche.",
            "Assistante maternelle agréée pendant 8 ans.",
            "Garde d'enfants à domicile (0-6 ans) chez plusieurs familles.",
        ],
        skills=["activités d'éveil", "soins aux enfants", "CAP AEPE"],
        neighbours=["atsem", "animateur"],
        twins=[("Auxiliaire de crèche H/F", "Auxiliaire de crèche")],
    ),
    Trade(
        "animateur",
        "Animation",
        needs=[
            (
                "Animateur(trice) périscolaire",
                "Accueil des enfants de 3 à 11 ans avant et après l'école, animation d'ateliers, "
                "BAFA apprécié.",
                "BAFA;animation;sécurité des enfants",
                "early_morning day",
                False,
                True,
            ),
            (
                "Animateur ALSH (F/H)",
                "Centre de loisirs de Grenade, mercredis et vacances : préparation et conduite "
                "d'activités, sorties, vie quotidienne du groupe.",
                "BAFA;projet d'animation;encadrement de groupe",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Animatrice périscolaire",
            "animateur enfants BAFA",
            "animateur centre de loisirs",
            "animatrice ALSH",
            "Animateur socioculturel",
            "BAFA",
        ],
        exps=[
            "BAFA, animation en centre de loisirs l'été.",
            "Animatrice périscolaire 2 ans (cantine, ateliers après la classe).",
            "Colonies de vacances comme animateur pendant 4 étés.",
        ],
        skills=["BAFA", "animation", "encadrement de groupe"],
        neighbours=["atsem", "petite_enfance"],
        twins=[("Animatrice périscolaire", "Animateur périscolaire")],
    ),
    # -- Espaces verts / agriculture -------------------------------------------------------------
    Trade(
        "paysagiste",
        "Espaces verts",
        needs=[
            (
                "Ouvrier paysagiste H/F",
                "Création et entretien de jardins de particuliers : tonte, taille de haies, "
                "plantations, petite maçonnerie paysagère.",
                "taille de haies;tonte;plantation",
                "day",
                True,
                True,
            ),
            (
                "Agent d'entretien des espaces verts",
                "Entretien des parcs de la commune de Tournefeuille : débroussaillage, "
                "désherbage alternatif, ramassage des feuilles.",
                "débroussailleuse;désherbage;ramassage",
                "early_morning day",
                False,
                True,
            ),
        ],
        jobs=[
            "Jardinier",
            "jardinière paysagiste",
            "ouvrier paysagiste",
            "agent espaces verts",
            "Paysagiste",
            "entretien espaces verts",
            "jardinier-paysagiste",
            "élagueur",
        ],
        exps=[
            "CAPa jardinier paysagiste, 3 ans en entreprise d'espaces verts.",
            "Tonte, taille et débroussaillage en chantier d'insertion.",
            "Entretien des espaces verts d'une copropriété.",
        ],
        skills=["débroussailleuse", "taille", "tonte", "plantation"],
        neighbours=["agricole"],
        twins=[("Jardinière paysagiste", "Jardinier paysagiste")],
    ),
    Trade(
        "agricole",
        "Agriculture",
        needs=[
            (
                "Ouvrier agricole polyvalent (H/F)",
                "Exploitation maraîchère bio près de Villemur : semis, plantation, récolte, "
                "préparation des paniers.",
                "maraîchage;récolte;conditionnement",
                "early_morning day",
                False,
                True,
            ),
            (
                "Saisonnier vendanges / travaux de la vigne",
                "Domaine viticole du Frontonnais : taille, relevage, vendanges manuelles.",
                "taille de la vigne;vendanges;travail en extérieur",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Ouvrier agricole",
            "ouvrière agricole",
            "saisonnier agricole",
            "maraîcher",
            "vendangeur",
            "ouvrier viticole",
            "cueilleur",
        ],
        exps=[
            "Saisons de récolte (fraises, melons) depuis 5 ans.",
            "Maraîchage bio en chantier d'insertion.",
            "Vendanges et taille de la vigne dans le Gers.",
        ],
        skills=["récolte", "taille de la vigne", "maraîchage"],
        neighbours=["paysagiste"],
        twins=[("Ouvrière agricole", "Ouvrier agricole")],
    ),
    # -- Sécurité --------------------------------------------------------------------------------
    Trade(
        "securite",
        "Sécurité",
        needs=[
            (
                "Agent de sécurité SSIAP 1",
                "Centre commercial : rondes, sécurité incendie, contrôle d'accès, gestion du PC "
                "sécurité. Carte professionnelle CNAPS exigée.",
                "SSIAP 1;carte CNAPS;rondes",
                "day night weekend",
                False,
                False,
            ),
            (
                "ADS H/F",
                "Surveillance de site industriel la nuit, rondes, rapports d'événement.",
                "carte professionnelle;rondes;rédaction de rapports",
                "night weekend",
                False,
                False,
            ),
        ],
        jobs=[
            "Agent de sécurité",
            "agente de sécurité",
            "ADS",
            "agent de surveillance",
            "SSIAP",
            "vigile",
            "agent de prévention et de sécurité",
        ],
        exps=[
            "CQP APS et carte CNAPS, 4 ans en magasin.",
            "SSIAP 1, rondes et PC sécurité en centre commercial.",
            "Surveillance de chantiers la nuit.",
        ],
        skills=["SSIAP 1", "carte CNAPS", "rondes", "contrôle d'accès"],
        neighbours=[],
        twins=[("Agente de sécurité", "Agent de sécurité")],
    ),
    # -- Administratif, banque, relation client --------------------------------------------------
    Trade(
        "secretaire",
        "Administratif",
        needs=[
            (
                "Secrétaire administrative",
                "PME du BTP : accueil téléphonique, devis et factures, classement, suivi des "
                "plannings de chantier.",
                "accueil téléphonique;facturation;bureautique",
                "day",
                False,
                False,
            ),
            (
                "Assistant(e) administratif(ve)",
                "Association d'insertion : saisie des dossiers, courriers, tenue des agendas, "
                "accueil du public.",
                "saisie;rédaction de courriers;accueil",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Secrétaire",
            "assistante administrative",
            "secrétaire médicale",
            "agent administratif",
            "secretaire",
            "assistant de direction",
            "employée de bureau",
        ],
        exps=[
            "Secrétaire dans un cabinet d'architectes, devis et factures.",
            "BTS assistant de gestion, stage au service administratif d'une mairie.",
            "Agent d'accueil et de secrétariat en collège pendant 3 ans.",
        ],
        skills=["bureautique", "accueil téléphonique", "facturation", "classement"],
        neighbours=["receptionniste", "comptable"],
        twins=[("Assistante administrative", "Assistant administratif")],
    ),
    Trade(
        "comptable",
        "Administratif",
        needs=[
            (
                "Aide-comptable H/F",
                "Cabinet d'expertise comptable : saisie des pièces, rapprochements bancaires, "
                "déclarations de TVA.",
                "saisie comptable;rapprochement bancaire;TVA",
                "day",
                False,
                False,
            ),
        ],
        jobs=[
            "Comptable",
            "aide comptable",
            "assistante comptable",
            "comptable fournisseurs",
        ],
        exps=[
            "BTS comptabilité, 3 ans en cabinet.",
            "Saisie comptable et relances clients dans une PME.",
        ],
        skills=["saisie comptable", "TVA", "Excel"],
        neighbours=["secretaire"],
        twins=[("Assistante comptable", "Assistant comptable")],
    ),
    Trade(
        "banque_guichet",
        "Banque",
        needs=[
            (
                "Conseiller (H/F)",
                "Accueil des clients en agence bancaire, ouverture de comptes, opérations au "
                "guichet, prise de rendez-vous pour les conseillers patrimoniaux.",
                "accueil client;opérations de guichet;ouverture de comptes",
                "day",
                False,
                False,
            ),
            (
                "Chargé(e) d'accueil en agence",
                "Banque mutualiste à Saint-Gaudens : accueil physique et téléphonique, "
                "remise de chéquiers et de cartes, premières demandes des clients.",
                "accueil;opérations courantes;relation client",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Conseiller clientèle bancaire",
            "chargée d'accueil banque",
            "guichetier",
            "conseillère clientèle particuliers",
            "employé de banque",
            "chargé de clientèle banque",
        ],
        exps=[
            "Guichet et accueil en agence bancaire pendant 2 ans.",
            "BTS banque en alternance, ouverture de comptes et crédits à la consommation.",
            "Conseillère clientèle en assurance et banque.",
        ],
        skills=["opérations de guichet", "relation client", "produits bancaires"],
        neighbours=["teleconseiller", "secretaire"],
        vague=[
            (
                "Conseiller",
                "En agence bancaire : accueil des clients, ouverture de comptes, remise de "
                "moyens de paiement.",
            )
        ],
        twins=[("Conseillère clientèle bancaire", "Conseiller clientèle bancaire")],
    ),
    Trade(
        "teleconseiller",
        "Relation client",
        needs=[
            (
                "Opérateur (H/F)",
                "Centre de contacts : appels entrants, réponse aux demandes des clients d'un "
                "fournisseur d'énergie, gestion des réclamations dans l'outil CRM.",
                "appels entrants;gestion des réclamations;CRM",
                "day weekend",
                False,
                True,
            ),
            (
                "Téléconseiller service client",
                "Plateau de Labège, relation client par téléphone et chat pour un opérateur "
                "télécom. Formation assurée.",
                "relation client;téléphone;saisie rapide",
                "day",
                False,
                True,
            ),
        ],
        jobs=[
            "Téléconseiller",
            "téléconseillère",
            "conseiller clientèle à distance",
            "chargé de clientèle centre d'appels",
            "teleconseiller",
            "agent de centre d'appels",
            "téléopératrice",
        ],
        exps=[
            "Téléconseillère en centre d'appels, appels entrants, 2 ans.",
            "Service client par téléphone pour un fournisseur d'accès internet.",
            "Hotline et gestion des réclamations en télétravail.",
        ],
        skills=["relation client", "appels entrants", "CRM", "gestion des réclamations"],
        neighbours=["banque_guichet", "receptionniste"],
        vague=[
            (
                "Opérateur",
                "Plateau téléphonique : appels entrants, gestion des réclamations des clients, "
                "saisie dans le logiciel.",
            )
        ],
        twins=[("Téléconseillère", "Téléconseiller"), ("Téléopératrice", "Téléopérateur")],
    ),
    # -- Automobile ------------------------------------------------------------------------------
    Trade(
        "mecanicien",
        "Automobile",
        needs=[
            (
                "Mécanicien automobile",
                "Garage indépendant : entretien courant, freinage, distribution, diagnostic "
                "avec valise.",
                "entretien véhicules;freinage;diagnostic",
                "day",
                True,
                False,
            ),
            (
                "Technicien(ne) d'atelier - entretien rapide",
                "Centre auto : vidanges, pneumatiques, montage d'échappements, géométrie. "
                "Débutant formé en interne.",
                "vidange;pneumatiques;montage",
                "day weekend",
                False,
                True,
            ),
        ],
        jobs=[
            "Mécanicien",
            "mécanicienne auto",
            "mecano",
            "mécanicien VL",
            "monteur pneus",
            "Technicien automobile",
            "méca auto",
        ],
        exps=[
            "CAP maintenance des véhicules, 4 ans en concession.",
            "Entretien rapide en centre auto : pneus, vidanges, freins.",
            "Répare ses voitures et celles de son entourage depuis 10 ans, sans diplôme.",
        ],
        skills=["vidange", "freinage", "diagnostic", "pneumatiques"],
        neighbours=[],
        twins=[("Mécanicienne automobile", "Mécanicien automobile")],
    ),
]

BEGINNER = [
    "Débutant(e), souhaite découvrir ce métier.",
    "Pas encore d'expérience, très motivé·e, disponible rapidement.",
    "Jeune sortie de formation, cherche une première expérience.",
    "Reconversion après 10 ans dans un autre secteur, immersion PMSMP réussie dans ce métier.",
    "",
]

FIRST_NAMES = [
    "Camille", "Mohamed", "Léa", "Kevin", "Fatima", "Jean-Pierre", "Aïcha", "Dominique",
    "Nathalie", "Youssef", "Sophie", "Thomas", "Inès", "Bernard", "Claude", "Océane",
    "Mamadou", "Christine", "Rayan", "Sandrine", "Julien", "Khadija", "Paulo", "Marie",
]  # fmt: skip
