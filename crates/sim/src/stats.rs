//! Summary statistics for the metrics: correlation, Gini, Nakamoto coefficient, medians.
//!
//! All functions take plain slices and return `None` where the statistic is undefined
//! (empty input, zero variance, zero total), so a report never shows a made-up number.

/// Pearson correlation of `x` and `y` (same length), or `None` if either is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || y.len() != n {
        return None;
    }
    let nf = n as f64;
    let mx = x.iter().sum::<f64>() / nf;
    let my = y.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(sxy / (sxx.sqrt() * syy.sqrt()))
}

/// Ranks with ties averaged (1-based), in input order.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            out[k] = avg;
        }
        i = j + 1;
    }
    out
}

/// Spearman rank correlation (Pearson on tie-averaged ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() {
        return None;
    }
    pearson(&ranks(x), &ranks(y))
}

/// Gini coefficient of non-negative amounts (0 = equal, → 1 = one holder has all).
pub fn gini(values: &[f64]) -> Option<f64> {
    let n = values.len();
    let total: f64 = values.iter().sum();
    if n == 0 || total <= 0.0 {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    // G = Σ (2i − n − 1) x_i / (n Σ x), i = 1..n over sorted values.
    let nf = n as f64;
    let weighted: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - nf - 1.0) * x)
        .sum();
    Some(weighted / (nf * total))
}

/// Nakamoto coefficient: the fewest holders whose amounts together exceed `threshold` of the
/// total (0.5 for a majority).
pub fn nakamoto(values: &[f64], threshold: f64) -> Option<usize> {
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    let mut acc = 0.0;
    for (i, x) in v.iter().enumerate() {
        acc += x;
        if acc > threshold * total {
            return Some(i + 1);
        }
    }
    Some(v.len())
}

/// Median (mean of the middle two for even lengths).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// Mean of the defined values, `None` if there are none.
pub fn mean_defined(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0u32);
    for v in values.flatten() {
        if v.is_finite() {
            sum += v;
            n += 1;
        }
    }
    (n > 0).then(|| sum / f64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlations() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&x, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&x, &[1.0; 4]), None);
        // Monotone but not linear: Spearman is exactly 1.
        assert!((spearman(&x, &[1.0, 10.0, 100.0, 1000.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
    }

    #[test]
    fn concentration() {
        assert_eq!(gini(&[1.0, 1.0, 1.0]), Some(0.0));
        let g = gini(&[0.0, 0.0, 0.0, 1.0]).unwrap();
        assert!((g - 0.75).abs() < 1e-12, "{g}");
        assert_eq!(gini(&[]), None);
        assert_eq!(nakamoto(&[1.0, 1.0, 1.0, 1.0], 0.5), Some(3));
        assert_eq!(nakamoto(&[5.0, 1.0, 1.0], 0.5), Some(1));
        assert_eq!(nakamoto(&[0.0], 0.5), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(
            mean_defined([Some(1.0), None, Some(3.0)].into_iter()),
            Some(2.0)
        );
    }
}
