//! A small JSON reader and writer, for the scenario format and the trace download.
//!
//! serde_json and the serde derives it needs were about 50 KB of the page's wasm (gzipped), most
//! of the page's weight; this is a few KB. The reader parses text into a [`Value`] tree that
//! keeps numbers as their text, so that a `u64` seed beyond 2^53 reads exactly and a probability
//! is rounded once, by [`parse_f64`]. The writer writes what serde_json writes, byte for byte:
//! the tests compare the two natively, and `tests/floats.txt` carries the comparison to wasm.
//!
//! Floats are converted in two ways, one per target, with the same results. Natively they go
//! through core's `str::parse::<f64>` and `{:e}`; in wasm through JavaScript's `parseFloat` and
//! `Number.prototype.toString` (in `wasm/floats.rs`), which are also correctly rounded and shortest,
//! because core's float formatting and parsing were about 24 KB of the page's wasm, gzipped, for
//! two probabilities.

use std::fmt::Write;

/// A parsed JSON value. Objects keep their entries in file order, repeats included, so that
/// the scenario reader can name the first unknown or repeated field.
#[derive(Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// The number as written; the parser has checked its syntax and that it is finite.
    Number(&'a str),
    String(String),
    Array(Vec<Value<'a>>),
    Object(Vec<(String, Value<'a>)>),
}

impl Value<'_> {
    /// The value as serde names it in an "invalid type" error: "string \"a1\"", "integer `5`".
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".to_string(),
            Value::Bool(b) => format!("boolean `{b}`"),
            Value::Number(text) if is_integer(text) => format!("integer `{text}`"),
            Value::Number(text) => format!("floating point `{text}`"),
            Value::String(s) => format!("string {s:?}"),
            Value::Array(_) => "sequence".to_string(),
            Value::Object(_) => "map".to_string(),
        }
    }
}

/// Whether number text (already valid JSON) is written as a whole number.
pub fn is_integer(text: &str) -> bool {
    !text.contains(['.', 'e', 'E'])
}

/// Text that is not JSON: what is wrong, and the byte offset where the parser noticed it.
#[derive(Debug, PartialEq)]
pub struct SyntaxError {
    pub message: &'static str,
    pub offset: usize,
}

/// Nesting deeper than this is refused rather than risk the stack (wasm's is 1 MB); serde_json
/// has the same limit, and a scenario nests four deep.
const DEPTH_MAX: u32 = 128;

