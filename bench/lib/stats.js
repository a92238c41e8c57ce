'use strict';
// Distribution-free confidence interval for a median, from order statistics (the sign-test interval): no
// assumption about the shape of the noise, which on a shared machine is anything but normal.

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomCdfHalf(k, n) {
  let term = 2 ** -n; // C(n, 0) / 2^n
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * [lo, hi] bracketing the population median with confidence >= `level` (default 0.95): the k-th smallest and
 * k-th largest sample, k the largest index with P(Binomial(n, 1/2) < k) <= (1 - level) / 2. Returns
 * { lo, hi, confidence } with the exact coverage, or null when n is too small for that level (n < 6 at 95%).
 */
function medianCI(xs, level = 0.95) {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  const n = s.length;
  const tail = (1 - level) / 2;
  let k = 0; // 1-based order statistic; 0 = none qualifies
  while (k + 1 <= n / 2 && binomCdfHalf(k, n) <= tail) k++;
  if (k === 0) return null;
  return { lo: s[k - 1], hi: s[n - k], confidence: 1 - 2 * binomCdfHalf(k - 1, n) };
}

module.exports = { medianCI };
