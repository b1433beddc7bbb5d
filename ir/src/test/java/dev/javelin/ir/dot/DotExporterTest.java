package dev.javelin.ir.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.text.Parser;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotExporterTest {
    static final Graph G = Parser.parse("""
            graph step {
              %x = input : f32[batch,2]
              %w = parameter : f32[2,1]
              %y = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,1]
              %c = constant {values=[0.5]} : f32[]
              %w2 = mul(%w, %c) : f32[2,1]
              %u = assign(%w, %w2) : f32[2,1]
              output y = %y
            }
            """);

    @Test
    void golden() {
        assertEquals("""
                digraph "step" {
                  rankdir=TB;
                  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];
                  edge [color="#555555", arrowsize=0.6];
                  "%x" [label="%x = input\\nf32[batch,2]", shape=box, fillcolor="#dbe9f6"];
                  "%w" [label="%w = parameter\\nf32[2,1]", shape=box, fillcolor="#e2f0d9"];
                  "%y" [label="%y = matmul\\n{transpose_a=false, transpose_b=false}\\nf32[batch,1]"];
                  "%c" [label="%c = constant\\n{values=[0.5]}\\nf32[]", fillcolor="#eeeeee"];
                  "%w2" [label="%w2 = mul\\nf32[2,1]"];
                  "%u" [label="%u = assign\\nf32[2,1]", fillcolor="#f8d7da"];
                  "%x" -> "%y" [headlabel="0", labelfontsize=8];
                  "%w" -> "%y" [headlabel="1", labelfontsize=8];
                  "%w" -> "%w2" [headlabel="0", labelfontsize=8];
                  "%c" -> "%w2" [headlabel="1", labelfontsize=8];
                  "%w" -> "%u" [headlabel="0", labelfontsize=8];
                  "%w2" -> "%u" [headlabel="1", labelfontsize=8];
                  "%u" -> "%w" [style=dashed, color="#b03030", constraint=false, label="updates", fontsize=8];
                  "output:y" [label="output y", shape=oval, fillcolor="#fff2cc"];
                  "%y" -> "output:y";
                }
                """, DotExporter.toDot(G));
    }

    @Test
    void escapesQuotesBackslashesAndNewlines() {
        assertEquals("\"a\\\"b\\\\c\\nd\"", DotExporter.quote("a\"b\\c\nd"));
    }

    @Test
    void graphvizAcceptsIt(@TempDir Path tmp) throws Exception {
        File dot = findOnPath("dot");
        assumeTrue(dot != null, "Graphviz 'dot' is not installed; skipping the syntax check by Graphviz itself");
        Path in = tmp.resolve("g.dot");
        Files.writeString(in, DotExporter.toDot(G));
        Process p = new ProcessBuilder(dot.getPath(), "-Tsvg", in.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("<svg"), out);
    }

    private static File findOnPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, exe);
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }
}
