//! The writers and the recovery of dead runs' leftovers; the design is in
//! `output`'s module documentation.

use super::hook;
use super::sys::{self, DirLock};
use super::{Fail, ResultSet};
use crate::cli::terminal;
use quotaplan::report::OutputFile;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The marker a complete result folder holds, written last.
pub const MARKER: &str = ".quotaplan-run";

const BOM: &[u8] = b"\xef\xbb\xbf";

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> Fail + '_ {
    move |source| Fail::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// `.NAME.KIND-SUFFIX`, beside `NAME`.
fn hidden(parent: &Path, name: &OsStr, kind: &str, suffix: &str) -> PathBuf {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(format!(".{kind}-{suffix}"));
    parent.join(s)
}

/// Writes `bytes` (with a BOM when asked for a CSV) to a new file and syncs it.
fn write_synced(path: &Path, name: &str, bytes: &[u8], bom: bool) -> io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    if bom && name.ends_with(".csv") && !bytes.starts_with(BOM) {
        file.write_all(BOM)?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

// ---------------------------------------------------------------------------
// Single files

/// Each file to `dir/.NAME.tmp-PID`, synced, then every one renamed into
/// place; dead runs' leftovers in `dir` are cleaned up first.
pub fn write_files(dir: &Path, files: &[OutputFile], bom: bool) -> Result<(), Fail> {
    std::fs::create_dir_all(dir).map_err(|source| Fail::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let _lock = sys::lock_dir(dir);
    recover_dir(dir);
    let pid = std::process::id().to_string();
    let mut temps: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for f in files {
            let tmp = hidden(dir, OsStr::new(&f.name), "tmp", &pid);
            let target = dir.join(&f.name);
            temps.push(tmp.clone());
            hook::before("tmp")
                .and_then(|()| write_synced(&tmp, &f.name, &f.bytes, bom))
                .map_err(write_err(&target))?;
            hook::after("tmp", &tmp);
        }
        for (f, tmp) in files.iter().zip(&temps) {
            let target = dir.join(&f.name);
            hook::before("rename")
                .and_then(|()| std::fs::rename(tmp, &target))
                .map_err(write_err(&target))?;
            hook::after("rename", &target);
        }
        sys::sync_dir(dir).map_err(write_err(dir))
    })();
    if result.is_err() {
        for t in &temps {
            let _ = std::fs::remove_file(t);
        }
    }
    result
}

// ---------------------------------------------------------------------------
// Result folders

/// The folder to swap: absolute, symlinks resolved when it exists; refused
/// when it is the root, the home folder, or the working folder or holds it.
pub fn resolve(dir: &Path) -> Result<PathBuf, Fail> {
    let abs = std::path::absolute(dir).map_err(write_err(dir))?;
    let target = std::fs::canonicalize(&abs).unwrap_or(abs);
    let cwd = std::env::current_dir().ok();
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(|h| std::fs::canonicalize(&h).unwrap_or_else(|_| PathBuf::from(h)));
    if let Some(why) = sys::refusal(&target, cwd.as_deref(), home.as_deref()) {
        return Err(Fail::Usage(format!(
            "refusing to write results into `{}`: {why}. quotaplan replaces a result folder as a whole (write a fresh folder, then swap it in), so it needs a folder of its own: give --out a new or existing results folder such as `--out results` or `--out output/plan`",
            dir.display()
        )));
    }
    if target.file_name().is_none() {
        return Err(Fail::Usage(format!(
            "`{}` does not name a folder; give --out a folder such as `--out results`",
            dir.display()
        )));
    }
    Ok(target)
}

