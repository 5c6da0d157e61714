// From the defining file, not ./codec: CommonJS output reads a re-export through a getter at every use.
import { FLAG_MORE, headerLength, writeHeader } from './codec/frames';

/** Bodies below this size are copied into the batch; larger ones are written as they are. */
const COPY_BELOW = 16 * 1024;
/**
 * Bounds of a fresh block for small writes: twice what the last batch took,
 * so a busy connection writes from 64 KiB blocks while a quiet one (of
 * thousands on a server) holds only a small one.
 */
const MIN_BLOCK = 1024;
const MAX_BLOCK = 64 * 1024;

/**
 * The bytes one connection writes in one tick: frame headers and small
 * bodies copied into a shared block (so a burst of small messages leaves in
 * one buffer, with no per-message allocation), large bodies referenced as
 * they are, in order. `take()` hands the chunks over and starts the next
 * batch in what is left of the block (the chunks handed out are never
 * written to again).
 */
export class OutputBatch {
  private block: Buffer = Buffer.alloc(0);
  /** Bytes of the last batch taken, which size the next block. */
  private lastBatch = 0;
  /** Where the current batch's bytes start, and end, in `block`. */
  private start = 0;
  private end = 0;
  private readonly chunks: Buffer[] = [];
  /** Bytes queued in this batch. */
  bytes = 0;

  get empty(): boolean {
    return this.bytes === 0;
  }

  /** A message: a header before each frame, MORE on all but the last. */
  message(frames: readonly Buffer[]): void {
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      const body = frames[i]!;
      const size = body.length;
      this.room(9 + (size < COPY_BELOW ? size : 0));
      this.end = writeHeader(this.block, this.end, size, i < last ? FLAG_MORE : 0);
      this.bytes += headerLength(size) + size;
      if (size < COPY_BELOW) {
        // TypedArray#set: Buffer#copy validates in JS and calls into C++, a cost that dominates for small frames.
        this.block.set(body, this.end);
        this.end += size;
      } else this.append(body);
    }
  }

  /** Chunks already encoded (commands, sealed CURVE messages). */
  raw(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      this.bytes += chunk.length;
      if (chunk.length < COPY_BELOW) {
        this.room(chunk.length);
        this.block.set(chunk, this.end);
        this.end += chunk.length;
      } else this.append(chunk);
    }
  }

  /** The batch's chunks, in order; the next batch starts empty. */
  take(): Buffer[] {
    this.cut();
    const out = this.chunks.splice(0);
    this.lastBatch = this.bytes;
    this.bytes = 0;
    return out;
  }

  /** A large chunk goes in as it is, after what was copied so far. */
  private append(chunk: Buffer): void {
    this.cut();
    this.chunks.push(chunk);
  }

  /** Ends the current run of copied bytes as a chunk. */
  private cut(): void {
    if (this.end > this.start) this.chunks.push(this.block.subarray(this.start, this.end));
    this.start = this.end;
  }

  /**
   * Makes sure `bytes` more fit in the block, moving to a fresh block when
   * not. A small run of this batch moves along to the fresh block, so the
   * batch stays one chunk: one write rather than a writev of two.
   */
  private room(bytes: number): void {
    if (this.end + bytes <= this.block.length) return;
    const wanted = Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, 2 * Math.max(this.lastBatch, this.bytes)));
    const run = this.end - this.start;
    const carried = run > 0 && run <= wanted / 2 ? this.block.subarray(this.start, this.end) : undefined;
    if (!carried) this.cut();
    this.block = Buffer.allocUnsafe(Math.max(wanted, bytes + (carried ? run : 0)));
    this.start = 0;
    this.end = 0;
    if (carried) {
      this.block.set(carried, 0);
      this.end = run;
    }
  }
}
