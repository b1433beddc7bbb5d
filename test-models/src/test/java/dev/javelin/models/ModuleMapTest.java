package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md's module map and README.md's module table match the poms: the same modules,
 * and each module's entry names every Javelin module its pom depends on outside test scope.
 */
class ModuleMapTest {
    private static final Path ROOT = Path.of("..");

    /** The root pom's modules, its profiles' included. */
    static List<String> modules() throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The module map of docs/ARCHITECTURE.md: each module's entry, continuation lines joined. */
    static Map<String, String> entries() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/ARCHITECTURE.md"));
        String section = doc.substring(doc.indexOf("## Modules and packages"));
        int open = section.indexOf("```") + 3;
        String block = section.substring(open, section.indexOf("```", open));
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        for (String line : block.split("\n")) {
            if (line.matches("[a-z].*")) {
                current = line.split("\\s+")[0];
                out.put(current, line);
            } else if (current != null) {
                out.put(current, out.get(current) + " " + line.strip());
            }
        }
        return out;
    }

    /** The Javelin modules {@code module}'s pom depends on, outside test scope and test jars. */
    static List<String> javelinDependencies(String module) throws IOException {
        String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
        pom = pom.replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
        List<String> out = new ArrayList<>();
        Matcher d = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(pom);
        while (d.find()) {
            String dep = d.group(1);
            Matcher a =
                    Pattern.compile("<artifactId>javelin-([^<]+)</artifactId>").matcher(dep);
            if (dep.contains("<groupId>dev.javelin</groupId>")
                    && !dep.contains("<scope>test</scope>")
                    && !dep.contains("<type>test-jar</type>")
                    && a.find()) {
                out.add(a.group(1));
            }
        }
        return out;
    }

    @Test
    void theArchitectureMapAndTheReadmeTableListThePomsModules() throws IOException {
        TreeSet<String> poms = new TreeSet<>(modules());
        assertEquals(poms, new TreeSet<>(entries().keySet()), "docs/ARCHITECTURE.md's module map against the poms");
        TreeSet<String> readme = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(Files.readString(ROOT.resolve("README.md")));
        while (row.find()) {
            readme.add(row.group(1));
        }
        assertEquals(poms, readme, "README.md's module table against the poms");
    }

    @Test
    void everyModulesEntryNamesTheJavelinModulesItDependsOn() throws IOException {
        Map<String, String> entries = entries();
        List<String> problems = new ArrayList<>();
        for (String module : modules()) {
            String text = entries.getOrDefault(module, "");
            for (String dep : javelinDependencies(module)) {
                boolean named = Pattern.compile("(?<![\\w-])" + Pattern.quote(dep) + "(?![\\w-])")
                        .matcher(text)
                        .find();
                if (!named && !text.contains("every module above")) {
                    problems.add(module + " depends on " + dep + " (its pom), which its entry does not name");
                }
            }
        }
        assertTrue(problems.isEmpty(), "docs/ARCHITECTURE.md: " + String.join("; ", problems));
    }
}
