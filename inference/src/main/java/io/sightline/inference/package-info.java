/**
 * Sightline's TensorFlow inference module. It owns the CNN's definition ({@link
 * io.sightline.inference.InspectionCnn}), its training ({@link io.sightline.inference.Trainer},
 * {@link io.sightline.inference.TrainedModel}, {@link io.sightline.inference.Augmenter}), its evaluation
 * ({@link io.sightline.inference.Metrics}, {@link io.sightline.inference.Evaluation}), the model
 * package's export, load and validation ({@link io.sightline.inference.ModelInfo}, {@link
 * io.sightline.inference.ModelPackage}) and batched execution on the hot path ({@link
 * io.sightline.inference.BatchClassifier}).
 *
 * <pre>
 *   Trainer.train(images, labels) --> TrainedModel --export--> model folder
 *                                                               saved_model.pb + variables/  (serving_default: image -> probs)
 *                                                               model.json                   (classes, input size, normalisation, figures)
 *   ModelPackage.load(folder) --validates--> newClassifier(maxBatch) --> stage(row, pixels) ... run(n) --> defectScore(row)
 * </pre>
 *
 * <p>Preprocessing writes normalised HWC floats ({@code (pixel/255 - normMean)/normStd}); the
 * model never sees raw pixels. Decision thresholds live in postprocess, not here.
 */
package io.sightline.inference;
