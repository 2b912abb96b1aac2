//! Where results go: files written atomically (with a BOM for Excel when
//! asked), status lines on stderr (hidden by `--quiet`), and the printed
//! results on stdout, where a closed pipe ends the command quietly.

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

impl Output {
    /// A status line ("Wrote ..."): stderr, unless quiet.
    pub fn status(&self, line: impl Display) {
        if !self.quiet {
            super::terminal::eprintln(&line.to_string());
        }
    }

    /// Writes every file into `dir` under a temporary name first and
    /// renames them into place only when all were written, so a failure
    /// leaves no half-written output.
    pub fn write(&self, dir: &Path, files: &[OutputFile]) -> Result<(), Fail> {
        write_all(dir, files, self.bom)
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

fn write_all(dir: &Path, files: &[OutputFile], bom: bool) -> Result<(), Fail> {
    std::fs::create_dir_all(dir).map_err(|source| Fail::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut temps = Vec::new();
    let cleanup =
        |temps: &[std::path::PathBuf]| temps.iter().for_each(|t| drop(std::fs::remove_file(t)));
    for f in files {
        let tmp = dir.join(format!(".{}.tmp-{}", f.name, std::process::id()));
        let with_bom = bom && f.name.ends_with(".csv") && !f.bytes.starts_with(b"\xef\xbb\xbf");
        let res = std::fs::File::create(&tmp).and_then(|mut file| {
            if with_bom {
                file.write_all(b"\xef\xbb\xbf")?;
            }
            file.write_all(&f.bytes)?;
            file.sync_all()
        });
        temps.push(tmp);
        if let Err(source) = res {
            cleanup(&temps);
            return Err(Fail::Write {
                path: dir.join(&f.name),
                source,
            });
        }
    }
    for (f, tmp) in files.iter().zip(&temps) {
        if let Err(source) = std::fs::rename(tmp, dir.join(&f.name)) {
            cleanup(&temps);
            return Err(Fail::Write {
                path: dir.join(&f.name),
                source,
            });
        }
    }
    Ok(())
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
