package io.berth.web;

/** What every console and admin page's frame needs: who is signed in, whether they are an admin, where they are. */
public record Shell(String username, boolean admin, String section) {

    public boolean at(String s) {
        return section.equals(s);
    }
}
