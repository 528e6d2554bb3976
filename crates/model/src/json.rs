//! The JSON that record import reads, without building a `serde_json::Value` per line: a line is
//! parsed into [`RawObject`], whose keys and strings borrow from the line where they have no
//! escapes, and fields are looked up by name. `Record::from_json` reads a [`Json`] view, so
//! both forms go through the same rules and give the same records and messages.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value as import reads it, borrowed from a `serde_json::Value` or a [`Raw`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(&'a Number),
    Str(&'a str),
    Array(Vec<Json<'a>>),
    Object(Vec<(&'a str, Json<'a>)>),
}

impl<'a> Json<'a> {
    pub(crate) fn of_value(v: &'a Value) -> Json<'a> {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n),
            Value::String(s) => Json::Str(s),
            Value::Array(items) => Json::Array(items.iter().map(Json::of_value).collect()),
            Value::Object(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| (k.as_str(), Json::of_value(v)))
                    .collect(),
            ),
        }
    }

    fn of_raw(v: &'a Raw<'_>) -> Json<'a> {
        match v {
            Raw::Null => Json::Null,
            Raw::Bool(b) => Json::Bool(*b),
            Raw::Number(n) => Json::Number(n),
            Raw::Str(s) => Json::Str(s),
            Raw::Array(items) => Json::Array(items.iter().map(Json::of_raw).collect()),
            Raw::Object(o) => {
                Json::Object(o.0.iter().map(|(k, v)| (&**k, Json::of_raw(v))).collect())
            }
        }
    }

    /// The same value as a `serde_json::Value` (for the rare fields read with serde).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number((*n).clone()),
            Json::Str(s) => Value::String((*s).to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(fields) => {
                let mut m = Map::new();
                for (k, v) in fields {
                    m.insert((*k).to_string(), v.to_value());
                }
                Value::Object(m)
            }
        }
    }
}

/// Field lookup by name over either form of a JSON object.
pub(crate) enum Object<'a> {
    Value(&'a Map<String, Value>),
    Raw(&'a RawObject<'a>),
}

impl<'a> Object<'a> {
    /// The field `name` (a repeated key: its last value, as `serde_json::Map` keeps).
    pub(crate) fn get(&self, name: &str) -> Option<Json<'a>> {
        match self {
            Object::Value(m) => m.get(name).map(Json::of_value),
            Object::Raw(o) => {
                o.0.iter()
                    .rev()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| Json::of_raw(v))
            }
        }
    }
}

/// A JSON object parsed from a line: its fields in order, strings borrowed where possible.
#[derive(Debug)]
pub struct RawObject<'a>(Vec<(Cow<'a, str>, Raw<'a>)>);

impl<'a> RawObject<'a> {
    /// Parses a JSON object; `None` when `text` is not one (the caller then reads it with
    /// `serde_json::Value` for the precise message).
    pub fn parse(text: &'a [u8]) -> Option<RawObject<'a>> {
        serde_json::from_slice(text).ok()
    }
}

#[derive(Debug)]
enum Raw<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    Array(Vec<Raw<'a>>),
    Object(RawObject<'a>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw<'de>, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Raw<'de>, E> {
        Ok(Raw::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Raw<'de>, E> {
        Number::from_f64(n)
            .map(Raw::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Raw<'de>>()? {
            items.push(item);
        }
        Ok(Raw::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Raw<'de>, A::Error> {
        Ok(Raw::Object(read_fields(map)?))
    }
}

fn read_fields<'de, A: MapAccess<'de>>(mut map: A) -> Result<RawObject<'de>, A::Error> {
    let mut fields = Vec::new();
    // serde_json hands keys to the visitor as strings (borrowed when they have no escapes).
    while let Some(key) = map.next_key::<Raw<'de>>()? {
        let Raw::Str(key) = key else {
            return Err(de::Error::custom("an object key that is not a string"));
        };
        fields.push((key, map.next_value::<Raw<'de>>()?));
    }
    Ok(RawObject(fields))
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawObject<'de>, A::Error> {
                read_fields(map)
            }
        }
        d.deserialize_map(V)
    }
}
