//! The sandbox around a kernel: bubblewrap's view of the file system, limits, and the launcher.
//!
//! The command started for a kernel is, from the outside in:
//!
//! ```text
//! sh -c 'join the cgroups; exec "$@"' … -- prlimit --cpu … -- bwrap … -- KERNEL (or relay wrapper)
//! ```
//!
//! so that every process of the sandbox is in the kernel's cgroup and under its resource limits
//! from its first instruction.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::Stdio;

use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::cgroup::Cgroup;
use crate::spec::{CONNECTION_FILE_PLACEHOLDER, KernelSpec};

/// The student's home in the sandbox: the scratch folder, also the working directory.
pub const SANDBOX_HOME: &str = "/home/eleve";
/// Where the connection file and the kernel's Unix sockets live in the sandbox.
pub const SANDBOX_RUN: &str = "/run/socle";
/// A writable per-kernel folder for compilers' build products (Rust kernels).
pub const SANDBOX_CACHE: &str = "/var/cache/socle";
/// Where a prepared build folder (see [`BuildFolder::Mirror`]) is shown read-only.
pub const SANDBOX_BUILD_TEMPLATE: &str = "/opt/socle/compilation";
/// Where crates preloaded in Rust kernels are shown read-only, one folder per crate.
pub const SANDBOX_CRATES: &str = "/opt/socle/crates";
/// Where evcxr's configuration written by socle is shown read-only (`EVCXR_CONFIG_DIR`).
const SANDBOX_EVCXR_CONFIG: &str = "/opt/socle/evcxr";
/// The user id the kernel runs as in the sandbox (mapped to the caller's own user outside).
pub const SANDBOX_UID: u32 = 1000;
/// The user name matching [`SANDBOX_UID`].
pub const SANDBOX_USER: &str = "eleve";

/// First TCP port a relayed kernel listens on, inside its own network namespace.
const RELAY_BASE_PORT: u16 = 40000;
/// How the five channels are numbered in connection files: shell, iopub, stdin, control, hb.
pub(crate) const CHANNEL_SUFFIXES: [u16; 5] = [1, 2, 3, 4, 5];

/// A host path shown read-only in the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOnlyBind {
    /// The file or folder on the host; it must exist.
    pub host: PathBuf,
    /// Where it appears in the sandbox (absolute), e.g. `/home/eleve/data`.
    pub sandbox: PathBuf,
}

/// Where a Rust kernel keeps its build products (the folder shown writable at [`SANDBOX_CACHE`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BuildFolder {
    /// A fresh empty folder, removed at shutdown: every dependency compiles from scratch.
    #[default]
    Fresh,
    /// A fresh folder mirroring a prepared one: the prepared folder is shown read-only at
    /// [`SANDBOX_BUILD_TEMPLATE`] and the fresh one holds the same tree, its build products being
    /// symbolic links into the read-only copy. Cargo finds every dependency up to date and
    /// compiles only the notebook's own code; nothing the kernel does can alter the prepared
    /// folder, so one submission cannot plant code for the next.
    Mirror(PathBuf),
    /// This host folder itself, writable: how a prepared folder is made (by trusted code only).
    Shared(PathBuf),
}

/// How the client reaches the kernel's channels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transport {
    /// [`Transport::Ipc`] for ipykernel (its argv mentions `ipykernel`), [`Transport::TcpRelay`]
    /// for every other kernel.
    #[default]
    Auto,
    /// The kernel binds Unix sockets itself (`"transport": "ipc"`).
    Ipc,
    /// The kernel listens on 127.0.0.1 in its own network namespace; `socat` relays each channel
    /// from a Unix socket to its port.
    TcpRelay,
}

/// Paths of the programs the launcher uses (all from Debian packages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programs {
    /// bubblewrap (package `bubblewrap`).
    pub bwrap: PathBuf,
    /// prlimit (package `util-linux`).
    pub prlimit: PathBuf,
    /// socat (package `socat`), only for [`Transport::TcpRelay`]; it runs inside the sandbox, so
    /// it must live under `/usr`.
    pub socat: PathBuf,
    /// A POSIX shell (package `dash`); it also runs the relay inside the sandbox.
    pub sh: PathBuf,
}

impl Default for Programs {
    fn default() -> Self {
        Programs {
            bwrap: PathBuf::from("/usr/bin/bwrap"),
            prlimit: PathBuf::from("/usr/bin/prlimit"),
            socat: PathBuf::from("/usr/bin/socat"),
            sh: PathBuf::from("/bin/sh"),
        }
    }
}

