//! Helpers shared by the kernel tests: real kernelspecs, test-sized limits, temporary folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kernel::{ExecuteLimits, Kernel, KernelConfig, KernelSpec, SandboxConfig};

const SETUP: &str = "lancez `cargo xtask setup`";

/// The installed kernelspec `name`; fails (never skips) when it or a sandbox program is missing.
pub fn spec(name: &str) -> KernelSpec {
    for (program, package) in
        [("/usr/bin/bwrap", "bubblewrap"), ("/usr/bin/prlimit", "util-linux"), ("/usr/bin/socat", "socat")]
    {
        assert!(Path::new(program).is_file(), "{program} manque (paquet Debian « {package} ») : {SETUP}");
    }
    match kernel::find_kernelspec(name, &kernel::search_path()) {
        Ok(spec) => spec,
        Err(err) => panic!("noyau « {name} » introuvable : {SETUP} ({err})"),
    }
}

/// Limits small enough for tests to run quickly and several kernels to run side by side.
pub fn config() -> KernelConfig {
    KernelConfig {
        sandbox: SandboxConfig { memory_bytes: 1 << 30, ..SandboxConfig::default() },
        startup_timeout: Duration::from_secs(120),
        execution: ExecuteLimits {
            timeout: Duration::from_secs(60),
            interrupt_grace: Duration::from_secs(5),
            max_output_bytes: 1 << 20,
        },
        ..KernelConfig::default()
    }
}

/// Starts `name` with `config`, saying how long the start took.
pub async fn start(name: &str, config: &KernelConfig) -> Kernel {
    let spec = spec(name);
    let started = Instant::now();
    match Kernel::start(&spec, config).await {
        Ok(kernel) => {
            eprintln!("noyau {name} démarré en {:.2} s", started.elapsed().as_secs_f64());
            kernel
        }
        Err(err) => panic!("démarrage du noyau {name} : {err}"),
    }
}

/// A temporary folder removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "socle-kernel-test-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("création du dossier temporaire");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
