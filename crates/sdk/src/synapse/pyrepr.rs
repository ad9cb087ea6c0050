//! Python's `str()` of JSON values, for the 10.x body hash (sdk spec §1.4).
//!
//! The reference hashes `str(model_dump()[field])` for each of a synapse's
//! `required_hash_fields`. For the JSON-native field types (int, float, str, bool, None, list,
//! dict) that string is determined by the JSON text alone, provided three things are kept that
//! a generic JSON library loses: the order of object keys (Python dicts keep insertion order),
//! whether a number is an int (no `.`, `e` or `E`) or a float, and the exact digits of ints
//! (Python ints are unbounded). So this module has its own small JSON reader, [`parse`], and
//! renders what it read with Python's rules ([`py_str`]):
//!
//! - top level: a string is itself (`str(s)`); anything else is its `repr`;
//! - `None`, `True`, `False`; ints as decimal digits (`-0` is `0`);
//! - floats as `repr(float)`: the shortest digits that round-trip, in fixed notation when the
//!   decimal exponent is in `-4..16` (with `.0` for integral values), otherwise `1e+16` /
//!   `1.5e-05` style; `inf`, `-inf`, `nan` (JSON cannot carry the last two, but `1e999` is inf);
//! - strings quoted with `'` unless they contain `'` and no `"`; `\\`, the quote, `\t`, `\n`,
//!   `\r` escaped; other code points below 0x20 and 0x7f as `\xNN`; code points at or above
//!   0x80 kept unless Python's `str.isprintable()` rejects them (table in
//!   [`super::nonprintable`], generated from Python 3.11 / Unicode 14), which become `\xNN`,
//!   `\uNNNN` or `\UNNNNNNNN`;
//! - lists `[a, b]`, dicts `{'k': v}`; a key repeated in an object keeps its first position and
//!   its last value, as `json.loads` into a dict does.
//!
//! # Invariants
//! - [`parse`] accepts exactly RFC 8259 JSON (no trailing commas, no comments, no leading
//!   zeros), nests at most [`MAX_DEPTH`] levels, and never panics.
//! - [`py_str`] is total: every parsed value renders.

use core::fmt::Write as _;

use super::nonprintable::NONPRINTABLE;
pub use super::nonprintable::UNICODE_VERSION;

/// The deepest nesting of arrays and objects [`parse`] accepts (serde_json's default limit).
pub const MAX_DEPTH: usize = 128;

/// A JSON value as Python's `json.loads` sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// `null` → `None`.
    None,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal, kept as its decimal digits with an optional leading `-`.
    Int(String),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string, as code points (JSON may carry lone surrogates, which Python keeps).
    Str(Vec<u32>),
    /// An array.
    List(Vec<PyValue>),
    /// An object, keys in first-seen order.
    Dict(Vec<(Vec<u32>, PyValue)>),
}

/// Why a text is not JSON this module accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}: {reason}")]
pub struct JsonError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was wrong.
    pub reason: &'static str,
}

/// Parses one JSON value (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<PyValue, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

/// The top-level members of a JSON object as `(key, raw value text)`, in order, without
/// interpreting the values (they are checked to be well-formed JSON). A repeated key keeps its
/// first position and its last value, as [`parse`] does.
pub fn object_members(text: &str) -> Result<Vec<(String, &str)>, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    p.ws();
    if p.peek() != Some(b'{') {
        return Err(p.err("expected an object"));
    }
    p.i += 1;
    let mut out: Vec<(String, &str)> = Vec::new();
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let key = p.string()?;
            p.ws();
            p.expect(b':')?;
            p.ws();
            let start = p.i;
            p.value(1)?;
            let raw = text
                .get(start..p.i)
                .ok_or_else(|| p.err("bad value span"))?;
            let key: String = key.iter().filter_map(|&c| char::from_u32(c)).collect();
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = raw,
                None => out.push((key, raw)),
            }
            p.ws();
            match p.next() {
                Some(b',') => continue,
                Some(b'}') => break,
                _ => return Err(p.err("expected ',' or '}'")),
            }
        }
    }
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(out)
}

/// Python's `str()` of the value: a top-level string is itself, anything else is its `repr`.
pub fn py_str(v: &PyValue) -> String {
    let mut out = String::new();
    match v {
        PyValue::Str(s) => {
            for &c in s {
                // A lone surrogate cannot be UTF-8 encoded; Python would raise there. Render
                // it as U+FFFD so the function stays total (the hash then cannot match, which
                // is the reference's outcome too: it fails the request).
                out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
        }
        other => repr(other, &mut out),
    }
    out
}

/// Python's `str()` of the JSON text `raw` (see [`py_str`]).
pub fn py_str_of_json(raw: &str) -> Result<String, JsonError> {
    parse(raw).map(|v| py_str(&v))
}

fn repr(v: &PyValue, out: &mut String) {
    match v {
        PyValue::None => out.push_str("None"),
        PyValue::Bool(true) => out.push_str("True"),
        PyValue::Bool(false) => out.push_str("False"),
        PyValue::Int(digits) => {
            if digits.trim_start_matches('-').bytes().all(|b| b == b'0') {
                out.push('0');
            } else {
                out.push_str(digits);
            }
        }
        PyValue::Float(f) => out.push_str(&float_repr(*f)),
        PyValue::Str(s) => str_repr(s, out),
        PyValue::List(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                repr(item, out);
            }
            out.push(']');
        }
        PyValue::Dict(members) => {
            out.push('{');
            for (n, (k, item)) in members.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                str_repr(k, out);
                out.push_str(": ");
                repr(item, out);
            }
            out.push('}');
        }
    }
}

