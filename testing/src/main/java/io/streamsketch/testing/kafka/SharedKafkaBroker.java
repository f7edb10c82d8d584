package io.streamsketch.testing.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One single-node KRaft broker (broker and controller in one server) inside this JVM: started on first use, stopped
 * when the JVM exits. Its data lives in a fresh folder under {@code java.io.tmpdir}, which the build points at
 * {@code target/tmp}.
 */
final class SharedKafkaBroker {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Another process may take a chosen port before the broker binds it: a new folder and new ports then. */
    private static final int START_ATTEMPTS = 3;

    private static SharedKafkaBroker instance;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;

    private SharedKafkaBroker(KafkaRaftServer server, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    static synchronized SharedKafkaBroker get() {
        if (instance == null) {
            instance = start();
            SharedKafkaBroker started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "kafka-broker-shutdown"));
        }
        return instance;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    private static SharedKafkaBroker start() {
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    private static SharedKafkaBroker startOnce() {
        try {
            Path dataDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kafka-broker-");
            int[] ports = freePorts(2);
            int port = ports[0];
            int controllerPort = ports[1];
            Properties props = serverProperties(dataDir.resolve("logs"), port, controllerPort);
            Path config = dataDir.resolve("server.properties");
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "single-node KRaft broker for tests");
            }
            format(config);

            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            String bootstrap = "localhost:" + port;
            SharedKafkaBroker broker = new SharedKafkaBroker(server, dataDir, bootstrap);
            try {
                server.startup();
                awaitReady(bootstrap);
            } catch (RuntimeException e) {
                broker.stop();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the Kafka broker's folder", e);
        }
    }

    private static Properties serverProperties(Path logDirs, int port, int controllerPort) {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", logDirs.toString());
        // One node: every internal topic has one replica.
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Few internal partitions: the first group and the first transaction are ready sooner.
        props.setProperty("offsets.topic.num.partitions", "4");
        props.setProperty("transaction.state.log.num.partitions", "4");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // Retention goes by record timestamps, and the jobs' outputs carry event times (the generator's start on
        // 2026-01-01): with the default 7 days the broker deletes a test's results within minutes of writing them.
        props.setProperty("log.retention.ms", "-1");
        // Tests create their topics with the partitions they need; a misspelt topic must stay an error.
        props.setProperty("auto.create.topics.enable", "false");
        return props;
    }

    /** StorageTool.execute, not main: main calls System.exit. */
    private static void format(Path config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(
                    new String[] {"format", "-c", config.toString(), "-t", Uuid.randomUuid().toString()}, print);
        } catch (Exception e) {
            throw new IllegalStateException("formatting the Kafka broker's storage failed: " + e + " " + output, e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka broker's storage failed (" + rc + "): " + output);
        }
    }

    /** The broker answers once Admin.describeCluster lists it. */
    private static void awaitReady(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("the Kafka broker at " + bootstrap + " did not answer within " + START_TIMEOUT,
                last);
    }

    /**
     * Distinct free ports: every socket stays open until all are chosen, since the kernel may hand out a port just
     * closed again (the broker then refuses two listeners on one port).
     */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private void stop() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Left under target/tmp for `mvn clean`: nothing to do at JVM exit.
        }
    }
}
