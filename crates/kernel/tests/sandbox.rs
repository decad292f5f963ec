//! What the sandbox enforces, checked from both sides: the code's view and the host's.

mod common;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kernel::{Enforcement, ExecuteLimits, ExecuteStatus, KernelConfig, ReadOnlyBind, SandboxConfig};

fn python_string(text: &str) -> String {
    serde_json::to_string(text).expect("chaîne JSON")
}

/// The cgroup folders named `name` under the pids and memory hierarchies.
fn cgroup_dirs(name: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, name: &str, depth: usize, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                if entry.file_name() == name {
                    found.push(entry.path());
                } else if depth > 0 {
                    walk(&entry.path(), name, depth - 1, found);
                }
            }
        }
    }
    let mut found = Vec::new();
    for hierarchy in ["/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"] {
        walk(Path::new(hierarchy), name, 3, &mut found);
    }
    found
}

#[tokio::test]
async fn the_network_is_out_of_reach() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("écoute sur 127.0.0.1");
    listener.set_nonblocking(true).expect("mode non bloquant");
    let port = listener.local_addr().expect("adresse").port();
    let mut python = common::start("python3", &common::config()).await;
    let code = format!(
        "import socket\nfor host, port in [('127.0.0.1', {port}), ('1.1.1.1', 80)]:\n    s = socket.socket()\n    s.settimeout(3)\n    try:\n        s.connect((host, port))\n        print('connecté', host)\n    except OSError as e:\n        print('refusé', host, type(e).__name__)\nprint(sorted(name for _, name in socket.if_nameindex()))"
    );
    let outcome = python.execute(&code).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    let stdout = outcome.stdout();
    assert!(stdout.contains("refusé 127.0.0.1 ConnectionRefusedError"), "{stdout}");
    assert!(stdout.contains("refusé 1.1.1.1"), "{stdout}");
    assert!(!stdout.contains("connecté"), "{stdout}");
    assert!(stdout.contains("['lo']"), "{stdout}");
    match listener.accept() {
        Err(err) if err.kind() == ErrorKind::WouldBlock => {}
        other => panic!("le port de l'hôte a reçu une connexion : {other:?}"),
    }
    python.shutdown().await;
}

#[tokio::test]
async fn host_files_outside_the_binds_are_invisible() {
    let secret = common::TempDir::new("secret");
    let secret_file = secret.path.join("corrigé.py");
    std::fs::write(&secret_file, "REPONSE = 42").expect("écriture du secret");
    let mut python = common::start("python3", &common::config()).await;
    let code = format!(
        "import os\nfor path in [{}, {}, '/root', '/work']:\n    print(path, os.path.exists(path))\ntry:\n    open({})\nexcept OSError as e:\n    print('lecture', type(e).__name__)\nprint(sorted(os.listdir('/')))\nprint(os.getcwd(), os.environ['HOME'], os.getuid())\nprint(sorted(k for k in os.environ if k.startswith('CARGO') or k.startswith('SOCLE')))",
        python_string(&secret_file.display().to_string()),
        python_string(env!("CARGO_MANIFEST_DIR")),
        python_string(&secret_file.display().to_string()),
    );
    let outcome = python.execute(&code).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    let stdout = outcome.stdout();
    assert!(stdout.contains(&format!("{} False", secret_file.display())), "{stdout}");
    assert!(stdout.contains(&format!("{} False", env!("CARGO_MANIFEST_DIR"))), "{stdout}");
    assert!(stdout.contains("/work False"), "{stdout}");
    assert!(stdout.contains("lecture FileNotFoundError"), "{stdout}");
    assert!(stdout.contains("/home/eleve /home/eleve 1000"), "{stdout}");
    // The host's environment (cargo's variables among others) does not come in.
    assert!(stdout.contains("\n[]\n"), "{stdout}");
    python.shutdown().await;
}