/// What the sandbox lets a kernel see and use.
///
/// **Only explicitly listed paths are visible.** The sandbox shows the system (`/usr`, `/bin`,
/// `/lib*`, a handful of `/etc` files: the dynamic linker's cache and configuration, time zone,
/// name-service switch, Debian's alternatives; `/etc/passwd`, `/etc/group` and `/etc/hosts` are
/// written by socle), the kernel's own runtime (see below), the scratch folder, and
/// [`read_only_binds`](SandboxConfig::read_only_binds). Nothing else of the host exists inside:
/// not the working directory, not the repository, not the assignment. Keep the assignment's
/// sources and answers out of `scratch_dir` and out of every bind.
///
/// The kernel's runtime, made visible read-only at the same paths as on the host, is derived
/// from the kernelspec: its program alone, or for a Python virtual environment the environment
/// and the interpreter installation it points to (`pyvenv.cfg`); for a Rust kernel also the
/// toolchain (`rustc --print sysroot`) and the cargo registry cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxConfig {
    /// Memory of the whole sandbox (cgroup), or its address space per process (fallback).
    pub memory_bytes: u64,
    /// Processes and threads of the whole sandbox (cgroup), or of the user (fallback).
    pub max_processes: u32,
    /// CPU time of each process, in seconds (RLIMIT_CPU).
    pub cpu_seconds: u64,
    /// Largest file a process may write (RLIMIT_FSIZE).
    pub max_file_bytes: u64,
    /// Open files per process (RLIMIT_NOFILE).
    pub max_open_files: u64,
    /// The host folder shown writable at [`SANDBOX_HOME`] (home and working directory). `None`
    /// gives a fresh empty folder removed at shutdown; a given folder is left in place and should
    /// hold only what the code may see (the submission's data files).
    pub scratch_dir: Option<PathBuf>,
    /// Further host paths shown read-only (lab data).
    pub read_only_binds: Vec<ReadOnlyBind>,
    /// Where a Rust kernel's build products live.
    pub build: BuildFolder,
    /// Crates every Rust (evcxr) kernel loads at startup, as `(name, host folder of its
    /// sources)`: each is shown read-only under [`SANDBOX_CRATES`] and declared in the evcxr
    /// configuration socle writes, so notebooks only `use` them.
    pub preloaded_crates: Vec<(String, PathBuf)>,
    /// Extra environment variables for the kernel; the host environment is never passed on.
    pub env: BTreeMap<String, String>,
    /// How the client reaches the kernel.
    pub transport: Transport,
    /// Whether to try a per-kernel cgroup before falling back to resource limits.
    pub use_cgroups: bool,
    /// The programs the launcher runs.
    pub programs: Programs,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            memory_bytes: 2 << 30,
            max_processes: 256,
            cpu_seconds: 600,
            max_file_bytes: 64 << 20,
            max_open_files: 1024,
            scratch_dir: None,
            read_only_binds: Vec::new(),
            build: BuildFolder::Fresh,
            preloaded_crates: Vec::new(),
            env: BTreeMap::new(),
            transport: Transport::Auto,
            use_cgroups: true,
            programs: Programs::default(),
        }
    }
}

/// How one limit is enforced for a running kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Enforcement {
    /// By the kernel's own cgroup, for the whole sandbox.
    Cgroup,
    /// By a resource limit (`prlimit`), per process (`RLIMIT_AS`, `RLIMIT_CPU`, `RLIMIT_FSIZE`) or
    /// per user (`RLIMIT_NPROC`, which also counts the user's processes outside the sandbox).
    Rlimit,
    /// Not enforced: `RLIMIT_NPROC` does not apply to root, whom the sandbox's user maps to when
    /// socle runs as root without a writable cgroup.
    NotEnforced,
}

/// Which limit holds, and how, for one running kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsInForce {
    /// Memory: cgroup (`memory.limit_in_bytes` / `memory.max`) or `RLIMIT_AS`.
    pub memory: Enforcement,
    /// Process count: cgroup (`pids.max`), `RLIMIT_NPROC`, or nothing (root without cgroups).
    pub processes: Enforcement,
    /// CPU seconds: always `RLIMIT_CPU`.
    pub cpu_time: Enforcement,
    /// File size: always `RLIMIT_FSIZE`.
    pub file_size: Enforcement,
}

/// Everything a launched sandbox owns on the host; removed on drop.
#[derive(Debug)]
pub(crate) struct HostFiles {
    /// The per-kernel folder under the temporary directory.
    pub root: PathBuf,
    /// The scratch folder, when socle created it (inside `root`).
    pub scratch: PathBuf,
    pub cgroup: Cgroup,
}

impl HostFiles {
    /// Removes the cgroup and the per-kernel folder; true when both are gone.
    pub fn remove(&mut self, patience: std::time::Duration) -> bool {
        let cgroup_gone = self.cgroup.remove(patience);
        let files_gone = remove_tree(&self.root);
        cgroup_gone && files_gone
    }
}

