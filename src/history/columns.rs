//! Which CSV column holds which field. CRM exports name their columns in
//! their own way ("Order Date", "Customer ID", "Sales Rep"); the user maps
//! them once (`date="Order Date",unit="Customer ID"`).

use crate::source::diag::did_you_mean;
use crate::source::{Setting, Spelling};

/// The fields a history row can carry.
pub const FIELDS: [&str; 6] = ["date", "unit", "owner", "amount", "region", "segment"];
/// The fields a history cannot do without.
pub const REQUIRED: [&str; 3] = ["date", "unit", "amount"];

/// Column names for each field, in [`FIELDS`] order, and which were mapped
/// explicitly (an explicit column that is missing is an error; a default
/// optional one is not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    names: [String; 6],
    explicit: [bool; 6],
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            names: FIELDS.map(str::to_string),
            explicit: [false; 6],
        }
    }
}

/// A column mapping that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnsError {
    NotAPair(String),
    UnknownField {
        field: String,
        suggestion: Option<String>,
    },
    Twice(String),
    SameColumn(String, String, String),
}

impl ColumnsError {
    /// The message, naming the column mapping as the caller spells it.
    pub fn message(&self, spelling: Spelling) -> String {
        let setting = spelling.of(Setting::Columns);
        match self {
            ColumnsError::NotAPair(pair) => {
                format!("`{pair}` is not FIELD=COLUMN; write e.g. date=\"Order Date\",amount=Sales")
            }
            ColumnsError::UnknownField { field, suggestion } => format!(
                "unknown field `{field}` in {setting}{}; fields: {}",
                suggestion
                    .as_ref()
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default(),
                FIELDS.join(", ")
            ),
            ColumnsError::Twice(field) => format!("field `{field}` is mapped twice in {setting}"),
            ColumnsError::SameColumn(a, b, c) => {
                format!("columns `{a}` and `{b}` are both mapped to the same CSV column `{c}`")
            }
        }
    }
}

impl std::fmt::Display for ColumnsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Spelling::default()))
    }
}

impl std::error::Error for ColumnsError {}

impl Columns {
    /// Parses `field=column,field=column` (columns may be quoted, so that a
    /// comma or an equals sign can be part of a name).
    pub fn parse(spec: &str) -> Result<Columns, ColumnsError> {
        let mut c = Columns::default();
        for pair in split_outside_quotes(spec) {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| ColumnsError::NotAPair(pair.to_string()))?;
            let field = field.trim();
            let column = unquote(column.trim());
            if column.is_empty() {
                return Err(ColumnsError::NotAPair(pair.to_string()));
            }
            let i = FIELDS.iter().position(|f| *f == field).ok_or_else(|| {
                ColumnsError::UnknownField {
                    field: field.to_string(),
                    suggestion: did_you_mean(field, &FIELDS).map(str::to_string),
                }
            })?;
            if c.explicit[i] {
                return Err(ColumnsError::Twice(field.to_string()));
            }
            c.names[i] = column.to_string();
            c.explicit[i] = true;
        }
        for (i, a) in c.names.iter().enumerate() {
            for (j, b) in c.names.iter().enumerate().skip(i + 1) {
                if a == b && (c.explicit[i] || c.explicit[j]) {
                    return Err(ColumnsError::SameColumn(
                        FIELDS[i].into(),
                        FIELDS[j].into(),
                        a.clone(),
                    ));
                }
            }
        }
        Ok(c)
    }

    /// The CSV column name for `field`.
    pub fn name(&self, field: &str) -> &str {
        &self.names[index(field)]
    }

    /// Whether the user named the column for `field`.
    pub fn explicit(&self, field: &str) -> bool {
        self.explicit[index(field)]
    }
}

fn index(field: &str) -> usize {
    FIELDS
        .iter()
        .position(|f| *f == field)
        .expect("a known field")
}

fn split_outside_quotes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '"' | '\'' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_parse_with_quotes_and_defaults() {
        let c = Columns::parse(r#"date="Order Date",unit='Customer, ID',amount=Sales"#).unwrap();
        assert_eq!(c.name("date"), "Order Date");
        assert_eq!(c.name("unit"), "Customer, ID");
        assert_eq!(c.name("owner"), "owner");
        assert!(c.explicit("amount") && !c.explicit("owner"));
    }

    #[test]
    fn bad_mappings_say_what_is_allowed() {
        let e = Columns::parse("dat=Day").unwrap_err();
        assert!(e.to_string().contains("did you mean `date`"), "{e}");
        assert!(matches!(
            Columns::parse("date"),
            Err(ColumnsError::NotAPair(_))
        ));
        assert!(matches!(
            Columns::parse("date=a,date=b"),
            Err(ColumnsError::Twice(_))
        ));
        assert!(matches!(
            Columns::parse("date=x,unit=x"),
            Err(ColumnsError::SameColumn(..))
        ));
    }
}
