package io.berth.common;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one wall clock of the backend, in UTC. Code that needs the time injects {@link Clock} and asks it, so a test
 * hands a fixed clock to the constructor instead of reaching for a setter.
 */
public class Clocks {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
