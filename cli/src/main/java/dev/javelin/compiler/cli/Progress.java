package dev.javelin.compiler.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long run: a bar redrawn in place on a terminal, or a plain line every so often
 * when the output is a file or a pipe (logs stay readable).
 */
final class Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final long start = System.nanoTime();
    private long lastLine = -1;

    Progress(PrintWriter out, boolean terminal, long total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    void update(long done, String status) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (terminal) {
            int width = 30;
            int filled = total == 0 ? width : (int) (width * done / total);
            out.printf(
                    Locale.ROOT,
                    "\r[%s%s] %d/%d %s  %.1fs ",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    done,
                    total,
                    status,
                    seconds);
            out.flush();
            if (done == total) {
                out.println();
            }
        } else {
            long every = Math.max(1, total / 20);
            if (done == total || done / every != lastLine) {
                lastLine = done / every;
                out.printf(Locale.ROOT, "step %d/%d %s (%.1fs)%n", done, total, status, seconds);
                out.flush();
            }
        }
    }
}
