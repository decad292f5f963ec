//! Personal-data removal: e-mail addresses (also written `prenom.nom [at] exemple.fr`), French
//! phone numbers in their written forms, and named contacts (`Contact : Mme Dupont`, `M. Jean
//! Martin`, `contactez Julie Bernard au …`, `Recruteur : …`).
//!
//! A sentence whose only purpose is to reach a person (« Contact : Mme Dupont, 06 … », « Pour
//! postuler, écrivez à … », « Renseignements auprès de … ») is removed whole when it carries
//! personal data: once the data is gone it says nothing (data minimisation). Personal data found
//! in any other sentence is replaced by [`MARKER`], so that a reader sees that something was
//! removed; so is a text made of contact sentences only (a title, a name), which would otherwise
//! vanish.
//!
//! What is kept on purpose: ordinary numbers (salaries, dates, postal codes), company names and
//! company identifiers (SIREN, SIRET: they name an organisation, not a person). Ten-digit
//! numbers starting with `0` and a non-zero digit are read as phone numbers wherever they
//! appear, even as an offer reference: losing a reference is better than keeping a phone number.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The marker that replaces removed personal data.
pub const MARKER: &str = "[coordonnées retirées]";

/// Longest text read; the rest is dropped rather than kept unchecked.
const MAX_TEXT: usize = 1 << 20;

/// Frequent French first names (folded), from `data/prenoms.txt`.
static FIRST_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/prenoms.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Courtesy titles that introduce a person's name.
const CIVILITY: &str = r"(?:M\.|MM\.|Mr\.?|Mrs\.?|Ms\.?|Mme\.?|Mmes\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Dr\.?|Docteur|Pr\.?|Professeur)";

/// One word of a person's name: capitalised (`Dupont`, `Jean-Pierre`, `O'Neil`) or in capitals
/// (`DUPONT`), optionally after a particle (`de La Fontaine`, `d'Alembert`).
const NAME_WORD: &str = r"(?:(?:de |du |des |d'|d’|le |la |van |von )?[A-ZÀ-ÖØ-Þ](?:[a-zà-öø-ÿ]+|[A-ZÀ-ÖØ-Þ]+)(?:[-'’][A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ]+)?)";

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+\-]+\s?@\s?[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}").expect("valid e-mail pattern")
});

/// `prenom.nom [at] exemple [dot] fr`, `nom (at) exemple.fr`, `nom arobase exemple point fr`.
static OBFUSCATED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let at = r"(?:\s*[\[\(\{<]\s*(?:at|@|arobase|chez)\s*[\]\)\}>]\s*|\s+(?:at|arobase|chez)\s+)";
    let dot = r"(?:\s*[\[\(\{<]\s*(?:dot|point|\.)\s*[\]\)\}>]\s*|\s+(?:dot|point)\s+|\.)";
    Regex::new(&format!(r"(?i)\b[a-z0-9._%+\-]+{at}[a-z0-9\-]+(?:{dot}[a-z0-9\-]+)*?{dot}[a-z]{{2,6}}\b"))
        .expect("valid obfuscated e-mail pattern")
});

/// French phone numbers: `06 12 34 56 78` (spaces, dots, dashes or nothing between pairs),
/// `+33 6 12 34 56 78`, `+33 (0)6 …`, `0033 6 …`, and `0 800 123 456` service numbers.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    let separator = r"[\s.\-/]{0,2}";
    Regex::new(&format!(
        r"(?:\+|00)\s?33\s?(?:\(\s?0\s?\)\s?)?[1-9](?:{separator}\d{{2}}){{4}}|\(?0\)?[1-9](?:{separator}\d{{2}}){{4}}|0\s?[89]\d{{2}}(?:[\s.]?\d{{3}}){{2}}"
    ))
    .expect("valid phone pattern")
});

static CIVILITY_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b{CIVILITY}\s+{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}")).expect("valid civility pattern")
});

/// A label or a verb introducing a contact, then a name (the name alone is captured).
static INTRODUCED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    let label = r"(?i:contacts?|interlocut(?:eur|rice)|recrut(?:eur|euse)|personne à contacter|personne a contacter|charg(?:é|e)e? (?:de|du) recrutement|responsable (?:du |des )?recrutements?|référent(?:e)?|referent(?:e)?|à l'attention de|a l'attention de|contactez|contacter|écrivez à|ecrivez a|adressez (?:votre candidature|votre cv|vos candidatures) à|envoyez (?:votre candidature|votre cv) à|auprès de|aupres de|joindre|manager|tuteur|tutrice)";
    Regex::new(&format!(r"{label}\s*(?:RH\s*)?:?\s*(?P<name>(?:{CIVILITY}\s+)?{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})"))
        .expect("valid contact pattern")
});

