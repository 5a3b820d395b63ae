/** Bounded set of transaction hashes whose signatures were verified, so each is checked once. */
export class SignatureCache {
  private readonly set = new Set<string>();
  constructor(private readonly capacity: number) {}
  has(hash: string): boolean {
    return this.set.has(hash);
  }
  add(hash: string): void {
    if (this.set.has(hash)) return;
    if (this.set.size >= this.capacity) {
      // Evict the oldest entry: Set iteration is insertion order. Only a cache, never consensus.
      const first = this.set.values().next();
      if (!first.done) this.set.delete(first.value);
    }
    this.set.add(hash);
  }
  delete(hash: string): void {
    this.set.delete(hash);
  }
}
