/**
 * The evaluation report {@code sightline eval --report DIR} writes: the Markdown summary, the ROC
 * chart and the contact sheet of the worst images with their defect maps drawn over them.
 *
 * <p>Scoring itself is inference's ({@code io.sightline.inference.dataset.ModelScoring}) and the
 * figures are {@code io.sightline.inference.Evaluation}; this package only draws and writes them.
 * It lives in station because its charts use XChart, a dependency only the station (and bench)
 * carry; it must not know the ring, the station's configuration or the CLI.
 */
package io.sightline.station.eval;