#[tokio::test]
async fn writes_land_in_the_scratch_folder_and_nowhere_else() {
    let outside = common::TempDir::new("outside");
    let target = outside.path.join("intrus.txt");
    let mut python = common::start("python3", &common::config()).await;
    let venv_python = common::spec("python3").argv[0].clone();
    let code = format!(
        "import os\nopen('résultat.txt', 'w').write('ok')\nos.makedirs({dir}, exist_ok=True)\nopen({target}, 'w').write('intrus')\nfor path in ['/usr/intrus', '/etc/intrus', {venv}, '/intrus']:\n    try:\n        open(path, 'w').write('x')\n        print('écrit', path)\n    except OSError as e:\n        print('refusé', path, type(e).__name__)",
        dir = python_string(&outside.path.display().to_string()),
        target = python_string(&target.display().to_string()),
        venv = python_string(&format!("{}-intrus", venv_python)),
    );
    let outcome = python.execute(&code).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    let stdout = outcome.stdout();
    assert!(!stdout.contains("écrit"), "{stdout}");
    assert_eq!(stdout.matches("refusé").count(), 4, "{stdout}");
    assert_eq!(std::fs::read_to_string(python.scratch_dir().join("résultat.txt")).expect("fichier rendu"), "ok");
    // The folder the code made under /tmp was the sandbox's own tmpfs, not the host's.
    assert!(!target.exists(), "le code a écrit hors du bac à sable : {}", target.display());
    for path in ["/usr/intrus", "/etc/intrus", "/intrus"] {
        assert!(!Path::new(path).exists(), "{path}");
    }
    assert!(!Path::new(&format!("{venv_python}-intrus")).exists());
    python.shutdown().await;
}

#[tokio::test]
async fn read_only_binds_and_a_given_scratch_folder_are_what_the_code_sees() {
    let data = common::TempDir::new("data");
    std::fs::write(data.path.join("notes.csv"), "eleve,note\na,12\n").expect("écriture des données");
    let scratch = common::TempDir::new("scratch");
    std::fs::write(scratch.path.join("rendu.txt"), "ma réponse").expect("écriture du rendu");
    let mut config = common::config();
    config.sandbox.scratch_dir = Some(scratch.path.clone());
    config.sandbox.read_only_binds =
        vec![ReadOnlyBind { host: data.path.clone(), sandbox: PathBuf::from("/home/eleve/data") }];
    let mut python = common::start("python3", &config).await;
    assert_eq!(python.scratch_dir(), scratch.path);
    let code = "print(open('rendu.txt').read())\nprint(open('data/notes.csv').read().splitlines()[1])\ntry:\n    open('data/notes.csv', 'a').write('b,20\\n')\nexcept OSError as e:\n    print('lecture seule', e.errno)";
    let outcome = python.execute(code).await.expect("exécution");
    assert_eq!(outcome.stdout(), "ma réponse\na,12\nlecture seule 30\n", "{outcome:?}");
    python.shutdown().await;
    assert_eq!(std::fs::read_to_string(data.path.join("notes.csv")).expect("données"), "eleve,note\na,12\n");
    // A folder the caller gave is the caller's: it stays.
    assert!(scratch.path.join("rendu.txt").exists());
}

#[tokio::test]
async fn bad_binds_are_refused_before_anything_starts() {
    let spec = common::spec("python3");
    for (host, sandbox) in
        [("/nonexistent/socle", "/data"), ("/usr", "/home/eleve"), ("/usr", "relative"), ("/usr", "/run/socle/x")]
    {
        let mut config = common::config();
        config.sandbox.read_only_binds =
            vec![ReadOnlyBind { host: PathBuf::from(host), sandbox: PathBuf::from(sandbox) }];
        match kernel::Kernel::start(&spec, &config).await {
            Err(kernel::KernelError::InvalidSandbox(message)) => assert!(!message.is_empty()),
            Err(other) => panic!("{host} → {sandbox} : erreur inattendue {other}"),
            Ok(_) => panic!("{host} → {sandbox} aurait dû être refusé"),
        }
    }
}

#[tokio::test]
async fn the_kernel_cgroup_holds_the_limits_and_disappears_at_shutdown() {
    let mut config = common::config();
    config.sandbox.memory_bytes = 700 << 20;
    config.sandbox.max_processes = 77;
    let python = common::start("python3", &config).await;
    let limits = python.limits();
    assert_eq!(limits.memory, Enforcement::Cgroup, "cgroups inscriptibles sur cette machine");
    assert_eq!(limits.processes, Enforcement::Cgroup);
    assert_eq!(limits.cpu_time, Enforcement::Rlimit);
    let root = python.scratch_dir().parent().expect("dossier du noyau").to_path_buf();
    let name = root.file_name().expect("nom").to_string_lossy().into_owned();
    let dirs = cgroup_dirs(&name);
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for dir in &dirs {
        if let Ok(max) = std::fs::read_to_string(dir.join("pids.max")) {
            assert_eq!(max.trim(), "77");
            let current: u32 = std::fs::read_to_string(dir.join("pids.current"))
                .expect("pids.current")
                .trim()
                .parse()
                .expect("nombre");
            assert!(current > 1, "le noyau est dans son cgroup ({current} tâches)");
        }
        if let Ok(max) = std::fs::read_to_string(dir.join("memory.limit_in_bytes")) {
            assert_eq!(max.trim(), (700_u64 << 20).to_string());
        }
    }
    python.shutdown().await;
    assert!(cgroup_dirs(&name).is_empty(), "cgroup non supprimé");
    assert!(!root.exists(), "dossier temporaire non supprimé : {}", root.display());
}

