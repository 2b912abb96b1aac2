//! Delimited tables as users export them: a BOM, CRLF line ends, and
//! comma, semicolon or tab (what Excel writes in different locales) as the
//! delimiter, detected from the header. Every field keeps its byte range,
//! so a problem names the row and column it is in. Shared by every CSV
//! input (units, edges, quotas, transaction history, roster).

use super::diag::{FileId, ProblemKind, Problems, Span, did_you_mean};
use std::ops::Range;

/// The text after a BOM, the BOM's length, and the delimiter. Shared by
/// every CSV input (units, edges, transaction history, roster).
pub(crate) struct Table<'a> {
    pub(crate) body: &'a str,
    bom: usize,
    pub(crate) delimiter: u8,
    file: FileId,
}

impl<'a> Table<'a> {
    /// The positions of the `wanted` columns among the header `names`
    /// (`same` compares a header with a wanted name); each one missing is
    /// reported on the header line of the `what`, `layout` saying what the
    /// table needs.
    /// `None` when any is missing.
    pub fn required<const N: usize>(
        &self,
        problems: &mut Problems,
        names: &[&str],
        wanted: [&str; N],
        same: fn(&str, &str) -> bool,
        what: &str,
        layout: &str,
    ) -> Option<[usize; N]> {
        let header_end = self.field_spans(0).last().map_or(0, |r| r.end);
        let mut col = [0usize; N];
        let mut missing = false;
        for (i, want) in wanted.iter().enumerate() {
            match names.iter().position(|h| same(h, want)) {
                Some(c) => col[i] = c,
                None => {
                    missing = true;
                    let mut help = format!("{layout}; it has: {}", names.join(", "));
                    if let Some(s) = did_you_mean(want, names) {
                        help = format!("did you mean `{s}`? {help}");
                    }
                    problems
                        .error(
                            ProblemKind::Missing,
                            &self.span(0..header_end),
                            format!("the {what} has no `{want}` column"),
                        )
                        .help(help);
                }
            }
        }
        (!missing).then_some(col)
    }

