//! Where results go: files and result folders written atomically (with a
//! BOM for Excel when asked), status lines on stderr (hidden by `--quiet`),
//! and the printed results on stdout, where a closed pipe ends the command
//! quietly.
//!
//! # Result folders: the complete old result or the complete new one
//!
//! A command that writes several files into one folder (`simulate`,
//! `split`, `sweep`, the `charts/` of `report`) calls
//! [`Output::write_result`]. Whatever moment the process is killed at
//! (`kill -9`, power aside), the folder `PARENT/NAME` holds either the
//! complete previous result or the complete new one, never a mix:
//!
//! 1. Refuse a target that is the working folder or holds it, the
//!    filesystem root or the home folder (`--out .`): the swap replaces the
//!    folder as a whole.
//! 2. Lock `PARENT` and, when it exists, `NAME` (`flock` on the open
//!    folder, Unix), parent first, so concurrent quotaplan runs writing into
//!    the same folders take turns (a single-file write locks its folder
//!    too; where a folder cannot be locked the write goes on unlocked).
//!    Then clean up the leftovers of dead runs (below).
//! 3. Write every file into a fresh hidden sibling `PARENT/.NAME.new-PID-RUN`
//!    (RUN: a random run id), `fsync` each, then write the marker
//!    `.quotaplan-run` last (`{"command", "run", "version", "files"}`) and
//!    `fsync` the folder. A folder whose marker names the run id of its own
//!    folder name is complete.
//! 4. Move the entries of the old folder that the new run does not write
//!    into the new folder (renames): other commands' results nested in it
//!    (`split/`, `report.html`, `charts/`, `quotas.csv`, ...) and files
//!    quotaplan did not write. The old folder's own files of the same
//!    command that the new run does not write (an old `sweep.svg` when the
//!    new sweep draws none; the names the old marker lists, or the command's
//!    known file names for folders written before markers) stay behind and
//!    go with it.
//! 5. Swap: on Linux one `renameat2(RENAME_EXCHANGE)` of the new folder and
//!    `NAME` (a plain no-replace rename when `NAME` does not exist yet). Where
//!    the exchange is unsupported, two renames: `NAME` to
//!    `PARENT/.NAME.old-PID-RUN`, then the new folder to `NAME`; `fsync`
//!    `PARENT`.
//! 6. Remove the old folder (now under the hidden name). A failure here is a
//!    warning: the result is complete, and the next run removes it.
//!
//! A failure at any step before the swap (a file that cannot be written, a
//! full disk, a rename refused) moves the moved entries back, removes the new
//! folder and returns an error naming the path: the old result stays whole.
//!
//! ## Leftovers and recovery
//!
//! Every write (folder or single file) first cleans up, in the folder it
//! writes into, the leftovers of dead processes: `.NAME.tmp-PID` files,
//! `.NAME.new-PID-RUN` and `.NAME.old-PID-RUN` folders. A process is dead
//! when `/proc/PID` is gone or a zombie (Linux); elsewhere a leftover
//! untouched for an hour counts as dead. Live processes' temporaries are
//! never touched. For a target `NAME`:
//!
//! - `NAME` missing (killed between the two fallback renames): a complete
//!   `.NAME.new-*` becomes `NAME` (the run had finished writing); else a
//!   `.NAME.old-*` is renamed back.
//! - A `.NAME.new-PID-RUN` whose run id is the one in `NAME`'s marker holds
//!   the folder that run swapped out: it goes. So does a `.NAME.old-*`
//!   beside an existing `NAME`: it holds only the result its run replaced
//!   (the entries it kept had moved to its new folder first).
//! - A complete `.NAME.new-*` that never got swapped in is rolled back: the
//!   entries its marker does not list (moved from `NAME` in step 4) go back
//!   into `NAME`, the rest go. An incomplete one holds only files its run
//!   wrote (entries move in only after the marker), so it goes.
//!
//! Until that next write, a run killed during step 4 leaves the moved
//! entries (never the result's own files) in its hidden folder.
//!
//! Concurrent writers into nested folders (a `split` into
//! `output/x/split/` while a `simulate` swaps `output/x/`) take turns
//! through the lock on `output/x`. Without Unix locks (Windows) concurrent
//! runs into the same folder are not serialised.
//!
//! Readers of a result folder (`report RESULT_DIR`) read its files through
//! [`read_result`], which reads again when the marker's run id changed
//! meanwhile, so they never combine files of two results.
//!
//! Single files (`quotas.csv`, `mitigations.csv`, `report.html`, scenarios
//! written beside their source, `compare`'s and `check`'s files) are written
//! to `.NAME.tmp-PID`, `fsync`ed and renamed into place. `report` writes its
//! `charts/` folder as a result, then `report.html` as a single file: the
//! page inlines its charts, so each is complete on its own, but a run killed
//! between the two leaves new charts beside the previous page.
//!
//! ## Testing aids
//!
//! Read from the environment, for the tests that kill a run mid-write:
//!
//! - `QUOTAPLAN_WRITE_PAUSE_MS=N`: after each step print
//!   `quotaplan-write: STEP PATH` on stderr and sleep N ms. Steps: `recover`,
//!   `create`, `file` (each), `marker`, `migrate` (each), `exchange` or
//!   `rename-old` and `rename-new` (fallback) or `place` (new target),
//!   `remove-old`; single files: `tmp`, `rename`.
//! - `QUOTAPLAN_WRITE_FAIL=STEP` (or `STEP#N`, its N-th time): that step
//!   fails with an injected error instead of running.
//! - `QUOTAPLAN_WRITE_EXCHANGE=0`: no atomic exchange (the two-rename
//!   fallback, as where the exchange is unsupported).

