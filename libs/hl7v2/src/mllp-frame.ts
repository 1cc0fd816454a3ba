/*
 * MLLP release 2 framing (HL7 v2.x Transport Specification: MLLP, §2.1):
 *
 *   stream  := (noise | frame)*
 *   frame   := SB payload EB CR
 *   SB      := 0x0B   (vertical tab)
 *   EB      := 0x1C   (file separator)
 *   CR      := 0x0D
 *   payload := any bytes except SB and EB
 *
 * Bytes between frames (noise, keep-alive newlines) are skipped and counted. Because EB never
 * occurs in a payload, EB alone ends a frame: the CR after it is consumed when it comes (in the
 * same chunk or the next), and a sender that forgets it loses nothing. An SB inside a frame
 * means the sender gave up on the frame and started over: the partial frame is dropped (counted
 * as skipped) and the new one is read. A payload that grows past maxFrameBytes is discarded up
 * to its end block and reported once, so a runaway sender cannot grow memory beyond
 * maxFrameBytes and the connection stays usable.
 */

export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CR = 0x0d;

export type MllpEvent =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  | { readonly kind: 'oversized'; readonly bytes: number };

export interface MllpDecoderStats {
  /** Bytes seen outside any frame, or in frames abandoned by a new SB, and dropped. */
  readonly skippedBytes: number;
  readonly frames: number;
  readonly oversized: number;
  /** Payload bytes held for the frame in progress; never above maxFrameBytes. */
  readonly bufferedBytes: number;
}

export class MllpDecoder {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private discarding = false;
  private discardedBytes = 0;
  private skipped = 0;
  private frames = 0;
  private oversized = 0;
  /** The last frame ended with EB at a chunk's end: a CR at the next chunk's start is its tail. */
  private expectCr = false;

  constructor(options: { maxFrameBytes: number }) {
    if (!Number.isSafeInteger(options.maxFrameBytes) || options.maxFrameBytes < 1) {
      throw new RangeError('maxFrameBytes must be a positive integer');
    }
    this.maxFrameBytes = options.maxFrameBytes;
  }

  get stats(): MllpDecoderStats {
    return { skippedBytes: this.skipped, frames: this.frames, oversized: this.oversized, bufferedBytes: this.size };
  }

  /** True while a frame has started and not ended: the sender owes us more bytes. */
  get midFrame(): boolean {
    return this.inFrame;
  }

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    const n = chunk.length;
    let i = 0;
    if (this.expectCr && n > 0) {
      this.expectCr = false;
      if (chunk[0] === MLLP_CR) i = 1;
    }
    while (i < n) {
      if (!this.inFrame) {
        const start = chunk.indexOf(MLLP_START, i);
        if (start === -1) {
          this.skipped += n - i;
          break;
        }
        this.skipped += start - i;
        this.inFrame = true;
        i = start + 1;
        continue;
      }
      const end = chunk.indexOf(MLLP_END, i);
      const limit = end === -1 ? n : end;
      const restart = indexWithin(chunk, MLLP_START, i, limit);
      if (restart !== -1) {
        this.skipped += this.size + this.discardedBytes + (restart - i);
        this.resetFrame();
        this.inFrame = true;
        i = restart + 1;
        continue;
      }
      this.append(chunk.subarray(i, limit));
      if (end === -1) break;
      this.finishFrame(events);
      i = end + 1;
      if (i === n) this.expectCr = true;
      else if (chunk[i] === MLLP_CR) i++;
    }
    return events;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.discardedBytes += part.length;
      return;
    }
    if (this.size + part.length > this.maxFrameBytes) {
      this.discarding = true;
      this.discardedBytes = this.size + part.length;
      this.chunks = [];
      this.size = 0;
      return;
    }
    // Copy: the socket may reuse its buffer after the data event returns.
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
  }

  private finishFrame(events: MllpEvent[]): void {
    if (this.discarding) {
      this.oversized++;
      events.push({ kind: 'oversized', bytes: this.discardedBytes });
    } else {
      this.frames++;
      events.push({ kind: 'frame', payload: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size) });
    }
    this.resetFrame();
  }

  private resetFrame(): void {
    this.chunks = [];
    this.size = 0;
    this.inFrame = false;
    this.discarding = false;
    this.discardedBytes = 0;
  }
}

/** indexOf bounded to [from, to), without scanning the rest of the chunk. */
function indexWithin(buf: Buffer, byte: number, from: number, to: number): number {
  if (to - from < 64) {
    for (let k = from; k < to; k++) if (buf[k] === byte) return k;
    return -1;
  }
  const k = buf.indexOf(byte, from);
  return k !== -1 && k < to ? k : -1;
}

export function encodeMllpFrame(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = MLLP_START;
  body.copy(out, 1);
  out[body.length + 1] = MLLP_END;
  out[body.length + 2] = MLLP_CR;
  return out;
}
