import type { StreamMark, StreamPlan } from './cataloger.js';

/** More occurrences of one mark than this keep nothing more (a file made of a mark's bytes). */
const MAX_MARK_HITS = 4096;
/**
 * Occurrences still waiting for their terminator at one time: each copies the bytes that pass,
 * so a file of unended marks must not multiply the work (a Go binary has two).
 */
const MAX_OPEN_CAPTURES = 8;

type Range = [start: number, end: number];

/** A mark's occurrence that keeps bytes until its terminator (or its limit) has passed. */
interface OpenCapture {
  readonly start: number;
  readonly limit: number;
  readonly until: Buffer;
  /** Where the bytes kept so far end. */
  seen: number;
}

/**
 * Adds [from, to) to sorted, disjoint ranges, merged with those it touches. Returns where it went
 * and how many bytes the ranges grew by.
 */
function mergeInto(ranges: Range[], from: number, to: number): { at: number; grew: number } {
  if (to <= from) return { at: ranges.length, grew: 0 };
  // The first range that ends at or after `from` (binary search: a file may hold many marks).
  let i = 0;
  for (let hi = ranges.length; i < hi;) {
    const mid = (i + hi) >>> 1;
    if ((ranges[mid]?.[1] ?? 0) < from) i = mid + 1;
    else hi = mid;
  }
  let j = i;
  let merged: Range = [from, to];
  let replaced = 0;
  while (j < ranges.length && (ranges[j]?.[0] ?? 0) <= to) {
    const [s, e] = ranges[j] ?? [0, 0];
    merged = [Math.min(merged[0], s), Math.max(merged[1], e)];
    replaced += e - s;
    j += 1;
  }
  ranges.splice(i, j - i, merged);
  return { at: i, grew: merged[1] - merged[0] - replaced };
}

/**
 * Keeps, of a file streamed past once, the parts that catalogers' plans ask for: the head, the
 * plans' ranges, and the bytes after every occurrence of a mark (an occurrence may straddle two
 * pieces). Everything is copied into a zero-filled buffer of the file's size, so a parser reads
 * the kept bytes at their own offsets; pages never written are never taken from the system.
 */
export class StreamCapture {
  readonly content: Buffer;
  /** Bytes copied into `content`. */
  kept = 0;
  /** What has been copied, as sorted disjoint [start, end) ranges. */
  private readonly counted: Range[] = [];
  /** Sorted, disjoint [start, end) ranges still to be kept; marks add more as they are met. */
  private readonly ranges: Range[] = [];
  /** Index of the first range that may still receive bytes. */
  private current = 0;
  private open: OpenCapture[] = [];
  private readonly marks: readonly StreamMark[];
  private readonly hits: number[];
  /** The last bytes seen (one shorter than the longest mark), for occurrences across pieces. */
  private carry = Buffer.alloc(0);
  private readonly carryLength: number;

  constructor(size: number, headLength: number, plans: readonly StreamPlan[]) {
    this.content = Buffer.alloc(size);
    this.add(0, headLength);
    for (const plan of plans) {
      for (const [offset, length] of plan.ranges) this.add(offset, offset + length);
    }
    this.marks = plans.flatMap((plan) => plan.marks ?? []).filter((mark) => mark.bytes.length > 0);
    this.hits = this.marks.map(() => 0);
    this.carryLength = Math.max(0, ...this.marks.map((mark) => mark.bytes.length - 1));
  }

  /** Takes the next piece of the file, which starts at `offset`. */
  take(piece: Buffer, offset: number): void {
    if (this.marks.length > 0) this.findMarks(piece, offset);
    const end = offset + piece.length;
    const ranges = this.ranges;
    while (this.current < ranges.length && (ranges[this.current]?.[1] ?? 0) <= offset)
      this.current += 1;
    for (let i = this.current; i < ranges.length; i += 1) {
      const [start, stop] = ranges[i] ?? [0, 0];
      if (start >= end) break;
      this.copy(piece, offset, start, stop);
    }
    if (this.open.length > 0) this.extendOpen(piece, offset);
  }

