//! The learning rules that turn stored patterns into weights.
//!
//! All three give a symmetric N×N matrix with a zero diagonal (w_ii = 0) and use the same
//! scale, 1/N with N the number of neurons (Hopfield's convention; the project's source text
//! divides the Hebbian sum by the number of patterns instead). With zero thresholds a neuron
//! takes the sign of its local field h_i = Σ_j w_ij s_j, and sign(c·h) = sign(h) for any
//! c > 0, so neither factor changes the deterministic dynamics or the fixed points; it only
//! scales the energy. We pick 1/N because then a stored pattern's energy is about −N/2 whatever
//! the number of patterns, the three rules agree on orthogonal patterns, and the temperature of
//! the stochastic dynamics and the gain of the continuous dynamics keep one meaning as patterns
//! are added (both *are* relative to the weights' scale).

use nalgebra::{DMatrix, SymmetricEigen};

/// How patterns become weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LearningRule {
    /// w_ij = (1/N) Σ_μ x_i^μ x_j^μ for i ≠ j (Hebb 1949, as used by Hopfield 1982).
    Hebb,
    /// Storkey's incremental rule (Storkey 1997), local and incremental like Hebb's but with a
    /// higher capacity (about N/√(2 ln N) patterns).
    Storkey,
    /// The projection rule W = X (XᵀX)⁻¹ Xᵀ (Personnaz, Guyon & Dreyfus 1985): any linearly
    /// independent set of up to N patterns becomes fixed points.
    PseudoInverse,
}

impl LearningRule {
    /// Every rule, in the order the UI lists them.
    pub const ALL: [LearningRule; 3] = [
        LearningRule::Hebb,
        LearningRule::Storkey,
        LearningRule::PseudoInverse,
    ];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            LearningRule::Hebb => "Hebbian",
            LearningRule::Storkey => "Storkey",
            LearningRule::PseudoInverse => "Pseudo-inverse (projection)",
        }
    }

    /// The command-line name: `hebb`, `storkey` or `pseudo-inverse`.
    pub fn id(self) -> &'static str {
        match self {
            LearningRule::Hebb => "hebb",
            LearningRule::Storkey => "storkey",
            LearningRule::PseudoInverse => "pseudo-inverse",
        }
    }

    /// The rule for a command-line name ([`LearningRule::id`]; also `hebbian`, `projection`
    /// and `pinv`), ignoring case.
    pub fn parse(text: &str) -> Option<LearningRule> {
        match text.to_ascii_lowercase().as_str() {
            "hebb" | "hebbian" => Some(LearningRule::Hebb),
            "storkey" => Some(LearningRule::Storkey),
            "pseudo-inverse" | "pseudoinverse" | "projection" | "pinv" => {
                Some(LearningRule::PseudoInverse)
            }
            _ => None,
        }
    }

    /// The rule as a formula, for the UI (x^μ is stored pattern μ, N the number of neurons).
    pub fn formula(self) -> &'static str {
        match self {
            LearningRule::Hebb => "w_ij = (1/N) Σ_μ x_i^μ x_j^μ  (i ≠ j),  w_ii = 0",
            LearningRule::Storkey => {
                "Δw_ij = (1/N) (x_i x_j − x_i h_ji − h_ij x_j),  h_ij = Σ_{k≠i,j} w_ik x_k,  \
                 w_ii = 0"
            }
            LearningRule::PseudoInverse => {
                "W = X (X^T X)⁻¹ X^T  (X: N×P, one pattern per column),  then w_ii = 0"
            }
        }
    }

    /// Where the rule comes from.
    pub fn source(self) -> &'static str {
        match self {
            LearningRule::Hebb => {
                "D. O. Hebb, The Organization of Behavior (1949); J. J. Hopfield, PNAS 79 (1982)"
            }
            LearningRule::Storkey => {
                "A. Storkey, Increasing the capacity of a Hopfield network without sacrificing \
                 functionality, ICANN 1997"
            }
            LearningRule::PseudoInverse => {
                "L. Personnaz, I. Guyon and G. Dreyfus, J. Physique Lettres 46 (1985)"
            }
        }
    }
}

