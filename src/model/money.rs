//! Money: decided amounts (quotas, targets, phased quarters) are whole
//! cents, so sales of exactly 120,000 reach a quota of 120,000 and a set of
//! quotas adds up to its pool to the cent. Every rounding to the cent, and
//! every figure written with thousands separators, goes through here.

/// A whole number of cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cents(pub i64);

impl Cents {
    /// The nearest whole cent of an amount (halves away from zero).
    pub fn nearest(amount: f64) -> Cents {
        Cents((amount * 100.0).round() as i64)
    }

    /// The amount these cents are: the double nearest to it.
    pub fn amount(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// An amount rounded to the cent. Unlike a trip through [`Cents`], a value
/// that is not a number (an absent target) stays what it is.
pub fn to_cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

/// `amounts` rounded to the cent so that they add up to `total` (rounded
/// to the cent) exactly: the residue the rounding leaves goes to the
/// largest amount `may_take` allows (ties to the earliest). `None` when
/// there is a residue and no amount may take it.
pub fn settle(
    amounts: &[f64],
    total: f64,
    may_take: impl Fn(usize, Cents) -> bool,
) -> Option<Vec<Cents>> {
    let mut cents: Vec<Cents> = amounts.iter().map(|&x| Cents::nearest(x)).collect();
    let residue = Cents::nearest(total).0 - cents.iter().map(|c| c.0).sum::<i64>();
    if residue == 0 {
        return Some(cents);
    }
    let largest = (0..cents.len())
        .filter(|&i| may_take(i, cents[i]))
        .max_by_key(|&i| (cents[i], std::cmp::Reverse(i)))?;
    cents[largest].0 += residue;
    Some(cents)
}

/// A whole amount with thousands separators, as people read money:
/// `88,000,000`; never "-0", and a dash for what is not a number.
pub fn grouped(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let out = group_digits(&format!("{:.0}", x.abs()), ',');
    if x <= -0.5 { format!("-{out}") } else { out }
}

/// A string of digits in groups of three from the right, joined by `sep`.
pub fn group_digits(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_round_half_away_from_zero_and_back_exactly() {
        assert_eq!(Cents::nearest(0.125), Cents(13));
        assert_eq!(Cents::nearest(-0.125), Cents(-13));
        for x in [0.1, 120_000.0, 3_333_333.33, -7.07] {
            assert_eq!(Cents::nearest(x).amount(), to_cents(x));
        }
        assert!(to_cents(f64::NAN).is_nan());
    }

    #[test]
    fn settling_puts_the_residue_on_the_largest_allowed() {
        let c = settle(&[33.333_333, 33.333_333, 33.333_334], 100.0, |_, _| true).unwrap();
        assert_eq!(c, vec![Cents(3334), Cents(3333), Cents(3333)]);
        // Ties go to the earliest; the largest may be barred.
        let c = settle(&[10.0, 20.0, 20.0, 0.004], 50.01, |i, _| i != 1).unwrap();
        assert_eq!(c, vec![Cents(1000), Cents(2000), Cents(2001), Cents(0)]);
        assert_eq!(settle(&[1.0, 1.0], 2.01, |_, _| false), None);
        assert_eq!(
            settle(&[1.0, 1.0], 2.0, |_, _| false),
            Some(vec![Cents(100); 2])
        );
    }

    #[test]
    fn grouped_reads_like_money() {
        assert_eq!(grouped(88_000_000.0), "88,000,000");
        assert_eq!(grouped(-1234.6), "-1,235");
        assert_eq!(grouped(-0.4), "0");
        assert_eq!(grouped(999.7), "1,000");
        assert_eq!(grouped(f64::NAN), "—");
    }
}
