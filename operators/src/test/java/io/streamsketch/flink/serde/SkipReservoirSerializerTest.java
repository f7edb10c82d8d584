package io.streamsketch.flink.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.junit.jupiter.api.Test;

/** A reservoir of POJO items, whose serializer is nested: the base class checks the composite snapshot's round trip. */
class SkipReservoirSerializerTest extends SerializerTestBase<SkipReservoir<ClickEvent>> {
  private static final TypeInformation<ClickEvent> EVENTS = TypeInformation.of(ClickEvent.class);

  @Override
  protected TypeSerializer<SkipReservoir<ClickEvent>> createSerializer() {
    return SkipReservoirSerializer.typeInfo(EVENTS).createSerializer(noGenericTypes());
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Class<SkipReservoir<ClickEvent>> getTypeClass() {
    return (Class) SkipReservoir.class;
  }

  @Override
  protected SkipReservoir<ClickEvent>[] getTestData() {
    SkipReservoir<ClickEvent> empty = SkipReservoir.create(4, new SplittableRandom(1));
    SkipReservoir<ClickEvent> filling = SkipReservoir.create(10, new SplittableRandom(2));
    SkipReservoir<ClickEvent> sampling = SkipReservoir.create(5, new SplittableRandom(3));
    for (int i = 0; i < 100; i++) {
      ClickEvent event = new ClickEvent(i, "u" + i, "p" + (i % 7), EventKind.VIEW, null, 1_000L * i);
      sampling.update(event);
      if (i < 3) {
        filling.update(event);
      }
    }
    @SuppressWarnings("unchecked")
    SkipReservoir<ClickEvent>[] data = new SkipReservoir[] {empty, filling, sampling};
    return data;
  }

  @Test
  void aSnapshotRejectsAnIncompatibleItemType() {
    TypeSerializerSnapshot<SkipReservoir<ClickEvent>> snapshot = createSerializer().snapshotConfiguration();
    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializer<SkipReservoir<ClickEvent>> stringReservoirs =
        (TypeSerializer) new SkipReservoirSerializer<>(Types.STRING.createSerializer(noGenericTypes()));
    TypeSerializerSchemaCompatibility<SkipReservoir<ClickEvent>> compatibility =
        stringReservoirs.snapshotConfiguration().resolveSchemaCompatibility(snapshot);
    assertThat(compatibility.isIncompatible()).isTrue();
    assertThat(createSerializer().snapshotConfiguration().resolveSchemaCompatibility(snapshot).isCompatibleAsIs())
        .isTrue();
  }

  @Test
  void theTypeInfoRefusesGenericItemsWhenGenericTypesAreDisabled() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SkipReservoirSerializer.typeInfo(TypeInformation.of(Object.class)).createSerializer(noGenericTypes()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static SerializerConfigImpl noGenericTypes() {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    return config;
  }
}
