//! Generates the demo web and prints its summary; with a folder argument, also writes every
//! page of the normal web there and the ground truth as `verite.json`.
//!
//! `cargo run --release -p demoweb --example generer -- [GRAINE] [DOSSIER]`

use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let seed = match args.next() {
        Some(text) => match text.parse() {
            Ok(seed) => seed,
            Err(_) => {
                eprintln!(
                    "graine « {text} » invalide : attendu un entier positif (par défaut {})",
                    demoweb::DEFAULT_SEED
                );
                std::process::exit(2);
            }
        },
        None => demoweb::DEFAULT_SEED,
    };
    let started = Instant::now();
    let web = demoweb::generate(seed);
    let generated = started.elapsed();
    let truth = web.truth();
    println!("graine {seed} : générée en {:.0?}", generated);
    println!("offres distinctes : {}", truth.jobs.len());
    println!("pages d'offres : {}", truth.job_pages.len());
    println!("groupes de doublons : {}", truth.duplicate_groups.len());
    println!("financements : {}", truth.fundings.len());
    println!("projets : {}", truth.projects.len());
    println!("jeux de données : {}", truth.datasets.len());
    println!("données personnelles plantées : {}", truth.personal_data.len());
    println!("empreinte de la vérité : {:016x}", truth.hash());
    let started = Instant::now();
    let (mut pages, mut bytes) = (0usize, 0usize);
    let out = args.next().map(std::path::PathBuf::from);
    for page in web.pages() {
        pages += 1;
        bytes += page.body.len();
        if let Some(dir) = &out {
            let relative = page.url.trim_start_matches("http://").replace(['?', '#'], "_");
            let path = dir.join(if relative.ends_with('/') { format!("{relative}index") } else { relative });
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &page.body)?;
        }
    }
    println!("pages du web normal : {pages} ({} Mio), rendues en {:.0?}", bytes / (1024 * 1024), started.elapsed());
    if let Some(dir) = &out {
        std::fs::write(dir.join("verite.json"), serde_json::to_vec_pretty(truth).unwrap_or_default())?;
    }
    Ok(())
}
