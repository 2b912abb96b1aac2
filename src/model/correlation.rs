//! Correlation matrices for the Gaussian copula: validation, repair of
//! user-given matrices that are not positive semi-definite, and factoring for
//! drawing correlated normals.

use nalgebra::{DMatrix, SymmetricEigen};

/// Tolerance for symmetry, the unit diagonal and the smallest eigenvalue in
/// [`is_psd`]; user input rarely survives rounding exactly.
const PSD_TOL: f64 = 1e-12;

/// Relative change at which the alternating projections are deemed converged.
const REPAIR_TOL: f64 = 1e-12;

/// Alternating projections converge only linearly; this bounds the work on
/// badly conditioned inputs, whose result is then close but not optimal.
const REPAIR_MAX_ITER: usize = 100_000;

/// Result of making a user-given correlation matrix usable.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    pub matrix: DMatrix<f64>,
    /// Largest absolute change of an off-diagonal entry, with its `(i, j)`,
    /// `i < j`, so callers can tell the user which pair was adjusted most.
    /// `None` when the input was kept as is (or has no off-diagonal entries).
    pub largest_change: Option<(usize, usize, f64)>,
    pub was_psd: bool,
}

/// True when `c` is a valid correlation matrix: square, finite, symmetric with
/// unit diagonal and smallest eigenvalue >= -1e-12 (all up to 1e-12, so that
/// rounding in user input does not trigger a repair).
pub fn is_psd(c: &DMatrix<f64>) -> bool {
    let n = c.nrows();
    if !c.is_square() || c.iter().any(|v| !v.is_finite()) {
        return false;
    }
    for i in 0..n {
        if (c[(i, i)] - 1.0).abs() > PSD_TOL {
            return false;
        }
        for j in 0..i {
            if (c[(i, j)] - c[(j, i)]).abs() > PSD_TOL {
                return false;
            }
        }
    }
    n == 0 || c.symmetric_eigenvalues().min() >= -PSD_TOL
}

/// Nearest correlation matrix in the unweighted Frobenius norm (Higham 2002,
/// alternating projections with Dykstra's correction).
///
/// An input that already passes [`is_psd`] is returned unchanged. Otherwise
/// the input is symmetrised first (which does not change the nearest
/// correlation matrix) and the result is exactly symmetric with an exact unit
/// diagonal.
///
/// # Panics
///
/// If `c` is not square or has a non-finite entry.
pub fn repair(c: &DMatrix<f64>) -> Repaired {
    assert_square_finite(c);
    if is_psd(c) {
        return Repaired {
            matrix: c.clone(),
            largest_change: None,
            was_psd: true,
        };
    }

    let n = c.nrows();
    let mut y = symmetrised(c);
    let mut x = y.clone();
    // Dykstra's correction, needed only for the non-affine PSD projection.
    let mut ds = DMatrix::<f64>::zeros(n, n);
    for _ in 0..REPAIR_MAX_ITER {
        let r = &y - &ds;
        let x_new = project_psd(&r);
        ds = &x_new - &r;
        let mut y_new = x_new.clone();
        y_new.fill_diagonal(1.0);

        let y_norm = y_new.norm();
        let change = ((&x_new - &x).norm() / x_new.norm().max(f64::MIN_POSITIVE))
            .max((&y_new - &y).norm() / y_norm)
            .max((&y_new - &x_new).norm() / y_norm);
        x = x_new;
        y = y_new;
        if change <= REPAIR_TOL {
            break;
        }
    }

    let matrix = unit_diagonal(&x).unwrap_or(y);
    let largest_change = largest_off_diagonal_change(c, &matrix);
    Repaired {
        matrix,
        largest_change,
        was_psd: false,
    }
}

/// A factor `A` with `A * A^T == c`, for drawing correlated normals
/// `z = A * e`.
///
/// Returns the lower-triangular Cholesky factor when `c` is numerically
/// positive definite (cheapest to apply). Otherwise returns the dense square
/// `V * sqrt(max(L, 0))` from the symmetric eigendecomposition `c = V L V^T`,
/// so singular PSD matrices (e.g. perfectly correlated reps) work too.
/// Negative eigenvalues are clamped to zero, so `c` should pass [`is_psd`]
/// (see [`repair`]); otherwise `A * A^T` is only the PSD part of `c`.
///
/// # Panics
///
/// If `c` is not square or has a non-finite entry.
pub fn factor(c: &DMatrix<f64>) -> DMatrix<f64> {
    assert_square_finite(c);
    if let Some(chol) = c.clone().cholesky() {
        return chol.unpack();
    }
    let eig = SymmetricEigen::new(symmetrised(c));
    let mut a = eig.eigenvectors;
    for (mut col, &lambda) in a.column_iter_mut().zip(eig.eigenvalues.iter()) {
        col *= lambda.max(0.0).sqrt();
    }
    a
}