/// A known first name followed by a surname in capitals (`Julie BERNARD`), anywhere.
static FIRST_NAME_SURNAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?\s+[A-ZÀ-ÖØ-Þ]{2,}(?:-[A-ZÀ-ÖØ-Þ]{2,})?\b")
        .expect("valid name pattern")
});

static CIVILITY_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^{CIVILITY}(?:\s|$)")).expect("valid civility pattern"));

/// Whether a folded word is a frequent first name (`jean-pierre` counts through `jean`).
fn is_first_name(word: &str) -> bool {
    let folded = skills::fold(word);
    FIRST_NAMES.contains(folded.as_str()) || folded.split('-').next().is_some_and(|head| FIRST_NAMES.contains(head))
}

/// Words that show a name is an organisation's.
const ORGANISATION_WORDS: &[&str] = &[
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "sci",
    "scop",
    "gie",
    "inc",
    "ltd",
    "llc",
    "gmbh",
    "group",
    "groupe",
    "conseil",
    "consulting",
    "technologies",
    "technology",
    "solutions",
    "services",
    "labs",
    "lab",
    "bank",
    "banque",
    "assurances",
    "france",
    "industries",
    "systemes",
    "systems",
    "digital",
    "data",
    "analytics",
    "agence",
    "association",
    "fondation",
    "institut",
    "universite",
    "ecole",
    "hopital",
    "centre",
    "laboratoire",
    "societe",
    "cabinet",
    "mutuelle",
    "partners",
    "capital",
    "software",
    "ventures",
    "studio",
    "et",
    "&",
    "service",
    "rh",
    "direction",
    "equipe",
    "pole",
    "departement",
    "ressources",
    "humaines",
    "recrutement",
    "co",
    "cie",
    "compagnie",
    "holding",
    "international",
    "europe",
    "associes",
    "freres",
    "fils",
    "avocats",
    "consultants",
    "partenaires",
    "atelier",
    "ateliers",
    "editions",
    "maison",
    "clinique",
    "pharmacie",
    "transports",
    "transport",
    "logistique",
    "energie",
    "energies",
    "sante",
    "industrie",
    "commerce",
    "numerique",
    "informatique",
    "reseau",
    "reseaux",
    "assurance",
    "finance",
    "immobilier",
    "media",
    "medias",
    "telecom",
    "tech",
    "bio",
    "grid",
    "region",
    "ville",
    "metropole",
];

/// Endings (folded) of French common nouns that no surname has in practice: a name ending so
/// (`Mobilités`, `Solutions`, `Analytique`, `Boulangerie`) is an organisation's.
const COMMON_NOUN_ENDINGS: &[&str] =
    &["ite", "ites", "tion", "tions", "ique", "iques", "isme", "ismes", "erie", "eries", "ements", "ances", "ences"];