/// Writes `set` as the folder `dir` (see the module documentation).
pub fn write_folder(dir: &Path, set: &ResultSet<'_>, bom: bool) -> Result<(), Fail> {
    let target = resolve(dir)?;
    let parent = target.parent().expect("resolve gives a named folder");
    let name = target.file_name().expect("resolve gives a named folder");
    std::fs::create_dir_all(parent).map_err(|source| Fail::CreateDir {
        path: parent.to_path_buf(),
        source,
    })?;
    let _parent_lock = sys::lock_dir(parent);
    recover_dir(parent);
    let exists = match std::fs::symlink_metadata(&target) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(Fail::Usage(format!(
                "`{}` exists and is not a folder; give --out a results folder such as `--out results`",
                dir.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(write_err(&target)(e)),
    };
    let _target_lock: Option<DirLock> = if exists {
        let lock = sys::lock_dir(&target);
        recover_dir(&target);
        Some(lock)
    } else {
        None
    };
    hook::after("recover", parent);

    let run = sys::run_id();
    let pid = std::process::id();
    let new = hidden(parent, name, "new", &format!("{pid}-{run}"));
    if let Err(e) = prepare(&new, set, &run, bom) {
        let _ = std::fs::remove_dir_all(&new);
        return Err(e);
    }
    if exists {
        swap_in(&new, &target, set, &format!("{pid}-{run}"))
    } else {
        hook::before("place")
            .and_then(|()| sys::rename_noreplace(&new, &target))
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&new);
                write_err(&target)(e)
            })?;
        hook::after("place", &target);
        sync_or_warn(parent);
        Ok(())
    }
}

/// Once the result is in place, a folder that cannot be synced is worth a
/// warning, not a failure.
fn sync_or_warn(dir: &Path) {
    if let Err(e) = sys::sync_dir(dir) {
        terminal::eprintln(&format!(
            "warning: could not sync `{}` ({e}): the result is in place but may not survive a power cut",
            dir.display()
        ));
    }
}

/// The new folder: every file, synced, then the marker, then the folder
/// synced.
fn prepare(new: &Path, set: &ResultSet<'_>, run: &str, bom: bool) -> Result<(), Fail> {
    hook::before("create")
        .and_then(|()| std::fs::create_dir(new))
        .map_err(write_err(new))?;
    hook::after("create", new);
    for f in set.files {
        let path = new.join(&f.name);
        hook::before("file")
            .and_then(|()| write_synced(&path, &f.name, &f.bytes, bom))
            .map_err(write_err(&path))?;
        hook::after("file", &path);
    }
    let marker = serde_json::json!({
        "command": set.command,
        "run": run,
        "version": env!("CARGO_PKG_VERSION"),
        "files": set.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
    });
    let path = new.join(MARKER);
    let text = serde_json::to_string_pretty(&marker).expect("plain data") + "\n";
    hook::before("marker")
        .and_then(|()| write_synced(&path, MARKER, text.as_bytes(), false))
        .and_then(|()| sys::sync_dir(new))
        .map_err(write_err(&path))?;
    hook::after("marker", &path);
    Ok(())
}

/// What a marker says.
struct Marker {
    command: String,
    run: String,
    files: Vec<String>,
}

/// The run id in `dir`'s marker.
pub fn marker_run(dir: &Path) -> Option<String> {
    read_marker(dir).map(|m| m.run)
}

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(Marker {
        command: v.get("command")?.as_str()?.to_string(),
        run: v.get("run")?.as_str()?.to_string(),
        files: v
            .get("files")?
            .as_array()?
            .iter()
            .filter_map(|f| f.as_str().map(String::from))
            .collect(),
    })
}

/// Entries of `dir`, by name.
fn entries(dir: &Path) -> io::Result<Vec<OsString>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        out.push(e?.file_name());
    }
    out.sort();
    Ok(out)
}

/// Moves `names` from `from` back into `to`; the names that could not be
/// moved.
fn move_back(from: &Path, to: &Path, names: &[OsString]) -> Vec<OsString> {
    names
        .iter()
        .filter(|n| std::fs::rename(from.join(n), to.join(n)).is_err())
        .cloned()
        .collect()
}

