//! Exact decimal rendering and parsing of binary fixed-point values.
//!
//! Every binary fraction has a finite decimal expansion, so a fixed-point value can be written
//! exactly (trailing zeros trimmed) and read back bit for bit. The epoch vectors use this form
//! (`epoch-io.md`, "Fixed-point numbers are exact decimal strings").

use core::fmt::Write as _;

/// Renders `bits / 2^frac_bits` exactly, e.g. `(1 << 31, 32)` → `"0.5"`, `(0, 32)` → `"0"`.
pub fn to_exact_decimal(bits: i128, frac_bits: u32) -> String {
    let negative = bits < 0;
    let magnitude = bits.unsigned_abs();
    let frac_mask: u128 = if frac_bits == 0 {
        0
    } else {
        (1u128 << frac_bits) - 1
    };
    let int_part = if frac_bits >= 128 {
        0
    } else {
        magnitude >> frac_bits
    };
    let mut frac = magnitude & frac_mask;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let _ = write!(out, "{int_part}");
    if frac != 0 {
        out.push('.');
        // Multiply the fraction by 10 repeatedly; frac < 2^frac_bits ≤ 2^64, so ×10 never
        // overflows u128 for the types we use (at most 64 fractional bits).
        while frac != 0 {
            frac *= 10;
            let digit = frac >> frac_bits;
            frac &= frac_mask;
            out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        }
    }
    out
}

/// Error from [`parse_exact_decimal`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// The text is not a decimal number.
    #[error("not a decimal number: {0:?}")]
    Syntax(String),
    /// The value is not exactly representable with the given fractional bits.
    #[error("{0:?} is not exactly representable in binary fixed point")]
    Inexact(String),
    /// The value is outside the type's range.
    #[error("{0:?} is out of range")]
    Range(String),
}

/// Parses an exact decimal string into raw fixed-point bits with `frac_bits` fractional bits
/// (at most 64). Values that are not exactly representable are rejected.
pub fn parse_exact_decimal(text: &str, frac_bits: u32) -> Result<i128, DecimalError> {
    let syntax = || DecimalError::Syntax(text.to_owned());
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_str, frac_str) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int_str.is_empty() || !int_str.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    if !frac_str.bytes().all(|b| b.is_ascii_digit()) || (body.contains('.') && frac_str.is_empty())
    {
        return Err(syntax());
    }
    if frac_bits > 64 {
        return Err(DecimalError::Range(text.to_owned()));
    }
    let int_part: u128 = int_str
        .parse()
        .map_err(|_| DecimalError::Range(text.to_owned()))?;
    // A binary fraction with f bits has at most f decimal digits.
    let frac_digits = frac_str.trim_end_matches('0');
    // Binary digits of the fraction by repeated doubling of its decimal digits: each doubling
    // carries out the next bit; the fraction is exact iff nothing remains after `frac_bits`.
    let mut digits: Vec<u8> = frac_digits.bytes().map(|b| b - b'0').collect();
    let mut frac_raw: u128 = 0;
    for _ in 0..frac_bits {
        let mut carry = 0u8;
        for d in digits.iter_mut().rev() {
            let doubled = *d * 2 + carry;
            *d = doubled % 10;
            carry = doubled / 10;
        }
        frac_raw = (frac_raw << 1) | u128::from(carry);
        while digits.last() == Some(&0) {
            digits.pop();
        }
    }
    if !digits.is_empty() {
        return Err(DecimalError::Inexact(text.to_owned()));
    }
    let magnitude = int_part
        .checked_mul(1u128 << frac_bits)
        .and_then(|v| v.checked_add(frac_raw))
        .ok_or_else(|| DecimalError::Range(text.to_owned()))?;
    let signed = i128::try_from(magnitude).map_err(|_| DecimalError::Range(text.to_owned()))?;
    Ok(if negative { -signed } else { signed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_exactly() {
        assert_eq!(to_exact_decimal(0, 32), "0");
        assert_eq!(to_exact_decimal(1 << 31, 32), "0.5");
        assert_eq!(to_exact_decimal(1 << 32, 32), "1");
        assert_eq!(to_exact_decimal(-(3 << 30), 32), "-0.75");
        assert_eq!(
            to_exact_decimal(1, 32),
            "0.00000000023283064365386962890625"
        );
        assert_eq!(to_exact_decimal(i128::MAX, 64).len(), 84);
    }

    #[test]
    fn round_trips() {
        for bits in [
            0i128,
            1,
            -1,
            1 << 31,
            12_345_678_901,
            -98_765_432_109_876,
            i64::MAX as i128,
        ] {
            let s = to_exact_decimal(bits, 32);
            assert_eq!(parse_exact_decimal(&s, 32), Ok(bits), "{s}");
        }
        let s = to_exact_decimal(i128::MAX, 64);
        assert_eq!(parse_exact_decimal(&s, 64), Ok(i128::MAX));
        assert!(parse_exact_decimal("0.1", 32).is_err());
        assert!(parse_exact_decimal("abc", 32).is_err());
        assert!(parse_exact_decimal("1.", 32).is_err());
    }
}
