//! Files: reading scenarios relative to each other, and naming output.

use quotaplan::scenario::SourceLoader;
use std::path::Path;

/// Reads the files a scenario names from disk, relative to the file that
/// names them.
pub struct DiskLoader;

impl SourceLoader for DiskLoader {
    fn load(&self, from: &str, path: &str) -> std::io::Result<(String, String)> {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let full = base.join(path);
        let text = std::fs::read_to_string(&full)?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slug("East China FY2027"), "east-china-fy2027");
        assert_eq!(super::slug("华东区 FY2027 demo"), "华东区-fy2027-demo");
        assert_eq!(super::slug("!!"), "scenario");
    }
}