/// Adds pattern `x` to `weights` (N×N row-major) by the Hebbian rule:
/// w_ij += x_i x_j / N for i ≠ j.
pub(crate) fn hebb_add(weights: &mut [f64], x: &[i8]) {
    let n = x.len();
    let scale = 1.0 / n as f64;
    for (i, row) in weights.chunks_exact_mut(n).enumerate() {
        let xi = f64::from(x[i]) * scale;
        for (w, &xj) in row.iter_mut().zip(x) {
            *w += xi * f64::from(xj);
        }
        row[i] = 0.0;
    }
}

/// Adds pattern `x` by Storkey's rule (Storkey 1997, eq. for w^ν in terms of w^(ν−1)):
/// Δw_ij = (x_i x_j − x_i h_ji − h_ij x_j) / N with h_ij = Σ_{k≠i,j} w_ik x_k computed from the
/// weights before this pattern. With w_ii = 0, h_ij = h_i − w_ij x_j where h = W x.
/// `field` is scratch space of length N.
pub(crate) fn storkey_add(weights: &mut [f64], x: &[i8], field: &mut Vec<f64>) {
    let n = x.len();
    let scale = 1.0 / n as f64;
    field.clear();
    field.extend(weights.chunks_exact(n).map(|row| {
        row.iter()
            .zip(x)
            .map(|(w, &s)| w * f64::from(s))
            .sum::<f64>()
    }));
    for i in 0..n {
        let xi = f64::from(x[i]);
        for j in (i + 1)..n {
            let xj = f64::from(x[j]);
            let w = weights[i * n + j];
            let h_ij = field[i] - w * xj;
            let h_ji = field[j] - w * xi;
            let delta = (xi * xj - xi * h_ji - h_ij * xj) * scale;
            weights[i * n + j] += delta;
            weights[j * n + i] += delta;
        }
    }
}

/// The projection weights of `patterns` (each of length N): W = X G⁺ Xᵀ with X the N×P matrix
/// of patterns as columns and G⁺ the pseudo-inverse of the Gram matrix G = XᵀX (eigenvalues
/// below 1e-9·N·P count as zero, so linearly dependent patterns add nothing), then w_ii = 0.
/// W s = s for every s in the span of the patterns before the diagonal is removed; after it,
/// h_i = (1 − p_ii) x_i for a stored x, with 0 ≤ p_ii ≤ 1, so stored patterns stay fixed
/// points (the zero-diagonal variant of Kanter & Sompolinsky 1987).
pub(crate) fn pseudo_inverse_weights(n: usize, patterns: &[&[i8]]) -> Vec<f64> {
    let p = patterns.len();
    if p == 0 {
        return vec![0.0; n * n];
    }
    let x = DMatrix::<f64>::from_fn(n, p, |i, mu| f64::from(patterns[mu][i]));
    let gram = x.transpose() * &x;
    let eigen = SymmetricEigen::new(gram);
    let cutoff = 1e-9 * (n * p) as f64;
    let kept: Vec<usize> = (0..p).filter(|&k| eigen.eigenvalues[k] > cutoff).collect();
    // B = X Q Λ^(−1/2) over the kept eigenvectors; W = B Bᵀ.
    let mut basis = DMatrix::<f64>::zeros(n, kept.len());
    for (col, &k) in kept.iter().enumerate() {
        let scale = 1.0 / eigen.eigenvalues[k].sqrt();
        let v = &x * eigen.eigenvectors.column(k);
        basis.set_column(col, &(v * scale));
    }
    let w = &basis * basis.transpose();
    let mut weights = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            // Average the two triangles so W is symmetric to the last bit.
            weights[i * n + j] = if i == j {
                0.0
            } else {
                0.5 * (w[(i, j)] + w[(j, i)])
            };
        }
    }
    weights
}
