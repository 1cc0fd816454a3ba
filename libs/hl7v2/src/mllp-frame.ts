/*
 * MLLP release 2 framing (HL7 v2.x Transport Specification: MLLP, §2.1):
 *
 *   frame   := SB payload EB CR
 *   SB      := 0x0B   (vertical tab)
 *   EB      := 0x1C   (file separator)
 *   CR      := 0x0D
 *   payload := any bytes except SB and EB
 *
 * Bytes between frames (noise, keep-alive newlines) are skipped and counted. A payload that
 * grows past maxFrameBytes is discarded up to its end block and reported once, so a runaway
 * sender cannot grow memory without bound and the connection stays usable.
 */

export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CR = 0x0d;

export type MllpEvent =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  | { readonly kind: 'oversized'; readonly bytes: number };

export interface MllpDecoderStats {
  /** Bytes seen outside any frame and dropped. */
  readonly skippedBytes: number;
  readonly frames: number;
  readonly oversized: number;
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
  /** An EB seen at the end of a chunk whose CR has not arrived yet. */
  private pendingEnd = false;

  constructor(options: { maxFrameBytes: number }) {
    this.maxFrameBytes = options.maxFrameBytes;
  }

  get stats(): MllpDecoderStats {
    return { skippedBytes: this.skipped, frames: this.frames, oversized: this.oversized };
  }

  /** True while a frame has started and not ended: the sender owes us more bytes. */
  get midFrame(): boolean {
    return this.inFrame;
  }

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.pendingEnd) {
        this.pendingEnd = false;
        if (chunk[i] === MLLP_CR) {
          i++;
          this.finishFrame(events);
          continue;
        }
        // EB not followed by CR: the EB was payload after all (tolerated, as senders differ).
        this.append(Buffer.of(MLLP_END));
      }
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
      const restart = chunk.indexOf(MLLP_START, i);
      if (restart !== -1 && (end === -1 || restart < end)) {
        // A new start block inside a frame: the previous frame was truncated; drop it and resync.
        this.skipped += this.size + (restart - i);
        this.resetFrame();
        this.inFrame = true;
        i = restart + 1;
        continue;
      }
      if (end === -1) {
        this.append(chunk.subarray(i));
        break;
      }
      this.append(chunk.subarray(i, end));
      if (end + 1 >= n) {
        this.pendingEnd = true;
        i = n;
        break;
      }
      if (chunk[end + 1] === MLLP_CR) {
        i = end + 2;
        this.finishFrame(events);
      } else {
        this.append(chunk.subarray(end, end + 1));
        i = end + 1;
      }
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

export function encodeMllpFrame(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = MLLP_START;
  body.copy(out, 1);
  out[body.length + 1] = MLLP_END;
  out[body.length + 2] = MLLP_CR;
  return out;
}
