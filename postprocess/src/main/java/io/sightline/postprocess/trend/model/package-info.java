/**
 * Building and trying the trend LSTM: {@link io.sightline.postprocess.trend.model.TrendModels}
 * makes its training sequences (synthetic scenarios, recorded history) and adapts inference's
 * {@code TrendLstm} to a {@link io.sightline.postprocess.trend.TrendForecaster};
 * {@link io.sightline.postprocess.trend.model.BsdataTrend} runs every detector over BSData's real
 * wear series, each with its own baseline, counted by
 * {@link io.sightline.postprocess.trend.model.SeriesAccounting} (and
 * {@link io.sightline.postprocess.trend.model.SeriesTradeOff} sweeps each detector's sensitivity
 * for its false alarms against its delay;
 * {@link io.sightline.postprocess.trend.model.SeriesForecasts} scores the forecasts on the series),
 * and
 * {@link io.sightline.postprocess.trend.model.SeriesFolds} splits those series into folds that share
 * no image (so an image model never scores a series it saw). What {@code train-trend},
 * {@code eval-trend} and the station's trend setup use.
 *
 * <p>The one package of postprocess that knows inference (and, for scoring BSData's images,
 * preprocess); the detectors in {@code trend} must not. It knows nothing of the station or the
 * CLI: BSData's index comes in already read.
 */
package io.sightline.postprocess.trend.model;
