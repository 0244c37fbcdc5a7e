package io.berth.agent;

/** A setting that makes the agent unable to do its job; the message names the setting and says how to fix it. */
public class StartupException extends RuntimeException {

    public StartupException(String setting, String problem) {
        super(setting + ": " + problem);
    }

    public StartupException(String setting, String problem, Throwable cause) {
        super(setting + ": " + problem, cause);
    }
}