  /** Copies the part of [start, stop) that lies in the piece. */
  private copy(piece: Buffer, offset: number, start: number, stop: number): void {
    const from = Math.max(start, offset);
    const to = Math.min(stop, offset + piece.length, this.content.length);
    if (to <= from) return;
    piece.copy(this.content, from, from - offset, to - offset);
    this.record(from, to);
  }

  /** Counts [from, to) as kept, once however many plans asked for it. */
  private record(from: number, to: number): void {
    this.kept += mergeInto(this.counted, from, to).grew;
  }

  /** Adds [start, end) (clamped to the file) to the ranges still to be kept. */
  private add(start: number, end: number): void {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return;
    const { at } = mergeInto(this.ranges, Math.max(0, start), Math.min(this.content.length, end));
    if (at < this.current) this.current = at;
  }

  /** Keeps this piece's part of each open capture, up to its terminator or its limit. */
  private extendOpen(piece: Buffer, offset: number): void {
    this.open = this.open.filter((capture) => {
      const until = capture.until;
      const from = Math.max(capture.seen, offset) - offset;
      let stop = -1;
      if (capture.seen > capture.start && until.length > 1) {
        // A terminator begun in the bytes kept before this piece.
        const back = Math.max(capture.start, capture.seen - until.length + 1);
        const joint = Buffer.concat([
          this.content.subarray(back, capture.seen),
          piece.subarray(from, from + until.length - 1),
        ]);
        const at = joint.indexOf(until);
        if (at >= 0) stop = back + at + until.length;
      }
      if (stop < 0) {
        const at = piece.indexOf(until, from);
        if (at >= 0) stop = offset + at + until.length;
      }
      const to = Math.min(capture.limit, offset + piece.length, stop < 0 ? Infinity : stop);
      this.copy(piece, offset, capture.seen, to);
      capture.seen = Math.max(capture.seen, to);
      return stop < 0 && capture.seen < capture.limit;
    });
  }

  private findMarks(piece: Buffer, offset: number): void {
    const carryStart = offset - this.carry.length;
    this.marks.forEach((mark, index) => {
      const hit = (at: number): void => {
        if (this.hits[index] === MAX_MARK_HITS) return;
        this.hits[index] = (this.hits[index] ?? 0) + 1;
        const limit = Math.min(at + mark.keep, this.content.length);
        if (at < offset) {
          // Starts in the carry: those bytes have passed, so they are copied from it now.
          const upto = Math.min(offset, limit);
          this.carry.copy(this.content, at, at - carryStart, upto - carryStart);
          this.record(at, upto);
        }
        if (mark.until && mark.until.length > 0) {
          if (this.open.length === MAX_OPEN_CAPTURES) return;
          this.open.push({
            start: at,
            limit,
            until: mark.until,
            seen: Math.min(Math.max(at, offset), limit),
          });
        } else this.add(Math.max(at, offset), limit);
      };
      const length = mark.bytes.length;
      if (this.carry.length > 0 && length > 1) {
        // Only occurrences that run on into this piece: the rest were found in the last one.
        const joint = Buffer.concat([this.carry, piece.subarray(0, length - 1)]);
        const first = Math.max(0, this.carry.length - length + 1);
        for (let at = joint.indexOf(mark.bytes, first); at >= 0 && at < this.carry.length;) {
          hit(carryStart + at);
          at = joint.indexOf(mark.bytes, at + 1);
        }
      }
      for (let at = piece.indexOf(mark.bytes); at >= 0; at = piece.indexOf(mark.bytes, at + 1))
        hit(offset + at);
    });
    if (this.carryLength === 0) return;
    // A copy, so the carry never pins the stream's chunk.
    this.carry =
      piece.length >= this.carryLength
        ? Buffer.from(piece.subarray(piece.length - this.carryLength))
        : Buffer.concat([this.carry, piece]).subarray(-this.carryLength);
  }
}
