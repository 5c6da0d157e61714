/**
 * The per-tick output batch of a zmtp connection: what it hands to the
 * socket is exactly the ZMTP encoding of the messages queued, and chunks
 * handed out are never written to again by later batches.
 */
import fc from 'fast-check';
import { encodeCommand, encodeMessage } from '../../src/engine/zmtp/codec';
import { OutputBatch } from '../../src/engine/zmtp/output';

const frame = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16 * 1024 - 2, max: 70_000 }).map((n) => new Uint8Array(n).fill(n % 251)) },
);
const message = fc.array(frame, { minLength: 1, maxLength: 4 }).map((frames) => frames.map((f) => Buffer.from(f)));

describe('zmtp output batch', () => {
  it('batches of messages and commands come out as their ZMTP encoding, and earlier chunks stay as they were', () => {
    fc.assert(
      fc.property(fc.array(fc.array(message, { maxLength: 30 }), { minLength: 1, maxLength: 6 }), (batches) => {
        const output = new OutputBatch();
        const handedOut: { chunks: Buffer[]; copy: Buffer }[] = [];
        for (const messages of batches) {
          const expected: Buffer[] = [];
          for (const frames of messages) {
            output.message(frames);
            expected.push(...encodeMessage(frames));
          }
          output.raw(encodeCommand('PING', Buffer.from([0, 1])));
          expected.push(...encodeCommand('PING', Buffer.from([0, 1])));
          const want = Buffer.concat(expected);
          expect(output.bytes).toBe(want.length);
          const chunks = output.take();
          expect(output.empty).toBe(true);
          expect(Buffer.concat(chunks).equals(want)).toBe(true);
          handedOut.push({ chunks, copy: Buffer.concat(chunks) });
        }
        for (const { chunks, copy } of handedOut) expect(Buffer.concat(chunks).equals(copy)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a quiet connection holds a small block, a busy one grows to 64 KiB ones', () => {
    const quiet = new OutputBatch();
    quiet.message([Buffer.from('hello')]);
    const [one] = quiet.take();
    expect(one!.buffer.byteLength).toBeLessThanOrEqual(8 * 1024);
    const busy = new OutputBatch();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3000; i++) busy.message([Buffer.alloc(16)]);
      busy.take();
    }
    for (let i = 0; i < 3000; i++) busy.message([Buffer.alloc(16)]);
    const chunks = busy.take();
    expect(Math.max(...chunks.map((c) => c.buffer.byteLength))).toBe(64 * 1024);
  });

  it('a batch of small messages is one chunk (one write) even where it crosses into a fresh block', () => {
    const output = new OutputBatch();
    for (let batch = 0; batch < 200; batch++) {
      const messages = 1 + (batch % 60);
      for (let i = 0; i < messages; i++) output.message([Buffer.alloc(16, batch)]);
      const chunks = output.take();
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.length).toBe(messages * 18);
      expect(chunks[0]![17]).toBe(batch % 256);
    }
  });
});
