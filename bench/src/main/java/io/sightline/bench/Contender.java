package io.sightline.bench;

/**
 * One implementation under test in the end-to-end benchmark. Every contender gets the same
 * recorded frames, the same model, the same open-loop arrival schedule, the same reject deadline
 * and the same rules; only the way it moves frames through preprocessing and inference differs.
 */
public interface Contender extends AutoCloseable {
    String name();

    /**
     * Offers {@code offeredFps} frames per second (spread over the lines) for {@code seconds}, on an
     * open-loop schedule, waits until every frame has its outcome, and reports.
     */
    StepResult runStep(double offeredFps, double seconds) throws Exception;

    @Override
    void close();
}