impl Drop for HostFiles {
    fn drop(&mut self) {
        self.remove(std::time::Duration::from_secs(2));
    }
}

/// A kernel ready to be spawned.
pub(crate) struct Prepared {
    pub command: tokio::process::Command,
    pub files: HostFiles,
    /// Path prefix of the client's Unix sockets on the host (`<prefix>-1` … `<prefix>-5`).
    pub socket_prefix: PathBuf,
    pub limits: LimitsInForce,
}

/// Builds the launch of `spec` in a fresh sandbox; `key` signs the messages.
pub(crate) fn prepare(spec: &KernelSpec, config: &SandboxConfig, key: &str) -> Result<Prepared, KernelError> {
    let transport = match config.transport {
        Transport::Auto if spec.argv.iter().any(|arg| arg.contains("ipykernel")) => Transport::Ipc,
        Transport::Auto => Transport::TcpRelay,
        chosen => chosen,
    };
    check_program(&config.programs.bwrap, "bubblewrap")?;
    check_program(&config.programs.prlimit, "util-linux")?;
    check_program(&config.programs.sh, "dash")?;
    if transport == Transport::TcpRelay {
        check_program(&config.programs.socat, "socat")?;
    }
    for bind in &config.read_only_binds {
        check_bind(bind)?;
    }
    let program = resolve_program(spec)?;
    let mut runtime = runtime_binds(&program);
    let mut env = base_env();
    let mut path = vec!["/usr/local/bin".to_owned(), "/usr/bin".to_owned(), "/bin".to_owned()];
    if let Some(bin) = program.parent().filter(|bin| !bin.starts_with("/usr")) {
        path.insert(0, bin.display().to_string());
    }
    let is_rust = spec.language.eq_ignore_ascii_case("rust");
    if is_rust {
        rust_runtime(&mut runtime, &mut env, &mut path)?;
    }
    env.insert("PATH".to_owned(), path.join(":"));
    env.extend(spec.env.iter().map(|(key, value)| (key.clone(), value.clone())));
    env.extend(config.env.iter().map(|(key, value)| (key.clone(), value.clone())));

    let root = make_private_dir()?;
    let mut files = HostFiles { scratch: root.join("home"), root: root.clone(), cgroup: Cgroup::default() };
    let run = root.join("run");
    let etc = root.join("etc");
    if is_rust {
        let config_dir = root.join("evcxr");
        write_evcxr_config(&config_dir, &config.preloaded_crates)?;
        runtime.push(ReadOnlyBind { host: config_dir, sandbox: PathBuf::from(SANDBOX_EVCXR_CONFIG) });
        env.insert("EVCXR_CONFIG_DIR".to_owned(), SANDBOX_EVCXR_CONFIG.to_owned());
        for (name, host) in &config.preloaded_crates {
            runtime.push(ReadOnlyBind { host: host.clone(), sandbox: Path::new(SANDBOX_CRATES).join(name) });
        }
    }
    let fresh_cache = root.join("cache");
    for dir in [&run, &etc, &fresh_cache, &files.scratch] {
        std::fs::create_dir(dir).map_err(|err| KernelError::io(format!("création de {}", dir.display()), err))?;
    }
    let cache = match &config.build {
        BuildFolder::Fresh => fresh_cache,
        BuildFolder::Mirror(template) => {
            if !template.is_dir() {
                return Err(KernelError::InvalidSandbox(format!(
                    "le dossier de compilation préparé {} n'existe pas",
                    template.display()
                )));
            }
            mirror_build_folder(template, &fresh_cache, Path::new(SANDBOX_BUILD_TEMPLATE))?;
            runtime.push(ReadOnlyBind { host: template.clone(), sandbox: PathBuf::from(SANDBOX_BUILD_TEMPLATE) });
            fresh_cache
        }
        BuildFolder::Shared(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|err| KernelError::io(format!("création de {}", dir.display()), err))?;
            dir.clone()
        }
    };
    let scratch = match &config.scratch_dir {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(KernelError::InvalidSandbox(format!(
                    "le dossier de travail {} n'existe pas",
                    dir.display()
                )));
            }
            dir.clone()
        }
        None => files.scratch.clone(),
    };
    write_etc(&etc)?;

    let socket_prefix = run.join("kernel");
    if socket_prefix.as_os_str().len() + 3 > 100 {
        return Err(KernelError::InvalidSandbox(format!(
            "chemin de socket trop long ({}) : choisissez un TMPDIR plus court",
            socket_prefix.display()
        )));
    }
    let inside_prefix = format!("{SANDBOX_RUN}/kernel");
    let connection = match transport {
        Transport::TcpRelay => connection_json("tcp", "127.0.0.1", RELAY_BASE_PORT, key, &spec.name),
        _ => connection_json("ipc", &inside_prefix, 0, key, &spec.name),
    };
    let connection_path = run.join("connection.json");
    std::fs::write(&connection_path, connection)
        .map_err(|err| KernelError::io(format!("écriture de {}", connection_path.display()), err))?;

    let mut enforced = crate::cgroup::Enforced::default();
    if config.use_cgroups {
        let name = root.file_name().and_then(|name| name.to_str()).unwrap_or("socle-kernel").to_owned();
        (files.cgroup, enforced) = Cgroup::create(&name, config.memory_bytes, config.max_processes);
    }
    let limits = LimitsInForce {
        memory: if enforced.memory { Enforcement::Cgroup } else { Enforcement::Rlimit },
        processes: match (enforced.processes, running_as_root()) {
            (true, _) => Enforcement::Cgroup,
            (false, true) => Enforcement::NotEnforced,
            (false, false) => Enforcement::Rlimit,
        },
        cpu_time: Enforcement::Rlimit,
        file_size: Enforcement::Rlimit,
    };

    let mut argv: Vec<String> = Vec::new();
    // 1. Join the cgroups, then exec the rest: children inherit the group from the first instant.
    argv.push("-c".to_owned());
    argv.push(r#"while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@""#.to_owned());
    argv.push("socle-kernel".to_owned());
    argv.extend(files.cgroup.procs_files().iter().map(|file| file.display().to_string()));
    argv.push("--".to_owned());
    // 2. Per-process resource limits.
    argv.push(config.programs.prlimit.display().to_string());
    argv.push(format!("--cpu={}", config.cpu_seconds));
    argv.push(format!("--fsize={}", config.max_file_bytes));
    argv.push(format!("--nofile={}", config.max_open_files));
    argv.push("--core=0".to_owned());
    if limits.memory == Enforcement::Rlimit {
        argv.push(format!("--as={}", config.memory_bytes));
    }
    if limits.processes != Enforcement::Cgroup {
        argv.push(format!("--nproc={}", config.max_processes));
    }
    argv.push("--".to_owned());
    // 3. The sandbox itself.
    argv.push(config.programs.bwrap.display().to_string());
    argv.extend(bwrap_args(&Layout {
        tmp_bytes: config.memory_bytes,
        etc: &etc,
        run: &run,
        scratch: &scratch,
        cache: &cache,
        runtime: &runtime,
        binds: &config.read_only_binds,
        env: &env,
    }));
    argv.push("--".to_owned());
    // 4. The kernel, directly or behind the relay.
    let connection_inside = format!("{SANDBOX_RUN}/connection.json");
    let kernel_argv = std::iter::once(program.display().to_string())
        .chain(spec.argv.iter().skip(1).map(|arg| arg.replace(CONNECTION_FILE_PLACEHOLDER, &connection_inside)));
    if transport == Transport::TcpRelay {
        argv.push(config.programs.sh.display().to_string());
        argv.push("-c".to_owned());
        argv.push(RELAY_SCRIPT.to_owned());
        argv.push("socle-relay".to_owned());
        argv.push(config.programs.socat.display().to_string());
        argv.push(inside_prefix);
        argv.push(RELAY_BASE_PORT.to_string());
    }
    argv.extend(kernel_argv);

    let mut command = tokio::process::Command::new(&config.programs.sh);
    command
        .args(&argv)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    Ok(Prepared { command, files, socket_prefix, limits })
}