#[tokio::test]
async fn dropping_a_kernel_cleans_up_too() {
    let python = common::start("python3", &common::config()).await;
    let root = python.scratch_dir().parent().expect("dossier du noyau").to_path_buf();
    let name = root.file_name().expect("nom").to_string_lossy().into_owned();
    drop(python);
    for _ in 0..100 {
        if !root.exists() && cgroup_dirs(&name).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("après drop, il reste {} ou le cgroup {name}", root.display());
}

#[tokio::test]
async fn a_fork_bomb_stops_at_the_process_limit() {
    let mut config = common::config();
    config.sandbox.max_processes = 40;
    let mut python = common::start("python3", &config).await;
    let code = "import os, signal, time\nchildren = []\ntry:\n    while True:\n        pid = os.fork()\n        if pid == 0:\n            time.sleep(60)\n            os._exit(0)\n        children.append(pid)\nexcept OSError as e:\n    print('bloqué', e.errno, len(children))\nfor pid in children:\n    os.kill(pid, signal.SIGKILL)\n    os.waitpid(pid, 0)";
    let outcome = python.execute(code).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    let stdout = outcome.stdout();
    let forked: usize = stdout.trim().rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
    assert!(stdout.starts_with("bloqué 11 "), "{stdout}");
    assert!(forked > 0 && forked < 40, "{forked} processus créés");
    // The kernel survives its own bomb.
    assert_eq!(python.execute("'vivant'").await.expect("exécution").result_text(), Some("'vivant'"));
    python.shutdown().await;
}

#[tokio::test]
async fn a_memory_bomb_is_killed() {
    let mut config = common::config();
    config.sandbox.memory_bytes = 300 << 20;
    let mut python = common::start("python3", &config).await;
    let code = "blocks = []\nwhile True:\n    blocks.append(bytearray(20 * 1024 * 1024))";
    let outcome = python.execute(code).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Dead, "{outcome:?}");
    assert!(!python.is_alive());
    python.shutdown().await;
}

#[tokio::test]
async fn without_cgroups_memory_falls_back_to_the_address_space_limit() {
    let mut config = common::config();
    config.sandbox.use_cgroups = false;
    config.sandbox.memory_bytes = 1 << 30;
    let mut python = common::start("python3", &config).await;
    assert_eq!(python.limits().memory, Enforcement::Rlimit);
    assert_ne!(python.limits().processes, Enforcement::Cgroup);
    let outcome = python.execute("x = bytearray(2 * 1024 ** 3)").await.expect("exécution");
    let ExecuteStatus::Error { ename, .. } = &outcome.status else { panic!("MemoryError attendue : {outcome:?}") };
    assert_eq!(ename, "MemoryError");
    assert!(python.is_alive());
    python.shutdown().await;
}

#[tokio::test]
async fn cpu_time_and_file_size_are_limited() {
    let mut config = common::config();
    config.sandbox.max_file_bytes = 1 << 20;
    let mut python = common::start("python3", &config).await;
    let outcome = python.execute("open('gros.bin', 'wb').write(b'x' * (2 << 20))").await.expect("exécution");
    let ExecuteStatus::Error { ename, evalue, .. } = &outcome.status else { panic!("OSError attendue : {outcome:?}") };
    assert_eq!(ename, "OSError");
    assert!(evalue.contains("File too large"), "{evalue}");
    let size = std::fs::metadata(python.scratch_dir().join("gros.bin")).expect("fichier").len();
    assert!(size <= 1 << 20, "{size} octets");
    python.shutdown().await;

    let config =
        KernelConfig { sandbox: SandboxConfig { cpu_seconds: 3, ..common::config().sandbox }, ..common::config() };
    let mut python = common::start("python3", &config).await;
    let limits = ExecuteLimits { timeout: Duration::from_secs(30), ..config.execution.clone() };
    let outcome = python.execute_with("while True:\n    pass", &limits).await.expect("exécution");
    // Killed by RLIMIT_CPU (dead), not stopped by the 30-s wall-clock timeout (which would say
    // Timeout): no duration is asserted, a busy machine stretches the 3 CPU seconds.
    assert_eq!(outcome.status, ExecuteStatus::Dead, "{outcome:?}");
    python.shutdown().await;
}

