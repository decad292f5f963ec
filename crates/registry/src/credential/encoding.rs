//! The two text encodings of the signed label: base64url without padding (JWS segments, JWK
//! members) and base58btc (the multibase form inside a `did:key`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// base64url without padding (RFC 7515 §2).
pub(crate) fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding. Strict: padding, characters outside the URL-safe alphabet
/// and non-zero trailing bits are refused, so that one text has exactly one decoding and no
/// changed character of a token can decode to the same bytes.
pub(crate) fn from_base64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// The Bitcoin base58 alphabet, which multibase calls base58btc.
const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// base58btc: the bytes read as one big-endian number written in base 58, each leading zero byte
/// written as `1`.
pub(crate) fn base58btc(bytes: &[u8]) -> String {
    let leading_zeros = bytes.iter().take_while(|byte| **byte == 0).count();
    // Little-endian base-58 digits of the number, grown by one multiply-and-add per input byte.
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
    for byte in &bytes[leading_zeros..] {
        let mut carry = u32::from(*byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut text = String::with_capacity(leading_zeros + digits.len());
    text.extend(std::iter::repeat_n('1', leading_zeros));
    text.extend(digits.iter().rev().map(|digit| char::from(BASE58_ALPHABET[usize::from(*digit)])));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A naive reference: the number as a big integer in decimal digits, divided by 58 again and
    /// again (slow, obviously right).
    fn naive_base58(bytes: &[u8]) -> String {
        let mut number: Vec<u32> = bytes.iter().map(|byte| u32::from(*byte)).collect();
        let mut out = Vec::new();
        while number.iter().any(|digit| *digit != 0) {
            let mut remainder = 0;
            for digit in &mut number {
                let value = remainder * 256 + *digit;
                *digit = value / 58;
                remainder = value % 58;
            }
            out.push(BASE58_ALPHABET[remainder as usize]);
        }
        let zeros = bytes.iter().take_while(|byte| **byte == 0).count();
        let mut text = "1".repeat(zeros);
        text.extend(out.iter().rev().map(|byte| char::from(*byte)));
        text
    }

    #[test]
    fn base58_matches_published_vectors_and_a_naive_implementation() {
        // The first two are the examples of the IETF base58 draft (draft-msporny-base58); all three
        // were checked with Python's big integers.
        assert_eq!(base58btc(b"Hello World!"), "2NEpo7TZRRrLZSi2U");
        assert_eq!(
            base58btc(b"The quick brown fox jumps over the lazy dog."),
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"
        );
        assert_eq!(base58btc(&[0, 0, 0x28, 0x7f, 0xb4, 0xcd]), "11233QC4");
        assert_eq!(base58btc(&[]), "");
        assert_eq!(base58btc(&[0]), "1");
        let mut bytes = Vec::new();
        for idx in 0..80_u32 {
            bytes.push((idx * 37 % 256) as u8);
            assert_eq!(base58btc(&bytes), naive_base58(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn base64url_is_strict() {
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(from_base64url("-_8"), Some(b"\xfb\xff".to_vec()));
        // `-_9` carries the same first 16 bits as `-_8` with a non-zero trailing bit.
        for refused in ["-_9", "-_8=", "+/8", "-_8 ", "A"] {
            assert_eq!(from_base64url(refused), None, "{refused}");
        }
    }
}
