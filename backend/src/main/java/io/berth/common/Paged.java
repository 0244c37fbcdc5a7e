package io.berth.common;

import java.util.List;

/** One page of a longer list, with what a pager shows around it. */
public record Paged<T>(List<T> items, int page, int pageSize, long total) {

    public int pages() {
        return (int) Math.max(1, (total + pageSize - 1) / pageSize);
    }

    public boolean hasPrevious() {
        return page > 1;
    }

    public boolean hasNext() {
        return page < pages();
    }

    public int previous() {
        return page - 1;
    }

    public int next() {
        return page + 1;
    }

    /** The last page anyone asks for; beyond it an offset would overflow the database's int before it found a row. */
    public static final int MAX_PAGE = 100_000;
    /** {@link #MAX_PAGE} as the OpenAPI annotations take it. */
    public static final String MAX_PAGE_TEXT = "100000";

    /** A requested 1-based page, or a 400 naming {@code page}: every paged list takes its page through here. */
    public static int page(int page) {
        if (page < 1 || page > MAX_PAGE) {
            throw ProblemException.badRequest("page", "must be between 1 and " + MAX_PAGE);
        }
        return page;
    }

    /** Rows to skip for a 1-based page. */
    public static long offset(int page, int pageSize) {
        return (long) (Math.max(1, page) - 1) * pageSize;
    }
}
