//! msgpack encoding of cty values, byte-compatible with Terraform's (go-cty `cty/msgpack`).
//!
//! * null → nil; unknown → extension (we write `d4 00 00`; refined unknowns, ext 12, are kept raw)
//! * number → smallest int when it is an exact int64, float64 when exact, else decimal text
//! * object → map with every attribute of the type (sorted keys); map → map; list/set/tuple → array
//! * dynamic → `[type JSON, value]`

use std::collections::BTreeMap;

use rmp::Marker;

use super::limits::{self, Budget};
use super::types::Type;
use super::value::{Number, Unknown, Value};

const EXT_REFINED: i8 = 12;

/// A value that does not match the type it was decoded against, or broken msgpack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("msgpack value at {path}: {message}")]
pub struct DecodeError {
    /// Where in the value (`inbound.codecs[2]`), or `(root)`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

/// Encodes `v` as msgpack against `ty`.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(256);
    enc(&mut out, v, ty, &mut String::new())?;
    Ok(out)
}

/// A value that does not conform to the type it is being encoded as (a provider bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode value at {path} as {ty}: {message}")]
pub struct EncodeError {
    /// Where in the value.
    pub path: String,
    /// The type the whole value was encoded as.
    pub ty: String,
    /// What is wrong there.
    pub message: String,
}

fn enc(out: &mut Vec<u8>, v: &Value, ty: &Type, path: &mut String) -> Result<(), EncodeError> {
    let err = |path: &String, msg: &str| EncodeError {
        path: if path.is_empty() { "(root)".into() } else { path.clone() },
        ty: ty.to_string(),
        message: msg.to_string(),
    };
    // Writes into a Vec cannot fail; rmp's Result is for generic writers.
    match (v, ty) {
        (Value::Null, _) => out.push(0xc0),
        (Value::Unknown(u), _) => match &u.refinement {
            Some(payload) if !payload.is_empty() && *ty != Type::Dynamic => {
                let _ = rmp::encode::write_ext_meta(out, payload.len() as u32, EXT_REFINED);
                out.extend_from_slice(payload);
            }
            _ => out.extend_from_slice(&[0xd4, 0x00, 0x00]),
        },
        (Value::Dynamic(inner_ty, inner), Type::Dynamic) => {
            let _ = rmp::encode::write_array_len(out, 2);
            let tj = inner_ty.to_json_bytes();
            let _ = rmp::encode::write_bin(out, &tj);
            enc(out, inner, inner_ty, path)?;
        }
        (other, Type::Dynamic) => {
            // A value without its type in a dynamic slot: infer the simple cases.
            let inferred = infer_type(other).ok_or_else(|| err(path, "dynamic value needs a type"))?;
            let _ = rmp::encode::write_array_len(out, 2);
            let _ = rmp::encode::write_bin(out, &inferred.to_json_bytes());
            enc(out, other, &inferred, path)?;
        }
        (Value::Bool(b), Type::Bool) => {
            let _ = rmp::encode::write_bool(out, *b);
        }
        (Value::Number(n), Type::Number) => match n {
            Number::Int(i) => {
                let _ = rmp::encode::write_sint(out, *i);
            }
            Number::Float(f) => {
                let _ = rmp::encode::write_f64(out, *f);
            }
            Number::Big(s) => {
                let _ = rmp::encode::write_str(out, s);
            }
        },
        (Value::String(s), Type::String) => {
            let _ = rmp::encode::write_str(out, s);
        }
        (Value::List(items), Type::List(et)) | (Value::Set(items), Type::Set(et)) => {
            let _ = rmp::encode::write_array_len(out, items.len() as u32);
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                enc(out, item, et, path)?;
                path.truncate(len);
            }
        }
        (Value::Tuple(items), Type::Tuple(ets)) => {
            if items.len() != ets.len() {
                return Err(err(path, "tuple length differs from its type"));
            }
            let _ = rmp::encode::write_array_len(out, items.len() as u32);
            for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                enc(out, item, et, path)?;
                path.truncate(len);
            }
        }
        (Value::Map(m), Type::Map(et)) => {
            let _ = rmp::encode::write_map_len(out, m.len() as u32);
            for (k, item) in m {
                let _ = rmp::encode::write_str(out, k);
                let len = path.len();
                path.push_str(&format!("[{k:?}]"));
                enc(out, item, et, path)?;
                path.truncate(len);
            }
        }
        (Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(err(path, &format!("unsupported attribute {extra:?}")));
            }
            // Every attribute of the type, no more, no less; absent ones as nil.
            let _ = rmp::encode::write_map_len(out, attrs.len() as u32);
            for (k, at) in attrs {
                let _ = rmp::encode::write_str(out, k);
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                enc(out, m.get(k).unwrap_or(&Value::Null), at, path)?;
                path.truncate(len);
            }
        }
        _ => return Err(err(path, "value does not match the type")),
    }
    Ok(())
}

