//! Normalisation of dates, contracts, salaries, amounts, places, sectors, remote work, ids and
//! text, and the final step of a record.

use extract::normalise;
use records::{Contract, Kind, Record, Salary, SalaryPeriod};

#[test]
fn dates_in_every_written_form_become_iso_calendar_dates() {
    let cases = [
        ("2026-03-14", Some("2026-03-14")),
        ("2026-03-14T09:30:00+01:00", Some("2026-03-14")),
        ("2026-03-14T23:30:00Z", Some("2026-03-14")),
        ("14/03/2026", Some("2026-03-14")),
        ("14-03-26", Some("2026-03-14")),
        ("14 mars 2026", Some("2026-03-14")),
        ("1er mars 2026", Some("2026-03-01")),
        ("Publiée le lundi 2 février 2026", Some("2026-02-02")),
        ("14 janv. 2026", Some("2026-01-14")),
        ("Sat, 14 Mar 2026 10:00:00 +0100", Some("2026-03-14")),
        ("March 14, 2026", Some("2026-03-14")),
        ("31/02/2026", None),
        ("2026-13-01", None),
        ("29 février 2025", None),
        ("29 février 2024", Some("2024-02-29")),
        ("bientôt", None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(normalise::date(text).as_deref(), expected, "{text}");
    }
}

#[test]
fn contracts_are_read_from_codes_labels_and_schema_org_values() {
    let cases = [
        ("CDI", Some(Contract::Cdi)),
        ("Contrat à durée indéterminée", Some(Contract::Cdi)),
        ("Contrat à durée déterminée - 6 Mois", Some(Contract::Cdd)),
        ("MIS", Some(Contract::Interim)),
        ("Mission intérimaire - 3 Mois", Some(Contract::Interim)),
        ("SAI", Some(Contract::Cdd)),
        ("LIB", Some(Contract::Freelance)),
        ("FRA", Some(Contract::Freelance)),
        ("REP", None),
        ("Contrat de professionnalisation", Some(Contract::Alternance)),
        ("Apprentissage", Some(Contract::Alternance)),
        ("Stage de fin d'études pouvant déboucher sur un CDI", Some(Contract::Stage)),
        ("INTERN", Some(Contract::Stage)),
        ("CONTRACTOR", Some(Contract::Freelance)),
        ("TEMPORARY", Some(Contract::Interim)),
        ("FULL_TIME", None),
        ("Freelance / indépendant", Some(Contract::Freelance)),
        ("mis en place", None),
    ];
    for (text, expected) in cases {
        assert_eq!(normalise::contract(text), expected, "{text}");
    }
}

fn salary(min: f64, max: f64, period: SalaryPeriod) -> Option<Salary> {
    Some(Salary { min: Some(min), max: Some(max), currency: "EUR".into(), period })
}

#[test]
fn salaries_written_in_words_are_read_with_their_period() {
    let cases = [
        ("45 000 - 55 000 € brut annuel", salary(45000.0, 55000.0, SalaryPeriod::Year)),
        ("45\u{202f}000 € – 55\u{a0}000 €", salary(45000.0, 55000.0, SalaryPeriod::Year)),
        ("Annuel de 40000,00 Euros à 50000,00 Euros", salary(40000.0, 50000.0, SalaryPeriod::Year)),
        ("Mensuel de 3000 Euros sur 12 mois", salary(3000.0, 3000.0, SalaryPeriod::Month)),
        ("Mensuel de 2500.0 Euros à 2800.0 Euros sur 13.0 mois", salary(2500.0, 2800.0, SalaryPeriod::Month)),
        ("450 €/jour", salary(450.0, 450.0, SalaryPeriod::Day)),
        ("45k€ - 55k€", salary(45000.0, 55000.0, SalaryPeriod::Year)),
        ("entre 38 et 42 k€", salary(38000.0, 42000.0, SalaryPeriod::Year)),
        ("Horaire de 11,88 Euros", salary(11.88, 11.88, SalaryPeriod::Hour)),
    ];
    for (text, expected) in cases {
        assert_eq!(normalise::salary_text(text), expected, "{text}");
    }
    // France Travail's `salaire.libelle`: the figure after « sur » counts hours or months paid,
    // it is never a bound (forms as the API writes them).
    let france_travail = [
        ("Horaire de 14.40 Euros sur 151.67 heures", salary(14.4, 14.4, SalaryPeriod::Hour)),
        ("Horaire de 11,88 Euros sur 151,67 heures", salary(11.88, 11.88, SalaryPeriod::Hour)),
        ("Horaire de 12.50 Euros à 13.00 Euros sur 151.67 heures", salary(12.5, 13.0, SalaryPeriod::Hour)),
        ("Mensuel de 2000 Euros sur 12 mois", salary(2000.0, 2000.0, SalaryPeriod::Month)),
        ("Mensuel de 2000.0 Euros sur 12.0 mois", salary(2000.0, 2000.0, SalaryPeriod::Month)),
        ("Annuel de 45000.00 Euros sur 12 mois", salary(45000.0, 45000.0, SalaryPeriod::Year)),
    ];
    for (text, expected) in france_travail {
        assert_eq!(normalise::salary_text(text), expected, "{text}");
    }
    let floor = normalise::salary_text("À partir de 50 000 € par an").unwrap();
    assert_eq!((floor.min, floor.max), (Some(50000.0), None));
    assert_eq!(normalise::salary_text("Selon profil"), None);
    assert_eq!(normalise::salary_text("60 000 USD").unwrap().currency, "USD");
}

#[test]
fn schema_org_base_salaries_are_read_in_all_their_shapes() {
    let monetary = serde_json::json!({
        "@type": "MonetaryAmount", "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 40000, "maxValue": "50 000", "unitText": "YEAR"}
    });
    assert_eq!(normalise::salary_schema(&monetary), salary(40000.0, 50000.0, SalaryPeriod::Year));
    let monthly = serde_json::json!({"currency": "eur", "value": {"value": 3200, "unitText": "MONTH"}});
    assert_eq!(normalise::salary_schema(&monthly), salary(3200.0, 3200.0, SalaryPeriod::Month));
    let bare = serde_json::json!({"minValue": 500, "maxValue": 600, "unitText": "DAY"});
    assert_eq!(normalise::salary_schema(&bare), salary(500.0, 600.0, SalaryPeriod::Day));
    assert_eq!(normalise::salary_schema(&serde_json::json!(48000)), salary(48000.0, 48000.0, SalaryPeriod::Year));
    assert_eq!(
        normalise::salary_schema(&serde_json::json!("45k€ - 55k€")),
        salary(45000.0, 55000.0, SalaryPeriod::Year)
    );
    assert_eq!(normalise::salary_schema(&serde_json::json!({"currency": "EUR"})), None);
    assert_eq!(normalise::salary_schema(&serde_json::json!(null)), None);
    assert_eq!(normalise::salary_schema(&serde_json::json!(-5)), None);
}

#[test]
fn amounts_are_read_with_their_multipliers() {
    let cases = [
        ("1,5 M€", 1_500_000.0),
        ("250 000 €", 250_000.0),
        ("2 millions d'euros", 2_000_000.0),
        ("€ 300,000", 300_000.0),
        ("750 k€", 750_000.0),
        ("1,2 Md€", 1_200_000_000.0),
    ];
    for (text, value) in cases {
        let amount = normalise::amount(text).unwrap_or_else(|| panic!("{text} not read"));
        assert!((amount.value - value).abs() < 1e-6, "{text}: {}", amount.value);
        assert_eq!(amount.currency, "EUR");
    }
    assert_eq!(normalise::amount("non communiqué"), None);
}

#[test]
fn places_get_their_insee_region_and_country() {
    let lyon = normalise::location(Some("69 - Lyon 3e Arrondissement"), None, None, None);
    assert_eq!(lyon.city.as_deref(), Some("Lyon"));
    assert_eq!(lyon.region_code.as_deref(), Some("84"));
    assert_eq!(lyon.country.as_deref(), Some("FR"));
    let paris = normalise::location(Some("75 - Paris (Dept.)"), None, None, None);
    assert_eq!((paris.city.as_deref(), paris.region_code.as_deref()), (Some("Paris"), Some("11")));
    let rhone = normalise::location(Some("69 - Rhône (Dept.)"), None, None, None);
    assert_eq!((rhone.city, rhone.region_code.as_deref()), (None, Some("84")));
    let ajaccio = normalise::location(Some("Ajaccio"), Some("20000"), None, Some("France"));
    assert_eq!(ajaccio.region_code.as_deref(), Some("94"));
    let bastia = normalise::location(Some("Bastia"), Some("20200"), None, None);
    assert_eq!(bastia.region_code.as_deref(), Some("94"));
    let saint_denis = normalise::location(Some("Saint-Denis"), Some("97400"), None, None);
    assert_eq!(saint_denis.region_code.as_deref(), Some("04"));
    let mamoudzou = normalise::location(None, Some("97600"), None, None);
    assert_eq!(mamoudzou.region_code.as_deref(), Some("06"));
    let embedded = normalise::location(Some("75002 Paris"), None, None, None);
    assert_eq!((embedded.city.as_deref(), embedded.postal_code.as_deref()), (Some("Paris"), Some("75002")));
    let by_name = normalise::location(Some("Rennes"), None, Some("Bretagne"), Some("FR"));
    assert_eq!(by_name.region_code.as_deref(), Some("53"));
    let abroad = normalise::location(Some("Bruxelles"), None, None, Some("Belgique"));
    assert_eq!((abroad.region_code, abroad.country.as_deref()), (None, Some("BE")));
    let monaco = normalise::location(Some("Monaco"), Some("98000"), None, None);
    assert_eq!((monaco.postal_code, monaco.region_code), (None, None));
}

#[test]
fn region_names_old_and_new_map_to_insee_codes_and_back() {
    let cases = [
        ("Auvergne-Rhône-Alpes", "84"),
        ("auvergne rhone alpes", "84"),
        ("Région Île-de-France", "11"),
        ("PACA", "93"),
        ("Provence-Alpes-Côte d’Azur", "93"),
        ("Rhône-Alpes", "84"),
        ("Midi-Pyrénées", "76"),
        ("Nord-Pas-de-Calais", "32"),
        ("La Réunion", "04"),
        ("84", "84"),
        ("R53", "53"),
    ];
    for (text, code) in cases {
        assert_eq!(normalise::region_code(text).as_deref(), Some(code), "{text}");
    }
    assert_eq!(normalise::region_code("Atlantide"), None);
    assert_eq!(normalise::region_code("69"), None);
    assert_eq!(normalise::region_name("84"), Some("Auvergne-Rhône-Alpes"));
    assert_eq!(normalise::region_name("94"), Some("Corse"));
    assert_eq!(normalise::region_name("99"), None);
    for (code, name) in normalise::REGIONS {
        assert_eq!(normalise::region_code(name).as_deref(), Some(code), "{name}");
    }
}

#[test]
fn sectors_map_free_text_to_the_fixed_slugs() {
    let cases = [
        ("Banque / Assurance", Some("banque-assurance")),
        ("Activités financières et d'assurance", Some("banque-assurance")),
        ("Santé humaine et action sociale", Some("sante")),
        ("Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné", Some("energie")),
        ("Commerce ; réparation d'automobiles et de motocycles", Some("commerce-distribution")),
        ("Information et communication", Some("numerique")),
        ("Édition de logiciels", Some("numerique")),
        ("Transports et entreposage", Some("transport-logistique")),
        ("Administration publique", Some("public")),
        ("Enseignement", Some("recherche-enseignement")),
        ("Construction", Some("immobilier-btp")),
        ("Industrie manufacturière", Some("industrie")),
        ("Hébergement et restauration", Some("tourisme-loisirs")),
        ("Agriculture, sylviculture et pêche", Some("agriculture-agroalimentaire")),
        ("sante", Some("sante")),
        ("zzz", None),
    ];
    for (text, expected) in cases {
        assert_eq!(normalise::sector(text).as_deref(), expected, "{text}");
    }
    for (slug, label) in normalise::SECTORS {
        assert_eq!(normalise::sector(slug).as_deref(), Some(slug));
        assert_eq!(normalise::sector(label).as_deref(), Some(slug), "{label}");
        assert_eq!(records::sector_label(slug), Some(label));
    }
}

#[test]
fn remote_work_is_read_with_its_negations() {
    let cases = [
        ("télétravail partiel", Some(true)),
        ("TELECOMMUTE", Some(true)),
        ("100 % à distance", Some(true)),
        ("Hybride : 2 jours sur site", Some(true)),
        ("pas de télétravail", Some(false)),
        ("Télétravail : non", Some(false)),
        ("100 % sur site", Some(false)),
        ("Lyon", None),
    ];
    for (text, expected) in cases {
        assert_eq!(normalise::remote(text), expected, "{text}");
    }
}

#[test]
fn stable_ids_fold_their_parts_and_differ_by_kind() {
    let id = normalise::stable_id(Kind::Job, &["Data Scientist", "ACME"]);
    assert!(id.starts_with("job-") && id.len() == 4 + 16, "{id}");
    assert_eq!(id, normalise::stable_id(Kind::Job, &["data  scientist ", "acme"]));
    assert_ne!(id, normalise::stable_id(Kind::Funding, &["Data Scientist", "ACME"]));
    assert_ne!(id, normalise::stable_id(Kind::Job, &["Data", "Scientist ACME"]));
}

#[test]
fn text_decodes_entities_drops_tags_and_collapses_whitespace() {
    let cases = [
        ("<p>Caf&eacute; &amp; th&#233;</p><p>&#x263A;</p>", "Café & thé ☺"),
        ("a <b>gras</b>\n\n   et <br/>fin", "a gras et fin"),
        ("<script>var x = '<p>';</script>visible<style>p{}</style>", "visible"),
        ("a < b et c > d", "a < b et c > d"),
        ("&unknown; &#xZZ; &#0;", "&unknown; &#xZZ; \u{fffd}"),
        ("<!-- commentaire -->texte", "texte"),
        ("non&nbsp;sécable", "non sécable"),
        ("<div", ""),
    ];
    for (input, expected) in cases {
        assert_eq!(normalise::text(input), expected, "{input}");
    }
}

#[test]
fn finish_scrubs_personal_data_drops_people_and_recognises_competences() {
    let recogniser = extract::competences::Recogniser::new(&skills::embedded().unwrap());
    let posting = records::JobPosting {
        id: "job-1".into(),
        title: "  Data engineer  ".into(),
        description: "Spark et SQL. Contact : Mme Dupont, julie.bernard@exemple.fr, 06 12 34 56 78.".into(),
        date_posted: None,
        valid_through: None,
        employer: Some("Jean Martin".into()),
        location: records::Location::default(),
        remote: None,
        contract: None,
        salary: None,
        competences: vec!["DS.INF.05".into(), "DS.INF.05".into()],
        rome_code: Some(" m1405 ".into()),
        sector: None,
        source_url: "https://a.exemple/1".into(),
        duplicate_urls: vec!["https://b.exemple/1".into(), "https://a.exemple/1".into()],
    };
    let Record::Job(job) = normalise::finish(Record::Job(posting), &recogniser) else { panic!("kind changed") };
    assert_eq!(job.title, "Data engineer");
    assert!(extract::pii::find(&job.description).is_empty(), "{}", job.description);
    assert!(!job.description.contains("Dupont") && !job.description.contains("06 12"));
    assert_eq!(job.employer, None);
    assert_eq!(job.competences, ["DS.INF.05", "DS.INF.09"]);
    assert_eq!(job.rome_code.as_deref(), Some("M1405"));
    assert_eq!(job.duplicate_urls, ["https://b.exemple/1"]);
    // The contact sentence goes whole: no « Contact : [coordonnées retirées] » left behind.
    assert_eq!(job.description, "Spark et SQL.");
}

#[test]
fn finish_keeps_organisations_unless_clearly_a_person() {
    let recogniser = extract::competences::Recogniser::new(&skills::embedded().unwrap());
    let employer_after_finish = |employer: &str| {
        let posting = records::JobPosting {
            id: "job-1".into(),
            title: "Data analyst".into(),
            description: String::new(),
            date_posted: None,
            valid_through: None,
            employer: Some(employer.into()),
            location: records::Location::default(),
            remote: None,
            contract: None,
            salary: None,
            competences: Vec::new(),
            rome_code: None,
            sector: None,
            source_url: "https://a.exemple/1".into(),
            duplicate_urls: Vec::new(),
        };
        let Record::Job(job) = normalise::finish(Record::Job(posting), &recogniser) else { panic!("kind changed") };
        job.employer
    };
    for organisation in
        ["Océane Mobilités", "Claire Conseil", "Julie & Co", "Sirius Mobilité", "Camille Solutions", "Datavance"]
    {
        assert_eq!(employer_after_finish(organisation).as_deref(), Some(organisation));
    }
    for person in ["Jean Martin", "Julie BERNARD", "Mme Dupont", "M. Jean Martin"] {
        assert_eq!(employer_after_finish(person), None, "{person}");
    }
    let funding = records::Funding {
        id: "funding-1".into(),
        title: "Lauréat".into(),
        funder: Some("Océane Mobilités".into()),
        recipient: Some("Claire Conseil".into()),
        amount: None,
        date: None,
        programme: None,
        stage: None,
        sector: None,
        region_code: None,
        source_url: "https://a.exemple/2".into(),
    };
    let Record::Funding(funding) = normalise::finish(Record::Funding(funding), &recogniser) else { panic!() };
    assert_eq!(funding.funder.as_deref(), Some("Océane Mobilités"));
    assert_eq!(funding.recipient.as_deref(), Some("Claire Conseil"));
}

#[test]
fn finish_keeps_the_source_order_of_organisations_and_formats() {
    let recogniser = extract::competences::Recogniser::new(&skills::embedded().unwrap());
    let project = records::Project {
        id: "project-1".into(),
        title: "Projet".into(),
        description: String::new(),
        organisations: vec![
            "Université fictive de Lille".into(),
            " Aéronautique Vega ".into(),
            "Biolumen".into(),
            "Aéronautique Vega".into(),
            String::new(),
            "Jean Martin".into(),
        ],
        start_date: None,
        end_date: None,
        budget: None,
        funder: None,
        sector: None,
        region_code: None,
        source_url: "https://a.exemple/3".into(),
    };
    let Record::Project(project) = normalise::finish(Record::Project(project), &recogniser) else { panic!() };
    assert_eq!(project.organisations, ["Université fictive de Lille", "Aéronautique Vega", "Biolumen"]);
    let dataset = records::Dataset {
        id: "dataset-1".into(),
        title: "Jeu".into(),
        publisher: None,
        licence: None,
        formats: vec!["PDF".into(), "json".into(), "pdf".into(), "Parquet".into()],
        updated: None,
        source_url: "https://a.exemple/4".into(),
    };
    let Record::Dataset(dataset) = normalise::finish(Record::Dataset(dataset), &recogniser) else { panic!() };
    assert_eq!(dataset.formats, ["pdf", "json", "parquet"]);
}

#[test]
fn hostile_input_never_panics() {
    let long = "9".repeat(100_000);
    let scripts = "<script>x</script>".repeat(20_000);
    let nasty = [
        "",
        "\u{0}",
        "é",
        "€€€",
        "<",
        "&",
        "&#",
        "&#x;",
        "&#99999999999;",
        "1,",
        "1.",
        "1 ",
        "k€",
        "-5 €",
        "99/99/99",
        "2026-02-30T",
        "97",
        "2",
        "20",
        "((((",
        "💥 45 000 € 💥",
        long.as_str(),
        scripts.as_str(),
        "M. ",
        "+33",
        "0 8",
    ];
    let recogniser = extract::competences::Recogniser::new(&skills::embedded().unwrap());
    for text in nasty {
        let _ = normalise::date(text);
        let _ = normalise::contract(text);
        let _ = normalise::salary_text(text);
        let _ = normalise::salary_schema(&serde_json::Value::String(text.to_owned()));
        let _ = normalise::amount(text);
        let _ = normalise::location(Some(text), Some(text), Some(text), Some(text));
        let _ = normalise::region_code(text);
        let _ = normalise::region_name(text);
        let _ = normalise::sector(text);
        let _ = normalise::remote(text);
        let _ = normalise::stable_id(Kind::Job, &[text]);
        let plain = normalise::text(text);
        assert!(plain.len() <= text.len() + 3, "text grew: {}", plain.len());
        let scrubbed = extract::pii::scrub(text);
        assert!(extract::pii::find(&scrubbed).is_empty());
        let _ = recogniser.recognise(text);
    }
    assert_eq!(normalise::text(&scripts), "");
    assert_eq!(normalise::amount(&long), None);
}
