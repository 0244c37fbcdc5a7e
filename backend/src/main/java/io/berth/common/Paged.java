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

    /** Rows to skip for a 1-based page. */
    public static long offset(int page, int pageSize) {
        return (long) (Math.max(1, page) - 1) * pageSize;
    }
}