/// Steps 4 to 6: move the entries the new result does not own into it,
/// swap, remove the old folder. `tag` is `PID-RUN`.
fn swap_in(new: &Path, target: &Path, set: &ResultSet<'_>, tag: &str) -> Result<(), Fail> {
    let parent = target.parent().expect("a named folder");
    let name = target.file_name().expect("a named folder");
    let old_marker = read_marker(target);
    let stale = |n: &str| {
        n == MARKER
            || set.files.iter().any(|f| f.name == n)
            || set.own.contains(&n)
            || old_marker
                .as_ref()
                .is_some_and(|m| m.command == set.command && m.files.iter().any(|f| f == n))
    };
    // Give up before the swap: entries back, new folder gone, old whole.
    let undo = |moved: &[OsString], path: &Path, source: io::Error| -> Fail {
        let stuck = move_back(new, target, moved);
        if stuck.is_empty() {
            if let Err(e) = std::fs::remove_dir_all(new) {
                terminal::eprintln(&format!(
                    "warning: could not remove `{}` ({e}); the next quotaplan run writing into `{}` removes it",
                    new.display(),
                    parent.display()
                ));
            }
            return Fail::Write {
                path: path.to_path_buf(),
                source,
            };
        }
        Fail::Write {
            path: path.to_path_buf(),
            source: io::Error::other(format!(
                "{source}; and {} entries could not be moved back from `{}`: the next quotaplan run writing into `{}` moves them back",
                stuck.len(),
                new.display(),
                parent.display()
            )),
        }
    };

    let mut moved: Vec<OsString> = Vec::new();
    let listing = entries(target).map_err(|e| undo(&[], target, e))?;
    for n in listing {
        if n.to_str().is_some_and(stale) {
            continue;
        }
        let from = target.join(&n);
        if let Err(e) = hook::before("migrate").and_then(|()| std::fs::rename(&from, new.join(&n)))
        {
            return Err(undo(&moved, &from, e));
        }
        moved.push(n);
        hook::after("migrate", &from);
    }
    if !moved.is_empty()
        && let Err(e) = sys::sync_dir(new).and_then(|()| sys::sync_dir(target))
    {
        return Err(undo(&moved, target, e));
    }

    // The swap.
    let exchanged = if hook::no_exchange() {
        false
    } else {
        match hook::before("exchange").and_then(|()| sys::exchange(new, target)) {
            Ok(done) => done,
            Err(e) => return Err(undo(&moved, target, e)),
        }
    };
    let swapped_out = if exchanged {
        hook::after("exchange", target);
        new.to_path_buf()
    } else {
        let old = hidden(parent, name, "old", tag);
        if let Err(e) = hook::before("rename-old").and_then(|()| std::fs::rename(target, &old)) {
            return Err(undo(&moved, target, e));
        }
        hook::after("rename-old", &old);
        if let Err(e) = hook::before("rename-new").and_then(|()| std::fs::rename(new, target)) {
            if let Err(back) = std::fs::rename(&old, target) {
                return Err(Fail::Write {
                    path: target.to_path_buf(),
                    source: io::Error::other(format!(
                        "{e}; and the old result could not be put back from `{}` ({back}): the next quotaplan run writing into `{}` completes the swap",
                        old.display(),
                        parent.display()
                    )),
                });
            }
            return Err(undo(&moved, target, e));
        }
        hook::after("rename-new", target);
        old
    };
    // The new result is in place; what follows only tidies up.
    sync_or_warn(parent);
    if let Err(e) = hook::before("remove-old").and_then(|()| std::fs::remove_dir_all(&swapped_out))
    {
        terminal::eprintln(&format!(
            "warning: could not remove the previous result `{}` ({e}); the next quotaplan run writing into `{}` removes it",
            swapped_out.display(),
            parent.display()
        ));
    }
    hook::after("remove-old", &swapped_out);
    Ok(())
}

