package cn.liangxian.sandbox;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The most recent entries of a record the sandbox keeps for tests to read (the API calls it received, the
 * notifications it tried), at most {@code capacity}: a sandbox serving a load test for hours keeps the last
 * ones, not every one. Safe from any thread.
 */
public final class Recent<T> {
  private final int capacity;
  private final ArrayDeque<T> entries = new ArrayDeque<>();

  public Recent(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  public synchronized void add(T entry) {
    if (entries.size() == capacity) {
      entries.removeFirst();
    }
    entries.addLast(entry);
  }

  /** The entries kept, oldest first. */
  public synchronized List<T> list() {
    return List.copyOf(entries);
  }
}
