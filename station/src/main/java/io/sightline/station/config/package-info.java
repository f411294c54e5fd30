/**
 * The station's one YAML file: {@link io.sightline.station.config.StationFileReader} reads and checks
 * it into an immutable {@link io.sightline.station.config.StationFile} (every default applied, every
 * path resolved), and {@link io.sightline.station.config.ConfigException} names each bad key with what
 * was expected. It also decides what a reload may change.
 *
 * <p>It knows the station's config values ({@code StationConfig}, {@code TriggerSchedule}'s overrun
 * policy); it must not know the ring, the outcome stage, the web server or the command line, and it
 * opens no camera, model or sink: the launcher does that with what it returns.
 */
package io.sightline.station.config;
