/**
 * The serial executor of the ABCI server: every request of every connection
 * (CometBFT's consensus, mempool, query and snapshot connections) runs through
 * this one queue, so the app sees one request at a time, in arrival order,
 * even when an async method (Commit, the snapshot methods) awaits.
 */

interface Task {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** A FIFO promise queue that runs one task at a time. */
export class SerialExecutor {
  private queue: (Task | undefined)[] = [];
  private head = 0;
  /** A drain loop is scheduled or running. */
  private running = false;
  /** A task is executing (dequeued, not settled). */
  private busy = false;
  private idleWaiters: (() => void)[] = [];

  /** Tasks queued or running. */
  get pending(): number {
    return this.queue.length - this.head + (this.busy ? 1 : 0);
  }

  /**
   * Queues `task`; it starts after every task queued before it has settled.
   * Resolves or rejects with its outcome; one task's failure does not stop the queue.
   */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: task, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        // Start on a microtask: a task never runs inside the caller's `run`.
        this.running = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /** Resolves once no task is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    try {
      while (this.head < this.queue.length) {
        const t = this.queue[this.head]!;
        this.queue[this.head] = undefined;
        this.head++;
        if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.busy = true;
        try {
          const out = t.run();
          // Await only real promises: a burst of synchronous calls (CheckTx) runs without extra ticks.
          t.resolve(isThenable(out) ? await out : out);
        } catch (e) {
          t.reject(e);
        } finally {
          this.busy = false;
        }
      }
    } finally {
      this.running = false;
      this.queue = [];
      this.head = 0;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}
