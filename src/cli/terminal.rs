//! Text for the terminal: whatever a scenario, a file name or an error
//! says is shown, never obeyed. Control characters (an escape sequence that
//! clears the screen or retitles the window) are shown escaped, overlong
//! text is shortened, and writing to a closed stderr never panics.

use std::io::Write;

/// The longest message shown whole; longer ones keep their start and end.
const MAX_SHOWN: usize = 400;

/// `s` with control characters other than line breaks shown as `\u{..}`,
/// and shortened to about [`MAX_SHOWN`] characters.
pub fn shown(s: &str) -> String {
    let escaped: String = s
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    let n = escaped.chars().count();
    if n <= MAX_SHOWN {
        return escaped;
    }
    let head: String = escaped.chars().take(MAX_SHOWN - 60).collect();
    let tail: String = escaped.chars().skip(n - 40).collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        n - MAX_SHOWN + 20
    )
}

/// A source text as miette may show it: control characters replaced by `?`
/// byte for byte, so every place (a byte offset) still points where it did.
pub fn safe_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes to stderr; a closed stderr is ignored (there is no one to tell).
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// [`eprint`] of a line, made [`shown`].
pub fn eprintln(line: &str) {
    eprint(&format!("{}\n", shown(line)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(shown("a\u{1b}[2Jb\0c"), "a\\u{1b}[2Jb\\u{0}c");
        let src = "name = \"x\u{1b}y\u{85}z\"\n";
        let safe = safe_source(src);
        assert_eq!(safe.len(), src.len());
        assert_eq!(safe, "name = \"x?y??z\"\n");
    }

    #[test]
    fn long_text_is_shortened() {
        let long = "x".repeat(1_000_000);
        let s = shown(&long);
        assert!(s.len() < 500, "{}", s.len());
        assert!(s.contains("characters left out"));
    }
}
