//! Bytes of a file into text. Scenario and CSV files come from Windows and
//! Excel as often as from anywhere else: UTF-8 with or without a BOM,
//! UTF-16 (Excel's "Unicode text"), and in China GBK/GB18030 (Excel's
//! default "CSV" on a Chinese Windows). Each is detected and decoded; what
//! is not UTF-8 is named, so the user can see what was assumed.

use super::diag::{FileId, ProblemKind, Problems, Span};

/// How a file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// GB18030, the superset of GBK that Chinese Windows writes.
    Gb18030,
    /// Windows-1252 (Latin-1 plus), the fallback for Western single-byte
    /// files that are not valid GB18030.
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 (little-endian)",
            Encoding::Utf16Be => "UTF-16 (big-endian)",
            Encoding::Gb18030 => "GB18030 (GBK)",
            Encoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }
}

/// A file's text and the encoding it was read in.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// A byte-order mark was removed.
    pub had_bom: bool,
    /// Lines ended in a lone CR (Excel for Mac's "CSV (Macintosh)"); they
    /// were turned into LF so that line numbers are right.
    pub cr_line_ends: bool,
}

/// Decodes `bytes`: a BOM decides when there is one; otherwise UTF-8 when
/// the bytes are valid UTF-8; otherwise GB18030 when they decode without
/// error and most non-ASCII characters are CJK; otherwise Windows-1252
/// (which decodes anything). NUL bytes outside UTF-16 mean a binary file.
/// Lone-CR line ends become LF.
pub fn decode(bytes: &[u8]) -> Result<Decoded, BinaryFile> {
    Ok(cr_to_lf(decode_text(bytes)?))
}

/// As [`decode`], taking the bytes: a plain UTF-8 file (the usual case,
/// and the large one) becomes its text without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, BinaryFile> {
    let marked = matches!(
        bytes.as_slice(),
        [0xEF, 0xBB, 0xBF, ..] | [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]
    );
    if marked || utf16_without_bom(&bytes).is_some() || bytes.contains(&0) {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(cr_to_lf(Decoded {
            text,
            encoding: Encoding::Utf8,
            had_bom: false,
            cr_line_ends: false,
        })),
        Err(e) => decode(e.as_bytes()),
    }
}

/// Lone-CR line ends become LF.
fn cr_to_lf(mut d: Decoded) -> Decoded {
    if d.text.contains('\r') && !d.text.contains('\n') {
        d.text = d.text.replace('\r', "\n");
        d.cr_line_ends = true;
    }
    d
}

fn decode_text(bytes: &[u8]) -> Result<Decoded, BinaryFile> {
    let (enc, bom_len, encoding) = match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (encoding_rs::UTF_8, 3, Encoding::Utf8),
        [0xFF, 0xFE, ..] => (encoding_rs::UTF_16LE, 2, Encoding::Utf16Le),
        [0xFE, 0xFF, ..] => (encoding_rs::UTF_16BE, 2, Encoding::Utf16Be),
        _ => {
            if let Some(e) = utf16_without_bom(bytes) {
                let (text, _) = e.0.decode_without_bom_handling(bytes);
                return Ok(Decoded {
                    text: text.into_owned(),
                    encoding: e.1,
                    had_bom: false,
                    cr_line_ends: false,
                });
            }
            if bytes.contains(&0)
                && let Some(at) = bytes.iter().position(|&b| b == 0)
            {
                return Err(BinaryFile { offset: at });
            }
            if let Ok(s) = std::str::from_utf8(bytes) {
                return Ok(Decoded {
                    text: s.to_string(),
                    encoding: Encoding::Utf8,
                    had_bom: false,
                    cr_line_ends: false,
                });
            }
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if !had_errors && mostly_gb2312(bytes) && mostly_cjk(&text) {
                return Ok(Decoded {
                    text: text.into_owned(),
                    encoding: Encoding::Gb18030,
                    had_bom: false,
                    cr_line_ends: false,
                });
            }
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            return Ok(Decoded {
                text: text.into_owned(),
                encoding: Encoding::Windows1252,
                had_bom: false,
                cr_line_ends: false,
            });
        }
    };
    let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
    if encoding == Encoding::Utf8
        && let Some(at) = text.find('\0')
    {
        return Err(BinaryFile {
            offset: at + bom_len,
        });
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding,
        had_bom: true,
        cr_line_ends: false,
    })
}

/// A file that is not text (a NUL byte at `offset`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("this is not a text file (a NUL byte at offset {offset})")]
pub struct BinaryFile {
    pub offset: usize,
}

