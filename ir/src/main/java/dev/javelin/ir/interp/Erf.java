package dev.javelin.ir.interp;

/**
 * The error function, which Java's Math lacks, by W. J. Cody's rational Chebyshev approximations
 * ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969; the
 * coefficients of his CALERF). Relative error below 1e-15 for every double; the tests check it
 * against values computed to 30 digits.
 *
 * <ul>
 *   <li>|x| <= 0.46875: {@code erf(x) = x * A(x^2) / B(x^2)};
 *   <li>0.46875 < |x| <= 4: {@code erf(x) = 1 - exp(-x^2) * C(x) / D(x)};
 *   <li>4 < |x| <= 6: {@code erf(x) = 1 - exp(-x^2) / x * (1/sqrt(pi) + z P(z) / Q(z))}, {@code z =
 *       1/x^2}, the asymptotic form;
 *   <li>|x| > 6: erfc(6) is 2e-17, below half an ulp of 1, so erf is exactly ±1.
 * </ul>
 *
 * Only erfc is computed above 0.46875, where it is small next to erf, so its rounding barely
 * reaches erf; erf is odd, so the sign is put back at the end.
 */
final class Erf {
    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
    private static final double[] A = {
        3.16112374387056560e00,
        1.13864154151050156e02,
        3.77485237685302021e02,
        3.20937758913846947e03,
        1.85777706184603153e-1
    };
    private static final double[] B = {
        2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03
    };
    private static final double[] C = {
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
        2.15311535474403846e-8
    };
    private static final double[] D = {
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03
    };
    private static final double[] P = {
        3.05326634961232344e-1,
        3.60344899949804439e-1,
        1.25781726111229246e-1,
        1.60837851487422766e-2,
        6.58749161529837803e-4,
        1.63153871373020978e-2
    };
    private static final double[] Q = {
        2.56852019228982242e00,
        1.87295284992346047e00,
        5.27905102951428412e-1,
        6.05183413124413191e-2,
        2.33520497626869185e-3
    };

    private Erf() {}

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        double r;
        if (y <= 0.46875) {
            r = y * ratio(A, B, y * y);
        } else if (y <= 4) {
            r = 1 - expMinusSquare(y) * ratio(C, D, y);
        } else if (y <= 6) {
            double z = 1 / (y * y);
            r = 1 - expMinusSquare(y) * (ONE_OVER_SQRT_PI - z * ratio(P, Q, z)) / y;
        } else {
            r = 1;
        }
        return Math.copySign(r, x); // keeps erf(-0.0) = -0.0
    }

    /**
     * {@code num(t) / den(t)} in Cody's layout: num has one more coefficient than den, whose leading
     * coefficient is 1; the last entry of num is its leading coefficient, the others run from the
     * second-highest power down to the constant term (both evaluated by Horner's rule).
     */
    private static double ratio(double[] num, double[] den, double t) {
        int n = den.length;
        double xnum = num[n] * t;
        double xden = t;
        for (int i = 0; i < n - 1; i++) {
            xnum = (xnum + num[i]) * t;
            xden = (xden + den[i]) * t;
        }
        return (xnum + num[n - 1]) / (xden + den[n - 1]);
    }

    /** exp(-x^2) with x^2 = hi + lo split exactly by a fused multiply-add: rounding x^2 would cost ulps. */
    private static double expMinusSquare(double x) {
        double hi = x * x;
        double lo = Math.fma(x, x, -hi);
        return Math.exp(-hi) * (1 - lo);
    }
}
