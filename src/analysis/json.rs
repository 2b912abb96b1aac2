//! Reading results back: `summary.json`, `charts.json` and `planner.json` from a result
//! folder, for `quotaplan report`. JSON has no NaN, so serde_json writes a
//! non-finite number as `null`; reading it back, a `null` where a number
//! is expected becomes NaN (and stays `None` where the field is optional).

use super::{ChartData, PlannerData, Summary};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Why results could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Shape(#[from] de::value::Error),
}

/// Parses `summary.json` text.
pub fn summary_from_json(text: &str) -> Result<Summary, ReadError> {
    from_json(text)
}

/// Parses `charts.json` text.
pub fn chart_data_from_json(text: &str) -> Result<ChartData, ReadError> {
    from_json(text)
}

/// Parses `planner.json` text.
pub fn planner_from_json(text: &str) -> Result<PlannerData, ReadError> {
    from_json(text)
}

fn from_json<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ReadError> {
    let v: Value = serde_json::from_str(text)?;
    Ok(T::deserialize(Lenient(&v))?)
}

/// A deserializer over a JSON value that reads `null` as NaN for numbers.
struct Lenient<'a>(&'a Value);

type Error = de::value::Error;

impl<'de> IntoDeserializer<'de, Error> for Lenient<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

struct Seq<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Lenient(v)))
            .transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map<'a> {
    iter: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k.as_str().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let v = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without a key"))?;
        seed.deserialize(Lenient(v))
    }
}

impl<'de> de::Deserializer<'de> for Lenient<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(a) => visitor.visit_seq(Seq(a.iter())),
            Value::Object(o) => visitor.visit_map(Map {
                iter: o.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_f64(f64::NAN),
            Value::Number(n) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct T {
        a: f64,
        b: Option<f64>,
        c: [f64; 2],
        d: Vec<String>,
        e: u64,
    }

    #[test]
    fn null_reads_as_nan_or_none() {
        let t: T = from_json(
            r#"{"a": null, "b": null, "c": [1, 2.5], "d": ["王芳"], "e": 7, "extra": {"x": 1}}"#,
        )
        .unwrap();
        assert!(t.a.is_nan());
        assert_eq!(t.b, None);
        assert_eq!(t.c, [1.0, 2.5]);
        assert_eq!(t.d, vec!["王芳".to_string()]);
        assert_eq!(t.e, 7);
        let e = from_json::<T>(r#"{"a": 1}"#).unwrap_err().to_string();
        assert!(e.contains("missing field"), "{e}");
    }
}
