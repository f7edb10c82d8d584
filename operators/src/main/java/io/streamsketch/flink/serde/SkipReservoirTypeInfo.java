package io.streamsketch.flink.serde;

import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type information of a {@link SkipReservoir} of items of a given type. Unlike {@link SketchTypeInfo} it passes
 * Flink's serializer configuration on to the item type, so generic items still fail when generic types are
 * disabled instead of silently using Kryo.
 */
final class SkipReservoirTypeInfo<T> extends TypeInformation<SkipReservoir<T>> {
  private static final long serialVersionUID = 1L;

  private final TypeInformation<T> itemType;

  SkipReservoirTypeInfo(TypeInformation<T> itemType) {
    this.itemType = Objects.requireNonNull(itemType, "itemType");
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Class<SkipReservoir<T>> getTypeClass() {
    return (Class) SkipReservoir.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<SkipReservoir<T>> createSerializer(SerializerConfig config) {
    return new SkipReservoirSerializer<>(itemType.createSerializer(config));
  }

  @Override
  public String toString() {
    return "SkipReservoir<" + itemType + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SkipReservoirTypeInfo<?> other && other.itemType.equals(itemType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(SkipReservoirTypeInfo.class, itemType);
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof SkipReservoirTypeInfo;
  }
}
