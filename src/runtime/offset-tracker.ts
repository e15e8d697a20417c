/**
 * Which offsets may be committed. Per partition, every taken record holds a `Ticket` in a queue kept
 * in offset order; the ticket's `pending` counts who still owes the record (the intake while it routes
 * it, each required sink it was routed to, the dead-letter writer). When the head ticket's count
 * reaches zero the head advances past every finished ticket: the commit point is then the last
 * finished offset + 1 (Kafka's "next offset to read"). Each ticket is pushed and popped once, so the
 * cost is O(1) amortised per record, however far behind one slow sink is.
 *
 * Offsets need not be contiguous (compaction, transaction markers): only the order matters.
 */
import { FatalError } from '../core/errors.ts';
import { partitionKey, type SourceMessage, type SourcePosition } from '../core/record.ts';

export class Ticket {
  /** The message as read: the dead-letter destination gets its original bytes. */
  readonly message: SourceMessage;
  readonly bytes: number;
  /** Null for a ticket that no partition waits on (e.g. dead letters of optional sinks). */
  readonly track: PartitionTrack | null;
  /** Owners that have not finished with the record yet; starts at 1 for whoever took it. */
  pending = 1;

  constructor(message: SourceMessage, bytes: number, track: PartitionTrack | null) {
    this.message = message;
    this.bytes = bytes;
    this.track = track;
  }
}

interface PartitionTrack {
  readonly topic: string;
  readonly partition: number;
  /** Tickets from `head` on are not finished-and-passed yet; earlier slots are garbage awaiting compaction. */
  queue: Ticket[];
  head: number;
  lastTaken: number;
  /** The offset to commit (last finished + 1), or -1 while nothing is finished. */
  commitPoint: number;
  /** The last offset handed to `source.commit`, or -1. */
  committed: number;
  idleWaiters: Array<() => void>;
  /** Set once the partition is forgotten: late releases of its tickets must not count again. */
  forgotten: boolean;
}

const COMPACT_AT = 1024;

export class OffsetTracker {
  readonly #tracks = new Map<string, PartitionTrack>();
  /** The same tracks by topic, then partition: found without building a key string per record. */
  readonly #byTopic = new Map<string, PartitionTrack[]>();
  readonly #onRelease: (bytes: number) => void;
  #open = 0;
  #allIdleWaiters: Array<() => void> = [];
  #last: PartitionTrack | undefined;

  /** `onRelease` is called with the bytes of the tickets that were passed by a commit point. */
  constructor(onRelease: (bytes: number) => void = () => {}) {
    this.#onRelease = onRelease;
  }

  /** Tickets taken and not yet passed by their partition's commit point. */
  get openTickets(): number {
    return this.#open;
  }

  /** Registers a record read from the source; messages of one partition must come in offset order. */
  take(message: SourceMessage, bytes: number): Ticket {
    const track = this.#track(message.topic, message.partition);
    if (message.offset <= track.lastTaken) {
      if (track.head < track.queue.length) {
        throw new FatalError(
          'DP_RUNTIME_OFFSET_ORDER',
          `${partitionKey(message)}: offset ${message.offset} delivered after ${track.lastTaken}; a source must deliver each partition in offset order`,
        );
      }
      // The partition was rewound (e.g. re-read after a reconnect) with nothing open: start over from
      // here. Commits stay monotonic because only points above `committed` are ever committed.
      track.commitPoint = -1;
    }
    track.lastTaken = message.offset;
    const ticket = new Ticket(message, bytes, track);
    track.queue.push(ticket);
    this.#open++;
    return ticket;
  }

  /** Another owner (a sink, the dead-letter writer) now owes the record. */
  hold(ticket: Ticket): void {
    ticket.pending++;
  }

  /** One owner has finished with the record (written, dead-lettered, or routed). */
  release(ticket: Ticket): void {
    if (--ticket.pending !== 0) return;
    const track = ticket.track;
    if (track === null || track.forgotten || track.queue[track.head] !== ticket) return;
    this.#advance(track);
  }

