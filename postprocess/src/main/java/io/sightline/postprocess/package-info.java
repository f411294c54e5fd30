/**
 * After inference: the decision policy (thresholds live here, not in the model), the outcome
 * vocabulary every frame ends in, per-line counters, and reject sinks. Trend tracking, reject
 * scheduling in encoder counts or time, and the decision journal (DecisionJournal the writer,
 * JournalReads and JournalTrends its tables' readers, JournalChain and JournalVerifier its hash chains)
 * belong here too. Takes scores and
 * part identity; knows nothing of the ring.
 */
package io.sightline.postprocess;
