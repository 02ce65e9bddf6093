import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The reference for the java cataloger's tests, built on the JDK's own readers:
 * java.util.zip.ZipInputStream, java.util.Properties.load and java.util.jar.Manifest.
 *
 *   java JarReference.java ARCHIVE...        POM lines for every pom.properties with groupId,
 *                                            artifactId and version, in every nested archive
 *   java JarReference.java --manifest FILE...  MF lines: the main attributes of each manifest
 *   java JarReference.java --properties FILE... PROP lines: every key and value, URL-encoded
 *
 * Output is tab-separated: POM, file, inner path (nested archives joined with '!'), groupId,
 * artifactId, version; or MF, file, lower-case attribute name, value.
 */
public class JarReference {
    private static final String NESTED = "(?i).*\\.(jar|war|ear|jpi|hpi|par|sar)$";

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 && args[0].startsWith("--") ? args[0] : "";
        for (int i = mode.isEmpty() ? 0 : 1; i < args.length; i++) {
            byte[] bytes = Files.readAllBytes(Path.of(args[i]));
            if (mode.equals("--manifest")) {
                printManifest(args[i], bytes);
            } else if (mode.equals("--properties")) {
                Properties properties = new Properties();
                properties.load(new ByteArrayInputStream(bytes));
                for (String key : properties.stringPropertyNames()) {
                    System.out.println("PROP\t" + args[i] + "\t" + encode(key) + "\t" + encode(properties.getProperty(key)));
                }
            } else {
                walk(args[i], bytes, "", 0);
            }
        }
    }

    private static void printManifest(String file, byte[] bytes) throws IOException {
        Manifest manifest = new Manifest(new ByteArrayInputStream(bytes));
        for (Map.Entry<Object, Object> attribute : manifest.getMainAttributes().entrySet()) {
            System.out.println("MF\t" + file + "\t" + attribute.getKey().toString().toLowerCase() + "\t" + attribute.getValue());
        }
    }

    private static void walk(String file, byte[] bytes, String inner, int depth) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                byte[] data = zip.readAllBytes();
                if (name.equals("pom.properties") || name.endsWith("/pom.properties")) {
                    Properties properties = new Properties();
                    properties.load(new ByteArrayInputStream(data));
                    String groupId = trimmed(properties.getProperty("groupId"));
                    String artifactId = trimmed(properties.getProperty("artifactId"));
                    String version = trimmed(properties.getProperty("version"));
                    if (groupId != null && artifactId != null && version != null) {
                        System.out.println("POM\t" + file + "\t" + inner + "\t" + groupId + "\t" + artifactId + "\t" + version);
                    }
                } else if (name.matches(NESTED) && depth < 16) {
                    walk(file, data, inner.isEmpty() ? name : inner + "!" + name, depth + 1);
                }
            }
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String trimmed(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }
}