fn assert_square_finite(c: &DMatrix<f64>) {
    assert!(
        c.is_square(),
        "correlation matrix must be square, got {}x{}",
        c.nrows(),
        c.ncols()
    );
    assert!(
        c.iter().all(|v| v.is_finite()),
        "correlation matrix must have finite entries"
    );
}

fn symmetrised(c: &DMatrix<f64>) -> DMatrix<f64> {
    (c + c.transpose()) * 0.5
}

/// Projection onto the PSD cone: clamp negative eigenvalues to zero.
fn project_psd(r: &DMatrix<f64>) -> DMatrix<f64> {
    let eig = SymmetricEigen::new(r.clone());
    let mut scaled = eig.eigenvectors.clone();
    for (mut col, &lambda) in scaled.column_iter_mut().zip(eig.eigenvalues.iter()) {
        col *= lambda.max(0.0);
    }
    symmetrised(&(scaled * eig.eigenvectors.transpose()))
}

/// Rescales the PSD iterate to unit diagonal, `D^-1/2 X D^-1/2`. Unlike
/// overwriting the diagonal this keeps the result PSD in floating point; at
/// convergence the diagonal is already 1 to within the tolerance, so the
/// result is the same up to that tolerance. `None` if a diagonal entry is not
/// safely positive (only conceivable if the iteration did not converge).
fn unit_diagonal(x: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let n = x.nrows();
    let d: Vec<f64> = (0..n).map(|i| x[(i, i)].sqrt()).collect();
    if !d.iter().all(|&v| v > 0.5) {
        return None;
    }
    let mut out = DMatrix::<f64>::identity(n, n);
    for j in 0..n {
        for i in (j + 1)..n {
            let v = (x[(i, j)] / (d[i] * d[j])).clamp(-1.0, 1.0);
            out[(i, j)] = v;
            out[(j, i)] = v;
        }
    }
    Some(out)
}

