/**
 * OPC UA for the station (Eclipse Milo): {@link io.sightline.postprocess.opcua.OpcUaSink} writes
 * rejects, results and trend alarms into a PLC's variables as a client;
 * {@link io.sightline.postprocess.opcua.OpcUaStateSink} publishes the station's state on its own
 * {@link io.sightline.postprocess.opcua.OpcUaStationServer}.
 *
 * <p>These are reject sinks like the others of {@code io.sightline.postprocess}: they see a part's
 * line, id, outcome and score, and must not know the station, its ring or its configuration file.
 */
package io.sightline.postprocess.opcua;
