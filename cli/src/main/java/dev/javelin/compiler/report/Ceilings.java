package dev.javelin.compiler.report;

/**
 * The machine's ceilings, measured in the same run as the kernels they bound: the bandwidth of a
 * plain copy (bytes read plus bytes written per second) and the rate of the best available matrix
 * product.
 *
 * @param copyGbps copy bandwidth in GB/s, read and write bytes both counted
 * @param gemmGflops the matrix product's rate in GFLOP/s
 * @param how how both were measured, in words, for the reader
 */
public record Ceilings(double copyGbps, double gemmGflops, String how) {
    /** The attainable rate of a kernel with {@code intensity} FLOPs per byte: the roofline. */
    public double roof(double intensity) {
        return Math.min(gemmGflops, intensity * copyGbps);
    }

    /** The intensity where the bandwidth slope meets the compute peak. */
    public double ridge() {
        return gemmGflops / copyGbps;
    }

    /**
     * How close {@code k} came to its roof, as a fraction: its GFLOP/s against the roof at its
     * intensity, or (a kernel without FLOPs) its GB/s against the copy bandwidth; NaN for a kernel
     * that moves no bytes.
     */
    public double ofRoof(BenchRun.KernelTime k) {
        if (k.bytes() == 0) {
            return Double.NaN;
        }
        return k.flops() == 0 ? k.gbps() / copyGbps : k.gflops() / roof(k.intensity());
    }
}