// ---------------------------------------------------------------------------
// Recovery

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Tmp,
    New,
    Old,
}

/// What a leftover's name says: its kind, its target's name, the PID that
/// made it and (folders) its run id.
fn parse(file_name: &str) -> Option<(Kind, &str, u32, &str)> {
    let rest = file_name.strip_prefix('.')?;
    if let Some((name, pid)) = rest.rsplit_once(".tmp-")
        && !name.is_empty()
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && let Ok(pid) = pid.parse::<u32>()
    {
        return Some((Kind::Tmp, name, pid, ""));
    }
    for (kind, tag) in [(Kind::New, ".new-"), (Kind::Old, ".old-")] {
        if let Some((name, suffix)) = rest.rsplit_once(tag)
            && !name.is_empty()
            && let Some((pid, run)) = suffix.split_once('-')
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && let Ok(pid) = pid.parse::<u32>()
            && !run.is_empty()
            && run.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Some((kind, name, pid, run));
        }
    }
    None
}

/// A dead run's folder for one target.
struct Left {
    path: PathBuf,
    run: String,
}

impl Left {
    /// Complete: its marker names its own run.
    fn complete(&self) -> Option<Marker> {
        read_marker(&self.path).filter(|m| m.run == self.run)
    }
}

fn warn_left(path: &Path, e: &io::Error) {
    terminal::eprintln(&format!(
        "warning: could not clean up `{}` left by an earlier run: {e}",
        path.display()
    ));
}

/// Cleans up the leftovers of dead processes in `dir` and recovers their
/// targets. Best effort: problems are warnings, the write goes on.
pub fn recover_dir(dir: &Path) {
    let Ok(listing) = entries(dir) else { return };
    let mut groups: BTreeMap<String, (Vec<Left>, Vec<Left>)> = BTreeMap::new();
    for n in &listing {
        let Some((kind, name, pid, run)) = n.to_str().and_then(parse) else {
            continue;
        };
        let path = dir.join(n);
        if !sys::dead(pid, &path) {
            continue;
        }
        let left = Left {
            path,
            run: run.to_string(),
        };
        match kind {
            Kind::Tmp => {
                if left.path.is_file()
                    && let Err(e) = std::fs::remove_file(&left.path)
                {
                    warn_left(&left.path, &e);
                }
            }
            Kind::New => groups.entry(name.to_string()).or_default().0.push(left),
            Kind::Old => groups.entry(name.to_string()).or_default().1.push(left),
        }
    }
    for (name, (news, olds)) in groups {
        recover_target(&dir.join(name), news, olds);
    }
}

/// Recovers one target from its dead runs' new and old folders.
fn recover_target(target: &Path, mut news: Vec<Left>, mut olds: Vec<Left>) {
    let mut target_run = read_marker(target).map(|m| m.run);
    if std::fs::symlink_metadata(target).is_err() {
        // Killed between the fallback's two renames: finish the swap when
        // the new folder is complete, else put the old one back.
        let pick = news
            .iter()
            .position(|n| n.complete().is_some() && olds.iter().any(|o| o.run == n.run))
            .or_else(|| news.iter().position(|n| n.complete().is_some()));
        if let Some(i) = pick {
            match std::fs::rename(&news[i].path, target) {
                Ok(()) => target_run = Some(news.remove(i).run),
                Err(e) => warn_left(&news[i].path, &e),
            }
        } else if let Some(old) = olds.pop() {
            match std::fs::rename(&old.path, target) {
                Ok(()) => target_run = read_marker(target).map(|m| m.run),
                Err(e) => {
                    warn_left(&old.path, &e);
                    olds.push(old);
                }
            }
        }
    }
    let remove = |p: &Path| {
        if let Err(e) = std::fs::remove_dir_all(p) {
            warn_left(p, &e);
        }
    };
    for n in news {
        if target_run.as_deref() == Some(n.run.as_str()) {
            // The run swapped its result in: this is the folder it swapped out.
            remove(&n.path);
        } else if let Some(marker) = n.complete() {
            // Complete but never swapped in: what it took from the target
            // goes back, its own files go.
            give_back(&n.path, target, &marker);
        } else {
            // Killed while writing its files: nothing else is in it yet.
            remove(&n.path);
        }
    }
    // What a run renamed aside holds only the result it replaced (the
    // entries it kept had moved to its new folder first).
    let target_exists = std::fs::symlink_metadata(target).is_ok();
    for o in olds {
        if target_exists {
            remove(&o.path);
        } else {
            terminal::eprintln(&format!(
                "warning: left `{}` in place: `{}` is missing and could not be restored from it",
                o.path.display(),
                target.display()
            ));
        }
    }
}

