package io.sightline.postprocess;

/** {@link RejectSinkContract} for sinks in other packages. */
public abstract class RejectSinkContractAccess extends RejectSinkContract {
    protected abstract RejectSink newSink() throws Exception;

    protected RejectSink newSinkToNowhere(int capacity) throws Exception {
        return null;
    }
}
