//! Personal-data removal: what goes, and what must stay.

use extract::pii;

#[test]
fn emails_phones_and_named_contacts_are_removed() {
    let cases = [
        "Écrire à prenom.nom@exemple.fr",
        "prenom.nom [at] exemple [dot] fr",
        "nom (at) exemple.fr",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "01 23 45 67 89",
        "09 87 65 43 21",
        "Contact : Mme Dupont",
        "M. Jean Martin vous répondra",
        "Madame Claire Durand",
        "contactez Julie Bernard au standard",
        "Interlocuteur : Paul Lefebvre",
        "Recruteur : Sophie MOREAU",
    ];
    for text in cases {
        let scrubbed = pii::scrub(text);
        assert!(scrubbed.contains(pii::MARKER), "{text} → {scrubbed}");
        assert!(pii::find(&scrubbed).is_empty(), "{text} → {scrubbed}");
        assert!(!pii::find(text).is_empty(), "{text}");
    }
    assert_eq!(pii::scrub("Contact : Mme Dupont"), format!("Contact : {}", pii::MARKER));
}

#[test]
fn a_phone_number_glued_to_words_is_still_found() {
    for text in ["Tél:0612345678Contact", "appelez le 06 12 34 56 78.", "0612345678 ou"] {
        assert_eq!(pii::find(text).len(), 1, "{text}: {:?}", pii::find(text));
    }
}

#[test]
fn ordinary_numbers_and_company_names_stay() {
    let cases = [
        "Salaire 45 000 - 55 000 € brut annuel",
        "Publiée le 14/03/2026, poste basé à Lyon 69003",
        "SIRET 123 456 789 00012, SIREN 123456789",
        "Capgemini Invent, Crédit Agricole et Banque Populaire recrutent",
        "Madame, Monsieur, nous recrutons",
        "Budget de 1,5 M. Euros",
        "Contact : Service RH",
        "Identifiant job-0797654507cb707f, empreinte 0612345678abcdef01",
    ];
    for text in cases {
        assert_eq!(pii::scrub(text), text);
        assert!(pii::find(text).is_empty(), "{text}: {:?}", pii::find(text));
    }
}

#[test]
fn person_names_are_told_from_organisations() {
    assert!(pii::looks_like_person("Jean Martin"));
    assert!(pii::looks_like_person("M. Martin"));
    assert!(pii::looks_like_person("Julie BERNARD"));
    assert!(pii::looks_like_person("Madame Claire Durand"));
    assert!(pii::looks_like_person("Jean-Pierre Lefèvre"));
    assert!(!pii::looks_like_person("Jean Martin Conseil"));
    assert!(!pii::looks_like_person("Capgemini"));
    assert!(!pii::looks_like_person("Banque Populaire"));
    // A first name followed by a word that is no surname is an organisation's name.
    for organisation in [
        "Océane Mobilités",
        "Claire Conseil",
        "Julie & Co",
        "Camille Solutions",
        "Sirius Mobilité",
        "Léa Informatique",
        "Hugo Boss Group",
        "Margaux 2000",
        "Thomas Frères",
    ] {
        assert!(!pii::looks_like_person(organisation), "{organisation}");
    }
}

#[test]
fn contact_sentences_go_whole_and_other_personal_data_is_marked() {
    // The demo web's four contact sentences (crates/demoweb/src/model.rs), after a description.
    let description = "Poste de data analyst à Lyon. Vous maîtrisez SQL.";
    let contact_sentences = [
        "Contact : Mme Sophie Martin – sophie.martin@datavance.test – 06 39 98 12 34.",
        "Pour postuler, écrivez à s.martin@datavance.test ou appelez Sophie Martin au +33 (0)1 99 00 12 34.",
        "Renseignements auprès de M. Thomas Dupont au 01.99.00.12.34.",
        "Envoyez votre candidature à thomas.dupont.rh@datavance.test.",
        "Contact : Mme Dupont, 06 39 98 12 34",
        "Recruteur : Julie BERNARD (+33639981234) !",
    ];
    for sentence in contact_sentences {
        let text = format!("{description} {sentence}");
        let scrubbed = pii::scrub(&text);
        assert_eq!(scrubbed.trim_end(), description, "{text}");
        // In the middle of a text too, on its own line.
        let text = format!("Poste de data analyst à Lyon.\n{sentence}\nVous maîtrisez SQL.");
        let scrubbed = pii::scrub(&text);
        assert_eq!(scrubbed, "Poste de data analyst à Lyon.\nVous maîtrisez SQL.", "{text}");
    }
    // Personal data in a sentence that is not a way to reach someone: replaced by the marker.
    let text = "Vous rejoindrez l'équipe de Julie BERNARD à Lyon. Salaire : 45 000 €.";
    let scrubbed = pii::scrub(text);
    assert_eq!(scrubbed, format!("Vous rejoindrez l'équipe de {} à Lyon. Salaire : 45 000 €.", pii::MARKER));
    // A text made of a contact sentence only keeps its label and the marker.
    assert_eq!(pii::scrub("Contact : Mme Dupont"), format!("Contact : {}", pii::MARKER));
    // A cue inside the removed data itself (`contact@…`) does not make a sentence a contact one.
    let text = "Nos données sont publiées sur opendata.test par jean.martin@exemple.fr chaque mois. Fin.";
    assert_eq!(
        pii::scrub(text),
        format!("Nos données sont publiées sur opendata.test par {} chaque mois. Fin.", pii::MARKER)
    );
    // Sentences without personal data are never removed, whatever their words.
    let text = "Contact : service recrutement. Pour postuler, utilisez le formulaire.";
    assert_eq!(pii::scrub(text), text);
    for text in contact_sentences.iter().map(|sentence| format!("{description} {sentence} Fin.")) {
        assert!(pii::find(&pii::scrub(&text)).is_empty(), "{text}");
    }
}

#[test]
fn many_contact_sentences_in_a_long_text_are_all_removed() {
    // About 750 KB: under the 1 MiB read.
    let text: String = (0..10_000)
        .map(|index| format!("Écrivez à recruteur{index}@exemple.fr. Vous codez en Python (M. {index})."))
        .collect::<Vec<_>>()
        .join(" ");
    let scrubbed = pii::scrub(&text);
    assert!(!scrubbed.contains('@'));
    assert_eq!(scrubbed.matches("Vous codez en Python").count(), 10_000);
    assert!(pii::find(&scrubbed).is_empty());
}
