//! Rebuilds the crate when a migration is added to `migrations/` (sqlx's `migrate!` embeds the
//! files it saw at compile time; Cargo must know to look again).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
