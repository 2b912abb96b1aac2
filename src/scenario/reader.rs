//! Typed access to the document tree that records every problem instead of
//! stopping at the first, so one pass reports them all.

use super::tree::{Node, Table, Value};
use crate::source::diag::{Problem, ProblemKind, Problems, Span, did_you_mean};

/// A value with the place it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub v: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(v: T, span: Span) -> Self {
        Sp { v, span }
    }
}

/// Reads values, collecting problems.
pub struct Reader<'p> {
    pub problems: &'p mut Problems,
}

impl Reader<'_> {
    pub fn err(&mut self, kind: ProblemKind, span: &Span, msg: impl Into<String>) -> &mut Problem {
        self.problems.error(kind, span, msg)
    }

    fn wrong_type(&mut self, n: &Node, what: &str, expected: &str) {
        let found = n.value.type_name();
        self.err(
            ProblemKind::WrongType,
            &n.span,
            format!("`{what}` must be {expected}, found {found}"),
        );
    }

    pub fn string(&mut self, n: &Node, what: &str) -> Option<Sp<String>> {
        match &n.value {
            Value::String(s) => {
                let s = Sp::new(s.clone(), n.span.clone());
                plain_text(self.problems, &s, what).then_some(s)
            }
            _ => {
                self.wrong_type(n, what, "a string");
                None
            }
        }
    }

    pub fn bool(&mut self, n: &Node, what: &str) -> Option<Sp<bool>> {
        match n.value {
            Value::Boolean(b) => Some(Sp::new(b, n.span.clone())),
            _ => {
                self.wrong_type(n, what, "true or false");
                None
            }
        }
    }

    /// A number; integers are accepted where a float is expected.
    pub fn number(&mut self, n: &Node, what: &str) -> Option<Sp<f64>> {
        let v = match n.value {
            Value::Integer(i) => i.map(|x| x as f64),
            Value::Float(f) => f,
            _ => None,
        };
        match v {
            Some(x) => Some(Sp::new(x, n.span.clone())),
            None => {
                self.wrong_type(n, what, "a number");
                None
            }
        }
    }

    pub fn integer(&mut self, n: &Node, what: &str) -> Option<Sp<i64>> {
        match n.value {
            Value::Integer(Some(x)) => Some(Sp::new(x, n.span.clone())),
            _ => {
                self.wrong_type(n, what, "a whole number");
                None
            }
        }
    }

    pub fn array<'a>(&mut self, n: &'a Node, what: &str) -> Option<&'a [Node]> {
        match &n.value {
            Value::Array(a) => Some(a),
            _ => {
                self.wrong_type(n, what, "an array");
                None
            }
        }
    }

    pub fn numbers(&mut self, n: &Node, what: &str) -> Option<Sp<Vec<Sp<f64>>>> {
        let items = self.array(n, what)?;
        let vals: Vec<_> = items.iter().map(|x| self.number(x, what)).collect();
        vals.into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Sp::new(v, n.span.clone()))
    }

    pub fn strings(&mut self, n: &Node, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
        let items = self.array(n, what)?;
        let vals: Vec<_> = items.iter().map(|x| self.string(x, what)).collect();
        vals.into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Sp::new(v, n.span.clone()))
    }

    /// The value of `key` in `t` read by `read`, the key naming it in
    /// messages; `None` when the key is absent or the value unusable.
    pub fn at<T>(
        &mut self,
        t: &mut Tab<'_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        t.get(key).and_then(|n| read(self, n, key))
    }

    pub fn string_at(&mut self, t: &mut Tab<'_>, key: &str) -> Option<Sp<String>> {
        self.at(t, key, Self::string)
    }

    pub fn bool_at(&mut self, t: &mut Tab<'_>, key: &str) -> Option<Sp<bool>> {
        self.at(t, key, Self::bool)
    }

    pub fn number_at(&mut self, t: &mut Tab<'_>, key: &str) -> Option<Sp<f64>> {
        self.at(t, key, Self::number)
    }

    pub fn integer_at(&mut self, t: &mut Tab<'_>, key: &str) -> Option<Sp<i64>> {
        self.at(t, key, Self::integer)
    }

    pub fn numbers_at(&mut self, t: &mut Tab<'_>, key: &str) -> Option<Sp<Vec<Sp<f64>>>> {
        self.at(t, key, Self::numbers)
    }

    pub fn strings_at(&mut self, t: &mut Tab<'_>, key: &str) -> Option<Sp<Vec<Sp<String>>>> {
        self.at(t, key, Self::strings)
    }

    pub fn table<'a>(&mut self, n: &'a Node, what: &str) -> Option<Tab<'a>> {
        match &n.value {
            Value::Table(t) => Some(Tab::new(what, n.span.clone(), t)),
            _ => {
                self.wrong_type(n, what, "a table");
                None
            }
        }
    }
}