/// evcxr's configuration: the settings grading needs in force before anything compiles (a change
/// of optimisation level later would rebuild every dependency) and the preloaded crates.
fn write_evcxr_config(dir: &Path, crates: &[(String, PathBuf)]) -> Result<(), KernelError> {
    let mut text = String::from(
        "# Written by socle for this kernel.\n[evcxr]\nopt_level = \"0\"\npreserve_vars_on_panic = false\noffline_mode = true\n\n[dependencies]\n",
    );
    for (name, _) in crates {
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(KernelError::InvalidSandbox(format!("nom de crate préchargée invalide : « {name} »")));
        }
        text.push_str(&format!("{name} = {{ path = \"{SANDBOX_CRATES}/{name}\" }}\n"));
    }
    let io = |err| KernelError::io(format!("écriture de la configuration d'evcxr dans {}", dir.display()), err);
    std::fs::create_dir(dir).map_err(io)?;
    std::fs::write(dir.join("evcxr.toml"), text).map_err(io)
}

/// Recreates `template`'s tree under `dest`: folders are made, build products become symbolic
/// links to their read-only copy under `inside` (the template's path in the sandbox), and the files
/// cargo and evcxr rewrite on every build are copied (manifests, lock files, the notebook's own
/// crate) or left out (the notebook crate's previous products, rebuilt anyway).
fn mirror_build_folder(template: &Path, dest: &Path, inside: &Path) -> Result<(), KernelError> {
    let io =
        |what: &Path, err| KernelError::io(format!("préparation du dossier de compilation ({})", what.display()), err);
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let dir = template.join(&relative);
        for entry in std::fs::read_dir(&dir).map_err(|err| io(&dir, err))? {
            let entry = entry.map_err(|err| io(&dir, err))?;
            let name = entry.file_name();
            let name_text = name.to_string_lossy();
            let relative = relative.join(&name);
            let in_target = relative.starts_with("evcxr/target");
            // evcxr's own crate is called `ctx`: its products are rebuilt for every notebook.
            if in_target && (name_text.starts_with("ctx") || name_text.starts_with("libctx")) {
                continue;
            }
            let file_type = entry.file_type().map_err(|err| io(&relative, err))?;
            let target = dest.join(&relative);
            if file_type.is_dir() {
                std::fs::create_dir(&target).map_err(|err| io(&target, err))?;
                stack.push(relative);
            } else if in_target && !matches!(&*name_text, ".cargo-lock" | ".rustc_info.json") {
                std::os::unix::fs::symlink(inside.join(&relative), &target).map_err(|err| io(&target, err))?;
            } else if file_type.is_file() {
                std::fs::copy(entry.path(), &target).map_err(|err| io(&target, err))?;
            }
        }
    }
    Ok(())
}

