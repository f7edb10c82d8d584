package io.streamsketch.flink.serde;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * The {@link TypeInformation} of a sketch type: it hands Flink the sketch's explicit serializer, so a sketch in
 * state, in an accumulator or on the wire never falls back to Kryo. The sketch classes stay free of Flink imports,
 * so they carry no {@code @TypeInfo} annotation: pass these where Flink asks for a type.
 */
public final class SketchTypeInfo<S> extends TypeInformation<S> {
  private static final long serialVersionUID = 1L;

  private final Class<S> typeClass;
  private final SerializableSupplier<TypeSerializer<S>> serializer;

  public SketchTypeInfo(Class<S> typeClass, SerializableSupplier<TypeSerializer<S>> serializer) {
    this.typeClass = typeClass;
    this.serializer = serializer;
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
  public Class<S> getTypeClass() {
    return typeClass;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<S> createSerializer(SerializerConfig config) {
    return serializer.get();
  }

  @Override
  public String toString() {
    return "SketchTypeInfo<" + typeClass.getSimpleName() + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SketchTypeInfo<?> other && other.typeClass == typeClass;
  }

  @Override
  public int hashCode() {
    return Objects.hash(SketchTypeInfo.class, typeClass);
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof SketchTypeInfo;
  }
}
