//! The scenario document as an owned tree of TOML values, each with the
//! file and place that wrote it. Files are parsed once; `extends` merges and
//! what-if overrides then work on the tree in memory, and every value keeps
//! pointing at the file, line and column (or the `--set` argument) it came
//! from.

use crate::source::diag::{FileId, ProblemKind, Problems, Span};

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(String),
    /// `None` when the integer does not fit in 64 bits.
    Integer(Option<i64>),
    /// `None` when the float text does not read as a number.
    Float(Option<f64>),
    Boolean(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(Table),
}

impl Value {
    /// How messages name the type: "a string", "an integer", ...
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// A key and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

/// A table in the order its keys were written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    entries: Vec<(Key, Node)>,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<&(Key, Node)> {
        self.entries.iter().find(|(k, _)| k.name == key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// Sets `key`, replacing a value written before (the new key's place
    /// is kept: messages point at whoever wrote the value last).
    pub fn insert(&mut self, key: Key, value: Node) {
        match self.entries.iter_mut().find(|(k, _)| k.name == key.name) {
            Some(e) => *e = (key, value),
            None => self.entries.push((key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Key, Node)> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Syntax errors reported per file: the parser recovers and goes on, but
/// after the first few the rest mostly follow from them.
pub const MAX_SYNTAX_ERRORS: usize = 5;

/// Parses one file's text into a table; syntax errors become problems (the
/// first [`MAX_SYNTAX_ERRORS`], and a count of the rest). Returns whether
/// the text had syntax errors.
pub fn parse(text: &str, file: FileId, problems: &mut Problems) -> (Node, bool) {
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    let had_errors = !errors.is_empty();
    let n = errors.len();
    // A `{ ...` left open on its line is the usual cause; the parser only
    // notices lines later.
    if let Some(first) = errors.first().and_then(|e| e.span())
        && let Some(at) = unclosed_brace_before(text, first.start)
    {
        problems
            .error(
                ProblemKind::Syntax,
                &Span {
                    file,
                    range: at..at + 1,
                },
                "TOML syntax: this `{` is not closed on its line",
            )
            .help("an inline table `{ ... }` ends with `}` on the line where it starts");
    }
    for (i, e) in errors.into_iter().enumerate() {
        if i == MAX_SYNTAX_ERRORS {
            problems
                .error(
                    ProblemKind::Syntax,
                    &Span {
                        file,
                        range: e.span().unwrap_or(0..0),
                    },
                    format!("{} more TOML syntax errors from here on", n - i),
                )
                .help("fix the first ones: the rest often follow from them");
            break;
        }
        problems.error(
            ProblemKind::Syntax,
            &Span {
                file,
                range: e.span().unwrap_or(0..0),
            },
            format!("TOML syntax: {}", e.message().trim()),
        );
    }
    let span = Span {
        file,
        range: doc.span(),
    };
    (
        Node {
            span,
            value: Value::Table(table(doc.into_inner(), file)),
        },
        had_errors,
    )
}

/// A lone value that is not TOML. It shows the parser's message alone: the
/// caller names the value and where it was written.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", .0.message().trim())]
pub struct ValueSyntax(#[source] toml::de::Error);

/// Parses a lone TOML value (the right side of `--set key=value`), its
/// places counted from `offset` in `file`.
pub fn parse_value(text: &str, file: FileId, offset: usize) -> Result<Node, ValueSyntax> {
    let v = toml::de::DeValue::parse(text).map_err(ValueSyntax)?;
    let mut node = owned(v, file);
    shift(&mut node, offset);
    Ok(node)
}

/// The last `{` before `limit` that its line does not close (outside
/// strings and comments).
fn unclosed_brace_before(text: &str, limit: usize) -> Option<usize> {
    let mut found = None;
    let mut line_start = 0;
    for line in text[..limit.min(text.len())].split_inclusive('\n') {
        let mut open: Vec<usize> = Vec::new();
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q && prev != '\\' => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '{') => open.push(line_start + i),
                (None, '}') => {
                    open.pop();
                }
                _ => {}
            }
            prev = c;
        }
        if let Some(&at) = open.first() {
            found = Some(at);
        }
        line_start += line.len();
    }
    found
}

fn table(t: toml::de::DeTable<'_>, file: FileId) -> Table {
    Table {
        entries: t
            .into_iter()
            .map(|(k, v)| {
                let key = Key {
                    span: Span {
                        file,
                        range: k.span(),
                    },
                    name: k.into_inner().into_owned(),
                };
                (key, owned(v, file))
            })
            .collect(),
    }
}

fn owned(v: toml::Spanned<toml::de::DeValue<'_>>, file: FileId) -> Node {
    use toml::de::DeValue;
    let span = Span {
        file,
        range: v.span(),
    };
    let value = match v.into_inner() {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Integer(i) => Value::Integer(i64::from_str_radix(i.as_str(), i.radix()).ok()),
        DeValue::Float(f) => Value::Float(f.as_str().parse::<f64>().ok()),
        DeValue::Boolean(b) => Value::Boolean(b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(a) => Value::Array(a.into_iter().map(|x| owned(x, file)).collect()),
        DeValue::Table(t) => Value::Table(table(t, file)),
    };
    Node { span, value }
}

/// Moves every place in `node` by `by` bytes.
fn shift(node: &mut Node, by: usize) {
    node.span.range = node.span.range.start + by..node.span.range.end + by;
    match &mut node.value {
        Value::Array(a) => a.iter_mut().for_each(|n| shift(n, by)),
        Value::Table(t) => {
            for (k, v) in &mut t.entries {
                k.span.range = k.span.range.start + by..k.span.range.end + by;
                shift(v, by);
            }
        }
        _ => {}
    }
}

/// Points every place in `node` that is in file `from` at file `to`.
pub fn rebind(node: &mut Node, from: FileId, to: FileId) {
    if node.span.file == from {
        node.span.file = to;
    }
    match &mut node.value {
        Value::Array(a) => a.iter_mut().for_each(|n| rebind(n, from, to)),
        Value::Table(t) => {
            for (k, v) in &mut t.entries {
                if k.span.file == from {
                    k.span.file = to;
                }
                rebind(v, from, to);
            }
        }
        _ => {}
    }
}

/// The `id` of an array item that is a table with a string id.
pub fn id_of(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Table(t) => match t.get("id").map(|x| &x.value) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Deep merge of `over` into `base`: tables merge key by key, arrays of
/// tables match items by `id` (unmatched items are added), anything else
/// is replaced.
pub fn merge(base: &mut Table, over: Table) {
    for (k, v) in over.entries {
        let Some(existing) = base.get_mut(&k.name) else {
            base.insert(k, v);
            continue;
        };
        match (&mut existing.value, v.value) {
            (Value::Table(bt), Value::Table(ot)) => merge(bt, ot),
            (Value::Array(ba), Value::Array(oa))
                if !ba.is_empty()
                    && ba.iter().all(|x| id_of(x).is_some())
                    && oa.iter().all(|x| id_of(x).is_some()) =>
            {
                for item in oa {
                    let id = id_of(&item).expect("checked").to_string();
                    match ba.iter_mut().find(|b| id_of(b) == Some(id.as_str())) {
                        Some(b) => {
                            if let (Value::Table(bt), Value::Table(ot)) = (&mut b.value, item.value)
                            {
                                merge(bt, ot);
                            }
                        }
                        None => ba.push(item),
                    }
                }
            }
            (_, value) => base.insert(
                k,
                Node {
                    span: v.span,
                    value,
                },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_open_brace_is_found_on_its_line() {
        let t = "a = { x = 1 }\nb = { y = 2\n[c]\n";
        let at = super::unclosed_brace_before(t, t.find("[c]").unwrap());
        assert_eq!(at, Some(18));
        assert_eq!(
            super::unclosed_brace_before("s = \"{\"\n# {\nx = 1\n", 15),
            None
        );
    }
}