/// Starts one `socat` per channel (each in a subshell, so that the sandbox's init reaps them),
/// then becomes the kernel. A relayed connection waits for the kernel's port to open.
const RELAY_SCRIPT: &str = r#"socat=$1; prefix=$2; base=$3; shift 3
for n in 1 2 3 4 5; do
  ( "$socat" -lf /dev/null UNIX-LISTEN:"$prefix-$n",fork,unlink-early TCP:127.0.0.1:$((base + n)),retry=600,interval=0.1 & )
done
exec "$@""#;

fn connection_json(transport: &str, ip: &str, base: u16, key: &str, name: &str) -> String {
    let [shell, iopub, stdin, control, hb] = CHANNEL_SUFFIXES.map(|suffix| base + suffix);
    serde_json::json!({
        "transport": transport,
        "ip": ip,
        "shell_port": shell,
        "iopub_port": iopub,
        "stdin_port": stdin,
        "control_port": control,
        "hb_port": hb,
        "key": key,
        "signature_scheme": "hmac-sha256",
        "kernel_name": name,
    })
    .to_string()
}

/// Where each part of the sandbox comes from on the host.
struct Layout<'a> {
    /// Size of the sandbox's /tmp.
    tmp_bytes: u64,
    /// socle's own passwd, group and hosts files.
    etc: &'a Path,
    /// The connection file and sockets.
    run: &'a Path,
    scratch: &'a Path,
    cache: &'a Path,
    runtime: &'a [ReadOnlyBind],
    binds: &'a [ReadOnlyBind],
    env: &'a BTreeMap<String, String>,
}

fn bwrap_args(layout: &Layout<'_>) -> Vec<String> {
    let Layout { tmp_bytes, etc, run, scratch, cache, runtime, binds, env } = *layout;
    let mut args: Vec<String> = Vec::new();
    let mut push = |items: &[&str]| args.extend(items.iter().map(|item| (*item).to_owned()));
    // --unshare-user explicitly (--unshare-all only tries it) so that nested user namespaces can
    // be disabled: code in the sandbox cannot gain capabilities in a namespace of its own.
    push(&["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session"]);
    push(&["--uid", &SANDBOX_UID.to_string(), "--gid", &SANDBOX_UID.to_string(), "--hostname", "socle"]);
    push(&["--ro-bind", "/usr", "/usr"]);
    for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
        match std::fs::read_link(top) {
            Ok(target) => push(&["--symlink", &target.display().to_string(), top]),
            Err(_) if Path::new(top).is_dir() => push(&["--ro-bind", top, top]),
            Err(_) => {}
        }
    }
    for file in [
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
        "/etc/localtime",
        "/etc/nsswitch.conf",
        "/etc/alternatives",
    ] {
        push(&["--ro-bind-try", file, file]);
    }
    for file in ["passwd", "group", "hosts"] {
        push(&["--ro-bind", &etc.join(file).display().to_string(), &format!("/etc/{file}")]);
    }
    // /tmp lives in memory: its size is capped by the memory limit even without a cgroup.
    push(&[
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        &tmp_bytes.to_string(),
        "--tmpfs",
        "/tmp",
        "--dir",
        "/var/tmp",
    ]);
    push(&["--bind", &run.display().to_string(), SANDBOX_RUN]);
    push(&["--bind", &cache.display().to_string(), SANDBOX_CACHE]);
    push(&["--bind", &scratch.display().to_string(), SANDBOX_HOME]);
    for bind in runtime.iter().chain(binds) {
        push(&["--ro-bind", &bind.host.display().to_string(), &bind.sandbox.display().to_string()]);
    }
    // The root itself is bubblewrap's tmpfs: once every mount point exists, nothing more may be
    // written there (`/etc/…`, `/intrus`); /tmp, the scratch folder and /run/socle stay writable.
    push(&["--remount-ro", "/", "--chdir", SANDBOX_HOME, "--clearenv"]);
    for (key, value) in env {
        push(&["--setenv", key, value]);
    }
    args
}

