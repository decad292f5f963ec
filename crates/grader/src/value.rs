//! Probe values: the text a kernel shows for an expression (Python `repr`, Rust `Debug`) parsed
//! into a structure and compared on the grader's side, numbers with a relative tolerance, maps
//! and sets without regard to order. The expected value never enters the student's kernel.

use std::fmt;

/// A value as the grader understands it.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeValue {
    /// `None` (Python) or `()` (Rust unit).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number; integers are kept exactly when they fit.
    Number(f64),
    /// An integer too large for an exact `f64`, compared as text.
    BigInt(String),
    /// A string.
    Str(String),
    /// A list, tuple or array: order matters.
    List(Vec<ProbeValue>),
    /// A set: order does not matter.
    Set(Vec<ProbeValue>),
    /// A map or dict: order does not matter.
    Map(Vec<(ProbeValue, ProbeValue)>),
    /// A constructor call such as `Some(3)`, `np.float64(2.5)` or `Point { x: 1 }`.
    Call(String, Vec<(Option<String>, ProbeValue)>),
    /// Anything the parser could not read, compared as exact text.
    Opaque(String),
}

impl fmt::Display for ProbeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeValue::Null => f.write_str("None"),
            ProbeValue::Bool(value) => write!(f, "{value}"),
            ProbeValue::Number(value) => write!(f, "{value}"),
            ProbeValue::BigInt(text) | ProbeValue::Opaque(text) => f.write_str(text),
            ProbeValue::Str(text) => write!(f, "{text:?}"),
            ProbeValue::List(items) | ProbeValue::Set(items) => {
                f.write_str("[")?;
                for (idx, item) in items.iter().enumerate() {
                    if idx > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            ProbeValue::Map(entries) => {
                f.write_str("{")?;
                for (idx, (key, value)) in entries.iter().enumerate() {
                    if idx > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {value}")?;
                }
                f.write_str("}")
            }
            ProbeValue::Call(name, args) => {
                write!(f, "{name}(")?;
                for (idx, (field, value)) in args.iter().enumerate() {
                    if idx > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(field) = field {
                        write!(f, "{field}: ")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Default relative tolerance on numbers.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// Parses the text a kernel showed; text the parser cannot read entirely becomes `Opaque`.
pub fn parse(text: &str) -> ProbeValue {
    let mut parser = Parser { chars: text.trim().chars().collect(), pos: 0, depth: 0 };
    match parser.value() {
        Some(value) if parser.at_end() => unwrap_scalar_calls(value),
        _ => ProbeValue::Opaque(text.trim().to_owned()),
    }
}

/// `np.float64(2.5)` and `np.int64(3)` are numbers to a teacher: unwrap numeric wrappers of
/// one positional argument whose name ends in a numeric type name.
fn unwrap_scalar_calls(value: ProbeValue) -> ProbeValue {
    match value {
        ProbeValue::Call(name, mut args) if args.len() == 1 && args[0].0.is_none() && is_numeric_wrapper(&name) => {
            unwrap_scalar_calls(args.remove(0).1)
        }
        ProbeValue::Call(name, args) => {
            ProbeValue::Call(name, args.into_iter().map(|(field, value)| (field, unwrap_scalar_calls(value))).collect())
        }
        ProbeValue::List(items) => ProbeValue::List(items.into_iter().map(unwrap_scalar_calls).collect()),
        ProbeValue::Set(items) => ProbeValue::Set(items.into_iter().map(unwrap_scalar_calls).collect()),
        ProbeValue::Map(entries) => ProbeValue::Map(
            entries.into_iter().map(|(key, value)| (unwrap_scalar_calls(key), unwrap_scalar_calls(value))).collect(),
        ),
        other => other,
    }
}

fn is_numeric_wrapper(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
        .contains(&last)
        || last == "Decimal"
}

/// Whether two values are equal: numbers within `tolerance` relative to the expected one (with
/// an absolute floor of the same size near zero), strings, booleans and structure exactly, maps
/// and sets in any order.
pub fn matches(expected: &ProbeValue, actual: &ProbeValue, tolerance: f64) -> bool {
    match (expected, actual) {
        (ProbeValue::Number(a), ProbeValue::Number(b)) => numbers_match(*a, *b, tolerance),
        (ProbeValue::List(a), ProbeValue::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| matches(x, y, tolerance))
        }
        (ProbeValue::Set(a), ProbeValue::Set(b)) => unordered_match(a, b, |x, y| matches(x, y, tolerance)),
        (ProbeValue::Map(a), ProbeValue::Map(b)) => {
            unordered_match(a, b, |(k1, v1), (k2, v2)| matches(k1, k2, tolerance) && matches(v1, v2, tolerance))
        }
        (ProbeValue::Call(name_a, args_a), ProbeValue::Call(name_b, args_b)) => {
            name_a == name_b
                && args_a.len() == args_b.len()
                && args_a.iter().zip(args_b).all(|((fa, va), (fb, vb))| fa == fb && matches(va, vb, tolerance))
        }
        (a, b) => a == b,
    }
}

fn numbers_match(expected: f64, actual: f64, tolerance: f64) -> bool {
    if expected.is_nan() || actual.is_nan() {
        return expected.is_nan() && actual.is_nan();
    }
    if expected.is_infinite() || actual.is_infinite() {
        return expected == actual;
    }
    (expected - actual).abs() <= tolerance * expected.abs().max(1.0)
}

fn unordered_match<T>(expected: &[T], actual: &[T], same: impl Fn(&T, &T) -> bool) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let mut used = vec![false; actual.len()];
    expected.iter().all(|item| {
        let found = actual.iter().enumerate().find(|(idx, other)| !used[*idx] && same(item, other));
        match found {
            Some((idx, _)) => {
                used[idx] = true;
                true
            }
            None => false,
        }
    })
}

/// Deepest nesting the parser follows; deeper text is compared as opaque text.
const MAX_DEPTH: usize = 64;

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, ch: char) -> bool {
        self.skip_space();
        if self.peek() == Some(ch) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<ProbeValue> {
        self.skip_space();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let value = match self.peek()? {
            '[' => self.sequence('[', ']').map(ProbeValue::List),
            '(' => self.tuple(),
            '{' => self.braces(),
            '"' | '\'' => self.string().map(ProbeValue::Str),
            ch if ch == '-' || ch == '+' || ch.is_ascii_digit() || ch == '.' => self.number(),
            ch if ch.is_alphabetic() || ch == '_' => self.word(),
            _ => None,
        };
        self.depth -= 1;
        value
    }

    fn sequence(&mut self, open: char, close: char) -> Option<Vec<ProbeValue>> {
        if !self.eat(open) {
            return None;
        }
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(items);
            }
            items.push(self.value()?);
            if !self.eat(',') {
                return self.eat(close).then_some(items);
            }
        }
    }

    fn tuple(&mut self) -> Option<ProbeValue> {
        let items = self.sequence('(', ')')?;
        Some(if items.is_empty() { ProbeValue::Null } else { ProbeValue::List(items) })
    }

    fn braces(&mut self) -> Option<ProbeValue> {
        self.eat('{');
        if self.eat('}') {
            return Some(ProbeValue::Map(Vec::new()));
        }
        let first = self.value()?;
        if self.eat(':') {
            let mut entries = vec![(first, self.value()?)];
            loop {
                if self.eat('}') {
                    return Some(ProbeValue::Map(entries));
                }
                if !self.eat(',') {
                    return None;
                }
                if self.eat('}') {
                    return Some(ProbeValue::Map(entries));
                }
                let key = self.value()?;
                if !self.eat(':') {
                    return None;
                }
                entries.push((key, self.value()?));
            }
        }
        let mut items = vec![first];
        loop {
            if self.eat('}') {
                return Some(ProbeValue::Set(items));
            }
            if !self.eat(',') {
                return None;
            }
            if self.eat('}') {
                return Some(ProbeValue::Set(items));
            }
            items.push(self.value()?);
        }
    }

    fn string(&mut self) -> Option<String> {
        let quote = self.peek()?;
        self.pos += 1;
        let mut text = String::new();
        loop {
            let ch = self.peek()?;
            self.pos += 1;
            if ch == quote {
                return Some(text);
            }
            if ch != '\\' {
                text.push(ch);
                continue;
            }
            let escaped = self.peek()?;
            self.pos += 1;
            match escaped {
                'n' => text.push('\n'),
                't' => text.push('\t'),
                'r' => text.push('\r'),
                '0' => text.push('\0'),
                'x' => text.push(self.hex_char(2)?),
                'u' if self.peek() == Some('{') => {
                    // Rust: \u{1F600}
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|ch| ch.is_ascii_hexdigit()) {
                        self.pos += 1;
                    }
                    let digits: String = self.chars[start..self.pos].iter().collect();
                    if !self.eat('}') {
                        return None;
                    }
                    text.push(char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?);
                }
                'u' => text.push(self.hex_char(4)?),
                'U' => text.push(self.hex_char(8)?),
                other => text.push(other),
            }
        }
    }

    fn hex_char(&mut self, len: usize) -> Option<char> {
        let digits: String = self.chars.get(self.pos..self.pos + len)?.iter().collect();
        self.pos += len;
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    }

    fn number(&mut self) -> Option<ProbeValue> {
        let start = self.pos;
        while self.peek().is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '+' | '_')) {
            // Stop at a sign that is not an exponent sign.
            if matches!(self.peek(), Some('-' | '+')) && self.pos > start {
                let previous = self.chars[self.pos - 1];
                if previous != 'e' && previous != 'E' {
                    break;
                }
            }
            self.pos += 1;
        }
        let raw: String = self.chars[start..self.pos].iter().filter(|ch| **ch != '_').collect();
        // Rust suffixes such as 3i64 or 2.5f32.
        let trimmed = strip_rust_suffix(&raw);
        match trimmed {
            "inf" | "+inf" => return Some(ProbeValue::Number(f64::INFINITY)),
            "-inf" => return Some(ProbeValue::Number(f64::NEG_INFINITY)),
            "nan" | "NaN" => return Some(ProbeValue::Number(f64::NAN)),
            _ => {}
        }
        let is_integer = trimmed.trim_start_matches(['-', '+']).bytes().all(|b| b.is_ascii_digit());
        if is_integer {
            let value: i128 = trimmed.parse().ok()?;
            if value.unsigned_abs() <= (1u128 << 53) {
                return Some(ProbeValue::Number(value as f64));
            }
            return Some(ProbeValue::BigInt(trimmed.trim_start_matches('+').to_owned()));
        }
        trimmed.parse::<f64>().ok().map(ProbeValue::Number)
    }

    fn word(&mut self) -> Option<ProbeValue> {
        let start = self.pos;
        while self.peek().is_some_and(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '.' | ':')) {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        match name.as_str() {
            "None" => return Some(ProbeValue::Null),
            "True" | "true" => return Some(ProbeValue::Bool(true)),
            "False" | "false" => return Some(ProbeValue::Bool(false)),
            "inf" => return Some(ProbeValue::Number(f64::INFINITY)),
            "nan" | "NaN" => return Some(ProbeValue::Number(f64::NAN)),
            _ => {}
        }
        self.skip_space();
        match self.peek() {
            Some('(') => {
                let args = self.sequence('(', ')')?;
                Some(ProbeValue::Call(name, args.into_iter().map(|value| (None, value)).collect()))
            }
            Some('{') => self.record(name),
            _ => Some(ProbeValue::Call(name, Vec::new())),
        }
    }

    /// Rust `Point { x: 1, y: 2 }`.
    fn record(&mut self, name: String) -> Option<ProbeValue> {
        self.eat('{');
        let mut fields = Vec::new();
        loop {
            if self.eat('}') {
                return Some(ProbeValue::Call(name, fields));
            }
            self.skip_space();
            let start = self.pos;
            while self.peek().is_some_and(|ch| ch.is_alphanumeric() || ch == '_') {
                self.pos += 1;
            }
            let field: String = self.chars[start..self.pos].iter().collect();
            if field.is_empty() || !self.eat(':') {
                return None;
            }
            fields.push((Some(field), self.value()?));
            if !self.eat(',') {
                return self.eat('}').then_some(ProbeValue::Call(name, fields));
            }
        }
    }
}

