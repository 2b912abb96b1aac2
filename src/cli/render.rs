//! Problems rendered for people: miette's snippets with file, line, column
//! and the offending text; plain (no colour) when NO_COLOR is set or stderr
//! is not a terminal.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use quotaplan::scenario::{Loaded, Severity};
use std::io::IsTerminal;

pub fn problems(loaded: &Loaded) {
    let color = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    for p in &loaded.problems {
        let mut d = MietteDiagnostic::new(p.message.clone()).with_severity(match p.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        });
        if let Some(h) = &p.help {
            d = d.with_help(h.clone());
        }
        let mut out = String::new();
        match &p.span {
            Some(span) => {
                let f = &loaded.sources.files[span.file];
                let len = span
                    .range
                    .len()
                    .max(usize::from(span.range.start < f.text.len()));
                d = d.with_label(LabeledSpan::at(
                    span.range.start..span.range.start + len,
                    "here",
                ));
                let report = Report::new(d)
                    .with_source_code(NamedSource::new(f.name.clone(), f.text.clone()));
                let _ = handler.render_report(&mut out, report.as_ref());
            }
            None => {
                let _ = handler.render_report(&mut out, &d);
            }
        }
        eprint!("{out}");
    }
}
