package io.berth.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The exception to {@link OwnsTables}: a class whose set-based SQL reads (never writes) tables of other packages,
 * because going through their services would turn one statement into one call per row. Each use names the tables
 * and says why; the architecture test allows exactly these.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ReadsForeignTables {

    String[] value();

    String why();
}
