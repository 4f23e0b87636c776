package io.github.jipc.bench.xproc;

import java.util.Arrays;
import java.util.List;

/** Median and spread of a few values (one per round). */
record Stats(double median, double min, double max) {
    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Stats(median, v[0], v[n - 1]);
    }

    /** "12.3 [11.0–14.2]" with the given format for each number; just the number when there is one round. */
    String format(String number) {
        String m = String.format(java.util.Locale.ROOT, number, median);
        if (min == max) {
            return m;
        }
        return m + " [" + String.format(java.util.Locale.ROOT, number, min) + "–" + String.format(java.util.Locale.ROOT, number, max) + "]";
    }
}
