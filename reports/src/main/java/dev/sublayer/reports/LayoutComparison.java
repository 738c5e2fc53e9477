package dev.sublayer.reports;

/**
 * One named layout against the study's reference layout (the one named {@code interleaved}) on mean validation
 * bits/byte over seeds, with Welch's two-sample t-test: the at-a-glance answer of a comparison study such as
 * {@code studies/ffn-stacking.yaml}, where "is it better?" only means something next to seed noise.
 *
 * @param layout     the layout's name
 * @param n          its seeds
 * @param difference its mean minus the reference's mean (negative = better than the reference)
 * @param se         standard error of the difference, {@code sqrt(s1²/n1 + s2²/n2)}
 * @param t          {@code difference / se}
 * @param df         Welch–Satterthwaite degrees of freedom
 * @param p          two-sided p-value of the t-test
 * @param outcome    the reading at the 5% level
 */
record LayoutComparison(String layout, int n, double difference, double se, double t, double df, double p,
        Outcome outcome) {

    /** The significance level of {@link Outcome}. */
    static final double ALPHA = 0.05;

    /** What the test says. */
    enum Outcome {
        /** Significantly lower bits/byte than the reference. */
        BETTER,
        /** Significantly higher bits/byte than the reference. */
        WORSE,
        /** Not significant at {@link #ALPHA}: within seed noise. */
        WITHIN_NOISE;

        /** The words the report shows. */
        String words() {
            return switch (this) {
                case BETTER -> "better";
                case WORSE -> "worse";
                case WITHIN_NOISE -> "within seed noise";
            };
        }
    }

    /**
     * Welch's test of {@code (mean, std, n)} against the reference's; {@code null} unless both have two or more
     * seeds and a finite, non-zero pooled standard error.
     */
    static LayoutComparison of(String layout, double mean, double std, int n, double refMean, double refStd,
            int refN) {
        if (n < 2 || refN < 2 || !Double.isFinite(std) || !Double.isFinite(refStd)) {
            return null;
        }
        double a = std * std / n;
        double b = refStd * refStd / refN;
        double se = Math.sqrt(a + b);
        if (!(se > 0)) {
            return null;
        }
        double diff = mean - refMean;
        double t = diff / se;
        double df = (a + b) * (a + b) / (a * a / (n - 1) + b * b / (refN - 1));
        double p = twoSidedP(t, df);
        Outcome o = p >= ALPHA ? Outcome.WITHIN_NOISE : diff < 0 ? Outcome.BETTER : Outcome.WORSE;
        return new LayoutComparison(layout, n, diff, se, t, df, p, o);
    }

    /** Two-sided p-value of Student's t with {@code df} degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
    static double twoSidedP(double t, double df) {
        double x = df / (df + t * t);
        return Math.min(1, Math.max(0, regularizedBeta(x, df / 2, 0.5)));
    }

    /** The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        // The fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - Math.exp(lnFront) * fraction(1 - x, b, a) / b;
        }
        return Math.exp(lnFront) * fraction(x, a, b) / a;
    }

    private static double fraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            // even step
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            // odd step
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-14) {
                break;
            }
        }
        return h;
    }

    /** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms). */
    static double lnGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.length; i++) {
            sum += c[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
