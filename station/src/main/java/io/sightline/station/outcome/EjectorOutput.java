package io.sightline.station.outcome;

import io.sightline.postprocess.RejectScheduler;

/**
 * What the station's ejector timing drives: a digital output, a PLC coil, a log. Called on the
 * ejector thread as each part reaches the ejector, with what to do and how late the call is
 * ({@code nowNanos - dueNanos}).
 */
@FunctionalInterface
public interface EjectorOutput {
    void onPart(int line, long partId, RejectScheduler.Action action, long dueNanos, long nowNanos);
}
