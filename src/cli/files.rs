//! Files: reading scenarios relative to each other, and atomic writes.

use quotaplan::scenario::SourceLoader;
use std::io::Write;
use std::path::Path;

pub struct DiskLoader;

impl SourceLoader for DiskLoader {
    fn load(&self, from: &str, path: &str) -> Result<(String, String), String> {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let full = base.join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    }
}

/// A path made absolute against the working folder (no symlink resolution).
pub fn absolute(p: &Path) -> std::path::PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A folder name from a scenario name; keeps letters of any script.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "scenario".into() } else { s }
}

static BOM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether CSV files get a UTF-8 byte-order mark (`--bom`, for Excel).
pub fn set_bom(on: bool) {
    BOM.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Writes every file to a temporary name first and renames them into place
/// only when all were written, so a failure leaves no half-written output.
pub fn write_all(dir: &Path, files: &[(&str, &[u8])]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut temps = Vec::new();
    let cleanup =
        |temps: &[std::path::PathBuf]| temps.iter().for_each(|t| drop(std::fs::remove_file(t)));
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let bom = BOM.load(std::sync::atomic::Ordering::Relaxed)
            && name.ends_with(".csv")
            && !bytes.starts_with(b"\xef\xbb\xbf");
        let res = std::fs::File::create(&tmp).and_then(|mut f| {
            if bom {
                f.write_all(b"\xef\xbb\xbf")?;
            }
            f.write_all(bytes)?;
            f.sync_all()
        });
        temps.push(tmp.clone());
        if let Err(e) = res {
            cleanup(&temps);
            return Err(format!("cannot write `{}`: {e}", dir.join(name).display()));
        }
    }
    for ((name, _), tmp) in files.iter().zip(&temps) {
        std::fs::rename(tmp, dir.join(name)).map_err(|e| {
            cleanup(&temps);
            format!("cannot write `{}`: {e}", dir.join(name).display())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slug("East China FY2027"), "east-china-fy2027");
        assert_eq!(super::slug("华东区 FY2027 demo"), "华东区-fy2027-demo");
        assert_eq!(super::slug("!!"), "scenario");
    }
}
