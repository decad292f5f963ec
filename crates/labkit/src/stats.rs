//! Descriptive statistics on slices and the normal law.
//!
//! Conventions follow NumPy and Python's `statistics` module, so that a Rust lab and its Python
//! twin compute the same figures: `variance` and `ecart_type` take the number of degrees of
//! freedom removed (`0` for a population, `1` for a sample), `quantile` interpolates linearly
//! between order statistics (NumPy's default method).

/// The arithmetic mean; `NaN` for an empty slice.
pub fn moyenne(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// The variance with `ddof` degrees of freedom removed (`0`: population, `1`: sample).
pub fn variance(x: &[f64], ddof: usize) -> f64 {
    let m = moyenne(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - ddof as f64)
}

/// The standard deviation with `ddof` degrees of freedom removed.
pub fn ecart_type(x: &[f64], ddof: usize) -> f64 {
    variance(x, ddof).sqrt()
}

/// The `q`-quantile (`q` in [0, 1]) with linear interpolation; `NaN` for an empty slice.
///
/// ```
/// use labkit::stats::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
/// ```
pub fn quantile(x: &[f64], q: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let mut tri = x.to_vec();
    tri.sort_by(f64::total_cmp);
    let position = q.clamp(0.0, 1.0) * (tri.len() - 1) as f64;
    let bas = position.floor() as usize;
    let haut = position.ceil() as usize;
    tri[bas] + (tri[haut] - tri[bas]) * (position - bas as f64)
}

/// The median (the 0.5-quantile).
pub fn median(x: &[f64]) -> f64 {
    quantile(x, 0.5)
}

/// The covariance of two series of equal length, with `ddof` degrees of freedom removed.
///
/// # Panics
/// When the lengths differ.
pub fn covariance(x: &[f64], y: &[f64], ddof: usize) -> f64 {
    assert_eq!(x.len(), y.len(), "covariance : les deux séries doivent avoir la même longueur");
    let (mx, my) = (moyenne(x), moyenne(y));
    x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / (x.len() as f64 - ddof as f64)
}

/// Pearson's correlation coefficient.
pub fn correlation(x: &[f64], y: &[f64]) -> f64 {
    covariance(x, y, 0) / (ecart_type(x, 0) * ecart_type(y, 0))
}

/// The density of the normal law N(`moyenne`, `ecart_type`²) at `x`.
pub fn normale_densite(x: f64, moyenne: f64, ecart_type: f64) -> f64 {
    let z = (x - moyenne) / ecart_type;
    (-0.5 * z * z).exp() / (ecart_type * (2.0 * std::f64::consts::PI).sqrt())
}

/// The distribution function of N(`moyenne`, `ecart_type`²) at `x`.
pub fn normale_cdf(x: f64, moyenne: f64, ecart_type: f64) -> f64 {
    0.5 * erfc(-(x - moyenne) / (ecart_type * std::f64::consts::SQRT_2))
}

/// The `p`-quantile of N(`moyenne`, `ecart_type`²), `p` in (0, 1) (Wichura's algorithm AS 241,
/// the one behind Python's `statistics.NormalDist.inv_cdf`; relative error below 1e-15).
pub fn normale_quantile(p: f64, moyenne: f64, ecart_type: f64) -> f64 {
    moyenne + ecart_type * quantile_normale_centree(p)
}

// The coefficients are kept exactly as Wichura published them.
#[allow(clippy::excessive_precision)]
fn quantile_normale_centree(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
            + 45921.953931549871457)
            * r
            + 13731.693765509461125)
            * r
            + 1971.5909503065514427)
            * r
            + 133.14166789178437745)
            * r
            + 3.387132872796366608)
            * q;
        let den = ((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
            + 21213.794301586595867)
            * r
            + 5394.1960214247511077)
            * r
            + 687.1870074920579083)
            * r
            + 42.313330701600911252)
            * r
            + 1.0;
        return num / den;
    }
    let mut r = if q <= 0.0 { p } else { 1.0 - p };
    r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        let num = ((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734;
        let den = ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966)
            * r
            + 0.14810397642748007459)
            * r
            + 0.68976733498510000455)
            * r
            + 1.6763848301838038494)
            * r
            + 2.05319162663775882187)
            * r
            + 1.0;
        num / den
    } else {
        let r = r - 5.0;
        let num = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772;
        let den = ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5)
            * r
            + 7.868691311456132591e-4)
            * r
            + 0.0148753612908506148525)
            * r
            + 0.13692988092273580531)
            * r
            + 0.59983220655588793769)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -x } else { x }
}

