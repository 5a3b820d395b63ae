/**
 * The serial executor of the ABCI server: every request of every connection
 * (CometBFT's consensus, mempool, query and snapshot connections) runs through
 * it, so the app sees one request at a time, even when an async method
 * (Commit, the snapshot methods) awaits. Tasks run in arrival order within
 * each of two lanes; the priority lane (the consensus connection) goes first,
 * so a proposal or a block is not stuck behind thousands of gossiped CheckTx
 * requests — which would make the validator miss its consensus timeouts.
 */

interface Task {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** One FIFO lane of tasks. */
class Lane {
  queue: (Task | undefined)[] = [];
  head = 0;

  get size(): number {
    return this.queue.length - this.head;
  }

  shift(): Task | undefined {
    if (this.head >= this.queue.length) return undefined;
    const t = this.queue[this.head];
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return t;
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
  }
}

/** A promise queue that runs one task at a time: priority tasks first, each lane in FIFO order. */
export class SerialExecutor {
  private readonly normal = new Lane();
  private readonly priority = new Lane();
  /** A drain loop is scheduled or running. */
  private running = false;
  /** A task is executing (dequeued, not settled). */
  private busy = false;
  private idleWaiters: (() => void)[] = [];

  /** Tasks queued or running. */
  get pending(): number {
    return this.normal.size + this.priority.size + (this.busy ? 1 : 0);
  }

  /**
   * Queues `task`; it starts after every task queued before it in its lane has
   * settled (and, for a normal task, after every queued priority task).
   * Resolves or rejects with its outcome; one task's failure does not stop the queue.
   */
  run<T>(task: () => T | Promise<T>, priority = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (priority ? this.priority : this.normal).queue.push({
        run: task,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
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
      for (;;) {
        const t = this.priority.shift() ?? this.normal.shift();
        if (!t) break;
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
      this.normal.clear();
      this.priority.clear();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}