/// Whether a short name (an employer, a recipient, a publisher) is clearly a person's rather
/// than an organisation's: a courtesy title (`M. Martin`), or the whole name is « Prénom Nom »
/// — two or three capitalised words, the first a frequent first name, made of letters only —
/// with none of the words organisations use (`SAS`, `Conseil`, `Groupe`, `Co`…) and no word
/// ending like a common noun (`Mobilités`, `Solutions`). When in doubt the answer is `false`:
/// dropping an organisation loses a fact, and the structured extractors never read persons
/// anyway (JSON-LD `Person`, France Travail contacts). `Océane Mobilités`, `Claire Conseil` and
/// `Julie & Co` are organisations.
pub fn looks_like_person(name: &str) -> bool {
    let name = name.trim();
    if CIVILITY_ONLY.is_match(name) {
        return true;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if !(2..=3).contains(&words.len()) {
        return false;
    }
    let name_like = |word: &&str| {
        word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().all(|ch| ch.is_alphabetic() || matches!(ch, '-' | '\'' | '’'))
    };
    if !words.iter().all(name_like) {
        return false;
    }
    let folded_words: Vec<String> = words.iter().map(|word| skills::fold(word)).collect();
    if folded_words.iter().any(|word| ORGANISATION_WORDS.contains(&word.as_str())) {
        return false;
    }
    if folded_words[1..].iter().any(|word| COMMON_NOUN_ENDINGS.iter().any(|ending| word.ends_with(ending))) {
        return false;
    }
    is_first_name(words[0])
}

fn digits_around_ok(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !before.is_some_and(|ch| ch.is_alphanumeric() || ch == '+')
        && !after.is_some_and(|ch| ch.is_ascii_digit())
        && !inside_hex_identifier(text, range)
}

/// Whether the digits are the start of a longer hexadecimal token (`0797654507cb707f`, a record
/// id or a hash), which is no phone number; letters outside `a-f` after a number
/// (`0612345678Contact`, text glued by a careless page) do not protect it.
fn inside_hex_identifier(text: &str, range: &Range<usize>) -> bool {
    let tail = &text[range.end..];
    let glued = tail.len() - tail.trim_start_matches(|ch: char| ch.is_ascii_alphanumeric()).len();
    glued > 0
        && text[range.clone()].chars().all(|ch| ch.is_ascii_digit())
        && tail[..glued].chars().all(|ch| ch.is_ascii_hexdigit())
}

/// Whether a name introduced by a label is a person's: a courtesy title, a frequent first name,
/// or a word in capitals after a capitalised one (`Dupont`, alone, is too ambiguous to remove).
fn introduced_is_person(name: &str) -> bool {
    if CIVILITY_ONLY.is_match(name) {
        return true;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some(first) = words.first() else { return false };
    if is_first_name(first) {
        return true;
    }
    words.len() >= 2
        && words[1..].iter().any(|word| word.len() >= 2 && word.chars().all(|ch| ch.is_uppercase() || ch == '-'))
        && !words.iter().any(|word| ORGANISATION_WORDS.contains(&skills::fold(word).as_str()))
}

/// The byte ranges of personal data in `text`, sorted and merged.
fn spans(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    found.extend(EMAIL.find_iter(text).map(|found| found.range()));
    found.extend(OBFUSCATED_EMAIL.find_iter(text).map(|found| found.range()));
    found.extend(PHONE.find_iter(text).map(|found| found.range()).filter(|range| digits_around_ok(text, range)));
    // `1,5 M. Euros` is an amount, not a person.
    found.extend(
        CIVILITY_NAME
            .find_iter(text)
            .filter(|found| !text[..found.start()].trim_end().chars().next_back().is_some_and(|ch| ch.is_ascii_digit()))
            .map(|found| found.range()),
    );
    for captures in INTRODUCED_NAME.captures_iter(text) {
        if let Some(name) = captures.name("name")
            && introduced_is_person(name.as_str())
        {
            found.push(name.range());
        }
    }
    for found_name in FIRST_NAME_SURNAME.find_iter(text) {
        let first = found_name.as_str().split_whitespace().next().unwrap_or_default();
        if is_first_name(first) {
            found.push(found_name.range());
        }
    }
    found.sort_by_key(|range| (range.start, std::cmp::Reverse(range.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

fn bounded(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Words (folded) that make a sentence a way to reach someone: a contact label, a call to apply
/// or to write, phone, ask or send.
static CONTACT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:contact\w*|postul\w*|candidat\w*|cv|ecri(?:vez|re|ts?)|appel(?:ez|er)|telephon\w*|tel|renseignements?|joindre|joignable|aupres de|envoy\w*|adress\w*|interlocut\w*|recrut(?:eur|euse|eurs|euses)|courriel|e-?mails?|mails?|coordonnees|questions?|informations?|rh)\b",
    )
    .expect("valid contact cue pattern")
});

/// Abbreviations after which a full stop ends no sentence (courtesy titles, street types…);
/// initials (`J. Martin`) are recognised apart.
const ABBREVIATIONS: &[&str] = &[
    "MM", "Mme", "Mmes", "Mlle", "Mr", "Mrs", "Ms", "Dr", "Pr", "St", "Ste", "cf", "ex", "env", "Tél", "tél", "Tel",
    "tel", "av", "bd", "No", "no", "Réf", "réf", "Ref", "ref",
];

/// Whether a full stop after `before` follows an abbreviation or an initial.
fn ends_with_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|ch: char| !ch.is_alphabetic()).next().unwrap_or_default();
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    initial || ABBREVIATIONS.contains(&word)
}

/// The sentences of a text as byte ranges covering it, each with the whitespace after it: a
/// sentence ends at a line break, or at `.`, `!`, `?` or `…` followed by whitespace or the end
/// (not after `M.`, `Dr.`, an initial…).
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        let next = chars.peek().map(|(_, next)| *next);
        let stop = matches!(ch, '.' | '!' | '?' | '…')
            && next.is_none_or(char::is_whitespace)
            && !(ch == '.' && ends_with_abbreviation(&text[start..index]));
        if ch != '\n' && !stop {
            continue;
        }
        let mut end = index + ch.len_utf8();
        while let Some(&(next_index, next_ch)) = chars.peek()
            && next_ch.is_whitespace()
        {
            end = next_index + next_ch.len_utf8();
            chars.next();
        }
        ranges.push(start..end);
        start = end;
    }
    if start < text.len() {
        ranges.push(start..text.len());
    }
    ranges
}

