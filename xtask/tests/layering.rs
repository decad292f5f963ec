//! Enforces the layering of ARCHITECTURE.md by reading `cargo metadata`: workspace edges point
//! only to lower layers, and each heavy outside library is a dependency of its owning crate only.

use std::collections::BTreeMap;
use std::process::Command;

/// Layer of every workspace crate; an edge is allowed only from a higher to a lower layer.
/// A new crate must be placed here, which makes its place a decision.
const LAYERS: &[(&str, u8)] = &[
    // Foundations: plain data models every domain crate may use.
    ("skills", 0),
    ("notebook", 0),
    ("records", 0),
    // The labs' library, loaded by evcxr in the sandbox: it depends on no workspace crate.
    ("labkit", 0),
    // Domain crates, each owning one outside system; they do not depend on each other.
    ("kernel", 1),
    ("store", 1),
    ("crawler", 1),
    ("extract", 1),
    ("search", 1),
    ("indicators", 1),
    ("registry", 1),
    ("book", 1),
    // The observatory demo web (generator and fixture server) uses only the data models.
    ("demoweb", 1),
    // Grading composes notebooks and kernels.
    ("grader", 2),
    // Glue: the web layer, then the binary.
    ("web", 3),
    ("socle", 4),
    // Development tasks: nothing may depend on them.
    ("xtask", 5),
];

/// Heavy outside libraries and the crate allowed to depend on each; polars also serves the labs'
/// own library, which learners load in their notebooks.
const OWNED: &[(&str, &str)] = &[
    ("polars", "indicators"),
    ("polars", "labkit"),
    ("tantivy", "search"),
    ("sqlx", "store"),
    ("rusqlite", "store"),
    ("zeromq", "kernel"),
    ("zmq", "kernel"),
    ("jupyter-zmq-client", "kernel"),
    ("reqwest", "crawler"),
    ("scraper", "extract"),
    ("axum", "web"),
    ("askama", "web"),
    ("mdbook", "book"),
    ("mdbook-driver", "book"),
    ("mdbook-preprocessor", "book"),
    ("tower-http", "web"),
    ("clap", "socle"),
];

fn metadata() -> serde_json::Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root)
        .output()
        .expect("cargo metadata");
    assert!(output.status.success(), "cargo metadata : {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON de cargo metadata")
}

/// Every rule broken by the packages of a `cargo metadata` document.
fn violations(metadata: &serde_json::Value) -> Vec<String> {
    let layers: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let packages = metadata["packages"].as_array().expect("packages");
    let members: Vec<&str> = packages.iter().filter_map(|package| package["name"].as_str()).collect();
    let mut violations = Vec::new();
    for package in packages {
        let name = package["name"].as_str().expect("name");
        let Some(&layer) = layers.get(name) else {
            violations.push(format!("la crate {name} n'a pas de couche : placez-la dans LAYERS (xtask/tests/layering.rs) et dans ARCHITECTURE.md"));
            continue;
        };
        for dependency in package["dependencies"].as_array().expect("dependencies") {
            let dep = dependency["name"].as_str().expect("nom de dépendance");
            let is_dev = dependency["kind"].as_str() == Some("dev");
            if dep == "labkit" {
                violations.push(format!("{name} dépend de labkit, qui ne sert qu'aux carnets des laboratoires"));
            } else if members.contains(&dep) {
                let dep_layer = layers.get(dep).copied().unwrap_or(u8::MAX);
                // Dev-dependencies may reach sideways (tests use real neighbours), never up.
                let allowed = if is_dev { dep_layer <= layer } else { dep_layer < layer };
                if !allowed {
                    violations.push(format!(
                        "{name} (couche {layer}) dépend de {dep} (couche {dep_layer}) : arête interdite"
                    ));
                }
            } else if !is_dev && OWNED.iter().any(|(library, _)| *library == dep) && !OWNED.contains(&(dep, name)) {
                let owners: Vec<&str> =
                    OWNED.iter().filter(|(library, _)| *library == dep).map(|(_, owner)| *owner).collect();
                violations.push(format!("{name} dépend de {dep}, réservé à {}", owners.join(" et ")));
            }
        }
    }
    violations
}

#[test]
fn workspace_edges_point_down_and_heavy_libraries_stay_home() {
    let violations = violations(&metadata());
    assert!(violations.is_empty(), "règles de couches enfreintes :\n{}", violations.join("\n"));
}

#[test]
fn forbidden_edges_are_caught() {
    let package = |name: &str, deps: &[(&str, &str)]| {
        serde_json::json!({
            "name": name,
            "dependencies": deps.iter().map(|(dep, kind)| serde_json::json!({ "name": dep, "kind": if kind.is_empty() { serde_json::Value::Null } else { serde_json::json!(kind) } })).collect::<Vec<_>>(),
        })
    };
    let metadata = serde_json::json!({ "packages": [
        package("skills", &[("web", "")]),
        package("web", &[("skills", ""), ("polars", "")]),
        package("extract", &[("search", "")]),
        package("search", &[("tantivy", "")]),
        package("grader", &[("kernel", "dev")]),
        package("kernel", &[]),
        package("grader", &[("labkit", "")]),
        package("inconnue", &[]),
    ]});
    let found = violations(&metadata);
    let expected = [
        "skills (couche 0) dépend de web (couche 3)",
        "web dépend de polars, réservé à indicators et labkit",
        "extract (couche 1) dépend de search (couche 1)",
        "la crate inconnue n'a pas de couche",
        "grader dépend de labkit",
    ];
    for needle in expected {
        assert!(found.iter().any(|violation| violation.contains(needle)), "« {needle} » non détecté : {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "violations en trop : {found:#?}");
}
