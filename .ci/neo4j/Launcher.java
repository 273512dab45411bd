// Starts an embedded Neo4j Community server with Bolt on 127.0.0.1, for tests.
//
// Run as a single-file source program against the classpath that pom.xml
// resolves (start.sh does all of this for you):
//
//   java -cp "$(cat classpath.txt)" Launcher.java --port 7687 --home /tmp/x \
//        [--user neo4j --password secret] [--watch-stdin]
//
// Options:
//   --port N         Bolt port on 127.0.0.1 (required)
//   --home DIR       throwaway folder for data and logs (required)
//   --user NAME      user to create when auth is on (default neo4j; env BUCKSTOP_NEO4J_USER)
//   --password PW    turns auth on with this password (default: auth off;
//                    env BUCKSTOP_NEO4J_PASSWORD, which keeps it out of `ps`)
//   --pagecache SIZE page cache size, e.g. 128m (default 128m)
//   --watch-stdin    also shut down when standard input is closed (for a parent
//                    process that holds a pipe to us and may die without notice)
//
// Prints exactly one line starting with "BUCKSTOP_NEO4J_READY " on stdout once
// Bolt accepts connections and the user (if any) exists; it carries the URI and
// the JVM's pid. Shuts down cleanly on
// SIGTERM / SIGINT (JVM shutdown hook) and, with --watch-stdin, on stdin EOF.
// Neo4j's own logs go to HOME/logs/.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;

public class Launcher {

    public static void main(String[] argv) throws Exception {
        Map<String, String> opt = parse(argv);
        int port = Integer.parseInt(require(opt, "port"));
        Path home = Path.of(require(opt, "home")).toAbsolutePath();
        String password = opt.get("password");
        String user = opt.getOrDefault("user", "neo4j");
        boolean auth = password != null && !password.isEmpty();
        long pageCache = parseSize(opt.getOrDefault("pagecache", "128m"));

        Files.createDirectories(home);
        long t0 = System.nanoTime();

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        // Tests start and stop the server often: skip Netty's graceful 5 s quiet
        // period (x2 event loops) on shutdown. These are internal settings, so
        // look them up by name and skip them if this Neo4j version lacks them.
        setIfPresent(builder, "org.neo4j.configuration.GraphDatabaseInternalSettings",
                "netty_server_shutdown_quiet_period", Duration.ZERO);
        setIfPresent(builder, "org.neo4j.configuration.GraphDatabaseInternalSettings",
                "netty_server_shutdown_timeout", Duration.ofSeconds(2));
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down");
            try {
                dbms.shutdown();
            } catch (Throwable e) {
                log("shutdown failed: " + e);
            }
            log("stopped");
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (auth) {
            var system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            Map<String, Object> params = new HashMap<>();
            params.put("user", user);
            params.put("password", password);
            if (user.equals("neo4j")) {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", params);
            } else {
                system.executeTransactionally(
                        "CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED",
                        params);
            }
        }

        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("BUCKSTOP_NEO4J_READY bolt://127.0.0.1:" + port
                + " neo4j=" + neo4jVersion() + " java=" + Runtime.version().feature()
                + " auth=" + (auth ? user : "off") + " pid=" + ProcessHandle.current().pid()
                + " started_in_ms=" + ms);
        System.out.flush();

        if (opt.containsKey("watch-stdin")) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // ignore input; only EOF matters
                    }
                } catch (IOException ignored) {
                    // treat as EOF
                }
                log("stdin closed");
                System.exit(0);
            }, "stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        stopped.await(); // the main thread just waits; the shutdown hook ends us
    }

    /** Sets a duration setting given either as a Duration or as whole seconds (its type
     *  differs between versions); does nothing if the field or a known type is missing. */
    @SuppressWarnings("unchecked")
    private static void setIfPresent(
            DatabaseManagementServiceBuilder builder, String className, String field, Duration value) {
        try {
            Setting<Object> setting = (Setting<Object>) Class.forName(className).getField(field).get(null);
            Object def = setting.defaultValue();
            if (def instanceof Duration) {
                builder.setConfig(setting, value);
            } else if (def instanceof Integer) {
                builder.setConfig(setting, (int) value.toSeconds());
            } else if (def instanceof Long) {
                builder.setConfig(setting, value.toSeconds());
            } else {
                log("note: setting " + field + " not applied (unexpected type)");
            }
        } catch (ReflectiveOperationException | ClassCastException e) {
            log("note: setting " + field + " not applied (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static void log(String msg) {
        System.err.println("[launcher] " + msg);
        System.err.flush();
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> opt = new HashMap<>();
        for (String key : new String[] {"user", "password"}) {
            String env = System.getenv("BUCKSTOP_NEO4J_" + key.toUpperCase());
            if (env != null && !env.isEmpty()) {
                opt.put(key, env);
            }
        }
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                fail("unexpected argument: " + a);
            }
            String key = a.substring(2);
            if (key.equals("watch-stdin")) {
                opt.put(key, "true");
            } else if (key.equals("help")) {
                System.out.println("usage: java -cp CP Launcher.java --port N --home DIR"
                        + " [--user U --password P] [--pagecache 128m] [--watch-stdin]");
                System.exit(0);
            } else if (i + 1 < argv.length) {
                opt.put(key, argv[++i]);
            } else {
                fail("missing value for " + a);
            }
        }
        return opt;
    }

    private static String require(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null || v.isEmpty()) {
            fail("--" + key + " is required");
        }
        return v;
    }

    private static long parseSize(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        if (t.endsWith("k")) {
            mult = ByteUnit.kibiBytes(1);
        } else if (t.endsWith("m")) {
            mult = ByteUnit.mebiBytes(1);
        } else if (t.endsWith("g")) {
            mult = ByteUnit.gibiBytes(1);
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mult;
    }

    private static void fail(String msg) {
        System.err.println("[launcher] error: " + msg);
        System.exit(2);
    }
}
