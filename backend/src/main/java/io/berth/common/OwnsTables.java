package io.berth.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The tables (and views) a feature package owns, on its {@code package-info.java}. Only the owner's code names them
 * in SQL or touches their entities; other packages go through the owner's services (docs/development.md). The
 * architecture test holds the code to it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PACKAGE)
public @interface OwnsTables {

    String[] value();
}
