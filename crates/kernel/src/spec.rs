//! Kernelspec discovery: where Jupyter kernels are installed and what their `kernel.json` says.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::KernelError;

/// The placeholder Jupyter replaces with the connection file's path in `argv`.
pub const CONNECTION_FILE_PLACEHOLDER: &str = "{connection_file}";

/// An installed kernel, as described by its `kernels/<name>/kernel.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelSpec {
    /// The kernel's name: its folder's name (`python3`, `rust`).
    pub name: String,
    /// The folder holding `kernel.json`.
    pub dir: PathBuf,
    /// The command line; one item is [`CONNECTION_FILE_PLACEHOLDER`].
    pub argv: Vec<String>,
    /// Name shown to people (`Python 3 (ipykernel)`).
    pub display_name: String,
    /// The language the kernel runs (`python`, `rust`).
    pub language: String,
    /// Variables the kernel wants in its environment.
    pub env: BTreeMap<String, String>,
}

/// The Jupyter data folders searched for kernels, most specific first, read from the environment.
///
/// In order: every folder of `SOCLE_JUPYTER_DIR` and of `JUPYTER_PATH` (both `:`-separated), socle's
/// own cache (`$SOCLE_CACHE_DIR/jupyter`, by default `~/.cache/socle/jupyter`), the active virtual
/// environment's `share/jupyter` (`VIRTUAL_ENV`, then `SOCLE_VENV`, by default
/// `~/.cache/socle/venv`), the user's folder (`JUPYTER_DATA_DIR`, or `$XDG_DATA_HOME/jupyter`, or
/// `~/.local/share/jupyter`), then `/usr/local/share/jupyter` and `/usr/share/jupyter`. Folders that
/// do not exist are kept: the list says where a kernel *could* be.
pub fn search_path() -> Vec<PathBuf> {
    search_path_from(|key| std::env::var_os(key))
}

/// [`search_path`] with the environment given as a function, so that it can be tested.
pub fn search_path_from(env: impl Fn(&str) -> Option<OsString>) -> Vec<PathBuf> {
    let non_empty = |key: &str| env(key).filter(|value| !value.is_empty()).map(PathBuf::from);
    let home = non_empty("HOME");
    let mut dirs = Vec::new();
    for key in ["SOCLE_JUPYTER_DIR", "JUPYTER_PATH"] {
        if let Some(value) = env(key) {
            dirs.extend(std::env::split_paths(&value).filter(|path| !path.as_os_str().is_empty()));
        }
    }
    let cache = non_empty("SOCLE_CACHE_DIR").or_else(|| {
        non_empty("XDG_CACHE_HOME").or_else(|| home.as_ref().map(|home| home.join(".cache"))).map(|c| c.join("socle"))
    });
    if let Some(cache) = &cache {
        dirs.push(cache.join("jupyter"));
    }
    let venvs = [non_empty("VIRTUAL_ENV"), non_empty("SOCLE_VENV").or_else(|| cache.as_ref().map(|c| c.join("venv")))];
    dirs.extend(venvs.into_iter().flatten().map(|venv| venv.join("share").join("jupyter")));
    let user = non_empty("JUPYTER_DATA_DIR").or_else(|| {
        non_empty("XDG_DATA_HOME")
            .or_else(|| home.as_ref().map(|home| home.join(".local").join("share")))
            .map(|data| data.join("jupyter"))
    });
    dirs.extend(user);
    dirs.push(PathBuf::from("/usr/local/share/jupyter"));
    dirs.push(PathBuf::from("/usr/share/jupyter"));
    let mut unique = Vec::with_capacity(dirs.len());
    for dir in dirs {
        if !unique.contains(&dir) {
            unique.push(dir);
        }
    }
    unique
}

/// Finds the kernel named `name` (case-insensitive, as Jupyter does) in the first folder of `dirs`
/// that has it.
pub fn find_kernelspec(name: &str, dirs: &[PathBuf]) -> Result<KernelSpec, KernelError> {
    for dir in dirs {
        let kernels = dir.join("kernels");
        let Ok(entries) = std::fs::read_dir(&kernels) else { continue };
        for entry in entries.flatten() {
            let folder = entry.file_name();
            let Some(folder) = folder.to_str() else { continue };
            if folder.eq_ignore_ascii_case(name) && entry.path().join("kernel.json").is_file() {
                return read_kernelspec(&entry.path());
            }
        }
    }
    Err(KernelError::KernelSpecNotFound { name: name.to_owned(), searched: dirs.to_vec() })
}

/// Every kernel found in `dirs` (the first of each name wins), with the problems of those that
/// could not be read.
pub fn list_kernelspecs(dirs: &[PathBuf]) -> (Vec<KernelSpec>, Vec<KernelError>) {
    let mut specs: Vec<KernelSpec> = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("kernels")) else { continue };
        let mut folders: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
        folders.sort();
        for folder in folders {
            if !folder.join("kernel.json").is_file() {
                continue;
            }
            match read_kernelspec(&folder) {
                Ok(spec) if !specs.iter().any(|known| known.name.eq_ignore_ascii_case(&spec.name)) => specs.push(spec),
                Ok(_) => {}
                Err(problem) => problems.push(problem),
            }
        }
    }
    (specs, problems)
}

/// Reads `dir/kernel.json`; the kernel's name is the folder's name.
pub fn read_kernelspec(dir: &Path) -> Result<KernelSpec, KernelError> {
    let path = dir.join("kernel.json");
    let text =
        std::fs::read_to_string(&path).map_err(|err| KernelError::io(format!("lecture de {}", path.display()), err))?;
    let name = dir.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
    parse_kernelspec(&name, dir, &text).map_err(|reason| KernelError::InvalidKernelSpec { path, reason })
}

/// Parses the text of a `kernel.json`; the error says, in French, what is wrong.
pub fn parse_kernelspec(name: &str, dir: &Path, text: &str) -> Result<KernelSpec, String> {
    let value: Value = serde_json::from_str(text).map_err(|err| format!("JSON illisible ({err})"))?;
    let Value::Object(object) = value else {
        return Err("un objet JSON est attendu".to_owned());
    };
    let argv = match object.get("argv") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| "« argv » doit être une liste de chaînes".to_owned())?,
        Some(_) => return Err("« argv » doit être une liste de chaînes".to_owned()),
        None => return Err("champ « argv » manquant".to_owned()),
    };
    if argv.is_empty() || argv[0].is_empty() {
        return Err("« argv » est vide : il faut au moins le programme du noyau".to_owned());
    }
    if !argv.iter().any(|arg| arg.contains(CONNECTION_FILE_PLACEHOLDER)) {
        return Err(format!("« argv » doit contenir {CONNECTION_FILE_PLACEHOLDER}"));
    }
    let string_field = |key: &str| match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(format!("« {key} » doit être une chaîne")),
    };
    let language = string_field("language")?.ok_or_else(|| "champ « language » manquant".to_owned())?;
    let display_name = string_field("display_name")?.unwrap_or_else(|| name.to_owned());
    let mut env = BTreeMap::new();
    match object.get("env") {
        None | Some(Value::Null) => {}
        Some(Value::Object(entries)) => {
            for (key, value) in entries {
                let Value::String(value) = value else {
                    return Err(format!("« env.{key} » doit être une chaîne"));
                };
                env.insert(key.clone(), value.clone());
            }
        }
        Some(_) => return Err("« env » doit être un objet de chaînes".to_owned()),
    }
    Ok(KernelSpec { name: name.to_owned(), dir: dir.to_path_buf(), argv, display_name, language, env })
}
