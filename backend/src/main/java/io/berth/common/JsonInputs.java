package io.berth.common;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The JSON side of {@link ParamConverters}: every date-time of a request body must lie in {@link InputBounds}'s range
 * and no string may hold NUL, whatever the field; enums are read by name only and integers only from integers. Refusals carry the field's path (Jackson adds it on the way out),
 * and {@link ProblemMappers} names it.
 */
@Singleton
public class JsonInputs implements ObjectMapperCustomizer {

    /** A value Jackson could read that Berth does not take; its message is the one the client sees. */
    public static final class OutOfRange extends InvalidFormatException {
        private static final long serialVersionUID = 1L;

        OutOfRange(JsonParser p, String message, Object value, Class<?> type) {
            super(p, message, value, type);
        }
    }

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("berth-input-bounds");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean,
                    JsonDeserializer<?> deserializer) {
                Class<?> type = bean.getBeanClass();
                return type == String.class || type == OffsetDateTime.class || type == Instant.class
                        ? new Checked(deserializer)
                        : deserializer;
            }
        });
        mapper.registerModule(module);
        // A role is a name, not its position in a Java enum; 1.5 micro-units are not 1.
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    static final class Checked extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        Checked(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Checked(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return check(p, super.deserialize(p, ctxt));
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt, Object into) throws IOException {
            return check(p, super.deserialize(p, ctxt, into));
        }

        private static Object check(JsonParser p, Object value) throws OutOfRange {
            if (value instanceof String s && InputBounds.hasNul(s)) {
                throw new OutOfRange(p, "must not contain NUL characters", "\\u0000", String.class);
            }
            if (value instanceof OffsetDateTime t && !InputBounds.inRange(t)
                    || value instanceof Instant i && !InputBounds.inRange(i)) {
                throw new OutOfRange(p, InputBounds.TIME_RANGE, value.toString(), value.getClass());
            }
            return value;
        }
    }
}
