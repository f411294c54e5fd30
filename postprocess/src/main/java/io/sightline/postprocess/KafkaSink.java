package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Results, reject signals and trend alarms as JSON to Kafka, for plants that gather many
 * stations: topics {@code PREFIX.rejects}, {@code PREFIX.results}, {@code PREFIX.trend}, each
 * record keyed by line ({@code line-L}) so a line's records stay in order. Idempotent producer,
 * {@code acks=all}; each record is delivered (acknowledged) before the next, from the sink's
 * bounded buffer (see {@link BufferedSink}), so a broker that is down never blocks the station.
 */
public final class KafkaSink extends BufferedSink<ProducerRecord<String, String>> {
    private final String prefix;
    private final KafkaProducer<String, String> producer;

    /**
     * @param bootstrap e.g. {@code 127.0.0.1:9092}
     * @param topicPrefix e.g. {@code sightline}
     */
    public KafkaSink(String bootstrap, String clientId, String topicPrefix, int capacity) {
        super("sightline-kafka-" + clientId, capacity);
        this.prefix = topicPrefix;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try {
            this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Kafka bootstrap '" + bootstrap + "' is not usable: " + e.getMessage(), e);
        }
        startDelivery();
    }

    @Override
    protected void deliver(ProducerRecord<String, String> record) throws Exception {
        producer.send(record).get(15, TimeUnit.SECONDS);
    }

    /**
     * Sends the whole batch, then waits for every acknowledgement (the producer keeps per-key
     * order). When some fail, the acknowledged ones are taken out of the batch before throwing, so
     * the retry sends only the rest: a new topic whose metadata is late (auto-created on first use)
     * fails its first records while another topic's are already acknowledged, and retrying the
     * whole batch sent those twice.
     */
    @Override
    protected void deliverAll(java.util.List<ProducerRecord<String, String>> batch) throws Exception {
        java.util.List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>(batch.size());
        for (ProducerRecord<String, String> r : batch) {
            try {
                acks.add(producer.send(r));
            } catch (RuntimeException e) {
                acks.add(java.util.concurrent.CompletableFuture.failedFuture(e));
            }
        }
        Exception first = null;
        java.util.List<ProducerRecord<String, String>> failed = new java.util.ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                failed.add(batch.get(i));
                if (first == null) first = e;
            }
        }
        if (first != null) {
            batch.clear();
            batch.addAll(failed);
            throw first;
        }
    }

    private void send(String topic, int line, String json) {
        offer(new ProducerRecord<>(prefix + "." + topic, "line-" + line, json));
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        send("rejects", line, String.format(Locale.ROOT, "{\"line\":%d,\"part\":%d,\"reason\":\"%s\",\"score\":%s}", line, partId,
                reason.reason(), Float.isNaN(defectScore) ? "null" : Float.toString(defectScore)));
    }

    @Override
    public void result(int line, long partId, Outcome outcome, float defectScore) {
        send("results", line, String.format(Locale.ROOT, "{\"line\":%d,\"part\":%d,\"decision\":\"%s\",\"reason\":\"%s\",\"score\":%s}",
                line, partId, outcome.decision(), outcome.reason(),
                Float.isNaN(defectScore) ? "null" : Float.toString(defectScore)));
    }

    @Override
    public void trendAlarm(TrendAlarm a) {
        send("trend", a.line(), String.format(Locale.ROOT, "{\"line\":%d,\"detector\":\"%s\",\"part\":%d,\"raised\":%b}", a.line(),
                a.detector(), a.partIndex(), a.raised()));
    }

    @Override
    public void close() {
        super.close();
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
