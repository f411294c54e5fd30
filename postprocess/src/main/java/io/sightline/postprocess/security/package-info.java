/**
 * TLS material and secrets for the station's outputs and server: certificates and keystores from
 * files ({@link io.sightline.postprocess.security.TlsFiles}), a self-signed certificate for a first
 * setup, and passwords or tokens read from a private file or the environment
 * ({@link io.sightline.postprocess.security.Secrets}), never from the command line.
 *
 * <p>Knows nothing of the sinks that use it, of the station or of its config file.
 */
package io.sightline.postprocess.security;