/// Parses one JSON value, with nothing but white space after it.
pub fn parse(text: &str) -> Result<Value<'_>, SyntaxError> {
    let mut parser = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_space();
    if parser.pos < text.len() {
        return Err(parser.fail("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek();
        self.pos += byte.is_some() as usize;
        byte
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += found as usize;
        found
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn fail(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            message,
            offset: self.pos,
        }
    }

    /// `message`, or the end-of-text message when the text ran out first.
    fn fail_or_eof(&self, message: &'static str, eof: &'static str) -> SyntaxError {
        self.fail(if self.pos >= self.text.len() {
            eof
        } else {
            message
        })
    }

    fn value(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.skip_space();
        match self.peek() {
            Some(b'{' | b'[') => {
                self.depth += 1;
                if self.depth > DEPTH_MAX {
                    return Err(self.fail("recursion limit exceeded"));
                }
                let value = if self.next() == Some(b'{') {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                value
            }
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => {
                for (word, value) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self.text[self.pos..].starts_with(word) {
                        self.pos += word.len();
                        return Ok(value);
                    }
                    if word.starts_with(&self.text[self.pos..]) {
                        self.pos = self.text.len();
                    }
                }
                Err(self.fail_or_eof("expected value", "EOF while parsing a value"))
            }
        }
    }

    fn object(&mut self) -> Result<Value<'a>, SyntaxError> {
        const EOF: &str = "EOF while parsing an object";
        let mut entries = Vec::new();
        self.skip_space();
        if self.eat(b'}') {
            return Ok(Value::Object(entries));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                let comma = !entries.is_empty() && self.peek() == Some(b'}');
                let message = if comma {
                    "trailing comma"
                } else {
                    "key must be a string"
                };
                return Err(self.fail_or_eof(message, EOF));
            }
            let key = self.string()?;
            self.skip_space();
            if !self.eat(b':') {
                return Err(self.fail_or_eof("expected `:`", EOF));
            }
            entries.push((key, self.value()?));
            self.skip_space();
            match self.next() {
                Some(b',') => {}
                Some(b'}') => return Ok(Value::Object(entries)),
                Some(_) => {
                    self.pos -= 1;
                    return Err(self.fail("expected `,` or `}`"));
                }
                None => return Err(self.fail(EOF)),
            }
        }
    }

    fn array(&mut self) -> Result<Value<'a>, SyntaxError> {
        let mut items = Vec::new();
        self.skip_space();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            match self.next() {
                Some(b',') => {}
                Some(b']') => return Ok(Value::Array(items)),
                Some(_) => {
                    self.pos -= 1;
                    return Err(self.fail("expected `,` or `]`"));
                }
                None => return Err(self.fail("EOF while parsing a list")),
            }
            self.skip_space();
            if self.peek() == Some(b']') {
                return Err(self.fail("trailing comma"));
            }
        }
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        const EOF: &str = "EOF while parsing a string";
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            // Only ASCII bytes stop the scan, so both ends are character boundaries.
            out.push_str(&self.text[start..self.pos]);
            match self.next() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => {}
                Some(_) => {
                    self.pos -= 1;
                    return Err(self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string"));
                }
                None => return Err(self.fail(EOF)),
            }
            let c = match self.next() {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    let mut code = self.hex4()?;
                    // A character beyond U+FFFF is written as a UTF-16 surrogate pair.
                    if (0xD800..0xDC00).contains(&code) {
                        if !(self.eat(b'\\') && self.eat(b'u')) {
                            return Err(self.fail_or_eof("unpaired surrogate in a \\u escape", EOF));
                        }
                        let low = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&low) {
                            return Err(self.fail("unpaired surrogate in a \\u escape"));
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    }
                    char::from_u32(code)
                        .ok_or_else(|| self.fail("unpaired surrogate in a \\u escape"))?
                }
                Some(_) => {
                    self.pos -= 1;
                    return Err(self.fail("invalid escape"));
                }
                None => return Err(self.fail(EOF)),
            };
            out.push(c);
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| (b as char).to_digit(16));
            let digit = digit
                .ok_or_else(|| self.fail_or_eof("invalid escape", "EOF while parsing a string"))?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<Value<'a>, SyntaxError> {
        let start = self.pos;
        self.eat(b'-');
        if !self.eat(b'0') {
            self.digits()?;
        }
        if self.eat(b'.') {
            self.digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            self.digits()?;
        }
        let text = &self.text[start..self.pos];
        if !parse_f64(text).is_finite() {
            return Err(self.fail("number out of range"));
        }
        Ok(Value::Number(text))
    }

    /// One or more decimal digits.
    fn digits(&mut self) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.fail_or_eof("invalid number", "EOF while parsing a value"));
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        Ok(())
    }
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"` and `\`, the short forms
/// of the usual control characters, `\u00XX` (lower-case hex) for the rest below U+0020, and
/// nothing else.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The value of JSON number text (already checked by the parser), correctly rounded; infinite
/// when it is too large for an `f64`.
pub fn parse_f64(text: &str) -> f64 {
    #[cfg(not(target_arch = "wasm32"))]
    return text.parse().unwrap_or(f64::NAN);
    #[cfg(target_arch = "wasm32")]
    return crate::wasm::floats::parse_float(text);
}