/// A kernelspec folder whose kernel is a shell script.
fn script_kernel(root: &Path, script: &str) -> kernel::KernelSpec {
    let dir = root.join("kernels").join("script");
    std::fs::create_dir_all(&dir).expect("dossier du noyau");
    let text = serde_json::json!({"argv": ["/bin/sh", "-c", script, "{connection_file}"], "language": "shell"});
    std::fs::write(dir.join("kernel.json"), text.to_string()).expect("kernel.json");
    kernel::read_kernelspec(&dir).expect("kernel.json valide")
}

#[tokio::test]
async fn a_kernel_that_cannot_start_is_an_error_with_its_last_words() {
    let root = common::TempDir::new("broken");
    let spec = script_kernel(&root.path, "echo 'module introuvable' >&2; exit 3");
    match kernel::Kernel::start(&spec, &common::config()).await {
        Err(kernel::KernelError::ExitedAtStartup { status, stderr, .. }) => {
            assert_eq!(status, "code de sortie 3");
            assert!(stderr.contains("module introuvable"), "{stderr}");
        }
        Err(other) => panic!("erreur inattendue : {other}"),
        Ok(_) => panic!("le noyau n'aurait pas dû démarrer"),
    }

    let spec = script_kernel(&root.path, "sleep 100");
    let config = KernelConfig { startup_timeout: Duration::from_secs(2), ..common::config() };
    match kernel::Kernel::start(&spec, &config).await {
        Err(kernel::KernelError::StartupTimeout { seconds, .. }) => assert_eq!(seconds, 2),
        Err(other) => panic!("erreur inattendue : {other}"),
        Ok(_) => panic!("le noyau n'aurait pas dû démarrer"),
    }

    // A spec built by hand, without parse_kernelspec's checks, is refused, not a panic.
    for argv in [vec![], vec!["/bin/sh".to_owned()]] {
        let spec = kernel::KernelSpec { argv, ..common::spec("python3") };
        match kernel::Kernel::start(&spec, &common::config()).await {
            Err(kernel::KernelError::InvalidKernelSpec { .. }) => {}
            Err(other) => panic!("erreur inattendue : {other}"),
            Ok(_) => panic!("le noyau n'aurait pas dû démarrer"),
        }
    }

    let mut config = common::config();
    config.sandbox.programs.bwrap = PathBuf::from("/nonexistent/bwrap");
    match kernel::Kernel::start(&common::spec("python3"), &config).await {
        Err(kernel::KernelError::MissingProgram { package, .. }) => assert_eq!(package, "bubblewrap"),
        Err(other) => panic!("erreur inattendue : {other}"),
        Ok(_) => panic!("le noyau n'aurait pas dû démarrer"),
    }
}

#[tokio::test]
async fn a_frozen_kernel_is_dead_by_its_heartbeat() {
    let config = KernelConfig {
        heartbeat_interval: Duration::from_millis(500),
        heartbeat_timeout: Duration::from_secs(2),
        ..common::config()
    };
    let mut python = common::start("python3", &config).await;
    let outcome = python.execute("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)").await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Dead, "{outcome:?}");
    assert!(outcome.duration < Duration::from_secs(10), "{:?}", outcome.duration);
    assert!(!python.is_alive());
    python.shutdown().await;
}

#[tokio::test]
async fn the_sandbox_grants_no_privileges() {
    let mut config = common::config();
    config.sandbox.memory_bytes = 256 << 20;
    let mut python = common::start("python3", &config).await;
    let code = "import os, subprocess\nstatus = dict(line.split(':\\t') for line in open('/proc/self/status').read().splitlines() if ':\\t' in line)\nprint(status['CapEff'], status['NoNewPrivs'])\nprint(subprocess.run(['unshare', '-U', 'true'], capture_output=True).returncode != 0)\nvfs = os.statvfs('/tmp')\nprint(vfs.f_blocks * vfs.f_frsize <= 256 * 1024 * 1024)";
    let outcome = python.execute(code).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    let stdout = outcome.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..3], ["0000000000000000 1", "True", "True"], "{stdout}");
    python.shutdown().await;
}
