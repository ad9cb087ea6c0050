//! Amounts for people: rao as TAO (`τ`) or a subnet's alpha (its token symbol), exact decimal
//! parsing of user input, and pool prices.
//!
//! Everything is integer arithmetic on rao (1 TAO = 10⁹ rao, and the same for alpha), so a
//! printed amount is exact and a parsed one is never rounded: input with more than nine
//! decimals is an error, not silently truncated.

use std::fmt;

use agora_primitives::units::RAO_PER_TAO;

/// The TAO symbol.
pub const TAO_SYMBOL: &str = "τ";

/// An amount of rao shown with a symbol: `τ1.2500`, `α0.000000001`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount {
    /// Rao.
    pub rao: u64,
    /// Symbol shown in front.
    pub symbol: String,
}

impl Amount {
    /// TAO.
    pub fn tao(rao: u64) -> Self {
        Self {
            rao,
            symbol: TAO_SYMBOL.to_string(),
        }
    }

    /// Alpha of a subnet with token symbol `symbol` (the chain's UTF-8 bytes; `α` if empty or
    /// not UTF-8).
    pub fn alpha(rao: u64, symbol: &[u8]) -> Self {
        let symbol = std::str::from_utf8(symbol)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or("α");
        Self {
            rao,
            symbol: symbol.to_string(),
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.symbol, decimal(self.rao))
    }
}

/// `rao` as a decimal number of whole units with at least four and at most nine decimals,
/// exact: `1.0000`, `0.000000001`, `12.3456789`.
pub fn decimal(rao: u64) -> String {
    let whole = rao / RAO_PER_TAO;
    let frac = rao % RAO_PER_TAO;
    let mut digits = format!("{frac:09}");
    while digits.len() > 4 && digits.ends_with('0') {
        digits.pop();
    }
    format!("{whole}.{digits}")
}

/// Why an amount could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a plain non-negative decimal number.
    #[error("{0:?} is not an amount (expected a number such as 1.5)")]
    NotANumber(String),
    /// More than nine decimals (below one rao).
    #[error("{0:?} has more than 9 decimals (1 rao = 0.000000001)")]
    TooPrecise(String),
    /// Above `u64::MAX` rao.
    #[error("{0:?} is too large")]
    TooLarge(String),
}

/// Parses a decimal amount of whole units (`1`, `0.5`, `.25`, `1_000`) into rao, exactly.
pub fn parse_amount(text: &str) -> Result<u64, AmountError> {
    let t: String = text.trim().chars().filter(|c| *c != '_').collect();
    let bad = || AmountError::NotANumber(text.to_string());
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() > 9 {
        return Err(AmountError::TooPrecise(text.to_string()));
    }
    let large = || AmountError::TooLarge(text.to_string());
    let w: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| large())?
    };
    let f: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().map_err(|_| bad())?
    };
    w.checked_mul(RAO_PER_TAO)
        .and_then(|x| x.checked_add(f))
        .ok_or_else(large)
}

/// The pool price in rao of TAO per whole alpha, `tao_in · 10⁹ / alpha_in` rounded down
/// (the spot price of the constant-product pool); 10⁹ (one TAO) for root and for an empty pool.
pub fn price_rao(netuid: u16, tao_in: u64, alpha_in: u64) -> u64 {
    if netuid == 0 || alpha_in == 0 {
        return RAO_PER_TAO;
    }
    let p = u128::from(tao_in) * u128::from(RAO_PER_TAO) / u128::from(alpha_in);
    u64::try_from(p).unwrap_or(u64::MAX)
}

/// Applies a slippage tolerance (parts per million) to a price: `up` for a maximum (buying
/// alpha), otherwise a minimum (selling), saturating.
pub fn price_with_tolerance(price: u64, tolerance_ppm: u32, up: bool) -> u64 {
    let delta = u128::from(price) * u128::from(tolerance_ppm) / 1_000_000;
    let p = if up {
        u128::from(price).saturating_add(delta)
    } else {
        u128::from(price).saturating_sub(delta)
    };
    u64::try_from(p).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal(0), "0.0000");
        assert_eq!(decimal(1), "0.000000001");
        assert_eq!(decimal(1_500_000_000), "1.5000");
        assert_eq!(decimal(12_345_678_900), "12.3456789");
        assert_eq!(decimal(u64::MAX), "18446744073.709551615");
        assert_eq!(Amount::tao(2 * RAO_PER_TAO).to_string(), "τ2.0000");
        assert_eq!(Amount::alpha(5, "β".as_bytes()).to_string(), "β0.000000005");
        assert_eq!(Amount::alpha(5, &[0xff]).to_string(), "α0.000000005");
    }

    #[test]
    fn parsing_round_trips_and_refuses_rounding() {
        assert_eq!(parse_amount("1"), Ok(RAO_PER_TAO));
        assert_eq!(parse_amount("0.5"), Ok(RAO_PER_TAO / 2));
        assert_eq!(parse_amount(".25"), Ok(RAO_PER_TAO / 4));
        assert_eq!(parse_amount("1_000"), Ok(1000 * RAO_PER_TAO));
        assert_eq!(parse_amount("0.000000001"), Ok(1));
        assert!(matches!(
            parse_amount("0.0000000001"),
            Err(AmountError::TooPrecise(_))
        ));
        assert!(matches!(
            parse_amount("-1"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            parse_amount("1e3"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(parse_amount(""), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse_amount("."), Err(AmountError::NotANumber(_))));
        assert!(matches!(
            parse_amount("18446744074"),
            Err(AmountError::TooLarge(_))
        ));
        for rao in [0, 1, 999, RAO_PER_TAO, 123_456_789_012, u64::MAX] {
            assert_eq!(parse_amount(&decimal(rao)), Ok(rao));
        }
    }

    #[test]
    fn prices() {
        assert_eq!(price_rao(0, 5, 7), RAO_PER_TAO);
        assert_eq!(
            price_rao(1, 10 * RAO_PER_TAO, 20 * RAO_PER_TAO),
            RAO_PER_TAO / 2
        );
        assert_eq!(price_rao(1, 10, 0), RAO_PER_TAO);
        assert_eq!(price_with_tolerance(1_000_000, 5_000, true), 1_005_000);
        assert_eq!(price_with_tolerance(1_000_000, 5_000, false), 995_000);
        assert_eq!(price_with_tolerance(u64::MAX, 1_000_000, true), u64::MAX);
        assert_eq!(price_with_tolerance(10, 2_000_000, false), 0);
    }
}
