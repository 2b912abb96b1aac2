//! Problems rendered for people: miette's snippets with file, line, column
//! and the offending text; in colour only as `--color` decides for stderr.
//! Only the lines around a problem are shown, made safe
//! for the terminal; a line too long to show (a 1 MB string) is left out
//! and the place is given as `file:line:col`.

use super::paint::Paint;
use super::terminal::{eprint, safe_source, shown};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, Report, SourceCode, SourceSpan, SpanContents,
};
use quotaplan::scenario::{Loaded, Problem, Severity, SourceFile};

/// The longest source line a snippet shows.
const MAX_LINE: usize = 300;

/// The lines around a place in a file, made safe for the terminal, that
/// miette reads as if they were the whole file (places and line numbers are
/// the file's).
struct Window {
    name: String,
    text: String,
    /// Byte offset of the window in the file.
    offset: usize,
    /// 0-based line number of the window's first line.
    first_line: usize,
}

impl Window {
    /// The line of `at` and one line either side, or `None` when one of
    /// them is too long to show.
    fn around(file: &SourceFile, at: usize) -> Option<Window> {
        let text = &file.text;
        let at = at.min(text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let start = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1)
            .min(line_start);
        let mut end = at;
        for _ in 0..2 {
            end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        }
        let window = &text[start..end];
        if window.lines().any(|l| l.chars().count() > MAX_LINE) {
            return None;
        }
        Some(Window {
            name: file.name.clone(),
            text: safe_source(window),
            offset: start,
            first_line: text[..start].matches('\n').count(),
        })
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let inner = self.text.read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.offset).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// How many problems are shown: a garbage file of 100,000 rows has 100,000
/// problems, and a wall of them hides the one that matters (usually the
/// first). Errors are shown before warnings when not all fit; `validate
/// --all` shows every one.
#[derive(Clone, Copy, Debug)]
pub struct Shown {
    /// Problems shown with a snippet of the source.
    pub snippets: usize,
    /// Problems shown at all (the rest as one line each).
    pub total: usize,
}

impl Shown {
    pub const DEFAULT: Shown = Shown {
        snippets: 20,
        total: 200,
    };
    pub const ALL: Shown = Shown {
        snippets: usize::MAX,
        total: usize::MAX,
    };
}

/// The problems of `loaded` on stderr, the first [`Shown::DEFAULT`] of them.
pub fn problems(loaded: &Loaded, paint: Paint) {
    problems_shown(loaded, Shown::DEFAULT, paint);
}

/// The problems of `loaded` on stderr, as many as `shown` says.
pub fn problems_shown(loaded: &Loaded, shown_at_most: Shown, paint: Paint) {
    let all = &loaded.problems;
    let errors = all.iter().filter(|p| p.severity == Severity::Error).count();
    let shown_errors = errors.min(shown_at_most.total);
    let shown_warnings = (all.len() - errors).min(shown_at_most.total - shown_errors);
    let (mut e, mut w) = (0, 0);
    let picked: Vec<&Problem> = all
        .iter()
        .filter(|p| match p.severity {
            Severity::Error => {
                e += 1;
                e <= shown_errors
            }
            Severity::Warning => {
                w += 1;
                w <= shown_warnings
            }
        })
        .collect();
    render(loaded, &picked, shown_at_most.snippets, paint);
    let (hidden_e, hidden_w) = (errors - shown_errors, all.len() - errors - shown_warnings);
    if hidden_e + hidden_w > 0 {
        eprint(&format!(
            "  … and {} more ({hidden_e} error{}, {hidden_w} warning{}) not shown; `quotaplan validate --all` lists every one\n",
            hidden_e + hidden_w,
            if hidden_e == 1 { "" } else { "s" },
            if hidden_w == 1 { "" } else { "s" },
        ));
    }
}

fn render(loaded: &Loaded, picked: &[&Problem], snippets: usize, paint: Paint) {
    let theme = if paint.stderr() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    for (i, p) in picked.iter().enumerate() {
        if i >= snippets {
            eprint(&format!("  {}\n", shown(&p.plain(&loaded.sources))));
            continue;
        }
        let mut message = shown(&p.message);
        let window = p.span.as_ref().and_then(|span| {
            let f = &loaded.sources.files[span.file];
            // A sheet's text is not what the user sees: its place is a cell.
            if f.sheet.is_some() {
                return None;
            }
            Window::around(f, span.range.start).map(|w| (span, f, w))
        });
        if window.is_none()
            && let Some(loc) = p.location(&loaded.sources)
        {
            message = format!("{}: {message}", shown(&loc));
        }
        let mut d = MietteDiagnostic::new(message).with_severity(match p.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        });
        if let Some(h) = &p.help {
            d = d.with_help(shown(h));
        }
        let mut out = String::new();
        match window {
            Some((span, f, w)) => {
                // The label stays within the window (and at least one
                // character long, unless at the end of the file).
                let end_of_window = w.offset + w.text.len();
                let start = span.range.start.min(end_of_window);
                let len = span
                    .range
                    .len()
                    .min(end_of_window - start)
                    .max(usize::from(start < f.text.len() && start < end_of_window));
                d = d.with_label(LabeledSpan::at(start..start + len, "here"));
                let report = Report::new(d).with_source_code(w);
                let _ = handler.render_report(&mut out, report.as_ref());
            }
            None => {
                let _ = handler.render_report(&mut out, &d);
            }
        }
        eprint(&out);
    }
}
