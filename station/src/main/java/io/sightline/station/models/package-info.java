/**
 * Model versions on a running line: the model store (a folder of sealed model packages, each with
 * its version and content hash, and a live pointer with its history), the station's
 * {@link io.sightline.station.models.ModelSwitch} (load, check and warm a new version beside the live
 * one, journal the change, hand over at a batch boundary, roll back), and the
 * {@link io.sightline.station.models.StoreWatch} that follows the store's live pointer, and shadow runs
 * ({@link io.sightline.station.models.ShadowRun}: a candidate scoring the live frames, deciding nothing;
 * its disagreements offered to the review queue, its figures recorded in the store as
 * {@code .shadow/VERSION.json}, which {@link io.sightline.station.models.ShadowVerdict} judges for
 * {@code models promote}).
 *
 * <pre>
 *  models add PKG ──▶ store/&lt;version&gt;/ (a checked copy)      models promote V / rollback
 *                                                                 │ (store.json: live + history)
 *  POST /api/models/live ─┐                                        ▼
 *  SIGHUP, model changed ─┼──▶ ModelSwitch.swap(dir, who) ◀── StoreWatch (polls store.json, 1 s)
 *                         ▼
 *     signature? ▸ load + digests ▸ input = the line's ▸ warm-up beside the live one
 *     ▸ journal "model" change ▸ LiveModel.publish ▸ workers take it at a batch boundary
 *     ▸ the old version freed when the last worker left it
 * </pre>
 *
 * The ring side of the hand-over is {@link io.sightline.station.ring.LiveModel}, of the shadow
 * {@link io.sightline.station.ring.ShadowTap}. This package must not know the command line, the YAML
 * config or the web server.
 */
package io.sightline.station.models;
