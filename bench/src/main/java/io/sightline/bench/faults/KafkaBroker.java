package io.sightline.bench.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real Kafka broker (KRaft, broker and controller in one process) on 127.0.0.1, started as a
 * separate JVM from the Kafka server jar, its data in a folder of the scenario's; and a consumer
 * that records every result and reject the station produces. The broker can be stopped (SIGTERM,
 * a controlled shutdown) and started again on the same port with the same data: the consumer
 * keeps its position (assigned partitions, no group) and goes on from there once it is back.
 *
 * <p>The server jar is not on the station's class path: in tests it is a test dependency of
 * {@code bench} (on the test JVM's class path); under {@code ./sightline bench} the build writes
 * the class path holding it to {@code bench/target/kafka-broker-classpath.txt}.
 */
final class KafkaBroker implements FarEnd {
    private static final Pattern PART = Pattern.compile("\"line\":(\\d+),\"part\":(\\d+)");

    final int port;
    private final Path dir;
    private final String classpath;
    private final String topicPrefix;
    private final Set<String> results = ConcurrentHashMap.newKeySet();
    private final Set<String> rejects = ConcurrentHashMap.newKeySet();
    private final AtomicLong messages = new AtomicLong();
    private Process process;
    private Thread consumerThread;
    private volatile boolean consuming = true;
    private volatile Exception consumerError;

    /** The class path that holds the Kafka server (kafka.Kafka), or null when there is none. */
    static String classpath() {
        try {
            Class.forName("kafka.Kafka", false, KafkaBroker.class.getClassLoader());
            return System.getProperty("java.class.path");
        } catch (ClassNotFoundException | LinkageError e) {
            // not on this JVM's class path: the file the build writes
        }
        String home = System.getProperty("sightline.home");
        for (Path d = Path.of(home != null ? home : "").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("bench/target/kafka-broker-classpath.txt");
            if (Files.isRegularFile(f)) {
                try {
                    String cp = Files.readString(f).trim();
                    return cp.contains("kafka_2.13") ? cp : null;
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    KafkaBroker(Path dir, String topicPrefix) throws Exception {
        this.classpath = classpath();
        if (classpath == null) throw new IllegalStateException("the Kafka server jar is not on the class path (build with mvn package)");
        this.dir = dir;
        this.topicPrefix = topicPrefix;
        this.port = LoopbackModbusPlc.freePort();
        int controller = LoopbackModbusPlc.freePort();
        List<String> lines = List.of("process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"), "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1", "num.partitions=1",
                "auto.create.topics.enable=true", "group.initial.rebalance.delay.ms=0");
        Files.writeString(dir.resolve("server.properties"), String.join("\n", lines) + "\n");
        // the broker's own logging: warnings only, to its log file (logback or log4j, whichever binds)
        Files.writeString(dir.resolve("logback.xml"), "<configuration><appender name=\"O\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d %-5level %logger{20} %msg%n</pattern></encoder></appender>"
                + "<root level=\"WARN\"><appender-ref ref=\"O\"/></root></configuration>\n");
        Files.writeString(dir.resolve("log4j.properties"), "log4j.rootLogger=WARN, O\nlog4j.appender.O=org.apache.log4j.ConsoleAppender\n"
                + "log4j.appender.O.layout=org.apache.log4j.PatternLayout\nlog4j.appender.O.layout.ConversionPattern=%d %p %c %m%n\n");
        Process f = new ProcessBuilder(java(), "-Xmx256m", "-cp", classpath, "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-Dlog4j.configuration=file:" + dir.resolve("log4j.properties"), "kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", dir.resolve("server.properties").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
            f.destroyForcibly();
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
        }
        start();
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(topicPrefix + ".results", 1, (short) 1),
                    new NewTopic(topicPrefix + ".rejects", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        consumerThread = new Thread(this::consume, "faults-kafka-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        return p;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /**
     * Starts the broker process (again) and waits until its client port accepts connections. A
     * consumer or producer finds it from there by itself.
     */
    @Override
    public synchronized void start() throws Exception {
        if (process != null) return;
        process = new ProcessBuilder(java(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-Dlog4j.configuration=file:" + dir.resolve("log4j.properties"), "kafka.Kafka",
                dir.resolve("server.properties").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("kafka did not start on port " + port + ": " + Files.readString(dir.resolve("broker.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    /** Stops the broker (SIGTERM: a controlled shutdown) and waits for it to exit. */
    @Override
    public synchronized void stop() throws Exception {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    private void consume() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            parts.add(new TopicPartition(topicPrefix + ".results", 0));
            parts.add(new TopicPartition(topicPrefix + ".rejects", 0));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (consuming) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    messages.incrementAndGet();
                    Matcher m = PART.matcher(r.value());
                    if (!m.find()) continue;
                    String id = m.group(1) + "/" + m.group(2);
                    if (r.topic().endsWith(".results")) results.add(id);
                    else if (r.topic().endsWith(".rejects")) rejects.add(id);
                }
            }
        } catch (Exception e) {
            consumerError = e;
        }
    }

    /** Distinct (line/part) results received. */
    @Override
    public Set<String> results() {
        return results;
    }

    @Override
    public Set<String> rejects() {
        return rejects;
    }

    /** Records received, repeats included. */
    @Override
    public long received() {
        return messages.get();
    }

    /** Why the consumer stopped, or null. */
    Exception consumerError() {
        return consumerError;
    }

    @Override
    public void close() throws Exception {
        consuming = false;
        if (consumerThread != null) consumerThread.join(5_000);
        stop();
    }
}