/// The shortest decimal digits that read back as finite `x`, without sign, leading or trailing
/// zeros, and the decimal exponent of the first digit: 0.015 gives ("15", -2), 0.0 gives
/// ("0", 0). Both targets write the digits as text in their own notation (`1.5e-2` natively,
/// `0.015` or `1.5e-7` from JavaScript), and this reads the digits back out of either.
fn shortest_digits(x: f64) -> (String, i32) {
    #[cfg(not(target_arch = "wasm32"))]
    let text = format!("{:e}", x.abs());
    #[cfg(target_arch = "wasm32")]
    let text = crate::wasm::floats::number_to_string(x.abs());
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((&text, "0"));
    // Not `expect`: that would link the parse error's `Debug`, a few hundred bytes of wasm.
    let exponent: i32 = exponent
        .parse()
        .unwrap_or_else(|_| panic!("`{text}` has a whole exponent"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = [whole, fraction].concat();
    let digits = all.trim_start_matches('0');
    let exponent = exponent + whole.len() as i32 - 1 - (all.len() - digits.len()) as i32;
    match digits.trim_end_matches('0') {
        "" => ("0".to_string(), 0),
        digits => (digits.to_string(), exponent),
    }
}

/// Appends `x` as serde_json writes an `f64`: the shortest digits that read back exactly, in
/// plain notation for decimal exponents -5 to 15 (`0.00001`, `0.5`, `1000000000000000.0`) and
/// in scientific notation outside it (`1e-6`, `1.5e+16`); `null` for infinities and NaN.
pub fn write_f64(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    let (digits, exponent) = shortest_digits(x);
    if x.is_sign_negative() {
        out.push('-');
    }
    if !(-5..=15).contains(&exponent) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        if exponent > 0 {
            out.push('+');
        }
        out.push_str(&exponent.to_string());
    } else if exponent < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
        out.push_str(&digits);
    } else {
        let point = exponent as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
}

/// A value written as compact JSON exactly as serde_json writes it from the serde derive: the
/// scenario format (scenario/), and the page's views (play/view.rs), which `wasm/` hands to
/// JavaScript's `JSON.parse`.
pub trait ToJson {
    fn write(&self, out: &mut String);

    /// The value as compact JSON text.
    fn to_json_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// Writes `"name":value,`; [`close`] drops the last comma.
pub fn field<T: ToJson + ?Sized>(out: &mut String, name: &str, value: &T) {
    out.push('"');
    out.push_str(name);
    out.push_str("\":");
    value.write(out);
    out.push(',');
}

/// Writes the field only when it is `Some`, as serde's `skip_serializing_if` did.
pub fn field_if_some<T: ToJson>(out: &mut String, name: &str, value: &Option<T>) {
    if let Some(value) = value {
        field(out, name, value);
    }
}

/// Ends an object or array: no JSON value ends in a comma, so a final one is a separator.
pub fn close(out: &mut String, bracket: char) {
    if out.ends_with(',') {
        out.pop();
    }
    out.push(bracket);
}

/// Implements [`ToJson`] for a struct as an object of the fields named, in the order given, as
/// the serde derive writes it: `json_object!(Marker { index, tick, kind, text })`. A field
/// followed by `?` is an `Option` left out when it is `None`, as serde's
/// `skip_serializing_if = "Option::is_none"`.
macro_rules! json_object {
    ($type:ty { $($fields:tt)* }) => {
        impl $crate::json::ToJson for $type {
            fn write(&self, out: &mut String) {
                out.push('{');
                $crate::json::json_object!(@fields out, self, $($fields)*);
                $crate::json::close(out, '}');
            }
        }
    };
    (@fields $out:ident, $self:ident, ) => {};
    (@fields $out:ident, $self:ident, $name:ident ? $(, $($rest:tt)*)?) => {
        $crate::json::field_if_some($out, stringify!($name), &$self.$name);
        $crate::json::json_object!(@fields $out, $self, $($($rest)*)?);
    };
    (@fields $out:ident, $self:ident, $name:ident $(, $($rest:tt)*)?) => {
        $crate::json::field($out, stringify!($name), &$self.$name);
        $crate::json::json_object!(@fields $out, $self, $($($rest)*)?);
    };
}
pub(crate) use json_object;

impl ToJson for u64 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl ToJson for u32 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl ToJson for u8 {
    fn write(&self, out: &mut String) {
        u32::from(*self).write(out);
    }
}

impl ToJson for usize {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl ToJson for f64 {
    fn write(&self, out: &mut String) {
        write_f64(out, *self);
    }
}

impl ToJson for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for str {
    fn write(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write(&self, out: &mut String) {
        (**self).write(out);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut String) {
        out.push('[');
        for item in self {
            item.write(out);
            out.push(',');
        }
        close(out, ']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut String) {
        self.as_slice().write(out);
    }
}

/// A pair as serde writes a tuple: an array of two.
impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write(&self, out: &mut String) {
        out.push('[');
        self.0.write(out);
        out.push(',');
        self.1.write(out);
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_value() {
        let value = parse(
            " {\"a\": [1, -2.5e3, true, false, null], \"b\\u00e9\\ud83d\\ude00\": \"x\\n\"} ",
        );
        assert_eq!(
            value,
            Ok(Value::Object(vec![
                (
                    "a".to_string(),
                    Value::Array(vec![
                        Value::Number("1"),
                        Value::Number("-2.5e3"),
                        Value::Bool(true),
                        Value::Bool(false),
                        Value::Null,
                    ])
                ),
                (
                    "b\u{e9}\u{1F600}".to_string(),
                    Value::String("x\n".to_string())
                ),
            ]))
        );
    }

    #[test]
    fn refuses_what_is_not_json_saying_where() {
        for (text, message, offset) in [
            ("", "EOF while parsing a value", 0),
            ("tru", "EOF while parsing a value", 3),
            ("nul x", "expected value", 0),
            ("{\"a\" 1}", "expected `:`", 5),
            ("{\"a\": 1,}", "trailing comma", 8),
            ("[1,]", "trailing comma", 3),
            ("[1 2]", "expected `,` or `]`", 3),
            ("{1: 2}", "key must be a string", 1),
            ("{\"a\": 1", "EOF while parsing an object", 7),
            ("[01]", "expected `,` or `]`", 2),
            ("-", "EOF while parsing a value", 1),
            ("1.x", "invalid number", 2),
            ("1e309", "number out of range", 5),
            (
                "\"a\u{1}\"",
                "control character (\\u0000-\\u001F) found while parsing a string",
                2,
            ),
            ("\"\\x\"", "invalid escape", 2),
            ("\"\\ud800\"", "unpaired surrogate in a \\u escape", 7),
            ("\"\\udc00\"", "unpaired surrogate in a \\u escape", 7),
            (
                "\"\\ud800\\u0041\"",
                "unpaired surrogate in a \\u escape",
                13,
            ),
            ("{} {}", "trailing characters", 3),
        ] {
            assert_eq!(
                parse(text),
                Err(SyntaxError { message, offset }),
                "{text:?}"
            );
        }
        let nested = |depth: usize| "[".repeat(depth) + &"]".repeat(depth);
        assert!(parse(&nested(128)).is_ok());
        assert_eq!(
            parse(&nested(129)).unwrap_err().message,
            "recursion limit exceeded"
        );
    }
}
