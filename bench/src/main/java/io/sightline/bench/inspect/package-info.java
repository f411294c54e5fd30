/**
 * {@code sightline bench inspect}: the inspection API ({@code POST /api/inspect}) under load from HTTP
 * clients in the same process, alone ({@code serve}) and beside a running line, with the line's
 * latency before and during. It prints figures; nothing here is a test.
 */
package io.sightline.bench.inspect;