/// UTF-16 without a BOM shows zero bytes in one byte position only (the
/// high byte of ASCII characters: separators, digits, line breaks).
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, Encoding)> {
    let sample = &bytes[..bytes.len().min(512) & !1];
    if sample.len() < 4 {
        return None;
    }
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    if odd_zero * 4 >= half && even_zero == 0 {
        Some((encoding_rs::UTF_16LE, Encoding::Utf16Le))
    } else if even_zero * 4 >= half && odd_zero == 0 {
        Some((encoding_rs::UTF_16BE, Encoding::Utf16Be))
    } else {
        None
    }
}

/// Most two-byte characters lie in the GB2312 block (both bytes 0xA1 and
/// above): the common characters that Chinese names and places are written
/// in. A Western file read as GBK pairs an accented letter with the ASCII
/// letter after it ("ü" + "r"), which lands outside that block.
fn mostly_gb2312(bytes: &[u8]) -> bool {
    let (mut common, mut other) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        if next.is_ascii_digit() {
            // A four-byte GB18030 sequence: rare characters.
            other += 1;
            i += 4;
            continue;
        }
        if (0xA1..=0xF7).contains(&b) && next >= 0xA1 && next != 0xFF {
            common += 1;
        } else {
            other += 1;
        }
        i += 2;
    }
    common > 0 && common >= 4 * other
}

/// Most non-ASCII characters are CJK ideographs or CJK punctuation: what a
/// GBK file of Chinese names decodes to (a Latin-1 file that happens to be
/// valid GB18030 decodes to a scatter of rare characters instead).
fn mostly_cjk(text: &str) -> bool {
    let (mut cjk, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if matches!(c as u32, 0x4E00..=0x9FFF | 0x3000..=0x303F | 0xFF00..=0xFFEF) {
            cjk += 1;
        } else {
            other += 1;
        }
    }
    cjk > 0 && cjk >= 4 * other
}

/// A warning that a file was not UTF-8 and how it was read.
pub fn note_encoding(file: FileId, d: &Decoded, what: &str, problems: &mut Problems) {
    if d.encoding != Encoding::Utf8 {
        problems
            .warning(
                ProblemKind::FileFormat,
                &Span { file, range: 0..0 },
                format!("the {what} is not UTF-8: read as {}", d.encoding.name()),
            )
            .help("save it as UTF-8 to silence this (Excel: Save As \"CSV UTF-8\")");
    }
    if d.cr_line_ends {
        problems.warning(
            ProblemKind::FileFormat,
            &Span { file, range: 0..0 },
            format!("the {what} ends its lines with a carriage return only (old Mac): read as line breaks"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &str = "id,name\nU1,浦东新区·陆家嘴\nU2,苏州工业园区\n";

    #[test]
    fn owned_bytes_decode_as_borrowed_ones() {
        let gbk = encoding_rs::GBK.encode(NAMES).0.into_owned();
        for bytes in [
            NAMES.as_bytes().to_vec(),
            b"id,name\rU1,A\r".to_vec(),
            gbk,
            b"id\0".to_vec(),
        ] {
            assert_eq!(decode_owned(bytes.clone()), decode(&bytes));
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(NAMES.as_bytes()).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_bom),
            (NAMES, Encoding::Utf8, false)
        );
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(NAMES.as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!(decode_owned(b.clone()).unwrap(), d);
        assert_eq!((d.text.as_str(), d.had_bom), (NAMES, true));
    }

    #[test]
    fn gbk_and_utf16_are_detected() {
        let (gbk, _, _) = encoding_rs::GB18030.encode(NAMES);
        assert!(std::str::from_utf8(&gbk).is_err());
        let d = decode(&gbk).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (NAMES, Encoding::Gb18030));
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(NAMES.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap().text, NAMES);
        let be: Vec<u8> = NAMES.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&be).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (NAMES, Encoding::Utf16Be));
    }

    #[test]
    fn western_text_is_not_taken_for_gbk() {
        // Valid GB18030 byte for byte, and every pair decodes to a CJK
        // character, but no Chinese file looks like this.
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("id,name\nU1,Zürich Straße\nU2,Malmö\n");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(d.text.contains("Zürich Straße"));
    }

    #[test]
    fn latin1_reads_as_windows_1252_and_binary_is_refused() {
        let latin: Vec<u8> = b"id,name\nU1,M\xfcller\nU2,Ren\xe9, Paris\n".to_vec();
        let d = decode(&latin).unwrap();
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(d.text.contains("Müller") && d.text.contains("René"));
        assert_eq!(decode(b"id\n\0\0\0\x01"), Err(BinaryFile { offset: 3 }));
    }
}