fn strip_rust_suffix(raw: &str) -> &str {
    for suffix in ["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32", "f64"]
    {
        if let Some(stripped) = raw.strip_suffix(suffix)
            && stripped.ends_with(|ch: char| ch.is_ascii_digit() || ch == '.')
        {
            return stripped;
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(expected: &str, actual: &str) -> bool {
        matches(&parse(expected), &parse(actual), DEFAULT_TOLERANCE)
    }

    #[test]
    fn python_reprs() {
        assert_eq!(parse("49"), ProbeValue::Number(49.0));
        assert_eq!(parse("'a\\'b'"), ProbeValue::Str("a'b".to_owned()));
        assert_eq!(parse("None"), ProbeValue::Null);
        assert_eq!(parse("(1, 2)"), ProbeValue::List(vec![ProbeValue::Number(1.0), ProbeValue::Number(2.0)]));
        assert_eq!(parse("np.float64(2.5)"), ProbeValue::Number(2.5));
        assert!(same("{'a': 1, 'b': [1.0, 2.0]}", "{'b': [1.0000000001, 2.0], 'a': 1}"));
        assert!(same("{1, 2, 3}", "{3, 1, 2}"));
        assert!(!same("{1, 2, 3}", "{3, 1}"));
        assert_eq!(parse("12345678901234567890123"), ProbeValue::BigInt("12345678901234567890123".to_owned()));
    }

    #[test]
    fn rust_debug_output() {
        assert!(same("49", "49"));
        assert!(same("2.0", "2"));
        assert_eq!(parse("Some(3)"), ProbeValue::Call("Some".to_owned(), vec![(None, ProbeValue::Number(3.0))]));
        assert!(same("Point { x: 1, y: 2.5 }", "Point { x: 1, y: 2.5000000001 }"));
        assert!(!same("Point { x: 1, y: 2 }", "Point { x: 2, y: 2 }"));
        assert!(same("{\"b\": 2, \"a\": 1}", "{\"a\": 1, \"b\": 2}"));
        assert!(same("\"caf\\u{e9}\"", "'café'"));
        assert_eq!(parse("3i64"), ProbeValue::Number(3.0));
        assert_eq!(parse("()"), ProbeValue::Null);
    }

    #[test]
    fn tolerance_is_relative_with_a_floor() {
        assert!(same("1000000.0", "1000000.5"));
        assert!(!same("1.0", "1.001"));
        assert!(same("0.0", "0.0000001"));
        assert!(!same("nan", "1.0"));
        assert!(same("nan", "nan"));
        assert!(matches(&parse("1.0"), &parse("1.05"), 0.1));
    }

    #[test]
    fn unreadable_text_is_compared_exactly() {
        assert_eq!(parse("<object at 0x7f>"), ProbeValue::Opaque("<object at 0x7f>".to_owned()));
        assert!(same("shape: (2, 3)\n┌───┐", "shape: (2, 3)\n┌───┐"));
        assert!(!same("<A>", "<B>"));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(matches!(parse(&deep), ProbeValue::Opaque(_)));
    }

    #[test]
    fn objects_claiming_equality_are_not_numbers() {
        // A student object whose repr is not a literal never equals a number.
        assert!(!same("49", "AlwaysEqual()"));
        assert!(!same("True", "'True'"));
        assert!(!same("1", "True"));
    }
}
