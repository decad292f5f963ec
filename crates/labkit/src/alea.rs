//! A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).

/// A reproducible pseudo-random generator: the same seed gives the same draws on every machine.
///
/// ```
/// use labkit::Alea;
/// let mut a = Alea::new(42);
/// let mut b = Alea::new(42);
/// assert_eq!(a.uniforme(), b.uniforme());
/// let x = a.normale(10.0, 2.0);
/// assert!(x.is_finite());
/// ```
#[derive(Debug, Clone)]
pub struct Alea {
    s: [u64; 4],
    /// The second value of the last Box–Muller pair, not yet returned.
    normale_en_reserve: Option<f64>,
}

impl Alea {
    /// A generator seeded with `graine`.
    pub fn new(graine: u64) -> Alea {
        let mut state = graine;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Alea { s: [next(), next(), next(), next()], normale_en_reserve: None }
    }

    /// The next 64 random bits.
    pub fn entier_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform draw in [0, 1).
    pub fn uniforme(&mut self) -> f64 {
        (self.entier_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw in [`bas`, `haut`).
    pub fn uniforme_entre(&mut self, bas: f64, haut: f64) -> f64 {
        bas + (haut - bas) * self.uniforme()
    }

    /// A uniform integer in [`bas`, `haut`) (`haut` excluded, like NumPy's `integers`).
    ///
    /// # Panics
    /// When `haut <= bas`.
    pub fn entier(&mut self, bas: i64, haut: i64) -> i64 {
        assert!(haut > bas, "Alea::entier : il faut bas < haut (reçu {bas} et {haut})");
        let largeur = (haut - bas) as u64;
        // Rejection sampling keeps every value equally likely.
        let limite = u64::MAX - u64::MAX % largeur;
        loop {
            let x = self.entier_u64();
            if x < limite {
                return bas + (x % largeur) as i64;
            }
        }
    }

    /// A normal draw of mean `moyenne` and standard deviation `ecart_type` (Box–Muller).
    pub fn normale(&mut self, moyenne: f64, ecart_type: f64) -> f64 {
        if let Some(z) = self.normale_en_reserve.take() {
            return moyenne + ecart_type * z;
        }
        let u1 = 1.0 - self.uniforme();
        let u2 = self.uniforme();
        let r = (-2.0 * u1.ln()).sqrt();
        let angle = 2.0 * std::f64::consts::PI * u2;
        self.normale_en_reserve = Some(r * angle.sin());
        moyenne + ecart_type * r * angle.cos()
    }

    /// An exponential draw of mean `moyenne`.
    pub fn exponentielle(&mut self, moyenne: f64) -> f64 {
        -moyenne * (1.0 - self.uniforme()).ln()
    }

    /// A Poisson draw of mean `lambda` (Knuth's product for small means, a rounded normal
    /// approximation above 60).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 60.0 {
            return self.normale(lambda, lambda.sqrt()).round().max(0.0) as u64;
        }
        let seuil = (-lambda).exp();
        let mut k = 0;
        let mut produit = self.uniforme();
        while produit > seuil {
            k += 1;
            produit *= self.uniforme();
        }
        k
    }

    /// `true` with probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniforme() < p
    }

    /// An element of `elements` drawn uniformly.
    ///
    /// # Panics
    /// When `elements` is empty.
    pub fn choisir<'a, T>(&mut self, elements: &'a [T]) -> &'a T {
        assert!(!elements.is_empty(), "Alea::choisir : la liste est vide");
        &elements[self.entier(0, elements.len() as i64) as usize]
    }

    /// An index drawn with the given non-negative weights.
    ///
    /// # Panics
    /// When no weight is positive.
    pub fn choisir_pondere(&mut self, poids: &[f64]) -> usize {
        let total: f64 = poids.iter().filter(|p| **p > 0.0).sum();
        assert!(total > 0.0, "Alea::choisir_pondere : aucun poids positif");
        let mut cible = self.uniforme() * total;
        for (i, p) in poids.iter().enumerate() {
            if *p > 0.0 {
                if cible < *p {
                    return i;
                }
                cible -= p;
            }
        }
        poids.iter().rposition(|p| *p > 0.0).unwrap_or(0)
    }

    /// Shuffles `elements` in place (Fisher–Yates).
    pub fn melanger<T>(&mut self, elements: &mut [T]) {
        for i in (1..elements.len()).rev() {
            let j = self.entier(0, i as i64 + 1) as usize;
            elements.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws_and_different_seeds_differ() {
        let draws = |seed| {
            let mut alea = Alea::new(seed);
            (0..5).map(|_| alea.entier_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
    }

    #[test]
    fn laws_have_their_moments() {
        let mut alea = Alea::new(2026);
        let n = 200_000;
        let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
        let u: Vec<f64> = (0..n).map(|_| alea.uniforme()).collect();
        assert!(u.iter().all(|x| (0.0..1.0).contains(x)));
        assert!((mean(&u) - 0.5).abs() < 0.01);
        let z: Vec<f64> = (0..n).map(|_| alea.normale(3.0, 2.0)).collect();
        let m = mean(&z);
        let var = z.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64;
        assert!((m - 3.0).abs() < 0.02 && (var - 4.0).abs() < 0.05, "{m} {var}");
        let p: Vec<f64> = (0..n).map(|_| alea.poisson(2.5) as f64).collect();
        assert!((mean(&p) - 2.5).abs() < 0.02);
        let e: Vec<f64> = (0..n).map(|_| alea.exponentielle(4.0)).collect();
        assert!((mean(&e) - 4.0).abs() < 0.05);
        let ints: Vec<i64> = (0..n).map(|_| alea.entier(-2, 3)).collect();
        assert!(ints.iter().all(|x| (-2..3).contains(x)));
        assert!((-2..3).all(|v| ints.contains(&v)));
    }

    #[test]
    fn weighted_choice_and_shuffle() {
        let mut alea = Alea::new(1);
        let counts = (0..30_000).fold([0usize; 3], |mut counts, _| {
            counts[alea.choisir_pondere(&[1.0, 0.0, 3.0])] += 1;
            counts
        });
        assert_eq!(counts[1], 0);
        assert!((counts[2] as f64 / counts[0] as f64 - 3.0).abs() < 0.2, "{counts:?}");
        let mut v: Vec<u32> = (0..50).collect();
        alea.melanger(&mut v);
        assert_ne!(v, (0..50).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..50).collect::<Vec<_>>());
    }
}