    pub(crate) fn new(
        text: &'a str,
        file: FileId,
        problems: &mut Problems,
        what: &str,
    ) -> Table<'a> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let bom = text.len() - body.len();
        let delimiter = sniff_delimiter(body);
        let t = Table {
            body,
            bom,
            delimiter,
            file,
        };
        if delimiter != b',' {
            problems.warning(
                ProblemKind::FileFormat,
                &t.span(0..0),
                format!(
                    "the {what} is separated by {}, not commas: read as such",
                    if delimiter == b';' {
                        "semicolons"
                    } else {
                        "tabs"
                    }
                ),
            );
        }
        t
    }

    pub(crate) fn span(&self, range: Range<usize>) -> Span {
        Span {
            file: self.file,
            range: range.start + self.bom..range.end + self.bom,
        }
    }

    pub(crate) fn reader(&self, trim: csv::Trim) -> csv::Reader<&'a [u8]> {
        csv::ReaderBuilder::new()
            .trim(trim)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(self.body.as_bytes())
    }

    /// Byte ranges of the fields of the record starting near `start`
    /// (quote-aware). The CSV reader places a record after a CRLF file's
    /// `\r`; the record itself starts after the line break.
    pub(crate) fn field_spans(&self, start: usize) -> Vec<Range<usize>> {
        let mut spans = Vec::new();
        self.field_spans_into(start, &mut spans);
        spans
    }

    /// As [`Table::field_spans`], into `spans` (cleared first), so that a
    /// reader of many rows allocates once.
    pub(crate) fn field_spans_into(&self, start: usize, spans: &mut Vec<Range<usize>>) {
        spans.clear();
        let bytes = self.body.as_bytes();
        let mut i = start;
        while i < bytes.len() && matches!(bytes[i], b'\r' | b'\n') {
            i += 1;
        }
        let mut field_start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b if b == self.delimiter && !quoted => {
                    spans.push(field_start..i);
                    field_start = i + 1;
                }
                b'\n' | b'\r' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        spans.push(field_start..i);
    }

    /// The place of a quote that is never closed, if any.
    fn unclosed_quote(&self) -> Option<usize> {
        if !self.body.contains('"') {
            return None;
        }
        let mut open: Option<usize> = None;
        let mut at_field_start = true;
        for (i, &b) in self.body.as_bytes().iter().enumerate() {
            match (open, b) {
                (None, b'"') if at_field_start => open = Some(i),
                (Some(_), b'"') => open = None,
                _ => {}
            }
            if open.is_none() {
                at_field_start = b == self.delimiter || b == b'\n' || b == b'\r';
            }
        }
        open
    }

    /// A reader past the header, with the header: `None` (reported) when a
    /// quote is never closed or the header cannot be read. `what` names
    /// the file in the message ("history CSV").
    pub(crate) fn open(
        &self,
        problems: &mut Problems,
        what: &str,
    ) -> Option<(csv::Reader<&'a [u8]>, csv::StringRecord)> {
        self.open_trimming(problems, what, csv::Trim::All)
    }

    /// As [`Table::open`]; `trim` says what the reader trims. A reader of
    /// many rows trims the cells it uses itself (`Trim::Headers`): trimming
    /// every record copies it.
    pub(crate) fn open_trimming(
        &self,
        problems: &mut Problems,
        what: &str,
        trim: csv::Trim,
    ) -> Option<(csv::Reader<&'a [u8]>, csv::StringRecord)> {
        if self.body.trim().is_empty() {
            // Not a header without the columns wanted: say so once.
            problems
                .error(
                    ProblemKind::Missing,
                    &self.span(0..0),
                    format!("the {what} is empty: no header and no rows"),
                )
                .help("the first line names the columns; one row per line below it");
            return None;
        }
        if !self.quotes_closed(problems) {
            return None;
        }
        let mut rdr = self.reader(trim);
        match rdr.headers() {
            Ok(h) => {
                let h = h.clone();
                Some((rdr, h))
            }
            Err(e) => {
                problems.error(
                    ProblemKind::Syntax,
                    &self.span(0..0),
                    format!("cannot read the {what} header: {e}"),
                );
                None
            }
        }
    }

    /// Reports an unclosed quote; true when the table is fine.
    pub(crate) fn quotes_closed(&self, problems: &mut Problems) -> bool {
        match self.unclosed_quote() {
            None => true,
            Some(at) => {
                problems
                    .error(
                        ProblemKind::Syntax,
                        &self.span(at..at + 1),
                        "this quote opens a field that is never closed",
                    )
                    .help(
                        "a field in quotes must end with a quote; look for a stray `\"` in a name",
                    );
                false
            }
        }
    }
}

/// `0,3` or `-12,75`: a number written with a decimal comma.
pub(crate) fn is_decimal_comma(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    digits.split_once(',').is_some_and(|(int, frac)| {
        !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The delimiter of the header line: the one of comma, semicolon and tab
/// that occurs most outside quotes (comma on a tie or none). The scenario
/// editor writes units back with the delimiter this reads.
pub(crate) fn sniff_delimiter(body: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in body.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table<'_> {
        Table::new(text, 0, &mut Problems::default(), "test CSV")
    }

    #[test]
    fn spans_handle_quotes_and_crlf() {
        let t = table("a,\"b,c\",d\nx");
        assert_eq!(t.field_spans(0), vec![0..1, 2..7, 8..9]);
        let t = table("a,b\r\nx,y\r\n");
        // The reader places the second record at the `\r`.
        assert_eq!(t.field_spans(3), vec![5..6, 7..8]);
    }

    #[test]
    fn decimal_commas_are_recognised() {
        for yes in ["0,3", "-12,75", "+1,0"] {
            assert!(is_decimal_comma(yes), "{yes}");
        }
        for no in ["1,000,000", "1.000,5", ",5", "5,", "a,b", "1e3", "0.3"] {
            assert!(!is_decimal_comma(no), "{no}");
        }
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("id;name;potential\n1,5;x;2"), b';');
        assert_eq!(sniff_delimiter("id\tname\n"), b'\t');
        assert_eq!(sniff_delimiter("id,\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter("id\n"), b',');
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(table("id,name\n1,\"Acme\n2,B\n").unclosed_quote(), Some(10));
        assert_eq!(
            table("id,name\n1,\"A \"\"x\"\" B\"\n").unclosed_quote(),
            None
        );
        assert_eq!(table("id,name\n1,5\" screen\n").unclosed_quote(), None);
    }
}
