//! Per-kernel control groups: a memory and a process-count limit the whole sandbox shares.
//!
//! The group is created inside the group this process already belongs to, so that it stays
//! under whatever limits apply to socle itself. Both cgroup v1 (one hierarchy per controller)
//! and v2 (one unified hierarchy) are handled; when neither can be written the caller falls back
//! to resource limits.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Which limits a created group enforces.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Enforced {
    pub memory: bool,
    pub processes: bool,
}

/// The folders of one kernel's group, one per hierarchy; removed by [`Cgroup::remove`].
#[derive(Debug, Default)]
pub(crate) struct Cgroup {
    dirs: Vec<PathBuf>,
}

impl Cgroup {
    /// Creates the group `name` with the given limits, in every hierarchy that accepts it.
    pub fn create(name: &str, memory_bytes: u64, max_processes: u32) -> (Cgroup, Enforced) {
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        let mut cgroup = Cgroup::default();
        let mut enforced = Enforced::default();
        let memory = memory_bytes.to_string();
        let pids = max_processes.to_string();

        if let Some(dir) = v1_dir(&mounts, &own, "memory", name)
            && cgroup.make(&dir, &[("memory.limit_in_bytes", &memory)])
        {
            // Without swap accounting this file is absent; memory.limit_in_bytes alone holds then.
            let _ = std::fs::write(dir.join("memory.memsw.limit_in_bytes"), &memory);
            enforced.memory = true;
        }
        if let Some(dir) = v1_dir(&mounts, &own, "pids", name)
            && cgroup.make(&dir, &[("pids.max", &pids)])
        {
            enforced.processes = true;
        }
        if !enforced.memory
            && !enforced.processes
            && let Some(dir) = v2_dir(&mounts, &own, name)
            && cgroup.make(&dir, &[("memory.max", &memory), ("pids.max", &pids)])
        {
            let _ = std::fs::write(dir.join("memory.swap.max"), "0");
            enforced = Enforced { memory: true, processes: true };
        }
        (cgroup, enforced)
    }

    /// The `cgroup.procs` files a process writes its pid to in order to join the group.
    pub fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|dir| dir.join("cgroup.procs")).collect()
    }

    /// Kills what is left in the group and removes its folders, trying for at most `patience`.
    /// Returns whether every folder is gone.
    pub fn remove(&mut self, patience: Duration) -> bool {
        let started = Instant::now();
        loop {
            self.dirs.retain(|dir| {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    return false;
                }
                kill_members(dir);
                true
            });
            if self.dirs.is_empty() || started.elapsed() >= patience {
                return self.dirs.is_empty();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Creates `dir` and writes each setting; on any failure removes it and returns false.
    fn make(&mut self, dir: &Path, settings: &[(&str, &str)]) -> bool {
        if std::fs::create_dir(dir).is_err() {
            return false;
        }
        for (file, value) in settings {
            if std::fs::write(dir.join(file), value).is_err() {
                let _ = std::fs::remove_dir(dir);
                return false;
            }
        }
        self.dirs.push(dir.to_path_buf());
        true
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        self.remove(Duration::from_secs(2));
    }
}

/// Sends SIGKILL to the processes still in the group (only ever processes of this sandbox).
fn kill_members(dir: &Path) {
    let members = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    let pids: Vec<&str> = members.split_whitespace().filter(|pid| pid.bytes().all(|b| b.is_ascii_digit())).collect();
    if !pids.is_empty() {
        let _ = std::process::Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .args(&pids)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// The folder for group `name` in the v1 hierarchy of `controller`, under this process's group.
fn v1_dir(mountinfo: &str, own: &str, controller: &str, name: &str) -> Option<PathBuf> {
    let own_path = own.lines().find_map(|line| {
        let mut fields = line.splitn(3, ':');
        let (_id, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        controllers.split(',').any(|c| c == controller).then_some(path)
    })?;
    let (root, mount_point) = mountinfo.lines().find_map(|line| {
        let (before, after) = line.split_once(" - ")?;
        let mut after = after.split(' ');
        let (fs_type, _source, options) = (after.next()?, after.next()?, after.next()?);
        if fs_type != "cgroup" || !options.split(',').any(|option| option == controller) {
            return None;
        }
        let fields: Vec<&str> = before.split(' ').collect();
        Some((*fields.get(3)?, *fields.get(4)?))
    })?;
    Some(group_dir(mount_point, root, own_path, name))
}

/// The folder for group `name` in the unified (v2) hierarchy, under this process's group.
fn v2_dir(mountinfo: &str, own: &str, name: &str) -> Option<PathBuf> {
    let own_path = own.lines().find_map(|line| line.strip_prefix("0::"))?;
    let (root, mount_point) = mountinfo.lines().find_map(|line| {
        let (before, after) = line.split_once(" - ")?;
        if after.split(' ').next()? != "cgroup2" {
            return None;
        }
        let fields: Vec<&str> = before.split(' ').collect();
        Some((*fields.get(3)?, *fields.get(4)?))
    })?;
    let dir = group_dir(mount_point, root, own_path, name);
    // Only a hierarchy that offers both controllers to its children is of any use.
    let parent = std::fs::read_to_string(dir.parent()?.join("cgroup.subtree_control")).ok()?;
    let offered: Vec<&str> = parent.split_whitespace().collect();
    (offered.contains(&"memory") && offered.contains(&"pids")).then_some(dir)
}

fn group_dir(mount_point: &str, mount_root: &str, own_path: &str, name: &str) -> PathBuf {
    let relative = own_path.strip_prefix(mount_root).unwrap_or(own_path).trim_start_matches('/');
    let mut dir = PathBuf::from(unescape_mount(mount_point));
    if !relative.is_empty() {
        dir.push(relative);
    }
    dir.join(name)
}

/// Mount points in mountinfo escape spaces and a few other bytes as `\ooo`.
fn unescape_mount(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] == b'\\'
            && idx + 3 < bytes.len()
            && bytes[idx + 1..idx + 4].iter().all(|b| (b'0'..=b'7').contains(b))
        {
            let value = (bytes[idx + 1] - b'0') * 64 + (bytes[idx + 2] - b'0') * 8 + (bytes[idx + 3] - b'0');
            out.push(value);
            idx += 4;
        } else {
            out.push(bytes[idx]);
            idx += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
    const OWN: &str = "8:pids:/\n4:memory:/api/abc\n0::/\n";

    #[test]
    fn v1_groups_nest_under_the_current_group() {
        assert_eq!(v1_dir(MOUNTINFO, OWN, "memory", "k"), Some(PathBuf::from("/sys/fs/cgroup/memory/api/abc/k")));
        assert_eq!(v1_dir(MOUNTINFO, OWN, "pids", "k"), Some(PathBuf::from("/sys/fs/cgroup/pids/k")));
        assert_eq!(v1_dir(MOUNTINFO, OWN, "cpu", "k"), None);
    }

    #[test]
    fn mount_points_are_unescaped() {
        assert_eq!(unescape_mount(r"/a\040b"), "/a b");
        assert_eq!(unescape_mount(r"/a\04"), r"/a\04");
    }
}
