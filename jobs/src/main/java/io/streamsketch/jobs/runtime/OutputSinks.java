package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import java.util.List;

/** Chooses and checks the sink of a run from {@code --sink} and its options, before any Flink work starts. */
final class OutputSinks {
  private static final List<String> KAFKA_OPTIONS =
      List.of("bootstrap-servers", "topic-prefix", "transactional-id-prefix");
  private static final List<String> POSTGRES_OPTIONS = List.of("jdbc-url", "jdbc-user", "jdbc-password-env");

  private OutputSinks() {}

  static OutputSink from(String job, ParsedArgs args) {
    String sink = args.choice("sink", "files", "kafka", "postgres");
    if (!sink.equals("files") && args.has("output")) {
      throw new UsageException(job + ": --output is for --sink files, not --sink " + sink);
    }
    if (!sink.equals("postgres")) {
      refuse(job, args, sink, POSTGRES_OPTIONS, "postgres");
    }
    return switch (sink) {
      case "kafka" -> kafka(job, args);
      case "postgres" -> postgres(job, args);
      default -> {
        // --bootstrap-servers may serve a Kafka input; the other Kafka sink options would be ignored silently.
        refuse(job, args, sink, KAFKA_OPTIONS.subList(1, KAFKA_OPTIONS.size()), "kafka");
        yield new OutputFolders(args.string("output"));
      }
    };
  }

  private static OutputSink kafka(String job, ParsedArgs args) {
    String servers = args.string("bootstrap-servers");
    if (servers == null || servers.isBlank()) {
      throw new UsageException(job + ": --sink kafka needs --bootstrap-servers host:port");
    }
    String topicPrefix = args.has("topic-prefix") ? args.string("topic-prefix") : job + ".";
    String idPrefix =
        args.has("transactional-id-prefix") ? args.string("transactional-id-prefix") : "streamsketch-" + job;
    if (idPrefix.isBlank()) {
      throw new UsageException(job + ": --transactional-id-prefix must not be empty");
    }
    return new KafkaOutputs(job, servers, topicPrefix, idPrefix, args.duration("transaction-timeout"));
  }

  private static OutputSink postgres(String job, ParsedArgs args) {
    String url = args.string("jdbc-url");
    if (url == null) {
      throw new UsageException(job + ": --sink postgres needs --jdbc-url jdbc:postgresql://host:port/database");
    }
    refuse(job, args, "postgres", KAFKA_OPTIONS.subList(1, KAFKA_OPTIONS.size()), "kafka");
    return new PostgresOutputs(job, url, args.string("jdbc-user"), args.string("jdbc-password-env"));
  }

  private static void refuse(String job, ParsedArgs args, String sink, List<String> options, String owner) {
    for (String option : options) {
      if (args.has(option)) {
        throw new UsageException(job + ": --" + option + " is for --sink " + owner + ", not --sink " + sink);
      }
    }
  }
}