/// The spans (sorted, disjoint) that overlap a range, found by binary search so that a text
/// with many sentences and many spans stays linear.
fn overlapping<'a>(found: &'a [Range<usize>], range: &Range<usize>) -> &'a [Range<usize>] {
    let first = found.partition_point(|span| span.end <= range.start);
    let count = found[first..].iter().take_while(|span| span.start < range.end).count();
    &found[first..first + count]
}

/// Whether a sentence holding personal data is only there to reach a person: with the data
/// blanked out, a contact cue remains (`contact`, `postuler`, `écrivez`, `appelez`,
/// `renseignements`, `auprès de`…).
fn is_contact_sentence(text: &str, sentence: &Range<usize>, inside: &[Range<usize>]) -> bool {
    let mut rest = String::with_capacity(sentence.len());
    let mut last = sentence.start;
    for range in inside {
        rest.push_str(&text[last..range.start.max(last)]);
        rest.push(' ');
        last = range.end.min(sentence.end).max(last);
    }
    rest.push_str(&text[last..sentence.end]);
    CONTACT_CUE.is_match(&skills::fold(&rest))
}

/// Removes personal data from a text. A sentence that carries personal data and only serves to
/// reach someone (see the module documentation) is removed whole; every other e-mail address,
/// phone number and named contact is replaced by [`MARKER`]. When every sentence of the text
/// would be removed (a title, a short field), the data is replaced by the marker instead.
/// Texts longer than 1 MiB are cut there.
pub fn scrub(text: &str) -> String {
    let text = bounded(text);
    let found = spans(text);
    if found.is_empty() {
        return text.to_owned();
    }
    let all = sentences(text);
    let mut dropped: Vec<Range<usize>> = all
        .iter()
        .filter(|sentence| {
            let inside = overlapping(&found, sentence);
            !inside.is_empty() && is_contact_sentence(text, sentence, inside)
        })
        .cloned()
        .collect();
    if dropped.len() == all.len() {
        dropped.clear();
    }
    // One list of removals: dropped sentences (replaced by nothing) and the other spans
    // (replaced by the marker); a span reaching into a dropped sentence is dropped with it.
    let mut removals: Vec<(Range<usize>, bool)> = dropped.into_iter().map(|range| (range, false)).collect();
    removals.extend(found.into_iter().map(|range| (range, true)));
    removals.sort_by_key(|(range, marked)| (range.start, *marked));
    let mut merged: Vec<(Range<usize>, bool)> = Vec::new();
    for (range, marked) in removals {
        match merged.last_mut() {
            Some((last, last_marked)) if range.start < last.end => {
                last.end = last.end.max(range.end);
                *last_marked &= marked;
            }
            _ => merged.push((range, marked)),
        }
    }
    let mut scrubbed = String::with_capacity(text.len());
    let mut last = 0;
    for (range, marked) in merged {
        scrubbed.push_str(&text[last..range.start]);
        if marked {
            scrubbed.push_str(MARKER);
        }
        last = range.end;
    }
    scrubbed.push_str(&text[last..]);
    scrubbed
}

/// The pieces of personal data [`scrub`] would remove, in order.
pub fn find(text: &str) -> Vec<String> {
    let text = bounded(text);
    spans(text).into_iter().map(|range| text[range].to_owned()).collect()
}
