//! Kernelspec discovery: the search path, reading kernel.json, and what is refused.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kernel::KernelError;

fn search_path(vars: &[(&str, &str)]) -> Vec<PathBuf> {
    let vars: HashMap<&str, &str> = vars.iter().copied().collect();
    kernel::search_path_from(|key| vars.get(key).map(OsString::from))
}

#[test]
fn the_search_path_goes_from_socle_to_the_system() {
    let dirs = search_path(&[
        ("HOME", "/home/prof"),
        ("SOCLE_JUPYTER_DIR", "/opt/socle/jupyter"),
        ("JUPYTER_PATH", "/a:/b"),
        ("VIRTUAL_ENV", "/venv"),
    ]);
    let expect: Vec<PathBuf> = [
        "/opt/socle/jupyter",
        "/a",
        "/b",
        "/home/prof/.cache/socle/jupyter",
        "/venv/share/jupyter",
        "/home/prof/.cache/socle/venv/share/jupyter",
        "/home/prof/.local/share/jupyter",
        "/usr/local/share/jupyter",
        "/usr/share/jupyter",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(dirs, expect);

    let dirs =
        search_path(&[("SOCLE_CACHE_DIR", "/c"), ("SOCLE_VENV", "/v"), ("XDG_DATA_HOME", "/d"), ("JUPYTER_PATH", "")]);
    assert_eq!(
        dirs[..3],
        [PathBuf::from("/c/jupyter"), PathBuf::from("/v/share/jupyter"), PathBuf::from("/d/jupyter")]
    );
    assert!(
        search_path(&[]).ends_with(&[PathBuf::from("/usr/local/share/jupyter"), PathBuf::from("/usr/share/jupyter")])
    );
}

/// Parses `text` as the kernel.json of `demo`; `expect` is the spec's language or the error's start.
fn check(text: &str, expect: Result<&str, &str>) {
    match (kernel::parse_kernelspec("demo", Path::new("/k/demo"), text), expect) {
        (Ok(spec), Ok(language)) => assert_eq!(spec.language, language, "{text}"),
        (Err(reason), Err(start)) => assert!(reason.starts_with(start), "{text} → {reason}"),
        (got, _) => panic!("{text} → {got:?}, attendu {expect:?}"),
    }
}

#[test]
fn kernel_json_files_are_read_or_refused_with_a_reason() {
    check(r#"{"argv": ["python", "-f", "{connection_file}"], "language": "python"}"#, Ok("python"));
    check(
        r#"{"argv": ["evcxr_jupyter", "--control_file", "{connection_file}"], "language": "rust", "env": {"A": "1"}}"#,
        Ok("rust"),
    );
    check("not json", Err("JSON illisible"));
    check("[]", Err("un objet JSON est attendu"));
    check(r#"{"language": "python"}"#, Err("champ « argv » manquant"));
    check(r#"{"argv": [], "language": "python"}"#, Err("« argv » est vide"));
    check(r#"{"argv": ["python", 3], "language": "python"}"#, Err("« argv » doit être une liste de chaînes"));
    check(r#"{"argv": ["python"], "language": "python"}"#, Err("« argv » doit contenir {connection_file}"));
    check(r#"{"argv": ["python", "{connection_file}"]}"#, Err("champ « language » manquant"));
    check(r#"{"argv": ["python", "{connection_file}"], "language": 3}"#, Err("« language » doit être une chaîne"));
    check(
        r#"{"argv": ["python", "{connection_file}"], "language": "python", "env": {"A": 1}}"#,
        Err("« env.A » doit être une chaîne"),
    );

    let spec = kernel::parse_kernelspec(
        "demo",
        Path::new("/k/demo"),
        r#"{"argv": ["p", "{connection_file}"], "language": "x", "env": {"A": "1"}}"#,
    )
    .expect("kernel.json valide");
    assert_eq!(spec.display_name, "demo");
    assert_eq!(spec.env.get("A").map(String::as_str), Some("1"));
}

#[test]
fn kernels_are_found_by_name_in_the_first_folder_that_has_them() {
    let root = common::TempDir::new("specs");
    let write = |dir: &str, name: &str, text: &str| {
        let folder = root.path.join(dir).join("kernels").join(name);
        std::fs::create_dir_all(&folder).expect("dossier du noyau");
        std::fs::write(folder.join("kernel.json"), text).expect("kernel.json");
    };
    write("first", "Python3", r#"{"argv": ["/p1", "{connection_file}"], "language": "python"}"#);
    write("second", "python3", r#"{"argv": ["/p2", "{connection_file}"], "language": "python"}"#);
    write("second", "broken", "{");
    let dirs = vec![root.path.join("missing"), root.path.join("first"), root.path.join("second")];
    let spec = kernel::find_kernelspec("python3", &dirs).expect("noyau trouvé");
    assert_eq!(spec.argv[0], "/p1");
    assert_eq!(spec.name, "Python3");
    match kernel::find_kernelspec("julia", &dirs) {
        Err(KernelError::KernelSpecNotFound { name, searched }) => {
            assert_eq!(name, "julia");
            assert_eq!(searched, dirs);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(kernel::find_kernelspec("broken", &dirs), Err(KernelError::InvalidKernelSpec { .. })));
    let (specs, problems) = kernel::list_kernelspecs(&dirs);
    assert_eq!(specs.iter().map(|spec| spec.argv[0].as_str()).collect::<Vec<_>>(), ["/p1"]);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].to_string().contains("broken"), "{}", problems[0]);
}

#[test]
fn the_installed_kernels_are_found() {
    assert_eq!(common::spec("python3").language, "python");
    assert_eq!(common::spec("rust").language, "rust");
}