  #advance(track: PartitionTrack): void {
    const queue = track.queue;
    let head = track.head;
    let bytes = 0;
    let last = -1;
    while (head < queue.length) {
      const t = queue[head] as Ticket;
      if (t.pending !== 0) break;
      bytes += t.bytes;
      last = t.message.offset;
      head++;
    }
    const passed = head - track.head;
    track.commitPoint = last + 1;
    if (head === queue.length) {
      track.queue = [];
      track.head = 0;
    } else if (head >= COMPACT_AT && head * 2 >= queue.length) {
      track.queue = queue.slice(head);
      track.head = 0;
    } else {
      track.head = head;
    }
    this.#open -= passed;
    this.#onRelease(bytes);
    if (track.head === track.queue.length) this.#notifyIdle(track);
  }

  /** Partitions whose commit point moved past what was last committed. */
  committable(): SourcePosition[] {
    const out: SourcePosition[] = [];
    for (const t of this.#tracks.values()) {
      if (t.commitPoint > t.committed)
        out.push({ topic: t.topic, partition: t.partition, offset: t.commitPoint });
    }
    return out;
  }

  /** Records that `positions` were committed; commits only ever move forward. */
  markCommitted(positions: readonly SourcePosition[]): void {
    for (const p of positions) {
      const track = this.#tracks.get(partitionKey(p));
      if (track && p.offset > track.committed) track.committed = p.offset;
    }
  }

  /** The last committed offset of a partition, or undefined if none. */
  committedOffset(p: { topic: string; partition: number }): number | undefined {
    const c = this.#tracks.get(partitionKey(p))?.committed;
    return c === undefined || c < 0 ? undefined : c;
  }

  /** Resolves once every taken record of these partitions (all partitions if omitted) is finished. */
  whenIdle(partitions?: ReadonlyArray<{ topic: string; partition: number }>): Promise<void> {
    if (partitions === undefined) {
      if (this.#open === 0) return Promise.resolve();
      return new Promise((resolve) => this.#allIdleWaiters.push(resolve));
    }
    const waits: Promise<void>[] = [];
    for (const p of partitions) {
      const track = this.#tracks.get(partitionKey(p));
      if (track && track.head < track.queue.length) {
        waits.push(new Promise((resolve) => track.idleWaiters.push(resolve)));
      }
    }
    return Promise.all(waits).then(() => {});
  }

  /** Drops the state of partitions this consumer no longer owns (after a rebalance drained them). */
  forget(partitions: ReadonlyArray<{ topic: string; partition: number }>): void {
    for (const p of partitions) {
      const key = partitionKey(p);
      const track = this.#tracks.get(key);
      if (!track) continue;
      let bytes = 0;
      for (let i = track.head; i < track.queue.length; i++) bytes += (track.queue[i] as Ticket).bytes;
      this.#open -= track.queue.length - track.head;
      track.forgotten = true;
      track.queue = [];
      track.head = 0;
      this.#tracks.delete(key);
      const byPartition = this.#byTopic.get(track.topic);
      if (byPartition !== undefined) delete byPartition[track.partition];
      if (this.#last === track) this.#last = undefined;
      this.#onRelease(bytes);
      this.#notifyIdle(track);
    }
  }

  #notifyIdle(track: PartitionTrack): void {
    if (track.idleWaiters.length > 0) {
      const waiters = track.idleWaiters;
      track.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (this.#open === 0 && this.#allIdleWaiters.length > 0) {
      const waiters = this.#allIdleWaiters;
      this.#allIdleWaiters = [];
      for (const w of waiters) w();
    }
  }

  #track(topic: string, partition: number): PartitionTrack {
    // Deliveries usually hold runs of one partition: skip the lookups for those.
    const last = this.#last;
    if (last !== undefined && last.partition === partition && last.topic === topic) return last;
    let byPartition = this.#byTopic.get(topic);
    if (byPartition === undefined) {
      byPartition = [];
      this.#byTopic.set(topic, byPartition);
    }
    let track = byPartition[partition];
    if (track === undefined) {
      track = {
        topic,
        partition,
        queue: [],
        head: 0,
        lastTaken: -1,
        commitPoint: -1,
        committed: -1,
        idleWaiters: [],
        forgotten: false,
      };
      byPartition[partition] = track;
      this.#tracks.set(partitionKey(track), track);
    }
    this.#last = track;
    return track;
  }
}
