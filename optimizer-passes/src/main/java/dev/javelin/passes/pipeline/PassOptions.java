package dev.javelin.passes.pipeline;

import dev.javelin.ir.op.Layout;
import dev.javelin.passes.fuse.FusionVeto;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * How the pass manager runs a pipeline. A plain record passed in; {@code javelin compile} maps its
 * flags ({@code --dump-ir DIR}, {@code --time-passes}, {@code --no-fusion}, {@code --disable PASS},
 * {@code --conv-layout}) onto it.
 *
 * @param verify run the verifier on the input and after every pass; a failure names the pass
 * @param dumpDir if present, write the input as {@code 000-input.ir} and the graph after pass
 *     number {@code k} (1-based position in the pipeline) as {@code 00k-<name>.ir}
 * @param timePasses measure each pass's wall time and show it in the report
 * @param disabled names of passes to skip; a name the pipeline does not know is an error
 * @param convLayout the backend's preferred layout for convolution and pooling ({@code
 *     conv-layout}); empty keeps the graph's
 * @param fusionVeto the target's say over which merges fusion makes ({@code --target}); the java
 *     target's by default
 */
public record PassOptions(
        boolean verify,
        Optional<Path> dumpDir,
        boolean timePasses,
        Set<String> disabled,
        Optional<Layout> convLayout,
        FusionVeto fusionVeto) {
    public PassOptions {
        dumpDir = dumpDir == null ? Optional.empty() : dumpDir;
        disabled = Set.copyOf(disabled);
        convLayout = convLayout == null ? Optional.empty() : convLayout;
        fusionVeto = fusionVeto == null ? FusionVeto.forTarget("java") : fusionVeto;
    }

    /** Options with the java target's fusion veto. */
    public PassOptions(
            boolean verify,
            Optional<Path> dumpDir,
            boolean timePasses,
            Set<String> disabled,
            Optional<Layout> convLayout) {
        this(verify, dumpDir, timePasses, disabled, convLayout, null);
    }

    /** Options without a layout preference. */
    public PassOptions(boolean verify, Optional<Path> dumpDir, boolean timePasses, Set<String> disabled) {
        this(verify, dumpDir, timePasses, disabled, Optional.empty());
    }

    /** Production defaults: no verification, no dumps, no timing, every pass on. */
    public static PassOptions defaults() {
        return new PassOptions(false, Optional.empty(), false, Set.of());
    }

    /** What tests use: verification after every pass, nothing else. */
    public static PassOptions verifying() {
        return new PassOptions(true, Optional.empty(), false, Set.of());
    }

    public PassOptions withVerify(boolean on) {
        return new PassOptions(on, dumpDir, timePasses, disabled, convLayout, fusionVeto);
    }

    public PassOptions withDumpDir(Path dir) {
        return new PassOptions(verify, Optional.of(dir), timePasses, disabled, convLayout, fusionVeto);
    }

    public PassOptions withTimePasses(boolean on) {
        return new PassOptions(verify, dumpDir, on, disabled, convLayout, fusionVeto);
    }

    public PassOptions withDisabled(String... names) {
        return new PassOptions(verify, dumpDir, timePasses, Set.of(names), convLayout, fusionVeto);
    }

    public PassOptions withConvLayout(Layout layout) {
        return new PassOptions(verify, dumpDir, timePasses, disabled, Optional.of(layout), fusionVeto);
    }

    public PassOptions withFusionVeto(FusionVeto veto) {
        return new PassOptions(verify, dumpDir, timePasses, disabled, convLayout, veto);
    }
}
