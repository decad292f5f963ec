//! Canaries: assertion tests that must fail. They are sent between the real tests, written
//! like them; a canary that passes proves that the submission tampered with the test machinery
//! (an input transformer, a patched `assert`, a swallowed panic).

use crate::assignment::Language;

/// A small deterministic generator (xorshift64*), seeded per submission so that canaries differ
/// from one submission to the next; cryptographic strength is not needed, only unpredictability
/// to a submission that cannot see the seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `low..high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low).max(1) as u64;
        low + (self.next_u64() % span) as i64
    }
}

/// One canary: code that must end in an error.
pub fn canary(language: Language, rng: &mut Rng) -> String {
    let a = rng.range(2, 97);
    let b = rng.range(2, 97);
    let off = rng.range(1, 9);
    let template = rng.range(0, 4);
    match language {
        Language::Python => match template {
            0 => format!("assert {a} * {b} == {}", a * b + off),
            1 => format!("assert sum(range({a})) == {}, \"somme incorrecte\"", a * (a - 1) / 2 + off),
            2 => format!("assert abs({a} / {b} - {}) < 1e-9", a as f64 / b as f64 + off as f64),
            _ => format!("assert sorted([{b}, {a}, {off}]) == [{}, {}, {}]", a + b, a, off),
        },
        Language::Rust => match template {
            0 => format!("assert_eq!({a} * {b}, {});", a * b + off),
            1 => format!("assert_eq!((0..{a}).sum::<i64>(), {}, \"somme incorrecte\");", a * (a - 1) / 2 + off),
            2 => {
                format!("assert!((({a} as f64) / ({b} as f64) - {:?}).abs() < 1e-9);", a as f64 / b as f64 + off as f64)
            }
            _ => format!("assert_eq!(vec![{b}, {a}].len(), {});", 2 + off),
        },
    }
}

/// A canary made from one of the question's own assertions, with its expected literal changed:
/// `assert carre(3) == 9` gives `assert carre(3) == 10`. A submission whose values claim to equal
/// anything (an object with `__eq__` always true), or that neutralises assertions, passes it.
/// `None` when the test code has no assertion of that shape.
pub fn derived_canary(language: Language, test_code: &str, rng: &mut Rng) -> Option<String> {
    let candidates: Vec<String> = test_code
        .lines()
        .filter_map(|line| match language {
            Language::Python => perturb_python(line.trim(), rng),
            Language::Rust => perturb_rust(line.trim(), rng),
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let pick = (rng.next_u64() % candidates.len() as u64) as usize;
    candidates.into_iter().nth(pick)
}

/// `assert LHS == LITERAL[, message]` with a number or string literal.
fn perturb_python(line: &str, rng: &mut Rng) -> Option<String> {
    let rest = line.strip_prefix("assert ")?;
    let condition = top_level_args(rest, Language::Python).into_iter().next()?;
    let (lhs, rhs) = condition.rsplit_once(" == ")?;
    Some(format!("assert {} == {}", lhs.trim(), perturb_literal(rhs.trim(), rng)?))
}

/// `assert_eq!(LHS, LITERAL[, message…]);`: the expected value is the second argument, whatever
/// follows it (a message with its own commas and format arguments) is dropped.
fn perturb_rust(line: &str, rng: &mut Rng) -> Option<String> {
    let inner = line.strip_prefix("assert_eq!(")?.strip_suffix(");")?;
    let args = top_level_args(inner, Language::Rust);
    let [lhs, rhs, ..] = args.as_slice() else {
        return None;
    };
    Some(format!("assert_eq!({}, {});", lhs.trim(), perturb_literal(rhs.trim(), rng)?))
}

/// Splits `text` at the commas that are outside brackets and string or character literals.
fn top_level_args(text: &str, language: Language) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut args = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                args.push(&text[start..i]);
                start = i + 1;
            }
            quote @ (b'"' | b'\'') => {
                // In Rust a quote opens a character literal only when it closes one or two
                // characters later (`'a'`, `'\n'`); otherwise it is a lifetime.
                let is_literal = quote == b'"'
                    || language == Language::Python
                    || bytes.get(i + 2) == Some(&b'\'')
                    || bytes.get(i + 1) == Some(&b'\\');
                if is_literal {
                    i += 1;
                    while i < bytes.len() && bytes[i] != quote {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    args.push(&text[start.min(text.len())..]);
    args
}

fn perturb_literal(literal: &str, rng: &mut Rng) -> Option<String> {
    let delta = rng.range(1, 7);
    if let Ok(value) = literal.parse::<i64>() {
        return Some((value + delta).to_string());
    }
    if let Ok(value) = literal.parse::<f64>() {
        return Some(format!("{:?}", value + delta as f64 + 0.5));
    }
    let quote = literal.chars().next()?;
    if (quote == '"' || quote == '\'') && literal.len() >= 2 && literal.ends_with(quote) {
        let body = &literal[1..literal.len() - 1];
        return Some(format!("{quote}{body}_{delta}{quote}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canaries_vary_with_the_seed() {
        let mut first = Rng::new(1);
        let mut second = Rng::new(2);
        let a: Vec<String> = (0..5).map(|_| canary(Language::Python, &mut first)).collect();
        let b: Vec<String> = (0..5).map(|_| canary(Language::Python, &mut second)).collect();
        assert_ne!(a, b);
        assert!(a.iter().all(|code| code.starts_with("assert ")));
        let rust = canary(Language::Rust, &mut first);
        assert!(rust.starts_with("assert"));
    }

    #[test]
    fn derived_canaries_change_the_expected_literal() {
        let mut rng = Rng::new(7);
        let canary = derived_canary(Language::Python, "x = 1\nassert carre(3) == 9\n", &mut rng).expect("canari");
        assert!(canary.starts_with("assert carre(3) == ") && !canary.ends_with("== 9"), "{canary}");
        let canary = derived_canary(Language::Python, "assert nom() == 'abc', \"message\"", &mut rng).expect("canari");
        assert!(canary.starts_with("assert nom() == 'abc_"), "{canary}");
        let canary = derived_canary(Language::Rust, "assert_eq!(carre(3), 9);", &mut rng).expect("canari");
        assert!(canary.starts_with("assert_eq!(carre(3), ") && !canary.contains(", 9)"), "{canary}");
        assert_eq!(derived_canary(Language::Python, "assert ok()", &mut rng), None);
    }

    #[test]
    fn derived_canaries_change_the_expected_value_not_the_message() {
        let mut rng = Rng::new(11);
        for _ in 0..20 {
            let canary = derived_canary(
                Language::Rust,
                r#"assert_eq!(f(1, 2), "ok", "f({}, {}) vaut « ok »", 1, 2);"#,
                &mut rng,
            )
            .expect("canari");
            assert!(canary.starts_with(r#"assert_eq!(f(1, 2), "ok_"#) && !canary.contains('«'), "{canary}");
            let canary =
                derived_canary(Language::Rust, "assert_eq!(g(','), 3, \"message\");", &mut rng).expect("canari");
            assert!(canary.starts_with("assert_eq!(g(','), ") && !canary.contains(", 3"), "{canary}");
            let canary = derived_canary(Language::Python, "assert nom() == 'abc', 'message, avec virgule'", &mut rng)
                .expect("canari");
            assert!(canary.starts_with("assert nom() == 'abc_") && !canary.contains("message"), "{canary}");
        }
    }
}
