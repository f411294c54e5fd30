/**
 * Models over labelled image folders: {@link io.sightline.inference.dataset.DatasetTraining}
 * trains a package from preprocess's {@code ImageDataset} (what {@code sightline train --data}
 * runs), {@link io.sightline.inference.dataset.ModelScoring} scores a package over one the way
 * the station's inspection workers would (what {@code eval}, {@code calibrate} and
 * {@code eval-trend} read).
 *
 * <p>Owns the reading, training and scoring; the command-line options, the progress bar and the
 * printed reports belong to the station's CLI. Knows nothing of the station, its ring or its
 * configuration: the defect threshold comes in with the request.
 */
package io.sightline.inference.dataset;