/// The longest text value (a name, an id, a description, a path).
pub const MAX_TEXT: usize = 1000;

/// Text without control characters: one in a name (a NUL, an escape
/// sequence) would corrupt the CSV and JSON written from it and could
/// take over the terminal that shows it. Reports the first one.
pub fn plain_text(problems: &mut Problems, s: &Sp<String>, what: &str) -> bool {
    let n = s.v.chars().count();
    if n > MAX_TEXT {
        problems
            .error(
                ProblemKind::OutOfRange,
                &s.span,
                format!(
                    "`{what}` is {n} characters long, more than the {MAX_TEXT} a text may have"
                ),
            )
            .help("names, ids and descriptions are short texts");
        return false;
    }
    match s.v.chars().find(|c| c.is_control()) {
        None => true,
        Some(c) => {
            problems
                .error(
                    ProblemKind::WrongType,
                    &s.span,
                    format!(
                        "`{what}` contains a control character (U+{:04X})",
                        c as u32
                    ),
                )
                .help("text in a scenario is plain: remove tabs, line breaks and other control characters");
            false
        }
    }
}

/// A table being read: remembers which keys were used so the rest can be
/// reported as unknown, with a suggestion.
pub struct Tab<'a> {
    pub name: String,
    pub span: Span,
    map: &'a Table,
    used: Vec<&'a str>,
}

impl<'a> Tab<'a> {
    pub fn new(name: &str, span: Span, map: &'a Table) -> Self {
        Tab {
            name: name.to_string(),
            span,
            map,
            used: Vec::new(),
        }
    }

    pub fn get(&mut self, key: &str) -> Option<&'a Node> {
        let (k, v) = self.map.entry(key)?;
        self.used.push(&k.name);
        Some(v)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Every key written in the table (read or not, of any type).
    pub fn keys(&self) -> Vec<String> {
        self.map.iter().map(|(k, _)| k.name.clone()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Reports every key not read, against the keys the table allows.
    pub fn finish(self, r: &mut Reader<'_>, allowed: &[&str]) {
        self.finish_hinted(r, allowed, "");
    }

    /// [`Tab::finish`], with `hint` after the list of allowed keys for an
    /// unknown key whose value is text (what a grouping key holds).
    pub fn finish_hinted(self, r: &mut Reader<'_>, allowed: &[&str], hint: &str) {
        for (k, v) in self.map.iter() {
            if self.used.contains(&k.name.as_str()) {
                continue;
            }
            let mut help = String::new();
            if let Some(s) = did_you_mean(&k.name, allowed) {
                help.push_str(&format!("did you mean `{s}`? "));
            }
            help.push_str(&format!("allowed keys: {}", allowed.join(", ")));
            if matches!(v.value, super::tree::Value::String(_)) {
                help.push_str(hint);
            }
            r.err(
                ProblemKind::UnknownKey,
                &k.span,
                format!("unknown key `{}` in {}", k.name, self.name),
            )
            .help(help);
        }
    }
}