/// The complementary error function, to about 1e-15 relative: below 2, `1 - erf(x)` with erf's
/// series of positive terms (no cancellation); from 2 on, Laplace's continued fraction evaluated
/// by Lentz's method.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    let two_over_sqrt_pi = 2.0 / std::f64::consts::PI.sqrt();
    if x < 2.0 {
        // erf(x) = 2/√π · e^{-x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
        let mut term = x;
        let mut sum = x;
        let mut n = 0.0;
        while term > 1e-17 * sum {
            n += 1.0;
            term *= 2.0 * x * x / (2.0 * n + 1.0);
            sum += term;
        }
        return 1.0 - two_over_sqrt_pi * (-x * x).exp() * sum;
    }
    // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..10_000 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / (std::f64::consts::PI.sqrt() * f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance * b.abs().max(1.0)
    }

    #[test]
    fn descriptive_statistics_match_numpy() {
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(moyenne(&x), 5.0);
        assert_eq!(variance(&x, 0), 4.0);
        assert_eq!(ecart_type(&x, 0), 2.0);
        assert!(close(variance(&x, 1), 32.0 / 7.0, 1e-15));
        assert_eq!(median(&x), 4.5);
        // numpy.quantile([2,4,4,4,5,5,7,9], 0.9) == 7.6
        assert!(close(quantile(&x, 0.9), 7.6, 1e-12));
        assert!(quantile(&[], 0.5).is_nan());
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        assert!(close(correlation(&y, &y), 1.0, 1e-12));
        assert!(close(covariance(&y, &y, 1), variance(&y, 1), 1e-12));
    }

    #[test]
    fn normal_law_matches_reference_values() {
        // Reference values from Python's statistics.NormalDist.
        assert!(close(normale_cdf(1.96, 0.0, 1.0), 0.9750021048517795, 1e-13));
        assert!(close(normale_cdf(-3.0, 0.0, 1.0), 0.0013498980316301035, 1e-12));
        assert!(close(normale_cdf(12.0, 10.0, 2.0), 0.8413447460685429, 1e-13));
        assert!(close(normale_quantile(0.975, 0.0, 1.0), 1.959963984540054, 1e-13));
        assert!(close(normale_quantile(0.001, 0.0, 1.0), -3.090232306167813, 1e-13));
        assert!(close(normale_quantile(1e-10, 0.0, 1.0), -6.361340902404056, 1e-12));
        assert!(close(normale_densite(0.0, 0.0, 1.0), 0.3989422804014327, 1e-15));
        // Python's math.erfc, across the two methods' ranges.
        for (x, reference) in [
            (-2.0, 1.995322265018953),
            (0.3, 0.6713732405408726),
            (0.6, 0.3961439091520741),
            (1.386, 0.04998410355105579),
            (2.0, 0.004677734981047265),
            (3.0, 2.209049699858544e-05),
            (5.0, 1.5374597944280351e-12),
        ] {
            assert!((erfc(x) - reference).abs() <= 1e-14 * reference, "erfc({x}) = {} ≠ {reference}", erfc(x));
        }
        for p in [0.01, 0.2, 0.5, 0.77, 0.999] {
            assert!(close(normale_cdf(normale_quantile(p, 0.0, 1.0), 0.0, 1.0), p, 1e-12), "{p}");
        }
    }
}