/// The environment every kernel gets; nothing comes from the host's.
fn base_env() -> BTreeMap<String, String> {
    [
        ("HOME", SANDBOX_HOME),
        ("USER", SANDBOX_USER),
        ("LOGNAME", SANDBOX_USER),
        ("LANG", "C.UTF-8"),
        ("LC_ALL", "C.UTF-8"),
        ("TMPDIR", "/tmp"),
        ("TERM", "dumb"),
        ("PYTHONDONTWRITEBYTECODE", "1"),
        ("IPYTHONDIR", "/tmp/ipython"),
        ("MPLCONFIGDIR", "/tmp/matplotlib"),
        ("XDG_CACHE_HOME", "/tmp/cache"),
        ("XDG_CONFIG_HOME", "/tmp/config"),
        ("XDG_DATA_HOME", "/tmp/data"),
        ("JUPYTER_RUNTIME_DIR", "/tmp/jupyter"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect()
}

/// A Rust kernel needs a toolchain, a writable cargo home and a build folder.
fn rust_runtime(
    runtime: &mut Vec<ReadOnlyBind>,
    env: &mut BTreeMap<String, String>,
    path: &mut Vec<String>,
) -> Result<(), KernelError> {
    let output = std::process::Command::new("rustc").args(["--print", "sysroot"]).output().map_err(|err| {
        KernelError::MissingProgram { program: PathBuf::from("rustc"), package: "rustup", reason: err.to_string() }
    })?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    if !output.status.success() || !sysroot.is_absolute() || !sysroot.join("bin").join("cargo").is_file() {
        return Err(KernelError::MissingProgram {
            program: PathBuf::from("rustc"),
            package: "rustup",
            reason: format!("pas de chaîne de compilation complète (rustc et cargo) dans « {} »", sysroot.display()),
        });
    }
    runtime.push(ReadOnlyBind { host: sysroot.clone(), sandbox: sysroot.clone() });
    path.insert(0, sysroot.join("bin").display().to_string());
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let inside_cargo_home = "/tmp/cargo";
    if let Some(registry) = cargo_home.map(|home| home.join("registry")).filter(|registry| registry.is_dir()) {
        runtime.push(ReadOnlyBind { host: registry, sandbox: PathBuf::from(inside_cargo_home).join("registry") });
    }
    for (key, value) in [
        ("CARGO_HOME", inside_cargo_home.to_owned()),
        ("CARGO_NET_OFFLINE", "true".to_owned()),
        ("CARGO_TARGET_DIR", format!("{SANDBOX_CACHE}/target")),
        ("EVCXR_TMPDIR", format!("{SANDBOX_CACHE}/evcxr")),
    ] {
        env.insert(key.to_owned(), value);
    }
    Ok(())
}

/// The absolute path of the kernel's program: as written, in the kernelspec's installation
/// (`<prefix>/bin`, for `<prefix>/share/jupyter/kernels/<name>`), or on the host's `PATH`.
fn resolve_program(spec: &KernelSpec) -> Result<PathBuf, KernelError> {
    let not_found = |reason: String| KernelError::InvalidKernelSpec { path: spec.dir.join("kernel.json"), reason };
    // A KernelSpec built by hand has not been through parse_kernelspec's checks.
    let Some(first) = spec.argv.first().filter(|first| !first.is_empty()) else {
        return Err(not_found("« argv » est vide : il faut au moins le programme du noyau".to_owned()));
    };
    if !spec.argv.iter().any(|arg| arg.contains(CONNECTION_FILE_PLACEHOLDER)) {
        return Err(not_found(format!("« argv » doit contenir {CONNECTION_FILE_PLACEHOLDER}")));
    }
    let program = Path::new(first);
    if program.is_absolute() {
        return if program.is_file() {
            Ok(program.to_path_buf())
        } else {
            Err(not_found(format!("le programme {first} n'existe pas")))
        };
    }
    if first.contains('/') {
        return Err(not_found(format!("le programme {first} doit être un chemin absolu ou un simple nom")));
    }
    let prefix =
        spec.dir.ancestors().nth(4).filter(|_| spec.dir.parent().is_some_and(|p| p.ends_with("share/jupyter/kernels")));
    let candidates = prefix.map(|prefix| prefix.join("bin")).into_iter().chain(
        std::env::var_os("PATH").map(|path| std::env::split_paths(&path).collect::<Vec<_>>()).unwrap_or_default(),
    );
    for dir in candidates {
        let candidate = dir.join(first);
        if dir.is_absolute() && candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(not_found(format!("le programme {first} est introuvable")))
}

/// The read-only binds a kernel's program needs beyond the system folders.
fn runtime_binds(program: &Path) -> Vec<ReadOnlyBind> {
    let same = |path: &Path| ReadOnlyBind { host: path.to_path_buf(), sandbox: path.to_path_buf() };
    let mut binds = Vec::new();
    let real = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_path_buf());
    let prefix_of =
        |exe: &Path| exe.parent().filter(|bin| bin.ends_with("bin")).and_then(Path::parent).map(Path::to_path_buf);
    // A virtual environment: the environment itself and the installation it was made from.
    if let Some(venv) = prefix_of(program).filter(|prefix| prefix.join("pyvenv.cfg").is_file()) {
        if deep_enough(&venv) {
            binds.push(same(&venv));
        }
        let home = std::fs::read_to_string(venv.join("pyvenv.cfg")).ok().and_then(|cfg| {
            cfg.lines().find_map(|line| {
                let (key, value) = line.split_once('=')?;
                (key.trim() == "home").then(|| PathBuf::from(value.trim()))
            })
        });
        if let Some(base) =
            home.as_deref().and_then(Path::parent).filter(|base| deep_enough(base) && !base.starts_with("/usr"))
        {
            binds.push(same(base));
        }
    }
    if real.starts_with("/usr") || real.starts_with("/bin") || real.starts_with("/lib") {
        return binds;
    }
    // A Python installation outside /usr (pyenv, conda): its whole prefix.
    let python_prefix = prefix_of(&real).filter(|prefix| {
        deep_enough(prefix)
            && std::fs::read_dir(prefix.join("lib"))
                .map(|entries| {
                    entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("python3"))
                })
                .unwrap_or(false)
    });
    match python_prefix {
        Some(prefix) => {
            if !binds.iter().any(|bind| real.starts_with(&bind.host)) {
                binds.push(same(&prefix));
            }
        }
        // Any other program: only the program file, at the path the kernelspec names.
        None => {
            if !binds.iter().any(|bind| program.starts_with(&bind.host)) {
                binds.push(ReadOnlyBind { host: real, sandbox: program.to_path_buf() });
            }
        }
    }
    binds
}

/// Refuses to expose a folder as broad as `/`, `/home` or `/root` as somebody's "prefix".
fn deep_enough(path: &Path) -> bool {
    path.is_absolute() && path.components().filter(|c| matches!(c, Component::Normal(_))).count() >= 2
}

/// Whether this process's effective user is root (read from `/proc`, without `libc`).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("Uid:"))?;
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

fn check_program(program: &Path, package: &'static str) -> Result<(), KernelError> {
    match std::fs::metadata(program) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(KernelError::MissingProgram {
            program: program.to_path_buf(),
            package,
            reason: "ce n'est pas un fichier".to_owned(),
        }),
        Err(err) => {
            Err(KernelError::MissingProgram { program: program.to_path_buf(), package, reason: err.to_string() })
        }
    }
}

