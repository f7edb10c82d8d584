package io.streamsketch.flink.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.sampling.ItemSerializer;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Flink's {@link SerializerTestBase} for reservoirs of POJO items (whose serializer is stateful, so the base class
 * also checks the composite snapshot's round trip) and of String and Long items (whose serializers are stateless
 * singletons: the reservoir serializer must still not share its own buffers through {@code duplicate()}).
 */
class SkipReservoirSerializerTest {

  @Nested
  class ClickEventItems extends ReservoirSerializerContract<ClickEvent> {
    ClickEventItems() {
      super(TypeInformation.of(ClickEvent.class), i -> new ClickEvent(i, "u" + i, "p" + (i % 7), EventKind.VIEW, null, 1_000L * i));
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
  }

  @Nested
  class StringItems extends ReservoirSerializerContract<String> {
    StringItems() {
      super(Types.STRING, i -> "item-" + i);
    }
  }

  @Nested
  class LongItems extends ReservoirSerializerContract<Long> {
    LongItems() {
      super(Types.LONG, i -> (long) i * 1_000_003);
    }

    /**
     * Fixed-length items are written into the state bytes and read from them in place; the bytes are those of the
     * general path, which goes through one array per item (Flink's own serializer of each item).
     */
    @Test
    void inPlaceItemsGiveTheBytesOfTheArrayPath() throws Exception {
      TypeSerializer<Long> longs = Types.LONG.createSerializer(noGenericTypes());
      ItemSerializer<Long> arrays =
          new ItemSerializer<>() {
            @Override
            public byte[] toBytes(Long item) {
              DataOutputSerializer out = new DataOutputSerializer(8);
              try {
                longs.serialize(item, out);
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
              return out.getCopyOfBuffer();
            }

            @Override
            public Long fromBytes(byte[] bytes) {
              try {
                return longs.deserialize(new DataInputDeserializer(bytes));
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
            }

            @Override
            public int fixedLength() {
              return 8;
            }
          };
      TypeSerializer<SkipReservoir<Long>> serializer = createSerializer();
      for (SkipReservoir<Long> reservoir : getTestData()) {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(reservoir, out);
        byte[] expected = reservoir.toBytes(arrays);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(in.readInt()).isEqualTo(expected.length);
        byte[] written = new byte[expected.length];
        in.readFully(written);
        assertThat(written).isEqualTo(expected);
        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(reservoir);
      }
    }
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

  /** The base class's checks for reservoirs of one item type, plus the duplicate rule. */
  abstract static class ReservoirSerializerContract<T> extends SerializerTestBase<SkipReservoir<T>> {
    private final TypeInformation<T> itemType;
    private final IntFunction<T> item;

    ReservoirSerializerContract(TypeInformation<T> itemType, IntFunction<T> item) {
      this.itemType = itemType;
      this.item = item;
    }

    @Override
    protected TypeSerializer<SkipReservoir<T>> createSerializer() {
      return SkipReservoirSerializer.typeInfo(itemType).createSerializer(noGenericTypes());
    }

    @Override
    protected int getLength() {
      return -1;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Class<SkipReservoir<T>> getTypeClass() {
      return (Class) SkipReservoir.class;
    }

    @Override
    protected SkipReservoir<T>[] getTestData() {
      SkipReservoir<T> empty = SkipReservoir.create(4, new SplittableRandom(1));
      SkipReservoir<T> filling = SkipReservoir.create(10, new SplittableRandom(2));
      SkipReservoir<T> sampling = SkipReservoir.create(5, new SplittableRandom(3));
      for (int i = 0; i < 100; i++) {
        sampling.update(item.apply(i));
        if (i < 3) {
          filling.update(item.apply(i));
        }
      }
      @SuppressWarnings("unchecked")
      SkipReservoir<T>[] data = new SkipReservoir[] {empty, filling, sampling};
      return data;
    }

    /**
     * The serializer holds scratch buffers for the items, so a duplicate (which Flink hands to another thread, such
     * as an asynchronous snapshot) must be a new instance even when the item serializer is a stateless singleton.
     */
    @Test
    void aDuplicateSharesNoBuffers() throws Exception {
      TypeSerializer<SkipReservoir<T>> serializer = createSerializer();
      // Serialize once so that the lazily created buffers exist before duplicating.
      serializer.serialize(getTestData()[2], new org.apache.flink.core.memory.DataOutputSerializer(64));
      TypeSerializer<SkipReservoir<T>> duplicate = serializer.duplicate();
      assertThat(duplicate).isNotSameAs(serializer).isEqualTo(serializer);
      assertThat(duplicate.duplicate()).isNotSameAs(duplicate);
    }
  }
}
