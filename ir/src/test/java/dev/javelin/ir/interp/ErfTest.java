package dev.javelin.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class ErfTest {

    /** Relative error of {@code got} against an exact decimal reference. */
    private static double relativeError(double got, String reference) {
        BigDecimal ref = new BigDecimal(reference);
        return new BigDecimal(got)
                .subtract(ref)
                .abs()
                .divide(ref.abs(), MathContext.DECIMAL64)
                .doubleValue();
    }

    private static void assertErf(String reference, double x) {
        double got = Erf.erf(x);
        double rel = relativeError(got, reference);
        assertTrue(
                rel < 1e-15, "erf(" + x + ") = " + got + ", expected " + reference + " (relative error " + rel + ")");
    }

    @Test
    void knownValues() {
        assertErf("0.5204998778130465", 0.5);
        assertErf("0.8427007929497149", 1);
        assertErf("0.9953222650189527", 2);
        assertErf("-0.9999779095030014", -3);
        assertErf("1.1283791670955126e-10", 1e-10);
        assertEquals(1.0, Erf.erf(6));
        assertEquals(-1.0, Erf.erf(-6));
    }

    /**
     * erf of the double nearest each decimal, computed to 30 digits (mpmath at 40 digits), across
     * every branch and both sides of each branch boundary (0.46875, 4, 6).
     */
    @Test
    void matchesThirtyDigitReferences() {
        String[][] table = {
            {"1e-300", "1.1283791670955126021723160763e-300"},
            {"1e-08", "0.0000000112837916709551255989210176294"},
            {"0.1", "0.112462916018284898404712251014"},
            {"0.25", "0.276326390168236932985068267765"},
            {"0.46875", "0.492613473217937991588176101935"},
            {"0.4687500000000001", "0.492613473217938092151415701453"},
            {"0.75", "0.711155633653515131598937834591"},
            {"1.5", "0.966105146475310727066976261646"},
            {"1.9999", "0.995320197907029391692092902482"},
            {"2.5", "0.99959304798255504106043578426"},
            {"3.3", "0.999996942290203561834801237332"},
            {"3.9999999", "0.99999998458272940148025076778"},
            {"4.0000001", "0.999999984582754797949609331641"},
            {"4.5", "0.999999999803383955845711252372"},
            {"5.5", "0.999999999999992642152082025602"},
            {"5.99", "0.999999999999999975699544872679"},
        };
        for (String[] row : table) {
            double x = Double.parseDouble(row[0]);
            assertErf(row[1], x);
            assertErf("-" + row[1], -x); // erf is odd
        }
    }

    @Test
    void specialValues() {
        assertEquals(0.0, Erf.erf(0.0));
        assertEquals(-0.0, Erf.erf(-0.0));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, Erf.erf(1e300));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(Double.MIN_VALUE * 1.1283791670955126, Erf.erf(Double.MIN_VALUE), Double.MIN_VALUE);
    }

    @Test
    void isMonotoneAcrossBranchBoundaries() {
        for (double b : new double[] {0.46875, 4, 6}) {
            double below = Math.nextDown(b);
            double above = Math.nextUp(b);
            assertTrue(Erf.erf(below) <= Erf.erf(b) && Erf.erf(b) <= Erf.erf(above), "around " + b);
        }
    }
}