/// `repr(float)` (CPython's `float_repr_style = 'short'`).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `{:e}` prints the shortest round-trip digits: `d[.ddd]e<exp>`.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    // Position of the decimal point relative to the first digit.
    let decpt = exp.saturating_add(1);
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    if (-3..=16).contains(&decpt) {
        if decpt <= 0 {
            out.push_str("0.");
            for _ in 0..(-decpt) {
                out.push('0');
            }
            out.push_str(&digits);
        } else if decpt < n {
            let (int, frac) = digits.split_at(usize::try_from(decpt).unwrap_or(0));
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        } else {
            out.push_str(&digits);
            for _ in 0..(decpt - n) {
                out.push('0');
            }
            out.push_str(".0");
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = decpt - 1;
        let _ = write!(
            out,
            "e{}{:02}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        );
    }
    out
}

fn is_printable(c: u32) -> bool {
    if c < 0x80 {
        return (0x20..0x7f).contains(&c);
    }
    // Binary search for a range containing `c`.
    let idx = NONPRINTABLE.partition_point(|&(_, hi)| hi < c);
    NONPRINTABLE.get(idx).is_none_or(|&(lo, _)| lo > c)
}

fn str_repr(s: &[u32], out: &mut String) {
    let single = u32::from(b'\'');
    let double = u32::from(b'"');
    let quote = if s.contains(&single) && !s.contains(&double) {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for &c in s {
        match char::from_u32(c) {
            Some(ch) if ch == quote || ch == '\\' => {
                out.push('\\');
                out.push(ch);
            }
            Some('\t') => out.push_str("\\t"),
            Some('\n') => out.push_str("\\n"),
            Some('\r') => out.push_str("\\r"),
            Some(ch) if is_printable(c) => out.push(ch),
            _ => {
                let _ = if c <= 0xff {
                    write!(out, "\\x{c:02x}")
                } else if c <= 0xffff {
                    write!(out, "\\u{c:04x}")
                } else {
                    write!(out, "\\U{c:08x}")
                };
            }
        }
    }
    out.push(quote);
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn err(&self, reason: &'static str) -> JsonError {
        JsonError {
            offset: self.i,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Result<(), JsonError> {
        if self.next() == Some(b) {
            Ok(())
        } else {
            self.i = self.i.saturating_sub(1);
            Err(self.err("unexpected character"))
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &[u8], v: PyValue) -> Result<PyValue, JsonError> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<PyValue, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        match self.peek() {
            Some(b'n') => self.literal(b"null", PyValue::None),
            Some(b't') => self.literal(b"true", PyValue::Bool(true)),
            Some(b'f') => self.literal(b"false", PyValue::Bool(false)),
            Some(b'"') => Ok(PyValue::Str(self.string()?)),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(PyValue::List(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.next() {
                        Some(b',') => continue,
                        Some(b']') => return Ok(PyValue::List(items)),
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut members: Vec<(Vec<u32>, PyValue)> = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(PyValue::Dict(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    self.expect(b':')?;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    match members.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = v,
                        None => members.push((key, v)),
                    }
                    self.ws();
                    match self.next() {
                        Some(b',') => continue,
                        Some(b'}') => return Ok(PyValue::Dict(members)),
                        _ => return Err(self.err("expected ',' or '}'")),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("expected a value")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<PyValue, JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 {
            return Err(self.err("expected digits"));
        }
        if n > 1 && self.s.get(int_start) == Some(&b'0') {
            return Err(self.err("leading zero"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            float = true;
            if self.digits() == 0 {
                return Err(self.err("expected fraction digits"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("expected exponent digits"));
            }
        }
        let text = core::str::from_utf8(self.s.get(start..self.i).unwrap_or_default())
            .map_err(|_| self.err("invalid number"))?;
        if float {
            text.parse::<f64>()
                .map(PyValue::Float)
                .map_err(|_| self.err("invalid number"))
        } else {
            Ok(PyValue::Int(text.to_owned()))
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.next() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            v = (v << 4) | u32::from(d);
        }
        Ok(v)
    }

    /// A string literal as code points; `\uD83D\uDE00` pairs combine, lone surrogates stay.
    fn string(&mut self) -> Result<Vec<u32>, JsonError> {
        if self.next() != Some(b'"') {
            self.i = self.i.saturating_sub(1);
            return Err(self.err("expected a string"));
        }
        let mut out = Vec::new();
        loop {
            let start = self.i;
            // Copy a run of plain characters at once.
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.i += 1;
            }
            if self.i > start {
                let run = core::str::from_utf8(self.s.get(start..self.i).unwrap_or_default())
                    .map_err(|_| self.err("invalid UTF-8"))?;
                out.extend(run.chars().map(u32::from));
            }
            match self.next() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => {
                    let c = match self.next() {
                        Some(b'"') => u32::from(b'"'),
                        Some(b'\\') => u32::from(b'\\'),
                        Some(b'/') => u32::from(b'/'),
                        Some(b'b') => 0x08,
                        Some(b'f') => 0x0c,
                        Some(b'n') => 0x0a,
                        Some(b'r') => 0x0d,
                        Some(b't') => 0x09,
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            if (0xd800..0xdc00).contains(&hi)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    // Not a pair: keep the lone high surrogate, reread `lo`.
                                    self.i = save;
                                    hi
                                }
                            } else {
                                hi
                            }
                        }
                        _ => return Err(self.err("invalid escape")),
                    };
                    out.push(c);
                }
                _ => return Err(self.err("unterminated string or control character")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(json: &str) -> String {
        py_str_of_json(json).expect("valid json")
    }

    #[test]
    fn spec_examples() {
        // sdk spec §1.4, observed on Python.
        assert_eq!(s("21"), "21");
        assert_eq!(s(r#"["a","b"]"#), "['a', 'b']");
        assert_eq!(
            s(r#"{"k":1,"z":[1.5,null,true]}"#),
            "{'k': 1, 'z': [1.5, None, True]}"
        );
        assert_eq!(s("0.1"), "0.1");
    }

    #[test]
    fn floats() {
        for (json, py) in [
            ("1.0", "1.0"),
            ("-0.0", "-0.0"),
            ("0.0", "0.0"),
            ("1e16", "1e+16"),
            ("1e15", "1000000000000000.0"),
            ("1.5e16", "1.5e+16"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1.5e-7", "1.5e-07"),
            ("123.456", "123.456"),
            ("1e300", "1e+300"),
            ("1e999", "inf"),
            ("-1e999", "-inf"),
            ("5E-324", "5e-324"),
            ("12345678901234567890.0", "1.2345678901234567e+19"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("100.0", "100.0"),
            ("2.5e2", "250.0"),
        ] {
            assert_eq!(s(json), py, "{json}");
        }
    }

    #[test]
    fn ints_keep_their_digits() {
        assert_eq!(s("-0"), "0");
        assert_eq!(
            s("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
        assert_eq!(s("-42"), "-42");
    }

    #[test]
    fn strings() {
        // Top level: the string itself.
        assert_eq!(s(r#""it's""#), "it's");
        // Inside containers: repr.
        assert_eq!(s(r#"["it's"]"#), r#"["it's"]"#);
        assert_eq!(s(r#"["say \"hi\""]"#), r#"['say "hi"']"#);
        assert_eq!(s(r#"["both ' and \""]"#), r#"['both \' and "']"#);
        assert_eq!(
            s(r#"["a\\b\n\t\r\u0001\u007f"]"#),
            r"['a\\b\n\t\r\x01\x7f']"
        );
        assert_eq!(s(r#"["é中😀"]"#), "['é中😀']");
        // Non-printable above 0x7f: NBSP, soft hyphen, zero-width space, a private-use char.
        assert_eq!(
            s(r#"["\u00a0\u00ad\u200b\ue000\udbc0\udc00"]"#),
            r"['\xa0\xad\u200b\ue000\U00100000']"
        );
        // Lone surrogate.
        assert_eq!(s(r#"["\ud800x"]"#), r"['\ud800x']");
        // Printable space and ASCII.
        assert_eq!(s(r#"[" ~"]"#), "[' ~']");
    }

    #[test]
    fn dicts_keep_order_and_last_value() {
        assert_eq!(s(r#"{"z":1,"a":2,"z":3}"#), "{'z': 3, 'a': 2}");
        assert_eq!(s("{}"), "{}");
        assert_eq!(s("[]"), "[]");
        assert_eq!(s(r#"[{"a":[{}]}, false]"#), "[{'a': [{}]}, False]");
    }

    #[test]
    fn rejects_bad_json() {
        for bad in [
            "",
            "01",
            "1.",
            ".5",
            "[1,]",
            "{\"a\":1,}",
            "nul",
            "\"\\x\"",
            "[1 2]",
            "\"a",
            "1 1",
            "-",
            "1e",
            "{'a':1}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn object_members_keep_raw_text() {
        let m = object_members(r#" {"a": [1, 2.0] , "b":"x","a":{"k":null}} "#).expect("object");
        assert_eq!(
            m,
            vec![
                ("a".to_string(), r#"{"k":null}"#),
                ("b".to_string(), r#""x""#)
            ]
        );
        assert!(object_members("[1]").is_err());
        assert!(object_members(r#"{"a":1} x"#).is_err());
        assert_eq!(object_members("{}").expect("object"), vec![]);
    }
}
