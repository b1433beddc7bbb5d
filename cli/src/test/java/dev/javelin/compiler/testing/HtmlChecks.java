package dev.javelin.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks of the HTML reports: well-formed (parsed as XML), self-contained (nothing fetched from
 * anywhere), the sections present, and rendered by headless Chromium into a screenshot that is
 * not blank, where Chromium is installed.
 */
public final class HtmlChecks {
    private static final Pattern ADDRESS = Pattern.compile("(?i)(https?:|ftp:|file:)?//[^\\s\"'<>)]*");
    private static final Pattern NAMESPACE = Pattern.compile("xmlns(:\\w+)?=\"[^\"]*\"");

    private HtmlChecks() {}

    /** The page parsed as XML: a parse error fails the test with its line and column. */
    public static Document parse(String html) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (org.xml.sax.SAXParseException e) {
            return fail("the report is not well-formed at line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                    + ": " + e.getMessage());
        } catch (Exception e) {
            return fail("cannot parse the report: " + e);
        }
    }

    /**
     * Nothing in the page points outside it: no script, style sheet or frame elements; every {@code
     * src} is {@code data:} and every {@code href} an anchor in the page; no address anywhere but in
     * namespace declarations (which name, never fetch).
     */
    public static void selfContained(String html, Document doc) {
        for (String tag : List.of("script", "link", "iframe", "object", "embed")) {
            assertEquals(0, doc.getElementsByTagNameNS("*", tag).getLength(), "the report has a <" + tag + ">");
        }
        NodeList all = doc.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            String src = e.getAttribute("src");
            assertTrue(src.isEmpty() || src.startsWith("data:"), "<" + e.getTagName() + " src=" + abbreviate(src));
            String href = e.getAttribute("href");
            assertTrue(href.isEmpty() || href.startsWith("#"), "<" + e.getTagName() + " href=" + href);
        }
        Matcher m = ADDRESS.matcher(NAMESPACE.matcher(html).replaceAll(""));
        List<String> found = new ArrayList<>();
        while (m.find()) {
            if (m.group(1) != null) {
                found.add(m.group());
            }
        }
        assertTrue(found.isEmpty(), "the report names outside addresses: " + found);
        assertFalse(html.contains("@import"), "the report imports a style sheet");
    }

    /** The ids of the page's {@code <section>} elements. */
    public static Set<String> sections(Document doc) {
        Set<String> ids = new HashSet<>();
        NodeList s = doc.getElementsByTagNameNS("*", "section");
        for (int i = 0; i < s.getLength(); i++) {
            ids.add(((Element) s.item(i)).getAttribute("id"));
        }
        return ids;
    }

    /** Debian's Chromium (or another on PATH), if this machine has one. */
    public static Optional<Path> chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The page rendered by headless Chromium at {@code width} x {@code height}, without network
     * (the flags keep it from calling home), read back as an image.
     */
    public static BufferedImage screenshot(Path chromium, Path page, Path png, int width, int height)
            throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(png.getParent(), "chromium-profile");
        Process p = new ProcessBuilder(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile,
                        "--window-size=" + width + "," + height,
                        "--screenshot=" + png,
                        page.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(png.resolveSibling("chromium.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("Chromium did not finish the screenshot in 120 s; log: "
                    + Files.readString(png.resolveSibling("chromium.log")));
        }
        assertTrue(
                Files.exists(png),
                "Chromium wrote no screenshot (exit " + p.exitValue() + "): "
                        + Files.readString(png.resolveSibling("chromium.log")));
        return ImageIO.read(png.toFile());
    }

    /** At least {@code minInk} of the pixels are not white and the picture has many colours (charts, text). */
    public static void notBlank(BufferedImage img, double minInk) {
        long ink = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) {
                    ink++;
                }
            }
        }
        double share = ink / ((img.getHeight() / 2.0) * (img.getWidth() / 2.0));
        assertTrue(share >= minInk, "the screenshot is nearly blank: " + share + " of the pixels are not white");
        assertTrue(colours.size() > 50, "the screenshot has only " + colours.size() + " colours");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