fn check_bind(bind: &ReadOnlyBind) -> Result<(), KernelError> {
    let target = &bind.sandbox;
    let normal =
        target.is_absolute() && target.components().all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
    if !normal || target == Path::new("/") {
        return Err(KernelError::InvalidSandbox(format!(
            "la destination {} doit être un chemin absolu sans « .. », autre que /",
            target.display()
        )));
    }
    for reserved in
        ["/usr", "/etc", "/proc", "/dev", "/bin", "/lib", "/lib64", "/sbin", "/opt/socle", SANDBOX_RUN, SANDBOX_CACHE]
    {
        if target.starts_with(reserved) {
            return Err(KernelError::InvalidSandbox(format!(
                "la destination {} est réservée au bac à sable ({reserved})",
                target.display()
            )));
        }
    }
    if target == Path::new(SANDBOX_HOME) {
        return Err(KernelError::InvalidSandbox(format!(
            "{SANDBOX_HOME} est le dossier de travail : choisissez un sous-dossier, par exemple {SANDBOX_HOME}/data"
        )));
    }
    if !bind.host.exists() {
        return Err(KernelError::InvalidSandbox(format!("{} n'existe pas sur l'hôte", bind.host.display())));
    }
    Ok(())
}

fn write_etc(etc: &Path) -> Result<(), KernelError> {
    let uid = SANDBOX_UID;
    let files = [
        (
            "passwd",
            format!(
                "root:x:0:0:root:/root:/bin/sh\n{SANDBOX_USER}:x:{uid}:{uid}:{SANDBOX_USER}:{SANDBOX_HOME}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            ),
        ),
        ("group", format!("root:x:0:\n{SANDBOX_USER}:x:{uid}:\nnogroup:x:65534:\n")),
        ("hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n".to_owned()),
    ];
    for (name, text) in files {
        let path = etc.join(name);
        std::fs::write(&path, text).map_err(|err| KernelError::io(format!("écriture de {}", path.display()), err))?;
    }
    Ok(())
}

/// A new folder only this user can enter, under the temporary directory.
fn make_private_dir() -> Result<PathBuf, KernelError> {
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::temp_dir();
    let mut last_error = None;
    for _ in 0..16 {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = base.join(format!("socle-kernel-{}", &id[..12]));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(err) => last_error = Some(err),
        }
    }
    let err = last_error.unwrap_or_else(|| std::io::Error::other("aucun nom libre"));
    Err(KernelError::io(format!("création d'un dossier dans {}", base.display()), err))
}