/// Rolls back a complete new folder that was never swapped in: the
/// entries its marker does not list go back into `target`, then it goes.
fn give_back(new: &Path, target: &Path, marker: &Marker) {
    let Ok(listing) = entries(new) else { return };
    let target_ok = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir());
    let mut stuck = 0;
    for n in listing {
        let own = n
            .to_str()
            .is_some_and(|n| n == MARKER || marker.files.iter().any(|f| f == n));
        if own {
            continue;
        }
        let to = target.join(&n);
        if !target_ok
            || std::fs::symlink_metadata(&to).is_ok()
            || std::fs::rename(new.join(&n), &to).is_err()
        {
            stuck += 1;
        }
    }
    if stuck == 0 {
        if let Err(e) = std::fs::remove_dir_all(new) {
            warn_left(new, &e);
        }
    } else {
        terminal::eprintln(&format!(
            "warning: left `{}` in place: {stuck} entries in it could not be moved back into `{}`; move them by hand",
            new.display(),
            target.display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PID 4194304 is beyond Linux's largest PID: always dead (elsewhere
    /// the leftovers would need to be an hour old, so these run on Linux).
    const DEAD: u32 = 4_194_304;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("quotaplan-unit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch folder");
        d
    }

    /// A result folder at `dir` with `files` (name = contents) and, when
    /// `run` is given, a marker for that run listing `listed`.
    fn folder(dir: &Path, files: &[(&str, &str)], run: Option<&str>, listed: &[&str]) {
        std::fs::create_dir_all(dir).expect("mkdir");
        for (n, body) in files {
            std::fs::write(dir.join(n), body).expect("write");
        }
        if let Some(run) = run {
            let m = serde_json::json!({"command": "simulate", "run": run, "files": listed});
            std::fs::write(dir.join(MARKER), m.to_string()).expect("write");
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        entries(dir)
            .expect("listing")
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn recovery_finishes_or_undoes_a_killed_swap() {
        if !cfg!(target_os = "linux") {
            return;
        }
        // Killed between the two fallback renames: the complete new result
        // becomes the folder, the old one goes.
        let p = scratch("recover-forward");
        folder(
            &p.join(format!(".D.old-{DEAD}-aa")),
            &[("summary.json", "old")],
            Some("00"),
            &["summary.json"],
        );
        folder(
            &p.join(format!(".D.new-{DEAD}-aa")),
            &[("summary.json", "new"), ("notes.txt", "mine")],
            Some("aa"),
            &["summary.json"],
        );
        recover_dir(&p);
        assert_eq!(names(&p), ["D"]);
        assert_eq!(
            std::fs::read_to_string(p.join("D/summary.json")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(p.join("D/notes.txt")).unwrap(),
            "mine"
        );

        // The new folder incomplete (no marker of its own run): the old comes back.
        let p = scratch("recover-back");
        folder(
            &p.join(format!(".D.old-{DEAD}-bb")),
            &[("summary.json", "old")],
            Some("00"),
            &["summary.json"],
        );
        folder(
            &p.join(format!(".D.new-{DEAD}-bb")),
            &[("summary.json", "half")],
            None,
            &[],
        );
        recover_dir(&p);
        assert_eq!(names(&p), ["D"]);
        assert_eq!(
            std::fs::read_to_string(p.join("D/summary.json")).unwrap(),
            "old"
        );

        // Killed after the exchange: the folder under the hidden name is the
        // one swapped out, and goes.
        let p = scratch("recover-swapped");
        folder(
            &p.join("D"),
            &[("summary.json", "new")],
            Some("cc"),
            &["summary.json"],
        );
        folder(
            &p.join(format!(".D.new-{DEAD}-cc")),
            &[("summary.json", "old")],
            Some("00"),
            &["summary.json"],
        );
        recover_dir(&p);
        assert_eq!(names(&p), ["D"]);
        assert_eq!(
            std::fs::read_to_string(p.join("D/summary.json")).unwrap(),
            "new"
        );

        // Killed while moving entries across: they go back, the new files go.
        let p = scratch("recover-give-back");
        folder(
            &p.join("D"),
            &[("summary.json", "old")],
            Some("00"),
            &["summary.json"],
        );
        folder(
            &p.join(format!(".D.new-{DEAD}-dd")),
            &[("summary.json", "new"), ("notes.txt", "mine")],
            Some("dd"),
            &["summary.json"],
        );
        std::fs::create_dir_all(p.join(format!(".D.new-{DEAD}-dd/split"))).unwrap();
        recover_dir(&p);
        assert_eq!(names(&p), ["D"]);
        assert_eq!(
            names(&p.join("D")),
            [MARKER, "notes.txt", "split", "summary.json"]
        );
        assert_eq!(
            std::fs::read_to_string(p.join("D/summary.json")).unwrap(),
            "old"
        );

        // Temporaries: a dead process's go, a live one's (this process) stay.
        let p = scratch("recover-live");
        let me = std::process::id();
        std::fs::write(p.join(format!(".a.csv.tmp-{DEAD}")), "x").unwrap();
        std::fs::write(p.join(format!(".a.csv.tmp-{me}")), "x").unwrap();
        folder(
            &p.join(format!(".D.new-{me}-ee")),
            &[("summary.json", "x")],
            None,
            &[],
        );
        std::fs::write(p.join("mine.tmp-5"), "x").unwrap();
        recover_dir(&p);
        assert_eq!(
            names(&p),
            [
                format!(".D.new-{me}-ee"),
                format!(".a.csv.tmp-{me}"),
                "mine.tmp-5".into()
            ]
        );
        for name in ["forward", "back", "swapped", "give-back", "live"] {
            let _ = std::fs::remove_dir_all(scratch(&format!("recover-{name}")));
        }
    }

    #[test]
    fn leftover_names() {
        assert_eq!(
            parse(".summary.json.tmp-123"),
            Some((Kind::Tmp, "summary.json", 123, ""))
        );
        assert_eq!(
            parse(".demo.new-42-00ff0a1b2c3d4e5f"),
            Some((Kind::New, "demo", 42, "00ff0a1b2c3d4e5f"))
        );
        assert_eq!(
            parse(".a.b-c.old-7-abc"),
            Some((Kind::Old, "a.b-c", 7, "abc"))
        );
        // A temporary of a file whose own name looks like a leftover.
        assert_eq!(
            parse(".x.new-1-ab.tmp-5"),
            Some((Kind::Tmp, "x.new-1-ab", 5, ""))
        );
        for not in [
            "summary.json",
            ".quotaplan-run",
            ".tmp-5",
            ".a.tmp-",
            ".a.tmp-+5",
            ".a.tmp-5x",
            ".a.new-5",
            ".a.new-5-",
            ".a.new-x-ab",
            ".a.old-5-xyz",
        ] {
            assert_eq!(parse(not), None, "{not}");
        }
    }
}
