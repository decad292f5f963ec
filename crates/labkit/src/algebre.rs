//! Small dense linear algebra: enough for least squares, Newton steps of a GLM, or k-means.

/// A dense matrix stored row by row.
///
/// ```
/// use labkit::algebre::Matrice;
/// let a = Matrice::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]);
/// assert_eq!(a.transposee().get(0, 1), 3.0);
/// assert_eq!(a.fois_vecteur(&[1.0, 1.0]), vec![3.0, 7.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Matrice {
    lignes: usize,
    colonnes: usize,
    valeurs: Vec<f64>,
}

impl Matrice {
    /// A matrix of zeros.
    pub fn zeros(lignes: usize, colonnes: usize) -> Matrice {
        Matrice { lignes, colonnes, valeurs: vec![0.0; lignes * colonnes] }
    }

    /// The identity matrix of size `n`.
    pub fn identite(n: usize) -> Matrice {
        let mut m = Matrice::zeros(n, n);
        for i in 0..n {
            m.set(i, i, 1.0);
        }
        m
    }

    /// A matrix from its rows.
    ///
    /// # Panics
    /// When the rows do not all have the same length.
    pub fn from_rows(rows: &[Vec<f64>]) -> Matrice {
        let colonnes = rows.first().map_or(0, Vec::len);
        assert!(rows.iter().all(|row| row.len() == colonnes), "Matrice::from_rows : lignes de longueurs différentes");
        Matrice { lignes: rows.len(), colonnes, valeurs: rows.concat() }
    }

    /// A matrix from its columns (e.g. a constant column and the explanatory variables).
    ///
    /// # Panics
    /// When the columns do not all have the same length.
    pub fn from_columns(columns: &[Vec<f64>]) -> Matrice {
        Matrice::from_rows(columns).transposee()
    }

    /// Number of rows.
    pub fn lignes(&self) -> usize {
        self.lignes
    }

    /// Number of columns.
    pub fn colonnes(&self) -> usize {
        self.colonnes
    }

    /// The entry at row `i`, column `j`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.valeurs[i * self.colonnes + j]
    }

    /// Sets the entry at row `i`, column `j`.
    pub fn set(&mut self, i: usize, j: usize, valeur: f64) {
        self.valeurs[i * self.colonnes + j] = valeur;
    }

    /// Row `i`.
    pub fn ligne(&self, i: usize) -> &[f64] {
        &self.valeurs[i * self.colonnes..(i + 1) * self.colonnes]
    }

    /// The transpose.
    pub fn transposee(&self) -> Matrice {
        let mut t = Matrice::zeros(self.colonnes, self.lignes);
        for i in 0..self.lignes {
            for j in 0..self.colonnes {
                t.set(j, i, self.get(i, j));
            }
        }
        t
    }

    /// The product `self × autre`.
    ///
    /// # Panics
    /// When the sizes do not match.
    pub fn fois(&self, autre: &Matrice) -> Matrice {
        assert_eq!(self.colonnes, autre.lignes, "Matrice::fois : tailles incompatibles");
        let mut p = Matrice::zeros(self.lignes, autre.colonnes);
        for i in 0..self.lignes {
            for k in 0..self.colonnes {
                let a = self.get(i, k);
                for j in 0..autre.colonnes {
                    p.valeurs[i * autre.colonnes + j] += a * autre.get(k, j);
                }
            }
        }
        p
    }

    /// The product `self × v`.
    ///
    /// # Panics
    /// When the sizes do not match.
    pub fn fois_vecteur(&self, v: &[f64]) -> Vec<f64> {
        assert_eq!(self.colonnes, v.len(), "Matrice::fois_vecteur : tailles incompatibles");
        (0..self.lignes).map(|i| self.ligne(i).iter().zip(v).map(|(a, b)| a * b).sum()).collect()
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` when `a` is singular
/// (a pivot below 1e-12 times the largest entry).
///
/// ```
/// use labkit::algebre::{Matrice, resoudre};
/// let a = Matrice::from_rows(&[vec![2.0, 1.0], vec![1.0, 3.0]]);
/// let x = resoudre(&a, &[3.0, 5.0]).unwrap();
/// assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
/// ```
pub fn resoudre(a: &Matrice, b: &[f64]) -> Option<Vec<f64>> {
    let n = a.lignes;
    assert!(
        a.colonnes == n && b.len() == n,
        "resoudre : il faut une matrice carrée et un second membre de même taille"
    );
    let echelle = a.valeurs.iter().fold(0.0_f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
    let mut m = a.clone();
    let mut x = b.to_vec();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m.get(i, col).abs().total_cmp(&m.get(j, col).abs()))?;
        if m.get(pivot, col).abs() < 1e-12 * echelle {
            return None;
        }
        if pivot != col {
            for j in 0..n {
                m.valeurs.swap(pivot * n + j, col * n + j);
            }
            x.swap(pivot, col);
        }
        for i in col + 1..n {
            let facteur = m.get(i, col) / m.get(col, col);
            if facteur != 0.0 {
                for j in col..n {
                    let v = m.get(i, j) - facteur * m.get(col, j);
                    m.set(i, j, v);
                }
                x[i] -= facteur * x[col];
            }
        }
    }
    for i in (0..n).rev() {
        let reste: f64 = (i + 1..n).map(|j| m.get(i, j) * x[j]).sum();
        x[i] = (x[i] - reste) / m.get(i, i);
    }
    Some(x)
}

/// The least-squares coefficients of `y ≈ x β` (normal equations); `None` when the columns of
/// `x` are collinear.
///
/// ```
/// use labkit::algebre::{Matrice, moindres_carres};
/// // y = 1 + 2 t, exactly.
/// let t = [0.0, 1.0, 2.0, 3.0];
/// let x = Matrice::from_columns(&[vec![1.0; 4], t.to_vec()]);
/// let beta = moindres_carres(&x, &[1.0, 3.0, 5.0, 7.0]).unwrap();
/// assert!((beta[0] - 1.0).abs() < 1e-12 && (beta[1] - 2.0).abs() < 1e-12);
/// ```
pub fn moindres_carres(x: &Matrice, y: &[f64]) -> Option<Vec<f64>> {
    let xt = x.transposee();
    resoudre(&xt.fois(x), &xt.fois_vecteur(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_system_needing_a_pivot_and_refuses_a_singular_one() {
        let a = Matrice::from_rows(&[vec![0.0, 1.0, 2.0], vec![1.0, 0.0, 1.0], vec![2.0, 1.0, 0.0]]);
        let x = resoudre(&a, &[8.0, 4.0, 4.0]).expect("inversible");
        let back = a.fois_vecteur(&x);
        for (got, want) in back.iter().zip([8.0, 4.0, 4.0]) {
            assert!((got - want).abs() < 1e-12);
        }
        let singular = Matrice::from_rows(&[vec![1.0, 2.0], vec![2.0, 4.0]]);
        assert_eq!(resoudre(&singular, &[1.0, 2.0]), None);
        assert_eq!(Matrice::identite(3).fois(&a), a);
    }
}
