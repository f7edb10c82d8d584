package io.streamsketch.flink.sink.postgres;

/**
 * What a writer subtask leaves in a checkpoint: whose transactions it prepared. After a restore (rescaled or not)
 * the subtask that receives this state rolls back that writer's orphans.
 */
public record PostgresWriterState(String sinkId, int subtask) {}
