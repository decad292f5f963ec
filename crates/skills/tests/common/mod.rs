//! Helpers shared by the skills tests: temporary copies of the shipped référentiel.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The shipped référentiel folder.
pub fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/referentiel")
}

/// A temporary copy of the shipped référentiel, removed on drop.
pub struct Copy {
    pub dir: PathBuf,
}

impl Copy {
    pub fn new(tag: &str) -> Copy {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "socle-skills-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("création du dossier temporaire");
        for entry in std::fs::read_dir(shipped_dir()).expect("lecture du référentiel livré") {
            let entry = entry.expect("entrée de dossier");
            std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copie d'un fichier");
        }
        Copy { dir }
    }

    /// Replaces the first occurrence of `from` in `file`; returns the 1-based line where `to` now starts.
    pub fn replace(&self, file: &str, from: &str, to: &str) -> usize {
        let path = self.dir.join(file);
        let text = std::fs::read_to_string(&path).expect("lecture");
        let idx = text.find(from).unwrap_or_else(|| panic!("« {from} » absent de {file}"));
        let edited = format!("{}{}{}", &text[..idx], to, &text[idx + from.len()..]);
        std::fs::write(&path, edited).expect("écriture");
        text[..idx].matches('\n').count() + 1
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