mod hook;
mod swap;
mod sys;

use super::fail::Fail;
use quotaplan::report::OutputFile;
use std::fmt::Display;
use std::io::Write;
use std::path::Path;

/// What the user asked about output, passed explicitly to whatever writes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Output {
    pub quiet: bool,
    pub bom: bool,
}

/// The files of one command's result, written as one folder.
#[derive(Clone, Copy, Debug)]
pub struct ResultSet<'a> {
    /// The command, recorded in the folder's marker.
    pub command: &'a str,
    /// Every file name this command may write into such a folder: files of
    /// an old result with these names that the new run does not write are
    /// stale and go (for folders written before markers existed).
    pub own: &'a [&'a str],
    pub files: &'a [OutputFile],
}

impl Output {
    /// A status line ("Wrote ..."): stderr, unless quiet.
    pub fn status(&self, line: impl Display) {
        if !self.quiet {
            super::terminal::eprintln(&line.to_string());
        }
    }

    /// Writes a command's result as the folder `dir`, swapped into place
    /// whole (see the module documentation): after a crash at any moment,
    /// `dir` is the complete old or the complete new result. Entries of the
    /// old folder that this result does not own are kept.
    pub fn write_result(&self, dir: &Path, set: ResultSet<'_>) -> Result<(), Fail> {
        swap::write_folder(dir, &set, self.bom)
    }

    /// Refuses, before any work, a result folder that [`Output::write_result`]
    /// would refuse (the working folder, the root, the home folder).
    pub fn check_result_dir(&self, dir: &Path) -> Result<(), Fail> {
        swap::resolve(dir).map(drop)
    }

    /// Writes each file into `dir` atomically (temporary name, `fsync`,
    /// rename), all temporaries first; the files are not replaced as a set.
    pub fn write(&self, dir: &Path, files: &[OutputFile]) -> Result<(), Fail> {
        swap::write_files(dir, files, self.bom)
    }

    /// Writes one file at `path` atomically.
    pub fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<(), Fail> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .ok_or_else(|| Fail::Usage(format!("`{}` does not name a file", path.display())))?;
        self.write(
            dir,
            &[OutputFile {
                name: name.to_string_lossy().into_owned(),
                bytes: bytes.to_vec(),
            }],
        )
    }
}

/// Reads several files of the result folder `dir` with `read`, all from the
/// same result: when another run swapped a new result in meanwhile (the
/// marker's run id changed), reads again.
pub fn read_result<T>(dir: &Path, mut read: impl FnMut() -> T) -> T {
    for _ in 0..10 {
        let before = swap::marker_run(dir);
        let value = read();
        if swap::marker_run(dir) == before {
            return value;
        }
    }
    read()
}

/// Prints results on stdout; a closed pipe (`| head`) ends the command.
pub fn print(text: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Fail::BrokenPipe),
        Err(source) => Err(Fail::Write {
            path: "<stdout>".into(),
            source,
        }),
    }
}

/// The names of `files`, for a status line: `dir/{a, b, c}`.
pub fn listed(dir: &Path, files: &[OutputFile]) -> String {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    match names[..] {
        [one] => dir.join(one).display().to_string(),
        _ => format!("{}/{{{}}}", dir.display(), names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_result_swapped_while_reading_is_read_again() {
        let dir = std::env::temp_dir().join(format!("quotaplan-unit-{}-read", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let marker = |run: &str| {
            std::fs::write(
                dir.join(super::swap::MARKER),
                format!(r#"{{"command":"simulate","run":"{run}","files":[]}}"#),
            )
            .expect("write")
        };
        marker("a");
        let mut calls = 0;
        let got = super::read_result(&dir, || {
            calls += 1;
            if calls == 1 {
                marker("b");
            }
            calls
        });
        assert_eq!(got, 2, "the first read straddled a swap");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
