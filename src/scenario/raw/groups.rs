//! `[groups] keys`: the grouping keys a rep may carry beyond the built-in
//! ones.

use super::super::reader::{Reader, Sp};
use super::super::tree::Node;
use super::reps::REP_KEYS;

/// Grouping keys every rep may carry without declaring them.
pub const BUILTIN_GROUP_KEYS: &[&str] = &["region", "manager"];

/// `[groups] keys = [...]`: grouping keys beyond the built-in
/// [`BUILTIN_GROUP_KEYS`].
#[derive(Clone, Debug, Default)]
pub struct RawGroups {
    pub keys: Vec<Sp<String>>,
}

/// A name `[groups] keys` may declare: ASCII letters, digits, `_` and `-`
/// (it becomes a CSV value and a segment of a gate's dotted path), and
/// neither a rep setting nor a built-in grouping key.
fn declarable_group_key(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !REP_KEYS.contains(&name)
        && !BUILTIN_GROUP_KEYS.contains(&name)
}

pub(super) fn read_groups(r: &mut Reader<'_>, n: &Node) -> RawGroups {
    let Some(mut t) = r.table(n, "[groups]") else {
        return RawGroups::default();
    };
    let keys = r.strings_at(&mut t, "keys").map_or_else(Vec::new, |k| k.v);
    t.finish(r, &["keys"]);
    RawGroups { keys }
}

/// Grouping keys a rep may carry: the built-in ones, then the declared
/// ones (a declared key that repeats or clashes is reported by `validate`
/// and not accepted here).
pub(super) fn group_keys(groups: &RawGroups) -> Vec<String> {
    BUILTIN_GROUP_KEYS
        .iter()
        .map(|k| k.to_string())
        .chain(
            groups
                .keys
                .iter()
                .map(|k| k.v.clone())
                .filter(|k| declarable_group_key(k)),
        )
        .fold(Vec::new(), |mut v, k| {
            if !v.contains(&k) {
                v.push(k);
            }
            v
        })
}