/// Removes a tree the sandbox may have made hard to remove (read-only folders); true when gone.
pub(crate) fn remove_tree(root: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::remove_dir_all(root).is_ok() || !root.exists() {
        return true;
    }
    fn open_up(dir: &Path) {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                    open_up(&entry.path());
                }
            }
        }
    }
    open_up(root);
    std::fs::remove_dir_all(root).is_ok() || !root.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirrored_build_folder_links_products_and_copies_what_cargo_rewrites() {
        let root = make_private_dir().expect("dossier");
        let template = root.join("modele");
        let deps = template.join("evcxr/target/x86_64-unknown-linux-gnu/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::create_dir_all(template.join("evcxr/src")).unwrap();
        for (file, text) in [
            ("evcxr/Cargo.toml", "[package]"),
            ("evcxr/src/lib.rs", "// code"),
            ("evcxr/target/.rustc_info.json", "{}"),
            ("evcxr/target/x86_64-unknown-linux-gnu/debug/.cargo-lock", ""),
            ("evcxr/target/x86_64-unknown-linux-gnu/debug/deps/libpolars-1.rlib", "polars"),
            ("evcxr/target/x86_64-unknown-linux-gnu/debug/deps/libctx.so", "previous notebook"),
        ] {
            std::fs::write(template.join(file), text).unwrap();
        }
        let dest = root.join("copie");
        std::fs::create_dir(&dest).unwrap();
        mirror_build_folder(&template, &dest, Path::new("/opt/socle/compilation")).unwrap();
        let link = dest.join("evcxr/target/x86_64-unknown-linux-gnu/debug/deps/libpolars-1.rlib");
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("/opt/socle/compilation/evcxr/target/x86_64-unknown-linux-gnu/debug/deps/libpolars-1.rlib")
        );
        for copied in [
            "evcxr/Cargo.toml",
            "evcxr/src/lib.rs",
            "evcxr/target/.rustc_info.json",
            "evcxr/target/x86_64-unknown-linux-gnu/debug/.cargo-lock",
        ] {
            let meta = std::fs::symlink_metadata(dest.join(copied)).unwrap();
            assert!(meta.file_type().is_file(), "{copied} doit être une copie");
        }
        assert!(!dest.join("evcxr/target/x86_64-unknown-linux-gnu/debug/deps/libctx.so").exists());
        assert!(remove_tree(&root));
    }

    #[test]
    fn binds_are_checked() {
        let bind = |target: &str| ReadOnlyBind { host: PathBuf::from("/usr"), sandbox: PathBuf::from(target) };
        assert!(check_bind(&bind("/home/eleve/data")).is_ok());
        assert!(check_bind(&bind("/data")).is_ok());
        for bad in ["relative", "/", "/home/eleve", "/usr/share/x", "/run/socle/x", "/home/eleve/../x"] {
            assert!(check_bind(&bind(bad)).is_err(), "{bad}");
        }
        let missing = ReadOnlyBind { host: PathBuf::from("/nonexistent/socle"), sandbox: PathBuf::from("/data") };
        assert!(check_bind(&missing).is_err());
    }

    #[test]
    fn broad_prefixes_are_never_bound() {
        assert!(!deep_enough(Path::new("/")));
        assert!(!deep_enough(Path::new("/root")));
        assert!(deep_enough(Path::new("/opt/conda")));
    }
}