/// The type of a value whose shape says it (used for dynamic slots filled by Rust code).
fn infer_type(v: &Value) -> Option<Type> {
    Some(match v {
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::Object(m) => Type::Object(m.iter().map(|(k, v)| Some((k.clone(), infer_type(v)?))).collect::<Option<_>>()?),
        Value::Tuple(items) => Type::Tuple(items.iter().map(infer_type).collect::<Option<_>>()?),
        Value::Dynamic(t, _) => t.clone(),
        _ => return None,
    })
}

/// Decodes msgpack bytes against `ty`. Trailing bytes are an error, and so is a value beyond
/// the bounds of [`limits`] (nesting, value count, string length).
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut r = Reader { buf: bytes, pos: 0, path: String::new(), budget: Budget::default() };
    let v = r.value(ty)?;
    if r.pos != bytes.len() {
        return Err(r.err("trailing bytes after the value"));
    }
    Ok(v)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    path: String,
    budget: Budget,
}

impl<'a> Reader<'a> {
    fn err(&self, msg: impl Into<String>) -> DecodeError {
        DecodeError { path: if self.path.is_empty() { "(root)".into() } else { self.path.clone() }, message: msg.into() }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.buf.len());
        match end {
            Some(end) => {
                let s = &self.buf[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(self.err("unexpected end of data")),
        }
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn be(&mut self, n: usize) -> Result<u64, DecodeError> {
        let b = self.take(n)?;
        Ok(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
    }
    fn len(&mut self, n: usize) -> Result<usize, DecodeError> {
        let l = self.be(n)? as usize;
        // A length can never exceed the bytes left (each element takes at least one byte).
        if l > self.buf.len() - self.pos {
            return Err(self.err("length exceeds the data"));
        }
        Ok(l)
    }

    fn peek_marker(&self) -> Result<Marker, DecodeError> {
        self.buf.get(self.pos).map(|b| Marker::from_u8(*b)).ok_or_else(|| self.err("unexpected end of data"))
    }

    /// Reads an extension if one is next. Returns its type and payload.
    fn ext(&mut self) -> Result<Option<(i8, &'a [u8])>, DecodeError> {
        let marker = self.peek_marker()?;
        let fixed = match marker {
            Marker::FixExt1 => Some(1),
            Marker::FixExt2 => Some(2),
            Marker::FixExt4 => Some(4),
            Marker::FixExt8 => Some(8),
            Marker::FixExt16 => Some(16),
            Marker::Ext8 | Marker::Ext16 | Marker::Ext32 => None,
            _ => return Ok(None),
        };
        self.pos += 1;
        let size = match (fixed, marker) {
            (Some(n), _) => n,
            (None, Marker::Ext8) => self.len(1)?,
            (None, Marker::Ext16) => self.len(2)?,
            (None, _) => self.len(4)?,
        };
        let t = self.u8()? as i8;
        let payload = self.take(size)?;
        Ok(Some((t, payload)))
    }

    fn str_len(&mut self, m: Marker) -> Result<Option<usize>, DecodeError> {
        Ok(Some(match m {
            Marker::FixStr(n) => n as usize,
            Marker::Str8 => self.len(1)?,
            Marker::Str16 => self.len(2)?,
            Marker::Str32 => self.len(4)?,
            _ => return Ok(None),
        }))
    }

    fn bin_len(&mut self, m: Marker) -> Result<Option<usize>, DecodeError> {
        Ok(Some(match m {
            Marker::Bin8 => self.len(1)?,
            Marker::Bin16 => self.len(2)?,
            Marker::Bin32 => self.len(4)?,
            _ => return Ok(None),
        }))
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let m = Marker::from_u8(self.u8()?);
        let n = self.str_len(m)?.ok_or_else(|| self.err(format!("expected a string, found {m:?}")))?;
        limits::check_len("a string", n).map_err(|e| self.err(e))?;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| self.err("string is not UTF-8"))
    }

    fn array_len(&mut self) -> Result<usize, DecodeError> {
        let m = Marker::from_u8(self.u8()?);
        match m {
            Marker::FixArray(n) => Ok(n as usize),
            Marker::Array16 => self.len(2),
            Marker::Array32 => self.len(4),
            _ => Err(self.err(format!("expected an array, found {m:?}"))),
        }
    }

    fn map_len(&mut self) -> Result<usize, DecodeError> {
        let m = Marker::from_u8(self.u8()?);
        match m {
            Marker::FixMap(n) => Ok(n as usize),
            Marker::Map16 => self.len(2),
            Marker::Map32 => self.len(4),
            _ => Err(self.err(format!("expected a map, found {m:?}"))),
        }
    }

    fn number(&mut self) -> Result<Number, DecodeError> {
        let m = Marker::from_u8(self.u8()?);
        Ok(match m {
            Marker::FixPos(n) => Number::Int(i64::from(n)),
            Marker::FixNeg(n) => Number::Int(i64::from(n)),
            Marker::U8 => Number::Int(self.be(1)? as i64),
            Marker::U16 => Number::Int(self.be(2)? as i64),
            Marker::U32 => Number::Int(self.be(4)? as i64),
            Marker::U64 => Number::from_u64(self.be(8)?),
            Marker::I8 => Number::Int(i64::from(self.be(1)? as u8 as i8)),
            Marker::I16 => Number::Int(i64::from(self.be(2)? as u16 as i16)),
            Marker::I32 => Number::Int(i64::from(self.be(4)? as u32 as i32)),
            Marker::I64 => Number::Int(self.be(8)? as i64),
            Marker::F32 => {
                let f = f64::from(f32::from_bits(self.be(4)? as u32));
                self.float(f)?
            }
            Marker::F64 => {
                let f = f64::from_bits(self.be(8)?);
                self.float(f)?
            }
            m => {
                let n = self.str_len(m)?.ok_or_else(|| self.err(format!("expected a number, found {m:?}")))?;
                limits::check_len("a number", n).map_err(|e| self.err(e))?;
                let b = self.take(n)?;
                let text = std::str::from_utf8(b).map_err(|_| self.err("number text is not UTF-8"))?;
                Number::parse(text).ok_or_else(|| self.err(format!("invalid number {:?}", limits::brief(text))))?
            }
        })
    }

    /// A float as a cty number: infinities are numbers, NaN is not (go-cty refuses it, so
    /// Terraform never sends one; taken in, it would equal nothing, not even itself).
    fn float(&self, f: f64) -> Result<Number, DecodeError> {
        if f.is_nan() {
            return Err(self.err("NaN is not a number"));
        }
        Ok(Number::from_f64(f))
    }

    fn with_path<T>(&mut self, seg: &str, f: impl FnOnce(&mut Self) -> Result<T, DecodeError>) -> Result<T, DecodeError> {
        let len = self.path.len();
        if !seg.starts_with('[') && !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(seg);
        let r = f(self);
        self.path.truncate(len);
        r
    }

    /// One value, counted against the bounds.
    fn value(&mut self, ty: &Type) -> Result<Value, DecodeError> {
        self.budget.enter().map_err(|e| self.err(e))?;
        let v = self.bounded_value(ty);
        self.budget.leave();
        v
    }

    fn bounded_value(&mut self, ty: &Type) -> Result<Value, DecodeError> {
        let m = self.peek_marker()?;
        if m == Marker::Null {
            self.pos += 1;
            return Ok(Value::Null);
        }
        if let Some((t, payload)) = self.ext()? {
            limits::check_len("an unknown value's refinement", payload.len()).map_err(|e| self.err(e))?;
            // Refinements are kept only where the encoder writes them back: not in dynamic slots.
            let refinement = (t == EXT_REFINED && !payload.is_empty() && *ty != Type::Dynamic).then(|| payload.to_vec());
            return Ok(Value::Unknown(Unknown { refinement }));
        }
        match ty {
            Type::Dynamic => {
                if self.array_len()? != 2 {
                    return Err(self.err("dynamic value must be a [type, value] pair"));
                }
                let tm = Marker::from_u8(self.u8()?);
                let n = match self.bin_len(tm)? {
                    Some(n) => n,
                    None => self.str_len(tm)?.ok_or_else(|| self.err("dynamic type must be bytes"))?,
                };
                limits::check_len("a dynamic value's type", n).map_err(|e| self.err(e))?;
                let tj = self.take(n)?;
                let inner_ty = Type::from_json_bytes(tj).map_err(|e| self.err(e.to_string()))?;
                let inner = self.value(&inner_ty)?;
                Ok(Value::Dynamic(inner_ty, Box::new(inner)))
            }
            Type::Bool => match Marker::from_u8(self.u8()?) {
                Marker::True => Ok(Value::Bool(true)),
                Marker::False => Ok(Value::Bool(false)),
                m => Err(self.err(format!("expected a bool, found {m:?}"))),
            },
            Type::Number => Ok(Value::Number(self.number()?)),
            Type::String => Ok(Value::String(self.string()?)),
            Type::List(et) | Type::Set(et) => {
                let n = self.array_len()?;
                let mut items = Vec::with_capacity(limits::capacity(n));
                for i in 0..n {
                    items.push(self.with_path(&format!("[{i}]"), |r| r.value(et))?);
                }
                Ok(if matches!(ty, Type::List(_)) { Value::List(items) } else { Value::Set(items) })
            }
            Type::Tuple(ets) => {
                let n = self.array_len()?;
                if n != ets.len() {
                    return Err(self.err(format!("tuple needs {} elements, got {n}", ets.len())));
                }
                let mut items = Vec::with_capacity(limits::capacity(n));
                for (i, et) in ets.iter().enumerate() {
                    items.push(self.with_path(&format!("[{i}]"), |r| r.value(et))?);
                }
                Ok(Value::Tuple(items))
            }
            Type::Map(et) => {
                let n = self.map_len()?;
                let mut m = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string()?;
                    let v = self.with_path(&format!("[{:?}]", limits::brief(&k)), |r| r.value(et))?;
                    m.insert(k, v);
                }
                Ok(Value::Map(m))
            }
            Type::Object(attrs) => {
                let n = self.map_len()?;
                let mut m = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string()?;
                    let at = attrs.get(&k).ok_or_else(|| self.err(format!("unsupported attribute {:?}", limits::brief(&k))))?;
                    let v = self.with_path(&k, |r| r.value(at))?;
                    m.insert(k, v);
                }
                // Be lenient on input: absent attributes are null.
                self.budget.count(attrs.len() - m.len()).map_err(|e| self.err(e))?;
                for k in attrs.keys() {
                    m.entry(k.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(m))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(v: &Value, ty: &Type) -> Vec<u8> {
        let b = encode(v, ty).unwrap();
        assert_eq!(&decode(&b, ty).unwrap(), v, "round trip of {v:?}");
        b
    }

    #[test]
    fn scalars_match_terraform_bytes() {
        assert_eq!(rt(&Value::Null, &Type::String), vec![0xc0]);
        assert_eq!(rt(&Value::unknown(), &Type::String), vec![0xd4, 0, 0]);
        assert_eq!(rt(&Value::Bool(true), &Type::Bool), vec![0xc3]);
        assert_eq!(rt(&Value::int(5), &Type::Number), vec![0x05]);
        assert_eq!(rt(&Value::int(-3), &Type::Number), vec![0xfd]);
        assert_eq!(rt(&Value::int(200), &Type::Number), vec![0xcc, 200]);
        assert_eq!(rt(&Value::int(-200), &Type::Number), vec![0xd1, 0xff, 0x38]);
        assert_eq!(rt(&Value::int(1 << 40), &Type::Number)[0], 0xcf);
        let half = rt(&Value::Number(Number::Float(0.5)), &Type::Number);
        assert_eq!(half[0], 0xcb);
        assert_eq!(rt(&Value::string("hi"), &Type::String), vec![0xa2, b'h', b'i']);
    }

    #[test]
    fn big_and_fractional_numbers() {
        let big = Value::Number(Number::Big("123456789012345678901234567890".into()));
        let b = rt(&big, &Type::Number);
        assert_eq!(b[0], 0xbe); // fixstr of 30 bytes
        let precise = Value::Number(Number::parse("0.10000000000000000000001").unwrap());
        rt(&precise, &Type::Number);
        // Terraform may send an integral float64 or u64: read as the same number.
        assert_eq!(decode(&[0xcb, 0x40, 0x08, 0, 0, 0, 0, 0, 0], &Type::Number).unwrap(), Value::int(3));
        assert_eq!(decode(&[0xcf, 0, 0, 0, 0, 0, 0, 0, 7], &Type::Number).unwrap(), Value::int(7));
        assert_eq!(decode(&[0xa3, b'1', b'.', b'5'], &Type::Number).unwrap(), Value::Number(Number::Float(1.5)));
    }

    #[test]
    fn objects_carry_every_attribute_sorted() {
        let ty = Type::object([("b", Type::String), ("a", Type::Number)]);
        let v = Value::Object([("b".to_string(), Value::string("x"))].into());
        let b = encode(&v, &ty).unwrap();
        assert_eq!(b, vec![0x82, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xa1, b'x']);
        // Decoding fills the absent attribute with null.
        let d = decode(&b, &ty).unwrap();
        assert_eq!(d.get("a"), &Value::Null);
        assert!(encode(&Value::Object([("zz".to_string(), Value::Null)].into()), &ty).is_err());
        assert!(decode(&[0x81, 0xa1, b'z', 0xc0], &ty).is_err());
    }

    #[test]
    fn nested_collections_and_unknowns() {
        let inner = Type::object([("n", Type::Number), ("s", Type::set(Type::String))]);
        let ty = Type::object([("items", Type::list(inner)), ("m", Type::map(Type::Bool))]);
        let v = Value::Object(
            [
                (
                    "items".to_string(),
                    Value::List(vec![
                        Value::Object(
                            [("n".to_string(), Value::unknown()), ("s".to_string(), Value::Set(vec!["a".into(), "b".into()]))].into(),
                        ),
                        Value::Null,
                    ]),
                ),
                ("m".to_string(), Value::Map([("k".to_string(), Value::Bool(false))].into())),
            ]
            .into(),
        );
        rt(&v, &ty);
    }

    #[test]
    fn refined_unknowns_pass_through() {
        // ext 12 with payload {1: false} (definitely not null): ext8, 3 bytes
        let bytes = vec![0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
        let v = decode(&bytes, &Type::String).unwrap();
        assert!(v.is_unknown());
        assert_eq!(encode(&v, &Type::String).unwrap(), bytes);
        // Any other extension type is a plain unknown.
        assert!(decode(&[0xd4, 0x05, 0x00], &Type::Number).unwrap().is_unknown());
        // A fixext whose type byte looks like a marker is still read correctly.
        assert!(decode(&[0xd5, 0xd4, 0x00, 0x00], &Type::Number).unwrap().is_unknown());
    }

    /// Found by fuzzing (msgpack_value): a float64 NaN decoded as a number that was not equal
    /// to itself after a round trip. cty has no NaN: it is refused; infinities are kept.
    #[test]
    fn nan_is_refused() {
        let nan64 = [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0];
        let nan32 = [0xca, 0x7f, 0xc0, 0, 0];
        for bytes in [&nan64[..], &nan32] {
            assert_eq!(decode(bytes, &Type::Number).unwrap_err().message, "NaN is not a number");
        }
        let inf = decode(&[0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], &Type::Number).unwrap();
        assert_eq!(inf, Value::Number(Number::Float(f64::INFINITY)));
        rt(&inf, &Type::Number);
    }

    #[test]
    fn refined_unknowns_in_dynamic_slots_are_plain_unknowns() {
        // The encoder never writes a refinement into a dynamic slot, so the decoder keeps none:
        // what decodes re-encodes to bytes that decode the same.
        let v = decode(&[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2], &Type::Dynamic).unwrap();
        assert_eq!(v, Value::unknown());
        rt(&v, &Type::Dynamic);
    }

    #[test]
    fn dynamic_values() {
        let v = Value::Dynamic(Type::list(Type::String), Box::new(Value::List(vec!["x".into()])));
        let b = rt(&v, &Type::Dynamic);
        assert_eq!(b[0], 0x92);
        // unknown dynamic has no wrapper
        assert_eq!(rt(&Value::unknown(), &Type::Dynamic), vec![0xd4, 0, 0]);
    }

    /// `depth` lists around a string, and a value that nests as deep.
    fn nested_lists(depth: usize) -> (Type, Vec<u8>) {
        let mut ty = Type::String;
        let mut bytes = vec![0x91; depth];
        for _ in 0..depth {
            ty = Type::list(ty);
        }
        bytes.extend_from_slice(&[0xa1, b'x']);
        (ty, bytes)
    }

    #[test]
    fn nesting_is_bounded() {
        // MAX_DEPTH levels in all (the string is the last): accepted; one more: refused.
        let (ty, bytes) = nested_lists(limits::MAX_DEPTH - 1);
        assert!(decode(&bytes, &ty).is_ok());
        let (ty, bytes) = nested_lists(limits::MAX_DEPTH);
        let e = decode(&bytes, &ty).unwrap_err();
        assert!(e.message.contains("nested deeper than 64"), "{e}");
    }

    #[test]
    fn nesting_200000_deep_is_an_error_not_a_stack_overflow() {
        // Dynamic values can nest without end in the type: [type "dynamic", [type "dynamic", …]].
        let mut bytes = Vec::new();
        for _ in 0..200_000 {
            bytes.extend_from_slice(&[0x92, 0xc4, 9]);
            bytes.extend_from_slice(b"\"dynamic\"");
        }
        bytes.push(0xc0);
        let e = decode(&bytes, &Type::Dynamic).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e}");
        // And arrays 200,000 deep against a type that nests deeper than the bound.
        let (ty, _) = nested_lists(100);
        let mut bytes = vec![0x91; 200_000];
        bytes.push(0xc0);
        assert!(decode(&bytes, &ty).unwrap_err().message.contains("nested deeper"));
    }

    #[test]
    fn headers_claiming_four_billion_elements_are_refused() {
        let list = Type::list(Type::String);
        let map = Type::map(Type::String);
        for (bytes, ty) in [
            (&[0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0][..], &list),
            (&[0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, b'k', 0xc0], &map),
            (&[0x81, 0xa1, b'a', 0xdd, 0xff, 0xff, 0xff, 0xff], &Type::object([("a", list.clone())])),
        ] {
            assert!(decode(bytes, ty).is_err(), "{bytes:?}");
        }
        // A header that the data does back: the elements are read one by one (never allocated
        // at the claimed size), and past MAX_VALUES values in all the value is refused.
        let n = limits::MAX_VALUES as u32;
        let mut bytes = vec![0xdd];
        bytes.extend_from_slice(&n.to_be_bytes());
        bytes.resize(bytes.len() + n as usize, 0xc0);
        let e = decode(&bytes, &list).unwrap_err();
        assert!(e.message.contains("more than 1048576 values"), "{e}");
        let mut fits = vec![0xdd];
        fits.extend_from_slice(&(n - 1).to_be_bytes());
        fits.resize(fits.len() + n as usize - 1, 0xc0);
        assert_eq!(decode(&fits, &list).unwrap().elements().map(<[Value]>::len), Some(n as usize - 1));
        // The nulls that fill absent attributes count too.
        let wide = Type::Object((0..10).map(|i| (format!("a{i}"), Type::String)).collect());
        let mut bytes = vec![0xdd];
        bytes.extend_from_slice(&(n / 8).to_be_bytes());
        bytes.resize(bytes.len() + n as usize / 8, 0x80);
        assert!(decode(&bytes, &Type::list(wide)).unwrap_err().message.contains("values"));
    }

    fn str32(len: usize) -> Vec<u8> {
        let mut bytes = vec![0xdb];
        bytes.extend_from_slice(&(len as u32).to_be_bytes());
        bytes.resize(bytes.len() + len, b'a');
        bytes
    }

    #[test]
    fn an_eight_megabyte_string_is_refused() {
        let e = decode(&str32(8 << 20), &Type::String).unwrap_err();
        assert!(e.message.contains("8388608 bytes is longer than the 1048576 allowed"), "{e}");
        // As a map key, a number's text, or a dynamic value's type too.
        let mut key = vec![0x81];
        key.extend_from_slice(&str32(8 << 20));
        key.push(0xc0);
        assert!(decode(&key, &Type::map(Type::String)).is_err());
        assert!(decode(&str32(8 << 20), &Type::Number).unwrap_err().message.contains("number"));
        let mut dynamic = vec![0x92, 0xc6];
        dynamic.extend_from_slice(&(8u32 << 20).to_be_bytes());
        dynamic.resize(dynamic.len() + (8 << 20), b' ');
        dynamic.push(0xc0);
        assert!(decode(&dynamic, &Type::Dynamic).unwrap_err().message.contains("type"));
        // The largest string allowed is read.
        assert!(decode(&str32(limits::MAX_STRING_BYTES), &Type::String).is_ok());
        assert!(decode(&str32(limits::MAX_STRING_BYTES + 1), &Type::String).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let ty = Type::object([("a", Type::list(Type::String))]);
        for bytes in [&[0x81u8, 0xa1, b'a', 0xdd, 0xff, 0xff, 0xff, 0xff][..], &[0x81, 0xa1], &[0xc3], &[], &[0x90, 0x00]] {
            assert!(decode(bytes, &ty).is_err(), "{bytes:?}");
        }
    }
}