fn largest_off_diagonal_change(
    before: &DMatrix<f64>,
    after: &DMatrix<f64>,
) -> Option<(usize, usize, f64)> {
    let n = before.nrows();
    let mut best: Option<(usize, usize, f64)> = None;
    for i in 0..n {
        for j in (i + 1)..n {
            // Both triangles, in case the input was not symmetric.
            let change = (after[(i, j)] - before[(i, j)])
                .abs()
                .max((after[(j, i)] - before[(j, i)]).abs());
            if best.is_none_or(|(_, _, b)| change > b) {
                best = Some((i, j, change));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    fn mat(n: usize, rows: &[f64]) -> DMatrix<f64> {
        DMatrix::from_row_slice(n, n, rows)
    }

    fn assert_exact_correlation(m: &DMatrix<f64>) {
        assert_eq!(m, &m.transpose(), "not exactly symmetric");
        assert!(m.diagonal().iter().all(|&d| d == 1.0), "diagonal not 1");
    }

    fn assert_factor_reproduces(c: &DMatrix<f64>) {
        let a = factor(c);
        assert_abs_diff_eq!(&a * a.transpose(), c.clone(), epsilon = 1e-12);
    }

    #[test]
    fn repair_known_fixture() {
        let c = mat(3, &[1.0, 0.9, 0.0, 0.9, 1.0, 0.8, 0.0, 0.8, 1.0]);
        assert!(!is_psd(&c));
        let r = repair(&c);
        assert!(!r.was_psd);
        assert!(is_psd(&r.matrix));
        assert_exact_correlation(&r.matrix);
        assert_abs_diff_eq!(r.matrix[(0, 1)], 0.7752, epsilon = 5e-5);
        assert_abs_diff_eq!(r.matrix[(0, 2)], 0.0791, epsilon = 5e-5);
        assert_abs_diff_eq!(r.matrix[(1, 2)], 0.6910, epsilon = 5e-5);
        let (i, j, change) = r.largest_change.unwrap();
        assert_eq!((i, j), (0, 1));
        assert_abs_diff_eq!(change, 0.9 - r.matrix[(0, 1)], epsilon = 1e-15);
    }

    #[test]
    fn repair_matches_higham_paper_example() {
        // Higham (2002), section 4; the input is symmetric under reversing
        // the index order, so the answer is too.
        let c = mat(3, &[1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
        let r = repair(&c);
        assert!(is_psd(&r.matrix));
        assert_abs_diff_eq!(r.matrix[(0, 1)], 0.7607, epsilon = 5e-5);
        assert_abs_diff_eq!(r.matrix[(0, 2)], 0.1573, epsilon = 5e-5);
        assert_abs_diff_eq!(r.matrix[(1, 2)], 0.7607, epsilon = 5e-5);
    }

    #[test]
    fn psd_input_comes_back_unchanged() {
        let c = mat(3, &[1.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.0]);
        let r = repair(&c);
        assert!(r.was_psd);
        assert_eq!(r.largest_change, None);
        assert_eq!(r.matrix, c);

        let ones = DMatrix::from_element(3, 3, 1.0);
        let r = repair(&ones);
        assert!(r.was_psd);
        assert_eq!(r.matrix, ones);
    }

    #[test]
    fn is_psd_rejects_invalid_matrices() {
        assert!(is_psd(&DMatrix::identity(4, 4)));
        assert!(is_psd(&DMatrix::zeros(0, 0)));
        assert!(!is_psd(&mat(2, &[1.0, 0.5, 0.4, 1.0])), "asymmetric");
        assert!(!is_psd(&mat(2, &[2.0, 0.5, 0.5, 1.0])), "diagonal");
        assert!(!is_psd(&mat(2, &[1.0, 1.1, 1.1, 1.0])), "indefinite");
        assert!(!is_psd(&DMatrix::from_element(2, 3, 0.0)), "not square");
        assert!(!is_psd(&mat(2, &[1.0, f64::NAN, f64::NAN, 1.0])), "NaN");
    }

    #[test]
    fn repaired_result_is_symmetric_even_for_asymmetric_input() {
        let c = mat(3, &[1.0, 0.95, -0.3, 0.85, 1.0, 0.9, -0.1, 0.7, 1.0]);
        let r = repair(&c);
        assert!(!r.was_psd);
        assert!(is_psd(&r.matrix));
        assert_exact_correlation(&r.matrix);
        // Symmetrising first means both triangles lead to the same answer.
        assert_abs_diff_eq!(r.matrix, repair(&c.transpose()).matrix, epsilon = 1e-10);
    }

    #[test]
    fn factor_reproduces_positive_definite_matrix() {
        let c = mat(3, &[1.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.0]);
        let a = factor(&c);
        assert_eq!(a, a.lower_triangle(), "PD should give Cholesky factor");
        assert_factor_reproduces(&c);
    }

    #[test]
    fn factor_reproduces_singular_psd_matrices() {
        assert_factor_reproduces(&DMatrix::from_element(3, 3, 1.0));
        let repaired = repair(&mat(3, &[1.0, 0.9, 0.0, 0.9, 1.0, 0.8, 0.0, 0.8, 1.0]));
        assert_factor_reproduces(&repaired.matrix);
        assert_factor_reproduces(&mat(2, &[1.0, -1.0, -1.0, 1.0]));
    }

    #[test]
    fn random_matrix_repair_is_psd_fixed_point() {
        let n = 8;
        let mut rng = ChaCha8Rng::seed_from_u64(20_240_917);
        let mut c = DMatrix::<f64>::identity(n, n);
        for i in 0..n {
            for j in (i + 1)..n {
                let v = rng.random_range(-1.0..=1.0);
                c[(i, j)] = v;
                c[(j, i)] = v;
            }
        }
        assert!(!is_psd(&c), "fixture should need repair");

        let first = repair(&c);
        assert!(!first.was_psd);
        assert!(is_psd(&first.matrix));
        assert_exact_correlation(&first.matrix);
        assert_factor_reproduces(&first.matrix);

        let second = repair(&first.matrix);
        assert_abs_diff_eq!(second.matrix, first.matrix, epsilon = 1e-8);
    }
}
