//! Typed access to a spanned TOML tree that records every problem instead of
//! stopping at the first, so one pass reports them all.

use super::diag::{FileId, Problems, Span, did_you_mean};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

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

pub type Node<'i> = Spanned<DeValue<'i>>;

pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Reads values of one file, collecting problems.
pub struct Reader<'p> {
    /// Where each source starts in the composite offsets of a merged
    /// document (`extends`, `--set`): (start, file), ascending. A single file
    /// is `[(0, file)]`.
    pub segments: Vec<(usize, FileId)>,
    pub problems: &'p mut Problems,
}

impl<'p> Reader<'p> {
    pub fn single(file: FileId, problems: &'p mut Problems) -> Self {
        Reader {
            segments: vec![(0, file)],
            problems,
        }
    }

    /// The file and local range of a composite range.
    pub fn locate(&self, range: std::ops::Range<usize>) -> Span {
        let i = self
            .segments
            .partition_point(|s| s.0 <= range.start)
            .saturating_sub(1);
        let (start, file) = self.segments[i];
        Span {
            file,
            range: range.start - start..range.end.max(range.start) - start,
        }
    }

    pub fn span(&self, n: &Node<'_>) -> Span {
        self.locate(n.span())
    }

    pub fn err(
        &mut self,
        range: std::ops::Range<usize>,
        msg: impl Into<String>,
    ) -> &mut super::diag::Problem {
        let s = self.locate(range);
        self.problems.error(s.file, s.range, msg)
    }

    fn wrong_type(&mut self, n: &Node<'_>, what: &str, expected: &str) {
        let found = type_name(n.get_ref());
        self.err(
            n.span(),
            format!("`{what}` must be {expected}, found {found}"),
        );
    }

    pub fn string(&mut self, n: &Node<'_>, what: &str) -> Option<Sp<String>> {
        match n.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), self.span(n))),
            _ => {
                self.wrong_type(n, what, "a string");
                None
            }
        }
    }

    pub fn bool(&mut self, n: &Node<'_>, what: &str) -> Option<Sp<bool>> {
        match n.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, self.span(n))),
            _ => {
                self.wrong_type(n, what, "true or false");
                None
            }
        }
    }

    /// A number; integers are accepted where a float is expected.
    pub fn number(&mut self, n: &Node<'_>, what: &str) -> Option<Sp<f64>> {
        let v = match n.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|x| x as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => None,
        };
        match v {
            Some(x) => Some(Sp::new(x, self.span(n))),
            None => {
                self.wrong_type(n, what, "a number");
                None
            }
        }
    }

    pub fn integer(&mut self, n: &Node<'_>, what: &str) -> Option<Sp<i64>> {
        let v = match n.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        match v {
            Some(x) => Some(Sp::new(x, self.span(n))),
            None => {
                self.wrong_type(n, what, "a whole number");
                None
            }
        }
    }

    pub fn array<'a, 'i>(&mut self, n: &'a Node<'i>, what: &str) -> Option<&'a [Node<'i>]> {
        match n.get_ref() {
            DeValue::Array(a) => Some(a.as_ref()),
            _ => {
                self.wrong_type(n, what, "an array");
                None
            }
        }
    }

    pub fn numbers(&mut self, n: &Node<'_>, what: &str) -> Option<Sp<Vec<Sp<f64>>>> {
        let items = self.array(n, what)?;
        let vals: Vec<_> = items.iter().map(|x| self.number(x, what)).collect();
        vals.into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Sp::new(v, self.span(n)))
    }

    pub fn strings(&mut self, n: &Node<'_>, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
        let items = self.array(n, what)?;
        let vals: Vec<_> = items.iter().map(|x| self.string(x, what)).collect();
        vals.into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Sp::new(v, self.span(n)))
    }

    pub fn table<'a, 'i>(&mut self, n: &'a Node<'i>, what: &str) -> Option<Tab<'a, 'i>> {
        match n.get_ref() {
            DeValue::Table(t) => Some(Tab::new(what, n.span(), t)),
            _ => {
                self.wrong_type(n, what, "a table");
                None
            }
        }
    }
}

/// A table being read: remembers which keys were used so the rest can be
/// reported as unknown, with a suggestion.
pub struct Tab<'a, 'i> {
    pub name: String,
    pub range: std::ops::Range<usize>,
    map: &'a DeTable<'i>,
    used: Vec<&'a str>,
}

impl<'a, 'i> Tab<'a, 'i> {
    pub fn new(name: &str, range: std::ops::Range<usize>, map: &'a DeTable<'i>) -> Self {
        Tab {
            name: name.to_string(),
            range,
            map,
            used: Vec::new(),
        }
    }

    pub fn get(&mut self, key: &str) -> Option<&'a Node<'i>> {
        let (k, v) = self.map.get_key_value(key)?;
        self.used.push(k.get_ref().as_ref());
        Some(v)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Reports every key not read, against the keys the table allows.
    pub fn finish(self, r: &mut Reader<'_>, allowed: &[&str]) {
        for (k, _) in self.map.iter() {
            let key: &str = k.get_ref().as_ref();
            if self.used.contains(&key) {
                continue;
            }
            let mut help = String::new();
            if let Some(s) = did_you_mean(key, allowed) {
                help.push_str(&format!("did you mean `{s}`? "));
            }
            help.push_str(&format!("allowed keys: {}", allowed.join(", ")));
            r.err(k.span(), format!("unknown key `{key}` in {}", self.name))
                .help(help);
        }
    }
}
