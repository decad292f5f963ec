//! The real course book: it builds with no problem and no broken internal link, has at least 25
//! substantial chapters, and every chapter shows its objectives and competence box.

use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_course_book_builds_cleanly() {
    let referentiel = skills::embedded().unwrap_or_else(|err| panic!("{err}"));
    let out = std::env::temp_dir().join(format!("socle-livre-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let options = book::BuildOptions {
        book_dir: workspace().join("book"),
        out_dir: out.clone(),
        labs_dir: workspace().join("labs"),
    };
    let report = book::build(&referentiel, &options).unwrap_or_else(|err| panic!("{err}"));
    assert!(report.problems.is_empty(), "problèmes dans les sources :\n{}", report.problems.join("\n"));
    let broken = book::broken_links(&out, &referentiel, &workspace().join("labs"));
    assert!(broken.is_empty(), "liens cassés :\n{}", broken.join("\n"));

    let substantial = report.chapters.iter().filter(|chapter| chapter.words >= 1500).count();
    assert!(substantial >= 25, "{substantial} chapitres d'au moins 1 500 mots");
    for chapter in &report.chapters {
        let name = chapter.path.display().to_string();
        let html_path = out.join(chapter.path.with_extension("html"));
        let html = std::fs::read_to_string(&html_path).unwrap_or_else(|_| panic!("{} absent", html_path.display()));
        assert!(html.contains("<html lang=\"fr\""), "{name} : langue");
        if name == "avant-propos.md" {
            continue;
        }
        assert!(
            !chapter.front.objectifs.is_empty() && html.contains("Objectifs d'apprentissage"),
            "{name} : objectifs"
        );
        assert!(!chapter.front.competences.is_empty() && html.contains("Compétences visées"), "{name} : compétences");
        for taught in &chapter.front.competences {
            assert!(html.contains(&format!("href=\"/referentiel/{}\"", taught.id)), "{name} : lien vers {}", taught.id);
        }
        if let Some(lab) = &chapter.front.labo {
            assert!(html.contains("socle-labo") && html.contains(lab.as_str()), "{name} : laboratoire {lab}");
        }
        assert!(!html.contains("+++"), "{name} : l'en-tête n'a pas été retiré");
    }
    // Formulas reach the page as LaTeX for KaTeX, not mangled into emphasis.
    let regression = std::fs::read_to_string(out.join("partie-1/regression.html")).expect("chapitre régression");
    assert!(regression.contains("$$") && regression.contains("katex"), "formules absentes de la page");
    let _ = std::fs::remove_dir_all(&out);
}
