//! Files: reading inputs (regular files of bounded size only) relative to
//! each other, and naming output.

use quotaplan::scenario::{SourceBytes, SourceLoader};
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// The most quotaplan reads of one input file unless `QUOTAPLAN_MAX_INPUT_MB`
/// says otherwise: a 1,000,000-unit CSV is about 100 MB.
pub const DEFAULT_MAX_INPUT_MB: u64 = 512;

/// The bound on one input file, in bytes.
pub fn max_input_bytes() -> u64 {
    std::env::var("QUOTAPLAN_MAX_INPUT_MB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_MAX_INPUT_MB)
        .saturating_mul(1 << 20)
}

/// Reads an input file: only a regular file (never a FIFO, device or
/// folder, which could block or never end) of at most [`max_input_bytes`].
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            special_kind(&meta)
        };
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("it is {kind}, not a regular file"),
        ));
    }
    let max = max_input_bytes();
    let too_big = |size: u64| {
        Error::new(
            ErrorKind::InvalidInput,
            format!(
                "it is {} MB, more than the {} MB quotaplan reads (set QUOTAPLAN_MAX_INPUT_MB to raise the bound)",
                size.div_ceil(1 << 20),
                max >> 20
            ),
        )
    };
    if meta.len() > max {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "a special file"
}

/// Reads the files a scenario names from disk, relative to the file that
/// names them.
pub struct DiskLoader;

impl SourceLoader for DiskLoader {
    fn load(&self, from: &str, path: &str) -> std::io::Result<SourceBytes> {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let full = base.join(path);
        let bytes = read_input(&full)?;
        let key = std::fs::canonicalize(&full)
            .unwrap_or_else(|_| full.clone())
            .display()
            .to_string();
        Ok(SourceBytes {
            name: full.display().to_string(),
            key,
            bytes,
        })
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
