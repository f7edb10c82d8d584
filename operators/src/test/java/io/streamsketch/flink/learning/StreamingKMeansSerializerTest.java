package io.streamsketch.flink.learning;

import io.streamsketch.learning.kmeans.DecayUnit;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.kmeans.StreamingKMeans;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class StreamingKMeansSerializerTest extends SerializerTestBase<StreamingKMeans> {
  @Override
  protected TypeSerializer<StreamingKMeans> createSerializer() {
    return new StreamingKMeansSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<StreamingKMeans> getTypeClass() {
    return StreamingKMeans.class;
  }

  @Override
  protected StreamingKMeans[] getTestData() {
    StreamingKMeans unseeded = StreamingKMeans.create(new KMeansParameters(2, 3, 0.5, DecayUnit.BATCHES, 1));
    StreamingKMeans trained = StreamingKMeans.create(new KMeansParameters(3, 2, 0.9, DecayUnit.POINTS, 7));
    trained.update(new double[][] {{0, 0}, {1, 1}, {5, 5}, {6, 5}, {-4, 2}, {-5, 2}});
    trained.update(new double[][] {{0, 1}, {6, 6}});
    return new StreamingKMeans[] {unseeded, trained};
  }
}
