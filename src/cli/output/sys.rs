//! What the writer needs from the operating system: folder locks, the
//! atomic exchange, no-replace renames, folder `fsync`, whether a process
//! is alive, and run ids. Linux gets the real thing; elsewhere the portable
//! fallbacks described in `output`'s documentation.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::Duration;

/// An exclusive lock on a folder, held until dropped.
pub struct DirLock {
    #[cfg(unix)]
    _file: Option<File>,
}

/// Locks the folder `dir` (Unix: `flock` on the open folder). When another
/// run swapped `dir` while this one waited, the lock is taken again on the
/// folder now at that path. Best effort: where folders cannot be opened or
/// locked (some network filesystems) the write goes on unlocked.
#[cfg(unix)]
pub fn lock_dir(dir: &Path) -> DirLock {
    use std::os::unix::fs::MetadataExt;
    let mut file = None;
    for _ in 0..100 {
        let Ok(f) = File::open(dir) else { break };
        if f.lock().is_err() {
            break;
        }
        let same = match (f.metadata(), std::fs::metadata(dir)) {
            (Ok(held), Ok(now)) => (held.dev(), held.ino()) == (now.dev(), now.ino()),
            _ => true,
        };
        file = Some(f);
        if same {
            break;
        }
    }
    DirLock { _file: file }
}

#[cfg(not(unix))]
pub fn lock_dir(_dir: &Path) -> DirLock {
    DirLock {}
}

/// Makes a folder's entries (creations, renames) durable. Filesystems that
/// cannot sync a folder are not an error.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        match File::open(dir).and_then(|f| f.sync_all()) {
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) =>
            {
                Ok(())
            }
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Exchanges the folders `a` and `b` atomically. `Ok(false)`: this system
/// or filesystem cannot (then nothing happened).
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].contains(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Renames `from` to `to` unless `to` exists (then `AlreadyExists`).
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].contains(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Without the flag: check, then rename (the folder lock keeps other
    // quotaplan runs out in between).
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a file or folder of that name exists",
        ));
    }
    std::fs::rename(from, to)
}

/// Whether the process that left a temporary at `path` is gone. Linux:
/// `/proc/PID` is missing or a zombie. Elsewhere: the leftover is older than
/// an hour. This process is always alive.
pub fn dead(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    match proc_state(pid) {
        Some(state) => state.is_none_or(|s| s == 'Z' || s == 'X'),
        None => std::fs::symlink_metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(3600)),
    }
}

/// `None`: no `/proc` to ask. `Some(None)`: no such process. `Some(Some(c))`:
/// its state letter.
fn proc_state(pid: u32) -> Option<Option<char>> {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self/stat").exists() {
        return None;
    }
    Some(
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .map(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.trim_start().chars().next())
                    .unwrap_or('R')
            }),
    )
}

/// A fresh run id: 16 hex digits, random per process and call.
pub fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// Why a result folder must not be swapped, if it must not: `target` (made
/// absolute, symlinks resolved when it exists) is the filesystem root, the
/// home folder, or the working folder or one holding it.
pub fn refusal(target: &Path, cwd: Option<&Path>, home: Option<&Path>) -> Option<&'static str> {
    if target.parent().is_none() {
        Some("it is the filesystem root")
    } else if home.is_some_and(|h| h == target) {
        Some("it is your home folder")
    } else if cwd.is_some_and(|c| c == target) {
        Some("it is the working folder")
    } else if cwd.is_some_and(|c| c.starts_with(target)) {
        Some("it holds the working folder")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn refuses_root_home_and_the_working_folder() {
        let cwd = PathBuf::from("/home/ana/plans");
        let home = PathBuf::from("/home/ana");
        let r = |t: &str| refusal(Path::new(t), Some(&cwd), Some(&home));
        assert_eq!(r("/"), Some("it is the filesystem root"));
        assert_eq!(r("/home/ana"), Some("it is your home folder"));
        assert_eq!(r("/home/ana/plans"), Some("it is the working folder"));
        assert_eq!(r("/home"), Some("it holds the working folder"));
        assert_eq!(r("/home/ana/plans/output/demo"), None);
        assert_eq!(r("/home/ana/plansx"), None);
        assert_eq!(r("/tmp/out"), None);
    }

    #[test]
    fn processes_alive_and_dead() {
        let here = Path::new(".");
        assert!(!dead(std::process::id(), here));
        if cfg!(target_os = "linux") {
            // PID 4194304 is beyond Linux's largest PID.
            assert!(dead(4_194_304, here));
            assert!(!dead(1, here));
        }
    }

    #[test]
    fn run_ids_differ() {
        let (a, b) = (run_id(), run_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
