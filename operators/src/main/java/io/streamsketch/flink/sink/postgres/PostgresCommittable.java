package io.streamsketch.flink.sink.postgres;

/**
 * A prepared transaction waiting for its checkpoint to complete.
 *
 * @param transactionId the global id it was prepared under
 * @param rowCount rows staged in it (rejected ones included), for the log
 */
public record PostgresCommittable(String transactionId, long rowCount) {}
